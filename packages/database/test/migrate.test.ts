import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type DatabaseSettings, type ServiceDatabase } from '../src/index.js';
import { describeEachDatabase } from '../src/testing.js';

async function migrationsFolder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rg-migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const first =
  '-- CreateTable\nCREATE TABLE "Station" ("code" TEXT NOT NULL, CONSTRAINT "Station_pkey" PRIMARY KEY ("code"));\n';
const second =
  'ALTER TABLE "Station" ADD COLUMN "name" TEXT;\nINSERT INTO "Station" ("code", "name") VALUES (\'AMS\', \'Amsterdam\');\n';

await describeEachDatabase('migration runner', (database) => {
  let settings: DatabaseSettings;
  let db: ServiceDatabase;
  let dir: string;
  beforeAll(async () => {
    settings = await database.settings();
    db = await openDatabase(settings);
    dir = await migrationsFolder({ '20261101000000_init': first, '20261102000000_station_name': second });
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies pending migrations in order and records them as Prisma does', async () => {
    const result = await db.migrate(dir);
    expect(result.applied).toEqual(['20261101000000_init', '20261102000000_station_name']);
    const rows = await db.sql.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(['20261101000000_init', '20261102000000_station_name']);
    expect(rows[0]?.checksum).toBe(createHash('sha256').update(first).digest('hex'));
    expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
    expect(await db.sql.query('SELECT code, name FROM "Station"')).toEqual([{ code: 'AMS', name: 'Amsterdam' }]);
  });

  it('does nothing the second time', async () => {
    const result = await db.migrate(dir);
    expect(result).toEqual({ applied: [], alreadyApplied: ['20261101000000_init', '20261102000000_station_name'] });
  });

  it('refuses a migration edited after it was applied', async () => {
    await writeFile(path.join(dir, '20261101000000_init', 'migration.sql'), `${first}-- edited\n`);
    await expect(db.migrate(dir)).rejects.toThrow(/modified after it was applied/);
    await writeFile(path.join(dir, '20261101000000_init', 'migration.sql'), first);
  });

  it('rolls back a failing migration completely and records nothing', async () => {
    await mkdir(path.join(dir, '20261103000000_broken'));
    await writeFile(
      path.join(dir, '20261103000000_broken', 'migration.sql'),
      'CREATE TABLE "Half" ("id" TEXT);\nSELECT * FROM "does_not_exist";\n',
    );
    await expect(db.migrate(dir)).rejects.toThrow(/20261103000000_broken failed/);
    const half = await db.sql.query('SELECT to_regclass(\'"Half"\') AS t');
    expect(half[0]?.['t']).toBeNull();
    const recorded = await db.sql.query('SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1', [
      '20261103000000_broken',
    ]);
    expect(recorded).toHaveLength(0);
    await rm(path.join(dir, '20261103000000_broken'), { recursive: true });
  });

  it('releases its lock on the connection that took it, so concurrent starts all migrate', async () => {
    const dir = await migrationsFolder({ '20261101000000_init': first, '20261102000000_station_name': second });
    const instances = await Promise.all([0, 1, 2].map(() => openDatabase({ url: settings.url, poolSize: 4 })));
    try {
      // Three instances starting at once, each twice: none may wait on a lock left behind.
      for (let round = 0; round < 2; round += 1) await Promise.all(instances.map((db) => db.migrate(dir)));
      // Only this database's locks: other suites migrate their own databases on the same server.
      const held = await instances[0]!.sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
      expect(held[0]?.n).toBe(0);
    } finally {
      await Promise.all(instances.map((db) => db.close()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
