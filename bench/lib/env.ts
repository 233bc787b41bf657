// The one place the benchmarks read the environment.

/** REDIS_URL: the Redis the inventory benchmarks use. */
export const redisUrl = (): string => process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** TEST_POSTGRES_URL: a PostgreSQL database to connect to, to create and drop the benchmarks' own databases. */
export const postgresAdminUrl = (): string =>
  process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The environment of a process a benchmark starts: this one's, with `overrides`. */
export const childEnv = (overrides: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, ...overrides });
