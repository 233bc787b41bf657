import type { SqlClient } from '@railgraph/database';

/**
 * The booking emails still waiting (docs/design.md §12), in tickets' database: the one
 * definition that invariant 5 judges and that a load run waits on before reading the store.
 * Read with raw SQL rather than tickets' own queries: this package reads tickets' store from
 * outside, as a test does, and a service must not depend on it.
 */
export interface MailWaiting {
  /** When each PENDING message (taken in, not settled yet) was made. */
  pendingSince: Date[];
  /** When each published event the mail dispatchers have not taken in yet (past their cursor) happened. */
  untakenSince: Date[];
  /**
   * When each event not yet placed in the stream happened: the publisher places it right after
   * its commit, and its email is waiting for that first. Invariant 5 speaks of published events only.
   */
  unpublishedSince: Date[];
}

/** Every email waiting, whichever step it waits at. */
export const mailWaitingCount = (waiting: MailWaiting): number =>
  waiting.pendingSince.length + waiting.untakenSince.length + waiting.unpublishedSince.length;

type Step = 'pending' | 'untaken' | 'unpublished';

/** Reads the emails waiting in one statement, so the three lists are of one snapshot. */
export async function readMailWaiting(sql: SqlClient): Promise<MailWaiting> {
  // Timestamps are UTC without a zone: read as text and marked UTC, not as the process's local time.
  const rows = await sql.query<{ step: Step; since: string }>(
    `SELECT 'pending' AS "step", to_char("createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "since"
     FROM "MailMessage" WHERE "status" = 'PENDING'
     UNION ALL
     SELECT CASE WHEN "position" IS NULL THEN 'unpublished' ELSE 'untaken' END,
            to_char("occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
     FROM "BookingEvent"
     WHERE "position" IS NULL OR "position" > coalesce((SELECT max("position") FROM "MailCursor"), 0)`,
  );
  const since = (step: Step) => rows.filter((row) => row.step === step).map((row) => new Date(row.since));
  return { pendingSince: since('pending'), untakenSince: since('untaken'), unpublishedSince: since('unpublished') };
}

/**
 * Polls until no email waits, published or not (`mailWaitingCount` of 0), every `pollMs`: what a
 * load run or a benchmark waits for before it reads the store or stops its clock. False if `ms`
 * passes first.
 */
export async function mailSettledWithin(sql: SqlClient, ms: number, pollMs = 500): Promise<boolean> {
  const deadline = Date.now() + ms;
  do {
    if (mailWaitingCount(await readMailWaiting(sql)) === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  } while (Date.now() < deadline);
  return false;
}
