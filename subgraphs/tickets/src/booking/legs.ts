import type { Booking, BookingLeg, PrismaClient } from '../__generated__/prisma/client.js';

/** A client or a transaction's: what reading legs needs. */
import { isUuid } from './queries.js';

type LegReader = Pick<PrismaClient, 'bookingLeg'>;

/**
 * The legs of a booking (docs/design.md §4, "Trips with changes"): the first is the booking
 * row's own journey and hold, so a direct booking is one leg and reads nothing more; each
 * further train of a trip is a `BookingLeg` row with its own hold, `<bookingId>:<leg>`.
 */

/** One leg as every path that holds, sells, releases or shows seats sees it. */
export interface LegView {
  /** 0 for the first train, 1 for the next, ... */
  leg: number;
  runId: string;
  fromStop: number;
  toStop: number;
  /** The leg's hold in inventory: the booking's id for the first leg, `<bookingId>:<leg>` after. */
  holdId: string;
  /** The seats held before the commit (`<coach>-<label>`). */
  heldSeats: string[];
}

/** The hold id of a booking's leg. */
export const legHoldId = (bookingId: string, leg: number): string => (leg === 0 ? bookingId : `${bookingId}:${leg}`);

/** The booking id a hold id belongs to (the hold id itself for a first leg). */
export const bookingIdOfHold = (holdId: string): string => holdId.split(':')[0]!;

/** The first leg, from the booking row. */
export const firstLeg = (
  booking: Pick<Booking, 'runId' | 'fromStop' | 'toStop' | 'holdId' | 'heldSeats'>,
): LegView => ({
  leg: 0,
  runId: booking.runId,
  fromStop: booking.fromStop,
  toStop: booking.toStop,
  holdId: booking.holdId,
  heldSeats: booking.heldSeats,
});

/** Every leg, in travel order, from the booking row and its further legs. */
export function legsOf(
  booking: Pick<Booking, 'runId' | 'fromStop' | 'toStop' | 'holdId' | 'heldSeats'>,
  further: readonly Pick<BookingLeg, 'leg' | 'runId' | 'fromStop' | 'toStop' | 'holdId' | 'heldSeats'>[],
): LegView[] {
  return [
    firstLeg(booking),
    ...[...further]
      .sort((a, b) => a.leg - b.leg)
      .map(({ leg, runId, fromStop, toStop, holdId, heldSeats }) => ({
        leg,
        runId,
        fromStop,
        toStop,
        holdId,
        heldSeats,
      })),
  ];
}

/** The further legs of many bookings, per booking id in order (none for a direct booking). */
export async function furtherLegsOf(
  prisma: LegReader,
  bookingIds: readonly string[],
): Promise<Map<string, BookingLeg[]>> {
  const rows = await prisma.bookingLeg.findMany({
    where: { bookingId: { in: [...new Set(bookingIds)] } },
    orderBy: [{ bookingId: 'asc' }, { leg: 'asc' }],
  });
  const byBooking = new Map<string, BookingLeg[]>();
  for (const row of rows) byBooking.set(row.bookingId, [...(byBooking.get(row.bookingId) ?? []), row]);
  return byBooking;
}

type BookingLegs = Pick<Booking, 'id' | 'legCount' | 'runId' | 'fromStop' | 'toStop' | 'holdId' | 'heldSeats'>;

/** Each booking's legs in travel order, reading further legs only for the trips among them. */
export async function legsOfMany(prisma: LegReader, bookings: readonly BookingLegs[]): Promise<LegView[][]> {
  const trips = bookings.filter((b) => b.legCount > 1).map((b) => b.id);
  const further = trips.length > 0 ? await furtherLegsOf(prisma, trips) : new Map<string, BookingLeg[]>();
  return bookings.map((b) => legsOf(b, further.get(b.id) ?? []));
}

/** Every leg of one booking, reading its further legs only when it has some. */
export async function legsOfBooking(prisma: LegReader, booking: BookingLegs): Promise<LegView[]> {
  return (await legsOfMany(prisma, [booking]))[0]!;
}

/** A hold's leg of a booking, with what re-holding its seats needs: the booking's class and the leg's active tickets. */
export interface HeldLeg {
  bookingId: string;
  seatClass: string;
  leg: LegView;
  /** The leg's tickets still active (`<coach>-<label>` seats to hold again). */
  activeSeats: string[];
}

/** The leg a hold id names, or null when no booking owns it. */
export async function legOfHold(
  prisma: Pick<PrismaClient, 'booking' | 'bookingLeg'>,
  holdId: string,
): Promise<HeldLeg | null> {
  const bookingId = bookingIdOfHold(holdId);
  if (!isUuid(bookingId)) return null;
  const booking = await prisma.booking.findFirst({
    where: { id: bookingId, holdId: bookingId },
    include: { tickets: { where: { status: 'ACTIVE' }, select: { tripLeg: true, coach: true, seatLabel: true } } },
  });
  if (!booking) return null;
  const leg = (await legsOfBooking(prisma, booking)).find((l) => l.holdId === holdId);
  if (!leg) return null;
  return {
    bookingId,
    seatClass: booking.seatClass,
    leg,
    activeSeats: booking.tickets.filter((t) => t.tripLeg === leg.leg).map((t) => `${t.coach}-${t.seatLabel}`),
  };
}
