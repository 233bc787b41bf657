import { loadEnv, onShutdown, runMain, serviceBasics } from '@railgraph/service-kit';
import { trainsEnvSchema } from './env.js';
import { startTrains } from './service.js';

const env = loadEnv('trains', trainsEnvSchema);
const basics = serviceBasics('trains', env);

runMain(basics.log, async () => {
  const trains = await startTrains(env, basics);
  onShutdown(basics.log, [trains.stop]);
});
