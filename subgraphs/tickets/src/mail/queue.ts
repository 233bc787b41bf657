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
    const [step] = await runnerFor(prisma).run<{ taken: number }>(statement('tickets.mail-follow')`
      WITH cursor AS (
        SELECT "position" FROM "MailCursor" WHERE "id" = ${CURSOR_ID} FOR UPDATE SKIP LOCKED
      ), batch AS (
        SELECT event."id", event."bookingId", event."kind", event."position"
        FROM "BookingEvent" AS event
        -- A value, not a join: the index is entered at the cursor (a join read every position
        -- from the first, ever more of them as the events add up). No cursor row (another
        -- dispatcher holds it) gives NULL, and no batch.
        WHERE event."position" > (SELECT "position" FROM cursor)
        ORDER BY event."position"
        LIMIT ${FOLLOW_BATCH}::int
      ), inserted AS (
        INSERT INTO "MailMessage" ("eventId", "bookingId", "kind", "nextAttemptAt", "createdAt")
        SELECT "id", "bookingId", "kind", ${takenAt}::timestamp(3), ${takenAt}::timestamp(3) FROM batch
        ON CONFLICT ("eventId") DO NOTHING
      ), moved AS (
        UPDATE "MailCursor" SET "position" = (SELECT max("position") FROM batch), "updatedAt" = ${takenAt}::timestamp(3)
        WHERE "id" = ${CURSOR_ID} AND EXISTS (SELECT 1 FROM batch)
      )
      SELECT count(*)::int AS taken FROM batch`);
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
  // A named statement: every dispatcher pass claims, several times a second at a rush.
  return runnerFor(prisma).run<{ eventId: string; attempts: number }>(statement('tickets.mail-claim')`
    UPDATE "MailMessage" SET "nextAttemptAt" = ${claimedUntil}::timestamp(3)
    WHERE "eventId" IN (
      SELECT "eventId" FROM "MailMessage"
      WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${now}::timestamp(3)
      ORDER BY "nextAttemptAt" LIMIT ${limit}::integer FOR UPDATE SKIP LOCKED
    )
    RETURNING "eventId"::text AS "eventId", "attempts"`);
}

/** How a delivery attempt ended. */
export type MailOutcome =
  | { status: 'SENT'; messageId: string; recipient: string }
  | { status: 'SKIPPED'; reason: string }
  | { status: 'FAILED'; reason: string; recipient: string; messageId: string }
  | { status: 'RETRY'; error: string; messageId?: string; recipient?: string };

/** An attempt's outcome, to be recorded against the claim it was made under. */
export interface Settlement {
  message: ClaimedMessage;
  /** The claim's end, as `claimDueMessages` set it: the row's `nextAttemptAt` while the claim holds. */
  claimedUntil: Date;
  outcome: MailOutcome;
}

/**
 * Records attempts' outcomes, each only while its claim is still this dispatcher's (the row's
 * `nextAttemptAt` is still its `claimedUntil`): a claim that lapsed belongs to whoever took the
 * row since. A retry comes due after `backoffMs` of its attempts so far. One statement for them
 * all, each row conditional on its own claim alone; says, in order, whether each counted.
 */
export async function settleMessages(
  prisma: PrismaClient,
  settlements: readonly Settlement[],
  now = new Date(),
): Promise<boolean[]> {
  if (settlements.length === 0) return [];
  const rows = settlements.map(({ message, claimedUntil, outcome }) => ({
    eventId: message.eventId,
    status: outcome.status === 'RETRY' ? 'PENDING' : outcome.status,
    claimedUntil: claimedUntil.toISOString(),
    attempts: message.attempts + 1,
    clearError: false,
    ...settledColumns(message, outcome, now),
  }));
  // A named statement on the pool: every sale sends an email, and the emails settled together
  // share this one. Times travel as UTC ISO text, as every timestamp(3) column holds them. The
  // rows by key, the status compared as text (docs/design.md §4): PENDING, rare among the rows,
  // led PostgreSQL into the status index, whose PENDING range also holds an entry for every
  // message settled since the last vacuum.
  const settled = await runnerFor(prisma).run<{ eventId: string; claimedUntil: string }>(statement(
    'tickets.mail-settle-batch',
  )`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS s("eventId" uuid, status text,
        "claimedUntil" text, attempts int, "clearError" boolean, "messageId" text, recipient text, reason text,
        "sentAt" text, "lastError" text, "nextAttemptAt" text)
    )
    UPDATE "MailMessage" AS m SET
      "status" = s.status::"MailStatus",
      "messageId" = coalesce(s."messageId", m."messageId"),
      "recipient" = coalesce(s.recipient, m."recipient"),
      "reason" = coalesce(s.reason, m."reason"),
      "sentAt" = coalesce(s."sentAt"::timestamp(3), m."sentAt"),
      "lastError" = CASE WHEN s."clearError" THEN NULL ELSE coalesce(s."lastError", m."lastError") END,
      "nextAttemptAt" = coalesce(s."nextAttemptAt"::timestamp(3), m."nextAttemptAt"),
      "attempts" = s.attempts
    FROM input AS s
    WHERE m."eventId" = s."eventId" AND m."eventId" = ANY(${rows.map((row) => row.eventId)}::uuid[])
      AND m."status"::text = 'PENDING' AND m."nextAttemptAt" = s."claimedUntil"::timestamp(3)
    RETURNING m."eventId"::text AS "eventId", s."claimedUntil"`);
  // By event and claim: should one event come twice (under an old claim and a new), only the
  // claim that holds counts.
  const counted = new Set(settled.map((row) => `${row.eventId} ${row.claimedUntil}`));
  return rows.map((row) => counted.has(`${row.eventId} ${row.claimedUntil}`));
}

/** What an outcome sets; an absent column keeps its value. A retry stays PENDING, due later. */
function settledColumns(message: ClaimedMessage, outcome: MailOutcome, now: Date): SettledColumns {
  switch (outcome.status) {
    case 'SENT':
      return {
        messageId: outcome.messageId,
        recipient: outcome.recipient,
        sentAt: now.toISOString(),
        clearError: true,
      };
    case 'SKIPPED':
      return { reason: outcome.reason };
    case 'FAILED':
      return {
        reason: outcome.reason,
        recipient: outcome.recipient,
        messageId: outcome.messageId,
        lastError: outcome.reason,
      };
    case 'RETRY':
      return {
        nextAttemptAt: new Date(now.getTime() + backoffMs(message.attempts)).toISOString(),
        lastError: outcome.error.slice(0, 2_000),
        messageId: outcome.messageId,
        recipient: outcome.recipient,
      };
  }
}

/** The columns an outcome sets (`settleMessages`), times as ISO text; absent ones keep their value. */
interface SettledColumns {
  messageId?: string | undefined;
  recipient?: string | undefined;
  reason?: string;
  sentAt?: string;
  lastError?: string;
  nextAttemptAt?: string;
  /** SENT clears the last error of earlier attempts. */
  clearError?: boolean;
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
