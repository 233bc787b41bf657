import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ServiceDatabase } from '@railgraph/database';
import { describeEachDatabase } from '@railgraph/database/testing';
import { migrationsDir } from './fixtures.js';

/**
 * The migration that gives tickets a status (single tickets can be cancelled) on a database
 * that already holds bookings: tickets of bookings cancelled before it become CANCELLED,
 * the others ACTIVE, and a booking may then have several refunds.
 */
const MIGRATION = '20261125171000_single_ticket_cancellation';

const earlier = await mkdtemp(path.join(os.tmpdir(), 'tickets-migrations-'));
afterAll(() => rm(earlier, { recursive: true, force: true }));
for (const entry of await readdir(migrationsDir)) {
  if (entry < MIGRATION) await cp(path.join(migrationsDir, entry), path.join(earlier, entry), { recursive: true });
}

async function bookingWithTicket(
  db: ServiceDatabase,
  status: string,
): Promise<{ bookingId: string; ticketId: string }> {
  const bookingId = randomUUID();
  const ticketId = randomUUID();
  await db.sql.query(
    `INSERT INTO "Booking" ("id", "ownerKind", "ownerId", "idempotencyKey", "requestHash", "status", "quoteId", "runId",
       "fromStop", "toStop", "seatClass", "totalMinor", "currency", "holdId", "updatedAt")
     VALUES ($1, 'TRAVELLER', 't', $2, 'h', $3::"BookingStatus", 'q', 'IC501:2026-12-01', 0, 2, 'STANDARD', 1000, 'EUR', $4,
       '2026-11-20T10:00:00Z')`,
    [bookingId, `key-${bookingId}`, status, bookingId],
  );
  await db.sql.query(
    `INSERT INTO "Ticket" ("id", "bookingId", "passengerType", "coach", "seatLabel", "fareMinor", "currency", "code")
     VALUES ($1, $2, 'ADULT', 1, '1A', 1000, 'EUR', 'code')`,
    [ticketId, bookingId],
  );
  return { bookingId, ticketId };
}

await describeEachDatabase('the single-ticket cancellation migration', (database) => {
  it('marks the tickets of bookings already cancelled CANCELLED and lets a booking have several refunds', async () => {
    const db = await database.open();
    try {
      await db.migrate(earlier);
      const confirmed = await bookingWithTicket(db, 'CONFIRMED');
      const refunded = await bookingWithTicket(db, 'REFUNDED');
      const cancelled = await bookingWithTicket(db, 'CANCELLED');

      await db.migrate(migrationsDir);
      const tickets = await db.sql.query<{ id: string; status: string; cancelledAt: Date | null }>(
        'SELECT "id", "status"::text AS "status", "cancelledAt" FROM "Ticket"',
      );
      const byId = new Map(tickets.map((t) => [t.id, t]));
      expect(byId.get(confirmed.ticketId)).toMatchObject({ status: 'ACTIVE', cancelledAt: null });
      for (const { ticketId } of [refunded, cancelled]) {
        expect(byId.get(ticketId)?.status).toBe('CANCELLED');
        expect(new Date(byId.get(ticketId)!.cancelledAt!).toISOString()).toBe('2026-11-20T10:00:00.000Z');
      }
      for (let i = 0; i < 2; i += 1) {
        await db.sql.query(
          `INSERT INTO "Refund" ("id", "bookingId", "amountMinor", "currency", "refundPercent", "minutesBeforeDeparture")
           VALUES ($1, $2, 100, 'EUR', 50, 0)`,
          [randomUUID(), confirmed.bookingId],
        );
      }
      const refunds = await db.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM "Refund" WHERE "bookingId" = $1',
        [confirmed.bookingId],
      );
      expect(refunds[0]?.n).toBe(2);
    } finally {
      await db.close();
    }
  });
});
