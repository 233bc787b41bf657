import { badInput } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import { MAX_HOLD_IDS_PER_LOOKUP, parseSeatId, type ConfirmedSeat, type HoldOwnership } from './model.js';

/** What inventory asks tickets (under the bookings-internal scope): who owns its holds, which seats are sold. */

/** For each hold id, in order, whether a booking owns it and its status (for inventory's reaper). */
export async function holdOwnership(prisma: PrismaClient, holdIds: readonly string[]): Promise<HoldOwnership[]> {
  if (holdIds.length > MAX_HOLD_IDS_PER_LOOKUP) {
    throw badInput(`Ask about at most ${MAX_HOLD_IDS_PER_LOOKUP} holds at once`);
  }
  const bookings = await prisma.booking.findMany({
    where: { holdId: { in: [...new Set(holdIds)] } },
    select: { holdId: true, status: true },
  });
  const byHold = new Map(bookings.map((b) => [b.holdId, b.status]));
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
 * instead releases its hold through the outbox, as any other.
 */
export async function confirmedSeats(prisma: PrismaClient, runId: string): Promise<ConfirmedSeat[]> {
  const bookings = await prisma.booking.findMany({
    where: { runId, status: { in: ['CONFIRMED', 'PENDING'] } },
    select: {
      holdId: true,
      status: true,
      fromStop: true,
      toStop: true,
      heldSeats: true,
      tickets: { where: { status: 'ACTIVE' }, select: { coach: true, seatLabel: true } },
    },
    orderBy: { createdAt: 'asc' },
  });
  return bookings.flatMap((b) => {
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
