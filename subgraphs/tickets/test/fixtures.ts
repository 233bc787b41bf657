import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { importJWK, type CryptoKey } from 'jose';
import { afterAll, beforeAll } from 'vitest';
import { bindRawSql, TRANSACTION_OPTIONS, type ServiceDatabase } from '@railgraph/database';
import type { DatabaseUnderTest } from '@railgraph/database/testing';
import { createLocalQuoteVerifier, type QuoteClaims, type QuoteVerifier } from '@railgraph/quotes';
import { createLogger } from '@railgraph/service-kit';
import { generateSigningKey } from '@railgraph/signing-keys';
import { PrismaClient, type BookingStatus, type Prisma } from '../src/__generated__/prisma/client.js';
import { Bookings } from '../src/booking/bookings.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import type { BookingRush } from '../src/booking/model.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { OutboxRelay } from '../src/booking/outbox.js';
import { createSandboxProvider, type SandboxProvider } from '../src/payments/sandbox.js';

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

/** The contract error code a promise fails with, 'no error', or `no code: <stack>` for an error without one (a defect). */
export const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'no error',
    (error: { extensions?: { code?: string }; message?: string; stack?: string }) =>
      error.extensions?.code ?? `no code: ${error.stack ?? error.message ?? String(error)}`,
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

/**
 * A clock ten days before the test quote's train (EC117 on 1 December 2026) and moving with
 * real time, so bookings on it stay cancellable whatever day the suite runs.
 */
const shiftToBeforeDeparture = Date.parse('2026-11-21T08:00:00Z') - Date.now();
export const beforeDeparture = (): Date => new Date(Date.now() + shiftToBeforeDeparture);

/** A quote verifier that takes any token for `quote`. */
export const acceptingQuotes = (quote: QuoteClaims): QuoteVerifier => ({ verify: async () => quote });

export interface TestBookings {
  bookings: Bookings;
  relay: OutboxRelay;
  /** The embedded sandbox provider, over the same database. */
  payments: SandboxProvider;
  signingKey: { kid: string; privateKey: CryptoKey };
}

/**
 * The bookings module over a database, with a fresh ticket-signing key, its own relay, and
 * the given clock and quote verifier (by default one that accepts no token).
 */
export async function testBookings(
  prisma: PrismaClient,
  inventory: InventoryClient,
  {
    clock,
    quotes,
    rush,
    cancelledRuns,
  }: {
    clock?: () => Date;
    quotes?: QuoteVerifier;
    rush?: BookingRush;
    cancelledRuns?: { has(runId: string): boolean };
  } = {},
): Promise<TestBookings> {
  const key = await generateSigningKey();
  const signingKey = { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'ES256')) as CryptoKey };
  const payments = createSandboxProvider(prisma);
  const relay = new OutboxRelay(prisma, inventory, testLog, 1_000, payments);
  const bookings = new Bookings({
    prisma,
    inventory,
    quotes: quotes ?? createLocalQuoteVerifier({ keys: [] }),
    relay,
    payments,
    signingKey,
    jwks: { keys: [key.publicJwk] },
    holdTtlSeconds: 120,
    log: testLog,
    ...(clock ? { clock } : {}),
    ...(rush ? { rush } : {}),
    ...(cancelledRuns ? { cancelledRuns } : {}),
  });
  return { bookings, relay, payments, signingKey };
}

export interface MigratedDatabase {
  db: ServiceDatabase;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/**
 * A new tickets database on one of `describeEachDatabase`'s databases, migrated, with a Prisma
 * client over it; `close()` closes both (the suite drops a PostgreSQL database afterwards).
 */
export async function migratedDatabase(database: DatabaseUnderTest): Promise<MigratedDatabase> {
  const db = await database.open();
  await db.migrate(migrationsDir);
  const prisma = bindRawSql(new PrismaClient({ adapter: db.adapter, transactionOptions: TRANSACTION_OPTIONS }), db.sql);
  return {
    db,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

/**
 * What `open` makes, made before the suite's tests and closed by `close` after them. Call it
 * while the suite is collected; the object it returns is filled in by the suite's `beforeAll`,
 * so read its fields in hooks and tests.
 */
export function forSuite<T extends object>(open: () => Promise<T>, close: (opened: T) => Promise<void>): T {
  const fixture = {} as T;
  let opened = false;
  beforeAll(async () => {
    Object.assign(fixture, await open());
    opened = true;
  });
  afterAll(async () => {
    if (opened) await close(fixture);
  });
  return fixture;
}

/** `migratedDatabase` for the suite's tests: made before them and closed after them (see `forSuite`). */
export const suiteDatabase = (database: DatabaseUnderTest): MigratedDatabase =>
  forSuite(
    () => migratedDatabase(database),
    (opened) => opened.close(),
  );

/** The traveller the database-level tests book for. */
export const travellerOwner: BookingOwner = { kind: 'TRAVELLER', id: 'traveller-1' };

/** The columns a booking row gets from `bookingRow` itself: the rest are the caller's. */
type OwnColumns = 'id' | 'ownerKind' | 'ownerId' | 'idempotencyKey' | 'requestHash' | 'status' | 'holdId';

/**
 * A booking row as a test writes it straight to the database: `owner`'s, under its own id,
 * idempotency key and hold id; `columns` are its journey, class and price and anything more.
 */
export function bookingRow(
  id: string,
  owner: BookingOwner,
  status: BookingStatus,
  columns: Omit<Prisma.BookingCreateInput, OwnColumns>,
): Prisma.BookingCreateInput {
  return {
    id,
    ownerKind: owner.kind,
    ownerId: owner.id,
    idempotencyKey: `key-${id}`,
    requestHash: 'hash',
    status,
    holdId: id,
    ...columns,
  };
}

/**
 * `bookingRow` for the test quote's journey, class and price (`testQuote()`: EC117 on
 * 1 December 2026, stops 0 to 4, first class, £42); `columns` add to them or replace them.
 */
export function testQuoteBookingRow(
  id: string,
  owner: BookingOwner,
  status: BookingStatus,
  columns: Partial<Omit<Prisma.BookingCreateInput, OwnColumns>> = {},
): Prisma.BookingCreateInput {
  const { quoteId, journey, seatClass, total } = testQuote();
  return bookingRow(id, owner, status, {
    quoteId,
    runId: journey.runId,
    fromStop: journey.fromStop,
    toStop: journey.toStop,
    seatClass,
    totalMinor: total.amountMinor,
    currency: total.currency,
    ...columns,
  });
}

export interface ConfirmedBookingOptions {
  seatClass?: string;
  /** Null for a booking made before quotes bound the departure. */
  departure?: Date | null;
  timeZone?: string;
  runId?: string;
  owner?: BookingOwner;
}

/**
 * A confirmed booking written straight to the database, one ticket per fare (seats 1-1A,
 * 1-2A, ...), by default for the traveller above, leaving Amsterdam at 10:00 CEST on
 * 29 March 2026 (the day the clocks go forward).
 */
export async function confirmedBooking(
  prisma: PrismaClient,
  fares: number[],
  opts: ConfirmedBookingOptions = {},
): Promise<string> {
  const id = randomUUID();
  await prisma.booking.create({
    data: bookingRow(id, opts.owner ?? travellerOwner, 'CONFIRMED', {
      quoteId: 'quote',
      runId: opts.runId ?? 'IC501:2026-03-29',
      fromStop: 0,
      toStop: 2,
      seatClass: opts.seatClass ?? 'STANDARD',
      totalMinor: fares.reduce((a, b) => a + b, 0),
      currency: 'EUR',
      departure: opts.departure === undefined ? new Date('2026-03-29T08:00:00Z') : opts.departure,
      departureTimeZone: opts.departure === null ? null : (opts.timeZone ?? 'Europe/Amsterdam'),
      tickets: {
        create: fares.map((fareMinor, i) => ({
          id: randomUUID(),
          position: i,
          passengerType: 'ADULT',
          coach: 1,
          seatLabel: `${i + 1}A`,
          fareMinor,
          currency: 'EUR',
          code: 'code',
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        })),
      },
    }),
  });
  return id;
}
