import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client';
import pg from 'pg';
import { connectionUrl, readConnection } from './embedded/connection.js';
import { postgresSql, type SqlClient } from './sql.js';
import { migrate, type MigrationResult } from './migrate.js';

export interface DatabaseSettings {
  /** A PostgreSQL URL; when absent, the `embedded` database. */
  url?: string | undefined;
  /**
   * The embedded default: the database `name` on the embedded PostgreSQL server of the data
   * folder `dataDir` (the one `npm start` runs, found through `<dataDir>/postgres/connection.json`).
   */
  embedded?: { dataDir: string; name: string };
  /** Largest pool size. */
  poolSize?: number;
  /** Told when the server closes an idle pooled connection (the pool recovers by itself). */
  onIdleError?: (error: Error) => void;
}

/** One service's database: a Prisma driver adapter and a raw SQL client over one pool. */
export interface ServiceDatabase {
  adapter: SqlDriverAdapterFactory;
  sql: SqlClient;
  migrate(migrationsDir: string): Promise<MigrationResult>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Neither a URL nor an embedded server to find the database on. */
export class DatabaseNotConfigured extends Error {
  override name = 'DatabaseNotConfigured';
}

/** The URL `settings` point at: the one given, or the embedded server's database. */
export async function databaseUrlOf(settings: DatabaseSettings): Promise<string> {
  if (settings.url) return settings.url;
  if (!settings.embedded) throw new DatabaseNotConfigured('no database URL given');
  const { dataDir, name } = settings.embedded;
  const connection = await readConnection(path.join(dataDir, 'postgres'));
  if (!connection) {
    throw new DatabaseNotConfigured(
      `no ${name.toUpperCase()}_DATABASE_URL and no embedded PostgreSQL server has run on ${dataDir}: ` +
        'start the system with `npm start` (it runs the embedded server), or set the URL',
    );
  }
  return connectionUrl(connection, name);
}

/**
 * What every service's connections start with (`options`, before any the URL gives, which win):
 *
 * - `jit=off`. PostgreSQL compiles a statement with LLVM once the planner's estimate of its cost
 *   passes `jit_above_cost`, which the estimate of a batched read (a claim's worth of bookings
 *   with their relations) does or does not pass depending on the statistics of the moment.
 *   Measured in the booking bench on PostgreSQL 15: in runs where tickets' mail read was
 *   compiled, each execution took ~90 ms, ~80 of them compiling, against ~12 ms otherwise, and
 *   the whole run sold ~15 % less. These services run short statements only, where compiling
 *   never pays back.
 */
export const SESSION_SETTINGS = '-c jit=off';

/**
 * Every service's Prisma interactive transactions: one waits for a pool connection, and runs,
 * up to 8 s (a subgraph's budget for a whole operation, design §11), not Prisma's 2 s and 5 s.
 * Statements wait their turn on a busy pool for as long as it takes; a transaction that gave
 * up after 2 s failed an operation that had time left (P2028, found at a rush on a saturated
 * machine).
 */
export const TRANSACTION_OPTIONS = { maxWait: 8_000, timeout: 8_000 } as const;

/** `url` with SESSION_SETTINGS in its `options` parameter, ahead of the options it gives. */
export function withSessionSettings(url: string): string {
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options');
  parsed.searchParams.set('options', given ? `${SESSION_SETTINGS} ${given}` : SESSION_SETTINGS);
  return parsed.toString();
}

export async function openDatabase(settings: DatabaseSettings): Promise<ServiceDatabase> {
  const pool = new pg.Pool({
    connectionString: withSessionSettings(await databaseUrlOf(settings)),
    max: settings.poolSize ?? 10,
  });
  // An idle connection the server ends (restart, failover) is dropped from the pool and
  // replaced on next use; without a listener it would crash the process.
  pool.on('error', (error) => settings.onIdleError?.(error));
  const sql = postgresSql(pool);
  return {
    adapter: new PrismaPg(pool),
    sql,
    migrate: (dir) => migrate(sql, dir),
    ping: async () => {
      await sql.query('SELECT 1');
    },
    close: () => sql.close(),
  };
}
