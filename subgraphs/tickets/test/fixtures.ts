import { fileURLToPath } from 'node:url';
import { importJWK, type CryptoKey } from 'jose';
import { openDatabase, type ServiceDatabase } from '@railgraph/database';
import { createTestDatabase, postgresForTests } from '@railgraph/database/testing';
import { createLocalQuoteVerifier, type QuoteClaims, type QuoteVerifier } from '@railgraph/quotes';
import { createLogger } from '@railgraph/service-kit';
import { generateSigningKey } from '@railgraph/signing-keys';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import { Bookings } from '../src/booking/bookings.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import { OutboxRelay } from '../src/booking/outbox.js';

/** Shared set-up of the tickets tests that work on the database below the GraphQL layer. */
export const migrationsDir = fileURLToPath(new URL('../../../prisma/tickets/migrations', import.meta.url));
export const testLog = createLogger('tickets-test', 'silent');

/** Inventory as the saga sees it: records the releases it is asked for. */
export function recordingInventory(): InventoryClient & { released: string[] } {
  const released: string[] = [];
  return {
    released,
    hold: async () => [],
    confirm: async () => undefined,
    release: async (holdId) => {
      released.push(holdId);
    },
  };
}

/** The contract error code a promise fails with, or 'no error'. */
export const codeOf = (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => 'no error',
    (error: { extensions?: { code?: string } }) => error.extensions?.code,
  );

/** A verified quote for tests that leave signatures out: one first-class adult unless told otherwise. */
export function testQuote(overrides: Partial<QuoteClaims> = {}): QuoteClaims {
  return {
    quoteId: 'quote-1',
    journey: { runId: 'EC117:2026-12-01', fromStop: 0, toStop: 4 },
    seatClass: 'FIRST',
    passengers: [{ type: 'ADULT' }],
    total: { amountMinor: 4_200, currency: 'GBP' },
    breakdown: [4_200],
    ruleVersion: 1,
    expiresAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}

/** A quote verifier that takes any token for `quote`. */
export const acceptingQuotes = (quote: QuoteClaims): QuoteVerifier => ({ verify: async () => quote });

export interface TestBookings {
  bookings: Bookings;
  relay: OutboxRelay;
  signingKey: { kid: string; privateKey: CryptoKey };
}

/**
 * The bookings module over a database, with a fresh ticket-signing key, its own relay, and
 * the given clock and quote verifier (by default one that accepts no token).
 */
export async function testBookings(
  prisma: PrismaClient,
  inventory: InventoryClient,
  { clock, quotes }: { clock?: () => Date; quotes?: QuoteVerifier } = {},
): Promise<TestBookings> {
  const key = await generateSigningKey();
  const signingKey = { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'ES256')) as CryptoKey };
  const relay = new OutboxRelay(prisma, inventory, testLog, 1_000);
  const bookings = new Bookings({
    prisma,
    inventory,
    quotes: quotes ?? createLocalQuoteVerifier({ keys: [] }),
    relay,
    signingKey,
    jwks: { keys: [key.publicJwk] },
    holdTtlSeconds: 120,
    log: testLog,
    ...(clock ? { clock } : {}),
  });
  return { bookings, relay, signingKey };
}

export interface MigratedDatabase {
  db: ServiceDatabase;
  prisma: PrismaClient;
  close(): Promise<void>;
}

type Opener = () => Promise<MigratedDatabase>;

async function migrated(db: ServiceDatabase, drop?: () => Promise<void>): Promise<MigratedDatabase> {
  await db.migrate(migrationsDir);
  const prisma = new PrismaClient({ adapter: db.adapter });
  return {
    db,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await db.close();
      await drop?.();
    },
  };
}

/**
 * Runs `suite` on embedded PGlite and, when the server answers (or must: REQUIRE_REAL_STORES),
 * on a fresh real PostgreSQL database dropped afterwards.
 */
export async function onBothDatabases(label: string, suite: (name: string, open: Opener) => void): Promise<void> {
  suite('PGlite', async () => migrated(await openDatabase({ dataDir: 'memory://' })));
  if (await postgresForTests()) {
    suite('PostgreSQL', async () => {
      const testDb = await createTestDatabase(label);
      return migrated(await openDatabase({ url: testDb.url, dataDir: 'memory://' }), () => testDb.drop());
    });
  }
}
