import type { CryptoKey } from 'jose';
import type { DatabaseUnderTest } from '@railgraph/database/testing';
import type { PrismaClient } from '../src/__generated__/prisma/client.js';
import type { Bookings } from '../src/booking/bookings.js';
import { forSuite, migratedDatabase, recordingInventory, testBookings, type MigratedDatabase } from './fixtures.js';

/**
 * Shared set-up of the cancellation suites (cancellation.test.ts and the
 * ticket-cancellation-*.test.ts files): bookings cancelled straight on a database, with
 * inventory recording the releases and a clock the suite moves.
 */
export interface CancellationSuite {
  database: MigratedDatabase;
  prisma: PrismaClient;
  /** Records the releases of whole holds and of single seats. */
  inventory: ReturnType<typeof recordingInventory>;
  bookings: Bookings;
  /** The key the bookings module signs ticket codes with, for codes a test makes itself. */
  signingKey: { kid: string; privateKey: CryptoKey };
  /** The ids of a booking's tickets, in passenger order. */
  ticketIdsOf(bookingId: string): Promise<string[]>;
}

/** A migrated database of the suite's kind, and the bookings module over it on the suite's clock. */
export async function openCancellationSuite(target: DatabaseUnderTest, clock: () => Date): Promise<CancellationSuite> {
  const database = await migratedDatabase(target);
  const prisma = database.prisma;
  const inventory = recordingInventory();
  const { bookings, signingKey } = await testBookings(prisma, inventory, { clock });
  const ticketIdsOf = async (bookingId: string) =>
    (await prisma.ticket.findMany({ where: { bookingId }, orderBy: { position: 'asc' } })).map((t) => t.id);
  return { database, prisma, inventory, bookings, signingKey, ticketIdsOf };
}

/** `openCancellationSuite` for the suite's tests: opened before them and closed after them (see `forSuite`). */
export const cancellationSuite = (target: DatabaseUnderTest, clock: () => Date): CancellationSuite =>
  forSuite(
    () => openCancellationSuite(target, clock),
    (suite) => suite.database.close(),
  );

/**
 * Runs `work` with first class on refund tiers of its own in the rule table (100 % from 48 h
 * before departure, 0 % from 1 h before), and takes them out again afterwards.
 */
export async function withFirstClassTiers(prisma: PrismaClient, work: () => Promise<void>): Promise<void> {
  await prisma.refundRule.createMany({
    data: [
      { seatClass: 'FIRST', minutesBeforeDeparture: 2880, refundPercent: 100 },
      { seatClass: 'FIRST', minutesBeforeDeparture: 60, refundPercent: 0 },
    ],
  });
  try {
    await work();
  } finally {
    await prisma.refundRule.deleteMany({ where: { seatClass: 'FIRST' } });
  }
}
