import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client';
import pg from 'pg';
import { pgliteSql, postgresSql, type SqlClient } from './sql.js';
import { migrate, type MigrationResult } from './migrate.js';

export interface DatabaseSettings {
  /** A PostgreSQL URL; when absent the service uses embedded PGlite under `dataDir`. */
  url?: string | undefined;
  /** Where the embedded database keeps its files, e.g. `.data/trains`; `memory://` for none. */
  dataDir: string;
  /** Largest pool size on PostgreSQL. */
  poolSize?: number;
  /** Told when the server closes an idle pooled connection (the pool recovers by itself). */
  onIdleError?: (error: Error) => void;
}

/** One service's database: a Prisma driver adapter and a raw SQL client over one connection source. */
export interface ServiceDatabase {
  kind: 'pglite' | 'postgres';
  adapter: SqlDriverAdapterFactory;
  sql: SqlClient;
  migrate(migrationsDir: string): Promise<MigrationResult>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(settings: DatabaseSettings): Promise<ServiceDatabase> {
  if (settings.url) {
    const pool = new pg.Pool({ connectionString: settings.url, max: settings.poolSize ?? 10 });
    // An idle connection the server ends (restart, failover) is dropped from the pool and
    // replaced on next use; without a listener it would crash the process.
    pool.on('error', (error) => settings.onIdleError?.(error));
    const sql = postgresSql(pool);
    return wrap('postgres', new PrismaPg(pool), sql);
  }
  if (!settings.dataDir.startsWith('memory://')) await mkdir(settings.dataDir, { recursive: true });
  const db = await PGlite.create(settings.dataDir);
  return wrap('pglite', new PrismaPGlite(db), pgliteSql(db));
}

function wrap(kind: ServiceDatabase['kind'], adapter: SqlDriverAdapterFactory, sql: SqlClient): ServiceDatabase {
  return {
    kind,
    adapter,
    sql,
    migrate: (dir) => migrate(sql, dir),
    ping: async () => {
      await sql.query('SELECT 1');
    },
    close: () => sql.close(),
  };
}
