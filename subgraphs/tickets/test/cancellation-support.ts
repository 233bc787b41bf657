import type { CryptoKey } from 'jose';
import type { DatabaseUnderTest } from '@railgraph/database/testing';
import type { PrismaClient } from '../src/__generated__/prisma/client.js';
import type { Bookings } from '../src/booking/bookings.js';
import { migratedDatabase, recordingInventory, testBookings, type MigratedDatabase } from './fixtures.js';

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
}

/** A migrated database of the suite's kind, and the bookings module over it on the suite's clock. */
export async function openCancellationSuite(target: DatabaseUnderTest, clock: () => Date): Promise<CancellationSuite> {
  const database = await migratedDatabase(target);
  const prisma = database.prisma;
  const inventory = recordingInventory();
  const { bookings, signingKey } = await testBookings(prisma, inventory, { clock });
  return { database, prisma, inventory, bookings, signingKey };
}

/** The ids of a booking's tickets, in passenger order. */
export const bookingTicketIds = async (prisma: PrismaClient, bookingId: string) =>
  (await prisma.ticket.findMany({ where: { bookingId }, orderBy: { createdAt: 'asc' } })).map((t) => t.id);
