// vitest globalSetup (see vitest.config.ts): one embedded PostgreSQL server for the whole run,
// on which the suites make their databases.
export { setupSharedTestPostgres as default } from '../src/embedded-testing.js';
