import { runSubgraph } from '@railgraph/service-kit';
import { usersEnvSchema } from './env.js';
import { startUsers } from './service.js';

runSubgraph('users', usersEnvSchema, startUsers);
