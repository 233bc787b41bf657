/** What `npm run load` reads from the environment: the stores' defaults and what Locust inherits. */
export interface LoadEnv {
  postgresUrl: string;
  redisUrl: string;
}

export const readLoadEnv = (source: Record<string, string | undefined> = process.env): LoadEnv => ({
  postgresUrl: source['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: source['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
});

/** Locust's environment: this process's, plus where the run's files go and whether it is a smoke. */
export const locustEnvironment = (out: string, smoke: boolean): NodeJS.ProcessEnv => ({
  ...process.env,
  RAILGRAPH_LOAD_OUT: out,
  RAILGRAPH_LOAD_SMOKE: smoke ? '1' : '0',
});

/** A child process's environment (`npm run fuzz`'s clients:create): this process's, plus `extra`. */
export const childEnvironment = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, ...extra });
