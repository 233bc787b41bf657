// The one place the benchmarks read the environment.

/** REDIS_URL as set, if it is: the booking benchmark hands it to the system, and runs the Redis engine only then. */
export const redisUrlIfSet = (): string | undefined => process.env['REDIS_URL'] || undefined;

/** REDIS_URL: the Redis the inventory benchmarks use. */
export const redisUrl = (): string => redisUrlIfSet() ?? 'redis://127.0.0.1:6379';

/**
 * Whether TICKETS_DATABASE_URL is set: a system a benchmark starts keeps tickets on that
 * PostgreSQL then, else on the embedded PostgreSQL server the launcher runs.
 */
export const ticketsDatabaseUrlSet = (): boolean => Boolean(process.env['TICKETS_DATABASE_URL']);

/** TICKETS_DATABASE_URL as set, if it is. */
export const ticketsDatabaseUrlIfSet = (): string | undefined => process.env['TICKETS_DATABASE_URL'] || undefined;

/** TEST_POSTGRES_URL: a PostgreSQL database to connect to, to create and drop the benchmarks' own databases. */
export const postgresAdminUrl = (): string =>
  process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The environment of a process a benchmark starts: this one's, with `overrides`. */
export const childEnv = (overrides: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, ...overrides });
