import { runSubgraph } from '@railgraph/service-kit';
import { pricesEnvSchema } from './env.js';
import { startPrices } from './service.js';

runSubgraph('prices', pricesEnvSchema, startPrices);
