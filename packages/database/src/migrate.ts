import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SqlClient } from './sql.js';

/** The table Prisma Migrate keeps its history in, created exactly as Prisma creates it. */
const historyTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration?: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Reads `migrations/<timestamp>_<name>/migration.sql` in name order, as Prisma does. */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies each pending migration in its own transaction and records it in
 * `_prisma_migrations` the way `prisma migrate deploy` does, so either tool sees the same
 * history. An applied migration whose file changed since is refused, as Prisma refuses it.
 * Concurrent runners are serialised by an advisory lock.
 */
export async function migrate(client: SqlClient, migrationsDir: string): Promise<MigrationResult> {
  const migrations = await readMigrations(migrationsDir);
  // The advisory lock is held by a session: lock, migrate and unlock on the same connection.
  return client.session((sql) => migrateOn(sql, migrations));
}

async function migrateOn(sql: SqlClient, migrations: MigrationFile[]): Promise<MigrationResult> {
  // The lock key Prisma Migrate itself uses, so the two never run at once either.
  await sql.query('SELECT pg_advisory_lock(72707369)');
  try {
    await sql.exec(historyTable);
    const rows = await sql.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const done = new Map<string, string>();
    for (const row of rows) {
      if (row.rolled_back_at) continue;
      if (!row.finished_at) {
        throw new MigrationError(
          `migration ${row.migration_name} started but did not finish; resolve it before migrating`,
          row.migration_name,
        );
      }
      done.set(row.migration_name, row.checksum);
    }
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const recorded = done.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          throw new MigrationError(`migration ${migration.name} was modified after it was applied`, migration.name);
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await sql.transaction(async (tx) => {
        const id = randomUUID();
        await tx.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
          [id, migration.checksum, migration.name],
        );
        try {
          await tx.exec(migration.sql);
        } catch (error) {
          throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`, migration.name);
        }
        await tx.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
          id,
        ]);
      });
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await sql.query('SELECT pg_advisory_unlock(72707369)');
  }
}
