import { loadEnv, onShutdown, runMain, serviceBasics } from '@railgraph/service-kit';
import { ticketsEnvSchema } from './env.js';
import { startTickets } from './service.js';

const env = loadEnv('tickets', ticketsEnvSchema);
const basics = serviceBasics('tickets', env);

runMain(basics.log, async () => {
  const tickets = await startTickets(env, basics);
  onShutdown(basics.log, [tickets.stop]);
});
