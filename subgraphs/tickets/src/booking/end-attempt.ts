import { randomUUID } from 'node:crypto';
import { statement, type StatementRunner } from '@railgraph/database';
import { VOIDABLE } from '../payments/records.js';
import { OUTBOX_CLAIM_MS, type OutboxPayload, type OutboxRelay } from './outbox.js';

/** A booking attempt that will not be confirmed: failed (step 7), or expired by the sweep. */
export interface EndedAttempt {
  bookingId: string;
  status: 'FAILED' | 'EXPIRED';
  /** The contract code a retry of its key answers with, and what the traveller is told. */
  code: string;
  message: string;
  /** The holds of its legs, each released through the outbox. */
  holds: readonly string[];
  requestId: string;
}

/** An outbox row queued, claimed by the caller for delivery right after. */
export interface QueuedStep {
  id: string;
  payload: OutboxPayload;
}

/** The outbox rows an ended attempt queued. */
export interface QueuedEnd {
  releases: QueuedStep[];
  /** The void of a card payment still open (authorizing, awaiting 3-D Secure, authorized); null otherwise. */
  voidStep: QueuedStep | null;
}

/**
 * Ends a PENDING attempt in one statement (docs/design.md §5, step 7 and the sweep of stalled
 * attempts): the booking PENDING → `status` with its code, an outbox row releasing each leg's
 * hold and, when its card payment is still open, one voiding it, every part reading the
 * booking's move, so nothing is queued unless this ended it. Returns the rows queued, or null
 * when the booking was no longer PENDING (another path ended it). One statement rather than a
 * transaction of several: it waits its turn for a connection like every other statement,
 * however busy the pool, where an interactive transaction gives up after a couple of seconds
 * and leaves the booking PENDING (found when 23 losers of a seat failed at once on a saturated
 * machine).
 */
export async function endAttempt(runner: StatementRunner, attempt: EndedAttempt): Promise<QueuedEnd | null> {
  const now = new Date();
  const claimedUntil = new Date(now.getTime() + OUTBOX_CLAIM_MS);
  const { bookingId, requestId } = attempt;
  const releases: QueuedStep[] = attempt.holds.map((holdId) => ({ id: randomUUID(), payload: { holdId, requestId } }));
  // The first leg's hold id is the booking's id: the payment's steps go under it.
  const voidStep: QueuedStep = { id: randomUUID(), payload: { holdId: bookingId, requestId, bookingId } };
  const [row] = await runner.run<{ voided: boolean }>(statement('tickets.end-attempt')`
    WITH moved AS (
      UPDATE "Booking" SET "status" = ${attempt.status}::"BookingStatus", "failureCode" = ${attempt.code},
        "failureMessage" = ${attempt.message}, "updatedAt" = ${now}
      WHERE "id" = ${bookingId}::uuid AND "status" = 'PENDING'
      RETURNING "id"
    ), releases AS (
      INSERT INTO "OutboxMessage" ("id", "kind", "payload", "nextAttemptAt", "createdAt")
      SELECT r.id, 'RELEASE_HOLD', r.payload, ${claimedUntil}, ${now}
      FROM moved, jsonb_to_recordset(${JSON.stringify(releases)}::jsonb) AS r(id uuid, payload jsonb)
    ), voided AS (
      INSERT INTO "OutboxMessage" ("id", "kind", "payload", "nextAttemptAt", "createdAt")
      SELECT ${voidStep.id}::uuid, 'VOID_PAYMENT', ${JSON.stringify(voidStep.payload)}::jsonb, ${claimedUntil}, ${now}
      FROM moved JOIN "Payment" ON "Payment"."bookingId" = moved."id"
      WHERE "Payment"."status"::text = ANY(${VOIDABLE}::text[])
      RETURNING "id"
    )
    SELECT EXISTS (SELECT 1 FROM voided) AS voided FROM moved`);
  if (!row) return null;
  return { releases, voidStep: row.voided ? voidStep : null };
}

/** Delivers what `endAttempt` queued, the holds' releases first: each that fails stays for the relay. */
export async function deliverEnd(relay: OutboxRelay, { releases, voidStep }: QueuedEnd): Promise<void> {
  await Promise.all(releases.map(({ id, payload }) => relay.deliver(id, 'RELEASE_HOLD', payload)));
  if (voidStep) await relay.deliver(voidStep.id, 'VOID_PAYMENT', voidStep.payload);
}
