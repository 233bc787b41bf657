import { runnerFor, statement } from '@railgraph/database';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import { backoffMs } from '../booking/outbox.js';

/**
 * The mail messages' table (`MailMessage`): one row per published booking event, made by
 * following the event stream with a durable cursor, then claimed, sent and settled by the
 * dispatchers of every tickets process (docs/design.md §12).
 */

/** The cursor row's id in `MailCursor`. */
const CURSOR_ID = 'booking-mail';

/** Most events one step of following the stream takes in. */
const FOLLOW_BATCH = 500;

/**
 * Gives each published event after the cursor its PENDING message and moves the cursor past
 * them, in one statement (one transaction); returns how many events it took in. The cursor row
 * is locked with SKIP LOCKED: a dispatcher that finds another one following the stream leaves
 * it to that one. Positions become visible in order (the publishers' advisory lock), so the
 * cursor never passes an event not yet visible; the key on the event id makes a message twice
 * for one event impossible whatever happens.
 */
export async function followEventStream(prisma: PrismaClient): Promise<number> {
  let taken = 0;
  for (;;) {
    // Times from this process's clock, like every claim compared with them (not the server's `now()`).
    const takenAt = new Date();
    const [step] = await prisma.$queryRaw<Array<{ taken: number }>>`
      WITH cursor AS (
        SELECT "position" FROM "MailCursor" WHERE "id" = ${CURSOR_ID} FOR UPDATE SKIP LOCKED
      ), batch AS (
        SELECT event."id", event."bookingId", event."kind", event."position"
        FROM "BookingEvent" AS event, cursor
        WHERE event."position" > cursor."position"
        ORDER BY event."position"
        LIMIT ${FOLLOW_BATCH}
      ), inserted AS (
        INSERT INTO "MailMessage" ("eventId", "bookingId", "kind", "nextAttemptAt", "createdAt")
        SELECT "id", "bookingId", "kind", ${takenAt}, ${takenAt} FROM batch
        ON CONFLICT ("eventId") DO NOTHING
      ), moved AS (
        UPDATE "MailCursor" SET "position" = (SELECT max("position") FROM batch), "updatedAt" = ${takenAt}
        WHERE "id" = ${CURSOR_ID} AND EXISTS (SELECT 1 FROM batch)
      )
      SELECT count(*)::int AS taken FROM batch`;
    const count = step?.taken ?? 0;
    taken += count;
    if (count < FOLLOW_BATCH) return taken;
  }
}

export interface ClaimedMessage {
  eventId: string;
  attempts: number;
}

/**
 * Claims up to `limit` due PENDING messages until `claimedUntil`: their next attempt moves
 * there, in one statement that skips rows another dispatcher is claiming (`FOR UPDATE SKIP
 * LOCKED`, as `OutboxRelay.drain`), so no two dispatchers send one message at once.
 */
export function claimDueMessages(
  prisma: PrismaClient,
  now: Date,
  claimedUntil: Date,
  limit: number,
): Promise<ClaimedMessage[]> {
  return prisma.$queryRaw<ClaimedMessage[]>`
    UPDATE "MailMessage" SET "nextAttemptAt" = ${claimedUntil}
    WHERE "eventId" IN (
      SELECT "eventId" FROM "MailMessage"
      WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${now}
      ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    RETURNING "eventId"::text AS "eventId", "attempts"`;
}

/** How a delivery attempt ended. */
export type MailOutcome =
  | { status: 'SENT'; messageId: string; recipient: string }
  | { status: 'SKIPPED'; reason: string }
  | { status: 'FAILED'; reason: string; recipient: string; messageId: string }
  | { status: 'RETRY'; error: string; messageId?: string; recipient?: string };

/**
 * Records an attempt's outcome, only while the claim is still this dispatcher's (its
 * `nextAttemptAt` is still `claimedUntil`): a claim that lapsed belongs to whoever took the row
 * since. A retry comes due after `backoffMs` of its attempts so far. Returns whether it counted.
 */
export async function settleMessage(
  prisma: PrismaClient,
  message: ClaimedMessage,
  claimedUntil: Date,
  outcome: MailOutcome,
  now = new Date(),
): Promise<boolean> {
  // What the outcome sets; null keeps the column as it is. A retry stays PENDING, due later.
  const set =
    outcome.status === 'SENT'
      ? { messageId: outcome.messageId, recipient: outcome.recipient, sentAt: now, clearError: true }
      : outcome.status === 'SKIPPED'
        ? { reason: outcome.reason }
        : outcome.status === 'FAILED'
          ? {
              reason: outcome.reason,
              recipient: outcome.recipient,
              messageId: outcome.messageId,
              lastError: outcome.reason,
            }
          : {
              nextAttemptAt: new Date(now.getTime() + backoffMs(message.attempts)),
              lastError: outcome.error.slice(0, 2_000),
              messageId: outcome.messageId,
              recipient: outcome.recipient,
            };
  const values: SettledColumns = { clearError: false, ...set };
  // A named statement on the pool: every sale sends an email, and this runs once for each.
  const settled = await runnerFor(prisma).run(statement('tickets.mail-settle')`
    UPDATE "MailMessage" SET
      "status" = ${outcome.status === 'RETRY' ? 'PENDING' : outcome.status}::"MailStatus",
      "messageId" = coalesce(${values.messageId ?? null}, "messageId"),
      "recipient" = coalesce(${values.recipient ?? null}, "recipient"),
      "reason" = coalesce(${values.reason ?? null}, "reason"),
      "sentAt" = coalesce(${values.sentAt ?? null}::timestamp(3), "sentAt"),
      "lastError" = CASE WHEN ${values.clearError} THEN NULL ELSE coalesce(${values.lastError ?? null}, "lastError") END,
      "nextAttemptAt" = coalesce(${values.nextAttemptAt ?? null}::timestamp(3), "nextAttemptAt"),
      "attempts" = ${message.attempts + 1}
    WHERE "eventId" = ${message.eventId}::uuid AND "status" = 'PENDING'
      AND "nextAttemptAt" = ${claimedUntil}::timestamp(3)
    RETURNING 1 AS "settled"`);
  return settled.length === 1;
}

/** The columns an outcome sets (`settleMessage`); absent ones keep their value. */
interface SettledColumns {
  messageId?: string | undefined;
  recipient?: string | undefined;
  reason?: string;
  sentAt?: Date;
  lastError?: string;
  nextAttemptAt?: Date;
  /** SENT clears the last error of earlier attempts. */
  clearError: boolean;
}

/** Ends this dispatcher's claim on messages it will not reach in this pass: due again at once. */
export async function handBack(prisma: PrismaClient, eventIds: string[], claimedUntil: Date): Promise<void> {
  await prisma.mailMessage.updateMany({
    where: { eventId: { in: eventIds }, status: 'PENDING', nextAttemptAt: claimedUntil },
    data: { nextAttemptAt: new Date() },
  });
}

/** Most addresses one call forgets: the first pass after an upgrade works through a backlog in steps. */
const FORGET_BATCH = 1_000;

/**
 * Forgets the recipients of settled messages made before `before` (personal data kept no longer
 * than needed), keeping each message's outcome; returns how many it cleared, at most 1,000.
 */
export async function forgetRecipients(prisma: PrismaClient, before: Date): Promise<number> {
  return prisma.$executeRaw`
    UPDATE "MailMessage" SET "recipient" = NULL
    WHERE "eventId" IN (
      SELECT "eventId" FROM "MailMessage"
      WHERE "createdAt" < ${before} AND "status" <> 'PENDING' AND "recipient" IS NOT NULL
      LIMIT ${FORGET_BATCH}
    )`;
}

/**
 * Messages not sent yet: PENDING rows, and published events the cursor has not reached. Counted
 * here rather than by `@railgraph/invariants`' `readMailWaiting` (the same reading, which also
 * counts events not yet placed in the stream): that package reads this store from outside, for
 * the tests and load runs, and a service does not depend on it.
 */
export async function mailBacklog(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRaw<Array<{ backlog: number }>>`
    SELECT (SELECT count(*) FROM "MailMessage" WHERE "status" = 'PENDING')
         + (SELECT count(*) FROM "BookingEvent"
            WHERE "position" > (SELECT "position" FROM "MailCursor" WHERE "id" = ${CURSOR_ID}))
      AS backlog`;
  return Number(row?.backlog ?? 0);
}
