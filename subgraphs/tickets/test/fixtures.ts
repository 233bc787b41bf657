import { fileURLToPath } from 'node:url';
import { importJWK, type CryptoKey } from 'jose';
import { openDatabase, type ServiceDatabase } from '@railgraph/database';
import { createTestDatabase, postgresForTests } from '@railgraph/database/testing';
import { createLocalQuoteVerifier } from '@railgraph/quotes';
import { createLogger } from '@railgraph/service-kit';
import { generateSigningKey } from '@railgraph/signing-keys';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import { Bookings } from '../src/booking/bookings.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import { OutboxRelay } from '../src/booking/outbox.js';

/** Shared set-up of the tickets tests that work on the database below the GraphQL layer. */
export const migrationsDir = fileURLToPath(new URL('../../../prisma/tickets/migrations', import.meta.url));
export const testLog = createLogger('tickets-test', 'silent');

/**
 * Inventory as the saga sees it: records the releases it is asked for, whole holds in
 * `released` and single seats in `releasedSeats` (`<holdId> <coach>-<label>`).
 */
export function recordingInventory(): InventoryClient & { released: string[]; releasedSeats: string[] } {
  const released: string[] = [];
  const releasedSeats: string[] = [];
  return {
    released,
    releasedSeats,
    hold: async () => [],
    confirm: async () => undefined,
    release: async (holdId) => {
      released.push(holdId);
    },
    releaseSeats: async (holdId, seats) => {
      releasedSeats.push(...seats.map((seat) => `${holdId} ${seat}`));
    },
  };
}

/** The contract error code a promise fails with, or 'no error'. */
export const codeOf = (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => 'no error',
    (error: { extensions?: { code?: string } }) => error.extensions?.code,
  );

export interface TestBookings {
  bookings: Bookings;
  signingKey: { kid: string; privateKey: CryptoKey };
}

/** The bookings module over a database, with a fresh ticket-signing key and the given clock. */
export async function testBookings(
  prisma: PrismaClient,
  inventory: InventoryClient,
  clock?: () => Date,
): Promise<TestBookings> {
  const key = await generateSigningKey();
  const signingKey = { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'ES256')) as CryptoKey };
  const bookings = new Bookings({
    prisma,
    inventory,
    quotes: createLocalQuoteVerifier({ keys: [] }),
    relay: new OutboxRelay(prisma, inventory, testLog, 1_000),
    signingKey,
    jwks: { keys: [key.publicJwk] },
    holdTtlSeconds: 120,
    log: testLog,
    ...(clock ? { clock } : {}),
  });
  return { bookings, signingKey };
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
