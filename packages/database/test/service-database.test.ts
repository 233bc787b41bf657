import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseUrlOf, openDatabase, openServiceDatabase, type DatabaseSettings } from '../src/index.js';
import { describeEachDatabase } from '../src/testing.js';

/** Stands in for a generated PrismaClient: remembers its adapter and whether it was disconnected. */
class FakePrismaClient {
  disconnected = false;
  constructor(readonly options: { adapter: SqlDriverAdapterFactory }) {}
  async $disconnect(): Promise<void> {
    this.disconnected = true;
  }
}

/** What a subgraph's setup hands the helper: a log that records, and closers closed last first. */
function serviceScope() {
  const lines: Array<{ fields: { applied: string[] }; message: string }> = [];
  const closers: Array<() => Promise<void>> = [];
  return {
    lines,
    closers,
    log: { info: (fields: { applied: string[] }, message: string) => void lines.push({ fields, message }) },
    onClose: (close: () => Promise<void>) => void closers.push(close),
  };
}

await describeEachDatabase('a service database', (database) => {
  let settings: DatabaseSettings;
  let dirs: string[] = [];
  let migrationsDir: string;
  beforeAll(async () => {
    migrationsDir = await mkdtemp(path.join(os.tmpdir(), 'rg-service-migrations-'));
    await mkdir(path.join(migrationsDir, '20261101000000_init'));
    await writeFile(
      path.join(migrationsDir, '20261101000000_init', 'migration.sql'),
      'CREATE TABLE "Thing" ("id" INT);',
    );
    dirs.push(migrationsDir);
    settings = await database.settings();
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    dirs = [];
  });

  it('opens and migrates the database, logs what it applied and makes the client over its adapter', async () => {
    const scope = serviceScope();
    const { db, prisma } = await openServiceDatabase(FakePrismaClient, settings, { migrationsDir, ...scope });
    try {
      expect(prisma).toBeInstanceOf(FakePrismaClient);
      expect(prisma.options.adapter).toBe(db.adapter);
      expect(await db.sql.query('SELECT count(*)::int AS n FROM "Thing"')).toEqual([{ n: 0 }]);
      expect(scope.lines).toEqual([{ fields: { applied: ['20261101000000_init'] }, message: 'migrations applied' }]);
      expect(scope.closers).toHaveLength(2);
    } finally {
      for (const close of scope.closers.reverse()) await close();
    }
  });

  it('closes the client first, then the database', async () => {
    const scope = serviceScope();
    const { db, prisma } = await openServiceDatabase(FakePrismaClient, settings, { migrationsDir, ...scope });
    const [closeDatabase, closeClient] = scope.closers;
    await closeClient!();
    expect(prisma.disconnected).toBe(true);
    await db.ping();
    await closeDatabase!();
    await expect(db.ping()).rejects.toThrow();
  });

  it('logs the migrations applied under the message given, and nothing when none was pending', async () => {
    await mkdir(path.join(migrationsDir, '20261102000000_more'));
    await writeFile(
      path.join(migrationsDir, '20261102000000_more', 'migration.sql'),
      'ALTER TABLE "Thing" ADD "name" TEXT;',
    );
    const opens: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const scope = serviceScope();
      await openServiceDatabase(FakePrismaClient, settings, {
        migrationsDir,
        migratedMessage: 'migrated the things database',
        ...scope,
      });
      for (const close of scope.closers.reverse()) await close();
      opens.push(scope.lines);
    }
    expect(opens).toEqual([
      [{ fields: { applied: ['20261102000000_more'] }, message: 'migrated the things database' }],
      [],
    ]);
  });

  it('starts every connection with JIT off, and keeps the options the URL gives (which win)', async () => {
    const plain = await openDatabase(settings);
    try {
      expect(await plain.sql.query('SHOW jit')).toEqual([{ jit: 'off' }]);
    } finally {
      await plain.close();
    }
    const url = new URL(await databaseUrlOf(settings));
    url.searchParams.set('options', '-c statement_timeout=1234 -c jit=on');
    const given = await openDatabase({ url: url.toString() });
    try {
      expect(await given.sql.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '1234ms' }]);
      expect(await given.sql.query('SHOW jit')).toEqual([{ jit: 'on' }]);
    } finally {
      await given.close();
    }
  });
});
