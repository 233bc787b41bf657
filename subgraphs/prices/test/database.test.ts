import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseSettings } from '@railgraph/database';
import { createTestDatabase, postgresForTests, type TestDatabase } from '@railgraph/database/testing';
import { serviceBasics } from '@railgraph/service-kit';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import { DEFAULT_FARE_RULES } from '../src/fares/default-rules.js';
import { cachedFareRules, loadFareRules } from '../src/fares/rules.js';
import { seedFareRules } from '../src/fares/seed.js';
import { readPricesEnv } from '../src/env.js';
import { startPrices } from '../src/service.js';

const migrationsDir = fileURLToPath(new URL('../../../prisma/prices/migrations', import.meta.url));
const pgAvailable = await postgresForTests();

/** Migrates and seeds twice (as two starts would), then checks what is stored. */
async function migrateAndSeed(settings: DatabaseSettings) {
  const db = await openDatabase(settings);
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    const first = await db.migrate(migrationsDir);
    const second = await db.migrate(migrationsDir);
    expect(first.applied).toEqual(['20261125000000_init']);
    expect(second).toEqual({ applied: [], alreadyApplied: ['20261125000000_init'] });

    const seedDay = new Date('2026-11-25T15:30:00Z');
    const [a, b] = await Promise.all([seedFareRules(prisma, seedDay), seedFareRules(prisma, seedDay)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await seedFareRules(prisma, seedDay)).toBe(false);

    const stored = await loadFareRules(prisma);
    expect(stored).toHaveLength(1);
    const [rules] = stored;
    expect(rules?.validFrom.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(rules?.validTo).toBeNull();
    expect({ ...rules, validFrom: undefined, validTo: undefined, bands: undefined }).toEqual({
      ...DEFAULT_FARE_RULES,
      validFrom: undefined,
      validTo: undefined,
      bands: undefined,
    });
    const byKey = (x: { seatClass: string; fromKm: number }) => `${x.seatClass}:${x.fromKm}`;
    expect([...(rules?.bands ?? [])].sort((x, y) => byKey(x).localeCompare(byKey(y)))).toEqual(
      [...DEFAULT_FARE_RULES.bands].sort((x, y) => byKey(x).localeCompare(byKey(y))),
    );
    const source = cachedFareRules(prisma);
    expect((await source.rulesAt(new Date('2026-11-25T00:00:00Z'))).version).toBe(1);
    await expect(source.rulesAt(new Date('2026-11-24T23:59:59Z'))).rejects.toThrow(/no fare rule set/);
  } finally {
    await prisma.$disconnect();
    await db.close();
  }
}

async function jwksKids(url: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  return body.keys.map((k) => k.kid);
}

/** Starts the service twice on one database: the second start reuses the stored key. */
async function keyKeptAcrossRestarts(env: ReturnType<typeof readPricesEnv>) {
  const first = await startPrices(env, serviceBasics('prices', env));
  const kidsBefore = await jwksKids(first.url);
  await first.stop();
  const second = await startPrices(env, serviceBasics('prices', env));
  try {
    expect(kidsBefore).toHaveLength(1);
    expect(await jwksKids(second.url)).toEqual(kidsBefore);
  } finally {
    await second.stop();
  }
}

describe('prices database on embedded PGlite', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'prices-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrates and seeds once', async () => {
    await migrateAndSeed({ dataDir: 'memory://' });
  });

  it('keeps its quote signing key across restarts', async () => {
    await keyKeptAcrossRestarts(readPricesEnv({ PRICES_PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir }));
  });
});

describe.runIf(pgAvailable)('prices database on PostgreSQL', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase('prices');
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it('migrates and seeds once, also when two starts seed at the same time', async () => {
    await migrateAndSeed({ url: testDb.url, dataDir: 'unused' });
  });

  it('keeps its quote signing key across restarts', async () => {
    await keyKeptAcrossRestarts(
      readPricesEnv({ PRICES_PORT: '0', LOG_LEVEL: 'silent', PRICES_DATABASE_URL: testDb.url }),
    );
  });
});
