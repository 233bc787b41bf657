import { loadEnv, onShutdown, runMain, serviceBasics } from '@railgraph/service-kit';
import { pricesEnvSchema } from './env.js';
import { startPrices } from './service.js';

const env = loadEnv('prices', pricesEnvSchema);
const basics = serviceBasics('prices', env);

runMain(basics.log, async () => {
  const service = await startPrices(env, basics);
  onShutdown(basics.log, [service.stop]);
});
