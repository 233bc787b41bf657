import { runSubgraph } from '@railgraph/service-kit';
import { ticketsEnvSchema } from './env.js';
import { startTickets } from './service.js';

runSubgraph('tickets', ticketsEnvSchema, startTickets);
