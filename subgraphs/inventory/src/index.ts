import { loadEnv, onShutdown, runMain, serviceBasics } from '@railgraph/service-kit';
import { inventoryEnvSchema } from './env.js';
import { startInventory } from './service.js';

const env = loadEnv('inventory', inventoryEnvSchema);
const basics = serviceBasics('inventory', env);

runMain(basics.log, async () => {
  const service = await startInventory(env, basics);
  onShutdown(basics.log, [service.stop]);
});
