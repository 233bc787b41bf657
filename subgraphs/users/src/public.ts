// `@railgraph/users/service`: start the users subgraph in process and read its settings, for callers outside the service (benchmarks).
export { readUsersEnv, type UsersEnv } from './env.js';
export { startUsers, type RunningUsers, type UsersOverrides } from './service.js';
