import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type DatabaseSettings } from '@railgraph/database';
import { describeEachDatabase } from '@railgraph/database/testing';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import { loadSigningKeys } from '@railgraph/signing-keys';
import { createLocalQuoteVerifier } from '@railgraph/quotes';
import { DEFAULT_FARE_RULES } from '../src/fares/default-rules.js';
import { fareForJourney, type FareRules } from '../src/fares/fare.js';
import { cachedFareRules, loadFareRules, publishFareRules } from '../src/fares/rules.js';
import { seedFareRules } from '../src/fares/seed.js';
import { createFareOffers, type PricedJourney } from '../src/quotes/offers.js';
import { readPricesEnv } from '../src/env.js';
import { startPrices } from '../src/service.js';

const migrationsDir = fileURLToPath(new URL('../../../prisma/prices/migrations', import.meta.url));

/** Migrates and seeds twice (as two starts would), then checks what is stored. */
async function migrateAndSeed(settings: DatabaseSettings) {
  const db = await openDatabase(settings);
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    const first = await db.migrate(migrationsDir);
    const second = await db.migrate(migrationsDir);
    const migrations = ['20261125000000_init', '20261125120000_demand_bands_and_passenger_ages'];
    expect(first.applied).toEqual(migrations);
    expect(second).toEqual({ applied: [], alreadyApplied: migrations });

    const [a, b] = await Promise.all([seedFareRules(prisma), seedFareRules(prisma)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await seedFareRules(prisma)).toBe(false);

    const stored = await loadFareRules(prisma);
    expect(stored).toHaveLength(1);
    const [rules] = stored;
    expect(rules?.validFrom).toBe('2026-01-01');
    expect(rules?.validTo).toBeNull();
    expect({ ...rules, validFrom: undefined, validTo: undefined, bands: undefined, demandBands: undefined }).toEqual({
      ...DEFAULT_FARE_RULES,
      validFrom: undefined,
      validTo: undefined,
      bands: undefined,
      demandBands: undefined,
    });
    expect([...(rules?.demandBands ?? [])].sort((x, y) => x.fromLoadBasisPoints - y.fromLoadBasisPoints)).toEqual(
      DEFAULT_FARE_RULES.demandBands,
    );
    const byKey = (x: { seatClass: string; fromKm: number }) => `${x.seatClass}:${x.fromKm}`;
    expect([...(rules?.bands ?? [])].sort((x, y) => byKey(x).localeCompare(byKey(y)))).toEqual(
      [...DEFAULT_FARE_RULES.bands].sort((x, y) => byKey(x).localeCompare(byKey(y))),
    );
    const source = cachedFareRules(prisma);
    expect((await source.rulesFor('2026-01-01'))?.version).toBe(1);
    expect((await source.rulesFor('2030-06-30'))?.version).toBe(1);
    expect(await source.rulesFor('2025-12-31')).toBeNull();
  } finally {
    await prisma.$disconnect();
    await db.close();
  }
}

/**
 * A database migrated and seeded before demand pricing and passenger ages (only the first
 * migration, the first seed's rows) keeps its fares after the second migration: one neutral
 * demand band, and the seeded categories' ages.
 */
async function upgradeKeepsFares(settings: DatabaseSettings) {
  const firstOnly = await mkdtemp(path.join(tmpdir(), 'prices-migrations-'));
  const db = await openDatabase(settings);
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    await cp(path.join(migrationsDir, '20261125000000_init'), path.join(firstOnly, '20261125000000_init'), {
      recursive: true,
    });
    await db.migrate(firstOnly);
    await db.sql.exec(`
      INSERT INTO "FareRuleSet" ("id", "version", "validFrom", "currency", "minimumFareMinor", "roundingUnitMinor")
        VALUES (1, 1, '2026-11-25 00:00:00', 'EUR', 250, 10);
      INSERT INTO "DistanceBand" ("ruleSetId", "seatClass", "fromKm", "toKm", "ratePerKmMilliMinor") VALUES
        (1, 'STANDARD', 0, 100, 18000), (1, 'STANDARD', 100, 300, 12000), (1, 'STANDARD', 300, NULL, 8000),
        (1, 'FIRST', 0, 100, 28800), (1, 'FIRST', 100, 300, 19200), (1, 'FIRST', 300, NULL, 12800);
      INSERT INTO "PassengerReduction" ("ruleSetId", "passengerType", "percent") VALUES
        (1, 'ADULT', 0), (1, 'CHILD', 50), (1, 'YOUTH', 25), (1, 'SENIOR', 30);
    `);
    expect((await db.migrate(migrationsDir)).applied).toEqual(['20261125120000_demand_bands_and_passenger_ages']);
    const [rules] = await loadFareRules(prisma);
    expect(rules).toMatchObject({
      version: 1,
      validFrom: '2026-11-25',
      demandBands: [{ fromLoadBasisPoints: 0, multiplierBasisPoints: 10_000 }],
      passengerCategories: DEFAULT_FARE_RULES.passengerCategories,
    });
    const full = fareForJourney(rules!, {
      distanceKm: 200,
      seatClass: 'STANDARD',
      passengers: [{ type: 'ADULT' }, { type: 'CHILD' }],
      loadFactor: 0.95,
    });
    expect(full.passengers.map((p) => p.amountMinor)).toEqual([3000, 1500]);
  } finally {
    await prisma.$disconnect();
    await db.close();
    await rm(firstOnly, { recursive: true, force: true });
  }
}

/** Dearer rules: every rate a tenth up. */
const ruleSetTwo: FareRules = {
  ...DEFAULT_FARE_RULES,
  version: 2,
  bands: DEFAULT_FARE_RULES.bands.map((band) => ({
    ...band,
    ratePerKmMilliMinor: (band.ratePerKmMilliMinor * 11) / 10,
  })),
};

const journeyOn = (serviceDate: string): PricedJourney => ({
  runId: `IC501:${serviceDate}`,
  fromStop: 0,
  toStop: 3,
  serviceDate,
  distanceKm: 200,
  availability: [{ seatClass: 'STANDARD', seatsLeft: 50, loadFactor: 0 }],
});

/**
 * A new version valid from 2027-01-01 prices journeys from that date on, leaves earlier
 * dates and quotes already given as they were, and cannot replace a stored version.
 */
async function tariffChange(settings: DatabaseSettings) {
  const db = await openDatabase(settings);
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    await db.migrate(migrationsDir);
    await seedFareRules(prisma);
    const keys = await loadSigningKeys(db.sql);
    const now = new Date('2026-12-01T08:00:00Z');
    const offers = createFareOffers({
      rules: cachedFareRules(prisma, 0),
      signingKey: keys.current,
      quoteTtlMs: 15 * 60_000,
      clock: () => now,
    });
    const verifier = createLocalQuoteVerifier(keys.jwks, { clock: () => now });
    const adult = [{ type: 'ADULT' as const }];
    const totalOn = async (date: string) => (await offers.offersFor(journeyOn(date), adult))[0]?.total.amountMinor;

    const [before] = await offers.offersFor(journeyOn('2027-01-05'), adult);
    expect(before?.total.amountMinor).toBe(3000);

    await publishFareRules(prisma, ruleSetTwo, { validFrom: '2027-01-01' });
    expect(await totalOn('2026-12-31')).toBe(3000);
    expect(await totalOn('2027-01-01')).toBe(3300);
    const [after] = await offers.offersFor(journeyOn('2027-01-05'), adult);
    expect(after?.total.amountMinor).toBe(3300);
    expect((await verifier.verify(after?.quoteToken ?? '', { passengers: ['ADULT'] })).ruleVersion).toBe(2);

    // The quote given before the change still stands at its price and names version 1.
    const kept = await verifier.verify(before?.quoteToken ?? '', { passengers: ['ADULT'] });
    expect(kept).toMatchObject({ ruleVersion: 1, total: { amountMinor: 3000, currency: 'EUR' } });

    // Versions are only added: storing version 2 again fails and leaves it unchanged.
    await expect(
      publishFareRules(prisma, { ...ruleSetTwo, minimumFareMinor: 0 }, { validFrom: '2026-01-01' }),
    ).rejects.toThrow();
    expect((await loadFareRules(prisma)).map((r) => [r.version, r.validFrom, r.minimumFareMinor]).sort()).toEqual([
      [1, '2026-01-01', 250],
      [2, '2027-01-01', 250],
    ]);

    // A closed period: version 3 for January 2028 only.
    await publishFareRules(
      prisma,
      { ...ruleSetTwo, version: 3, minimumFareMinor: 5000 },
      {
        validFrom: '2028-01-01',
        validTo: '2028-02-01',
      },
    );
    expect(await totalOn('2028-01-31')).toBe(5000);
    expect(await totalOn('2028-02-01')).toBe(3300);
  } finally {
    await prisma.$disconnect();
    await db.close();
  }
}

const departingAt = (at: string) => ({ at: new Date(at), timeZone: 'Europe/Amsterdam' });

/**
 * A trip over midnight into a tariff change: each leg priced by its own service date's rules
 * and the passenger paying their sum; legs whose rules differ in currency get no offer, with a warning.
 */
async function tripAcrossTariffs(settings: DatabaseSettings) {
  const db = await openDatabase(settings);
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    await db.migrate(migrationsDir);
    await seedFareRules(prisma);
    await publishFareRules(prisma, ruleSetTwo, { validFrom: '2027-01-01' });
    await publishFareRules(prisma, { ...DEFAULT_FARE_RULES, version: 3, currency: 'GBP' }, { validFrom: '2028-01-01' });
    const keys = await loadSigningKeys(db.sql);
    const now = new Date('2026-12-01T08:00:00Z');
    const offers = createFareOffers({
      rules: cachedFareRules(prisma, 0),
      signingKey: keys.current,
      quoteTtlMs: 15 * 60_000,
      clock: () => now,
    });
    const warnings: unknown[] = [];
    const log = { warn: (...args: unknown[]) => void warnings.push(args) };
    const adult = [{ type: 'ADULT' as const }];
    const leg = (serviceDate: string, at: string): PricedJourney => ({
      ...journeyOn(serviceDate),
      departure: departingAt(at),
    });

    const [offer, ...more] = await offers.offersForTrip(
      [leg('2026-12-31', '2026-12-31T22:00:00Z'), leg('2027-01-01', '2027-01-01T01:00:00Z')],
      adult,
      log,
    );
    expect(more).toEqual([]);
    expect(offer?.total).toEqual({ amountMinor: 3000 + 3300, currency: 'EUR' });
    const claims = await createLocalQuoteVerifier(keys.jwks, { clock: () => now }).verify(offer?.quoteToken ?? '', {
      passengers: ['ADULT'],
    });
    expect(claims.ruleVersion).toBe(1);
    expect(claims.legs?.map((l) => l.breakdown)).toEqual([[3000], [3300]]);

    const mixed = await offers.offersForTrip(
      [leg('2027-12-31', '2027-12-31T22:00:00Z'), leg('2028-01-01', '2028-01-01T01:00:00Z')],
      adult,
      log,
    );
    expect(mixed).toEqual([]);
    expect(JSON.stringify(warnings)).toContain('different currencies');
    expect(JSON.stringify(warnings)).toContain('GBP');
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
  const first = await startPrices({ env });
  const kidsBefore = await jwksKids(first.url);
  await first.stop();
  const second = await startPrices({ env });
  try {
    expect(kidsBefore).toHaveLength(1);
    expect(await jwksKids(second.url)).toEqual(kidsBefore);
  } finally {
    await second.stop();
  }
}

await describeEachDatabase('prices database', (database) => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'prices-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrates and seeds once, also when two starts seed at the same time', async () => {
    await migrateAndSeed(await database.settings());
  });

  it("prices travel from a new version's first date by it, leaving earlier dates and given quotes alone", async () => {
    await tariffChange(await database.settings());
  });

  it("prices each leg of a trip by its own date's rules, and gives no fares when their currencies differ", async () => {
    await tripAcrossTariffs(await database.settings());
  });

  it('keeps the fares of a database seeded before demand pricing when migrating it', async () => {
    await upgradeKeepsFares(await database.settings());
  });

  // Once is enough: it is about the service's cache, not the server.
  if (database.kind === 'embedded') {
    it('keeps pricing with the rules last read when a refresh fails, and fails only a first read', async () => {
      const db = await database.open();
      const prisma = new PrismaClient({ adapter: db.adapter });
      try {
        await db.migrate(migrationsDir);
        await seedFareRules(prisma);
        const source = cachedFareRules(prisma, 0);
        expect((await source.rulesFor('2026-12-01'))?.version).toBe(1);
        await db.sql.exec('ALTER TABLE "FareRuleSet" RENAME TO "FareRuleSetGone"');
        expect((await source.rulesFor('2026-12-01'))?.version).toBe(1);
        await expect(cachedFareRules(prisma, 0).rulesFor('2026-12-01')).rejects.toThrow();
        await db.sql.exec('ALTER TABLE "FareRuleSetGone" RENAME TO "FareRuleSet"');
        await publishFareRules(prisma, ruleSetTwo, { validFrom: '2026-06-01' });
        expect((await source.rulesFor('2026-12-01'))?.version).toBe(2);
      } finally {
        await prisma.$disconnect();
        await db.close();
      }
    });
  }

  it('keeps its quote signing key across restarts', async () => {
    // Kept in the service's database, not in the data folder.
    const store = { DATA_DIR: dataDir, ...(await database.serviceEnv('prices')) };
    await keyKeptAcrossRestarts(readPricesEnv({ PRICES_PORT: '0', LOG_LEVEL: 'silent', ...store }));
  });
});
