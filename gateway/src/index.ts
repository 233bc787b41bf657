import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createMetrics, loadEnv, onShutdown, runMain } from '@railgraph/service-kit';
import { gatewayEnvSchema } from './env.js';
import { startGateway } from './gateway.js';

const env = loadEnv('gateway', gatewayEnvSchema);
const log = createLogger('gateway', env.logLevel);

runMain(log, async () => {
  const supergraphFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'supergraph.graphql');
  const gateway = await startGateway({ env, log, metrics: createMetrics('gateway'), supergraphFile });
  onShutdown(log, [gateway.stop]);
});
