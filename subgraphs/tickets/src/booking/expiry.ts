import { repeatEvery, type Logger, type RepeatingTask } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import { VOIDABLE } from '../payments/records.js';
import { legsOfMany } from './legs.js';
import { enqueue, type OutboxPayload, type OutboxRelay } from './outbox.js';
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
    const requestId = `expiry-${booking.id}`;
    const legs = legsOfStalled[i]!;
    const voidPayload: OutboxPayload = { holdId: booking.holdId, requestId, bookingId: booking.id };
    let voidId: string | null = null;
    const releases = await prisma.$transaction(async (tx) => {
      const moved = await tx.booking.updateMany({
        where: { id: booking.id, status: 'PENDING' },
        data: {
          status: 'EXPIRED',
          failureCode: 'SERVICE_UNAVAILABLE',
          failureMessage: 'The booking could not be completed in time; nothing was charged',
        },
      });
      if (moved.count !== 1) return null;
      const payment = await tx.payment.findUnique({ where: { bookingId: booking.id }, select: { status: true } });
      if (payment && VOIDABLE.includes(payment.status)) voidId = await enqueue(tx, 'VOID_PAYMENT', voidPayload);
      // Every leg's hold: a trip's legs each hold seats of their own.
      const queued: Array<{ id: string; payload: OutboxPayload }> = [];
      for (const { holdId } of legs) {
        const payload = { holdId, requestId };
        queued.push({ id: await enqueue(tx, 'RELEASE_HOLD', payload), payload });
      }
      return queued;
    });
    if (!releases) continue;
    expired.push(booking.id);
    await Promise.all(releases.map(({ id, payload }) => relay.deliver(id, 'RELEASE_HOLD', payload)));
    if (voidId) await relay.deliver(voidId, 'VOID_PAYMENT', voidPayload);
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
