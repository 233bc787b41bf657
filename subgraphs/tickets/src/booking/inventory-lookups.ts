import { badInput } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import { MAX_HOLD_IDS_PER_LOOKUP, parseSeatId, type ConfirmedSeat, type HoldOwnership } from './model.js';

/** What inventory asks tickets (under the bookings-internal scope): who owns its holds, which seats are sold. */

/**
 * For each hold id, in order, whether a booking owns it and its status (for inventory's
 * reaper): a booking's own id for its first leg, `<bookingId>:<leg>` for a trip's further legs.
 */
export async function holdOwnership(prisma: PrismaClient, holdIds: readonly string[]): Promise<HoldOwnership[]> {
  if (holdIds.length > MAX_HOLD_IDS_PER_LOOKUP) {
    throw badInput(`Ask about at most ${MAX_HOLD_IDS_PER_LOOKUP} holds at once`);
  }
  const unique = [...new Set(holdIds)];
  const legHolds = unique.filter((id) => id.includes(':'));
  const [bookings, legs] = await Promise.all([
    prisma.booking.findMany({ where: { holdId: { in: unique } }, select: { holdId: true, status: true } }),
    legHolds.length > 0
      ? prisma.bookingLeg.findMany({
          where: { holdId: { in: legHolds } },
          select: { holdId: true, booking: { select: { status: true } } },
        })
      : [],
  ]);
  const byHold = new Map([
    ...bookings.map((b) => [b.holdId, b.status] as const),
    ...legs.map((l) => [l.holdId, l.booking.status] as const),
  ]);
  return holdIds.map((holdId) => {
    const status = byHold.get(holdId);
    return { holdId, owned: status !== undefined, bookingStatus: status ?? null };
  });
}

/**
 * The seats inventory must count as taken when it rebuilds a run (its state lost): every
 * seat of an active ticket on the run's confirmed bookings, and the seats held for bookings
 * still being made (PENDING with their hold's answer recorded), so a booking that commits
 * after the rebuild finds its seats still its own. Such a booking that fails or expires
 * instead releases its hold through the outbox, as any other. A trip's leg on the run counts
 * as a booking of its own, under the leg's hold.
 */
export async function confirmedSeats(prisma: PrismaClient, runId: string): Promise<ConfirmedSeat[]> {
  const live = { in: ['CONFIRMED' as const, 'PENDING' as const] };
  const [bookings, legs] = await Promise.all([
    prisma.booking.findMany({
      where: { runId, status: live },
      select: {
        holdId: true,
        status: true,
        fromStop: true,
        toStop: true,
        heldSeats: true,
        tickets: { where: { status: 'ACTIVE', tripLeg: 0 }, select: { coach: true, seatLabel: true } },
      },
      orderBy: { createdAt: 'asc' },
    }),
    prisma.bookingLeg.findMany({
      where: { runId, booking: { status: live } },
      select: {
        leg: true,
        holdId: true,
        fromStop: true,
        toStop: true,
        heldSeats: true,
        booking: {
          select: {
            status: true,
            tickets: { where: { status: 'ACTIVE' }, select: { tripLeg: true, coach: true, seatLabel: true } },
          },
        },
      },
      orderBy: [{ bookingId: 'asc' }, { leg: 'asc' }],
    }),
  ]);
  const onRun = [
    ...bookings,
    ...legs.map((l) => ({
      ...l,
      status: l.booking.status,
      tickets: l.booking.tickets.filter((t) => t.tripLeg === l.leg),
    })),
  ];
  return onRun.flatMap((b) => {
    const seats = b.status === 'CONFIRMED' ? b.tickets : b.heldSeats.flatMap(parseSeatId);
    return seats.map((t) => ({
      holdId: b.holdId,
      coach: t.coach,
      seatLabel: t.seatLabel,
      fromStop: b.fromStop,
      toStop: b.toStop,
    }));
  });
}
