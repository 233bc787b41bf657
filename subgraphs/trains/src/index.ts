import { runSubgraph } from '@railgraph/service-kit';
import { trainsEnvSchema } from './env.js';
import { startTrains } from './service.js';

runSubgraph('trains', trainsEnvSchema, startTrains);
