import { loadEnv, onShutdown, runMain, serviceBasics } from '@railgraph/service-kit';
import { usersEnvSchema } from './env.js';
import { startUsers } from './service.js';

const env = loadEnv('users', usersEnvSchema);
const basics = serviceBasics('users', env);

runMain(basics.log, async () => {
  const service = await startUsers(env, basics);
  onShutdown(basics.log, [service.stop]);
});
