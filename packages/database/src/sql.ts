import type pg from 'pg';

/** The small SQL surface the migration runner, readiness checks and raw statements need. */
export interface SqlClient {
  query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** A named statement: parsed and planned once per connection, then only bound and run. */
  named<R extends Record<string, unknown>>(name: string, sql: string, params: unknown[]): Promise<R[]>;
  /** Runs a multi-statement script (a migration file). */
  exec(script: string): Promise<void>;
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Runs `work` on one connection throughout (for session-level advisory locks). */
  session<T>(work: (session: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function postgresSql(pool: pg.Pool): SqlClient {
  const inTransactionOn = (client: pg.PoolClient): SqlClient => ({
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await client.query<R>(sql, params)).rows,
    named: async <R extends Record<string, unknown>>(name: string, text: string, values: unknown[]) =>
      (await client.query<R>({ name, text, values })).rows,
    exec: async (script) => {
      await client.query(script);
    },
    // Nested work joins the open transaction.
    transaction: (work) => work(inTransactionOn(client)),
    session: (work) => work(inTransactionOn(client)),
    close: async () => undefined,
  });
  const transactionOn = async <T>(client: pg.PoolClient, work: (tx: SqlClient) => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      const result = await work(inTransactionOn(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
  /** One connection held for a series of statements (session-level locks, settings). */
  const sessionOn = (client: pg.PoolClient): SqlClient => ({
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await client.query<R>(sql, params)).rows,
    named: async <R extends Record<string, unknown>>(name: string, text: string, values: unknown[]) =>
      (await client.query<R>({ name, text, values })).rows,
    exec: async (script) => {
      await client.query(script);
    },
    transaction: (work) => transactionOn(client, work),
    session: (work) => work(sessionOn(client)),
    close: async () => undefined,
  });
  const withClient = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };
  return {
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await pool.query<R>(sql, params)).rows,
    named: async <R extends Record<string, unknown>>(name: string, text: string, values: unknown[]) =>
      (await pool.query<R>({ name, text, values })).rows,
    exec: async (script) => {
      await pool.query(script);
    },
    transaction: (work) => withClient((client) => transactionOn(client, work)),
    session: (work) => withClient((client) => work(sessionOn(client))),
    close: () => pool.end(),
  };
}
