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

export async function openDatabase(settings: DatabaseSettings): Promise<ServiceDatabase> {
  const pool = new pg.Pool({ connectionString: await databaseUrlOf(settings), max: settings.poolSize ?? 10 });
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
