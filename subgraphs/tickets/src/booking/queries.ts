import { badInput } from '@railgraph/service-kit';
import type { Prisma, PrismaClient } from '../__generated__/prisma/client.js';
import type { BookingStatus } from '../__generated__/prisma/enums.js';
import { MAX_BOOKINGS_PAGE, type BookingWithPayment, type BookingWithTickets } from './model.js';
import { sameOwner, type BookingOwner } from './owner.js';

/** Reading bookings: one of an owner's, many by id, an owner's pages, and one just written. */

/**
 * A booking's tickets as they are listed everywhere: in travel order (by leg of the trip), then
 * as the passengers were booked. Tickets share their creation time, so it cannot order them.
 */
export const ticketsInOrder = {
  orderBy: [{ tripLeg: 'asc' }, { position: 'asc' }, { id: 'asc' }],
} satisfies Prisma.Booking$ticketsArgs;

/** Whether `id` is a UUID, as every booking's and ticket's is: anything else is no such thing (never a database error). */
export const isUuid = (id: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** A booking if the owner made it; null otherwise, so others cannot learn it exists. */
export async function bookingForOwner(
  prisma: PrismaClient,
  owner: BookingOwner,
  bookingId: string,
): Promise<BookingWithTickets | null> {
  if (!isUuid(bookingId)) return null;
  const booking = await prisma.booking.findUnique({
    where: { id: bookingId },
    include: { tickets: ticketsInOrder },
  });
  return booking && sameOwner(owner, booking) ? booking : null;
}

export async function bookingsById(prisma: PrismaClient, ids: readonly string[]): Promise<BookingWithTickets[]> {
  return prisma.booking.findMany({ where: { id: { in: [...ids] } }, include: { tickets: ticketsInOrder } });
}

/**
 * The owner's bookings, newest first, `first` at a time (at most MAX_BOOKINGS_PAGE): only
 * those in `status` when it is given, else every one but failed attempts. `after` is the id
 * of the last booking of the previous page: the page continues strictly after it in
 * (createdAt, id) order, so bookings made meanwhile neither repeat nor shift the next page,
 * and a cursor booking whose status changed meanwhile still marks the same place.
 */
export async function bookingsOfOwner(
  prisma: PrismaClient,
  owner: BookingOwner,
  first: number,
  after?: string | null,
  status?: BookingStatus | null,
): Promise<BookingWithTickets[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_BOOKINGS_PAGE) {
    throw badInput(`first must be between 1 and ${MAX_BOOKINGS_PAGE}`);
  }
  let continuing: Prisma.BookingWhereInput = {};
  if (after) {
    const cursor = await bookingForOwner(prisma, owner, after);
    if (!cursor) throw badInput('after must be the id of one of your bookings');
    continuing = {
      OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
    };
  }
  return prisma.booking.findMany({
    where: { ownerKind: owner.kind, ownerId: owner.id, status: status ?? { notIn: ['FAILED'] }, ...continuing },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: first,
    include: { tickets: ticketsInOrder },
  });
}

/**
 * The owner's booking under an idempotency key, with its tickets and payment (a replay answers
 * a decline with its code), or null when the key was never claimed.
 */
export function bookingByKey(
  prisma: PrismaClient,
  owner: BookingOwner,
  idempotencyKey: string,
): Promise<BookingWithPayment | null> {
  return prisma.booking.findUnique({
    where: { ownerKind_ownerId_idempotencyKey: { ownerKind: owner.kind, ownerId: owner.id, idempotencyKey } },
    include: { tickets: ticketsInOrder, payment: true },
  });
}

/** A booking that must exist (one this process just wrote), with its tickets in passenger order. */
export async function loadBooking(prisma: PrismaClient, bookingId: string): Promise<BookingWithTickets> {
  const booking = await prisma.booking.findUnique({
    where: { id: bookingId },
    include: { tickets: ticketsInOrder },
  });
  if (!booking) throw new Error(`booking ${bookingId} vanished`);
  return booking;
}
