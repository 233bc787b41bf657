import { runSubgraph } from '@railgraph/service-kit';
import { inventoryEnvSchema } from './env.js';
import { startInventory } from './service.js';

runSubgraph('inventory', inventoryEnvSchema, startInventory);
