import { randomUUID } from 'node:crypto';
import { statement, type StatementRunner } from '@railgraph/database';
import { VOIDABLE } from '../payments/records.js';
import { OUTBOX_CLAIM_MS, type OutboxPayload } from './outbox.js';

/** A booking attempt that failed, as step 7 records it. */
export interface FailedAttempt {
  bookingId: string;
  /** The contract code the attempt failed with, and what the traveller is told. */
  code: string;
  message: string;
  /** The holds of its legs, each released through the outbox. */
  holds: readonly string[];
  requestId: string;
}

/** The outbox rows a failure queued, claimed by the caller for delivery right after. */
export interface QueuedFailure {
  releases: Array<{ id: string; holdId: string }>;
  /** The void of a card payment still open (authorizing, awaiting 3-D Secure, authorized); null otherwise. */
  voidId: string | null;
}

/**
 * Step 7 in one statement (docs/design.md §5): the booking PENDING → FAILED with its code, an
 * outbox row releasing each leg's hold and, when its card payment is still open, one voiding
 * it, every part reading the booking's move, so nothing is queued unless this failed it.
 * Returns the rows queued, or null when the booking was no longer PENDING (another path ended
 * it). One statement rather than a transaction of several: it waits its turn for a connection
 * like every other statement, however busy the pool, where an interactive transaction gives up
 * after a couple of seconds and leaves the booking PENDING (found when 23 losers of a seat
 * failed at once on a saturated machine).
 */
export async function failAttempt(runner: StatementRunner, attempt: FailedAttempt): Promise<QueuedFailure | null> {
  const now = new Date();
  const releases = attempt.holds.map((holdId) => ({
    id: randomUUID(),
    holdId,
    payload: { holdId, requestId: attempt.requestId } satisfies OutboxPayload,
  }));
  const voidId = randomUUID();
  const voidPayload: OutboxPayload = {
    holdId: attempt.bookingId,
    requestId: attempt.requestId,
    bookingId: attempt.bookingId,
  };
  const [row] = await runner.run<{ voided: boolean }>(statement('tickets.fail-attempt')`
    WITH moved AS (
      UPDATE "Booking" SET "status" = 'FAILED', "failureCode" = ${attempt.code},
        "failureMessage" = ${attempt.message}, "updatedAt" = ${now}
      WHERE "id" = ${attempt.bookingId}::uuid AND "status" = 'PENDING'
      RETURNING "id"
    ), releases AS (
      INSERT INTO "OutboxMessage" ("id", "kind", "payload", "nextAttemptAt", "createdAt")
      SELECT r.id, 'RELEASE_HOLD', r.payload, ${new Date(now.getTime() + OUTBOX_CLAIM_MS)}, ${now}
      FROM moved, jsonb_to_recordset(${JSON.stringify(releases)}::jsonb) AS r(id uuid, payload jsonb)
    ), voided AS (
      INSERT INTO "OutboxMessage" ("id", "kind", "payload", "nextAttemptAt", "createdAt")
      SELECT ${voidId}::uuid, 'VOID_PAYMENT', ${JSON.stringify(voidPayload)}::jsonb,
        ${new Date(now.getTime() + OUTBOX_CLAIM_MS)}, ${now}
      FROM moved JOIN "Payment" ON "Payment"."bookingId" = moved."id"
      WHERE "Payment"."status"::text = ANY(${VOIDABLE}::text[])
      RETURNING "id"
    )
    SELECT EXISTS (SELECT 1 FROM voided) AS voided FROM moved`);
  if (!row) return null;
  return { releases: releases.map(({ id, holdId }) => ({ id, holdId })), voidId: row.voided ? voidId : null };
}
