import type { PrismaClient } from '../__generated__/prisma/client.js';
import { nextOccurredAt } from '../booking/events.js';
import type { RunCancellationEntry } from './feed.js';

/**
 * Takes in one cancelled run (docs/design.md §4, "Disruptions"): records it, then marks every
 * confirmed booking riding it, on whichever leg, and records a `BookingDisrupted` event for each
 * booking marked (partners read it in their event stream; travellers get an email). Idempotent:
 * a run taken in twice, by one process or by several, marks each booking once, so marking again
 * later finds the bookings confirmed since (one that was being made as the run was cancelled).
 * Returns how many bookings it marked now.
 */
export async function recordDisruption(prisma: PrismaClient, entry: RunCancellationEntry, now: Date): Promise<number> {
  await prisma.disruption.createMany({
    data: [
      {
        runId: entry.runId,
        reason: entry.reason,
        source: entry.source,
        cancelledAt: entry.cancelledAt,
        recordedAt: now,
      },
    ],
    skipDuplicates: true,
  });
  return markAffected(prisma, entry.runId, now);
}

/** Marks the confirmed bookings riding `runId` not marked yet, each with its event; returns how many. */
export async function markAffected(prisma: PrismaClient, runId: string, now: Date): Promise<number> {
  const marked = await prisma.$queryRaw<Array<{ bookingId: string }>>`
    WITH disruption AS (
      SELECT "runId", "reason", "source", "cancelledAt" FROM "Disruption" WHERE "runId" = ${runId}
    ), affected AS (
      SELECT b."id", b."ownerKind", b."ownerId", 0 AS leg, b."departure"
      FROM "Booking" b WHERE b."runId" = ${runId} AND b."status" = 'CONFIRMED'
      UNION ALL
      SELECT b."id", b."ownerKind", b."ownerId", l."leg", l."departure"
      FROM "BookingLeg" l JOIN "Booking" b ON b."id" = l."bookingId"
      WHERE l."runId" = ${runId} AND b."status" = 'CONFIRMED'
    ), marked AS (
      INSERT INTO "BookingDisruption" ("bookingId", "runId", "leg", "departure", "createdAt")
      SELECT a."id", ${runId}, a.leg, a."departure", ${now} FROM affected a, disruption
      ON CONFLICT ("bookingId", "runId") DO NOTHING
      RETURNING "bookingId", "leg", "departure"
    ), events AS (
      INSERT INTO "BookingEvent" ("id", "kind", "bookingId", "ownerKind", "ownerId", "payload", "occurredAt")
      SELECT gen_random_uuid(), 'BookingDisrupted', m."bookingId", a."ownerKind", a."ownerId",
        jsonb_build_object('status', 'CONFIRMED', 'runId', d."runId", 'reason', d."reason",
          'source', d."source"::text, 'leg', m."leg", 'cancelledAt', d."cancelledAt",
          'departure', m."departure"),
        ${nextOccurredAt()}
      FROM marked m JOIN affected a ON a."id" = m."bookingId" AND a.leg = m."leg", disruption d
    )
    SELECT "bookingId" FROM marked`;
  return marked.length;
}
