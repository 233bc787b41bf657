import { runnerFor } from '@railgraph/database';
import { ErrorCode, repeatEvery, type Logger, type RepeatingTask } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import { deliverEnd, endAttempt } from './end-attempt.js';
import { legsOfMany } from './legs.js';
import type { OutboxRelay } from './outbox.js';
import { assertMove } from './status.js';

/**
 * Ends booking attempts left PENDING by a process that died between claiming the
 * idempotency key and committing the booking (docs/design.md §5, invariant 5). Once an attempt is
 * older than the hold TTL its hold has lapsed anyway, so it can never be confirmed: it
 * becomes EXPIRED and its hold is released through the outbox. The move is conditional on
 * the status still being PENDING, so it cannot race a confirmation. A payment it may have
 * authorized (a crash after the authorization, a 3-D Secure challenge never answered, a
 * customer who never came back) is voided through the outbox too. `onReleased` hears of
 * each run whose hold was released (the sold-out memo, docs/design.md §4).
 */
export async function expireStalledBookings(
  prisma: PrismaClient,
  relay: OutboxRelay,
  {
    holdTtlMs,
    now = new Date(),
    limit = 100,
    onReleased = () => undefined,
  }: { holdTtlMs: number; now?: Date; limit?: number; onReleased?: (runId: string) => void },
): Promise<string[]> {
  const stalled = await prisma.booking.findMany({
    where: { status: 'PENDING', createdAt: { lt: new Date(now.getTime() - holdTtlMs) } },
    select: { id: true, holdId: true, runId: true, legCount: true, fromStop: true, toStop: true, heldSeats: true },
    orderBy: { createdAt: 'asc' },
    take: limit,
  });
  const legsOfStalled = await legsOfMany(prisma, stalled);
  const expired: string[] = [];
  for (const [i, booking] of stalled.entries()) {
    assertMove('PENDING', 'EXPIRED');
    const legs = legsOfStalled[i]!;
    // Every leg's hold: a trip's legs each hold seats of their own.
    const queued = await endAttempt(runnerFor(prisma), {
      bookingId: booking.id,
      status: 'EXPIRED',
      code: ErrorCode.SERVICE_UNAVAILABLE,
      message: 'The booking could not be completed in time; nothing was charged',
      holds: legs.map(({ holdId }) => holdId),
      requestId: `expiry-${booking.id}`,
    });
    if (!queued) continue;
    expired.push(booking.id);
    await deliverEnd(relay, queued);
    for (const { runId } of legs) onReleased(runId);
  }
  return expired;
}

/** Runs the sweep every `intervalMs` until stopped. */
export function stalledBookingSweeper(
  prisma: PrismaClient,
  relay: OutboxRelay,
  log: Logger,
  {
    holdTtlMs,
    intervalMs,
    onExpired = () => undefined,
    onReleased = () => undefined,
  }: {
    holdTtlMs: number;
    intervalMs: number;
    onExpired?: (count: number) => void;
    /** A run whose expired attempt's hold was released. */
    onReleased?: (runId: string) => void;
  },
): RepeatingTask {
  return repeatEvery(
    intervalMs,
    async () => {
      const expired = await expireStalledBookings(prisma, relay, { holdTtlMs, onReleased });
      if (expired.length === 0) return;
      onExpired(expired.length);
      log.warn({ bookings: expired }, 'stalled booking attempts expired and their holds released');
    },
    (error) => log.error({ err: error }, 'stalled booking sweep failed'),
  );
}
