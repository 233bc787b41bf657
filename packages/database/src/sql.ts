import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/** The small SQL surface the migration runner and readiness checks need, over either store. */
export interface SqlClient {
  readonly kind: 'pglite' | 'postgres';
  query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs a multi-statement script (a migration file). */
  exec(script: string): Promise<void>;
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function pgliteSql(db: PGlite): SqlClient {
  const over = (q: Pick<PGlite, 'query' | 'exec'>): SqlClient => ({
    kind: 'pglite',
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await q.query<R>(sql, params)).rows,
    exec: async (script) => {
      await q.exec(script);
    },
    transaction: (work) => db.transaction((tx) => work(over(tx))),
    close: () => db.close(),
  });
  return over(db);
}

export function postgresSql(pool: pg.Pool): SqlClient {
  const over = (q: pg.Pool | pg.PoolClient, inTransaction: boolean): SqlClient => ({
    kind: 'postgres',
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await q.query<R>(sql, params)).rows,
    exec: async (script) => {
      await q.query(script);
    },
    transaction: async (work) => {
      if (inTransaction) return work(over(q, true));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(over(client, true));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  });
  return over(pool, false);
}
