import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ServiceDatabase } from '@railgraph/database';
import { describeEachDatabase } from '@railgraph/database/testing';
import { migrationsDir } from './fixtures.js';

/**
 * The migration that gives tickets their passenger's name, on a database that already holds
 * tickets: they keep no name (NULL), and the database holds a name to 1-70 characters.
 */
const MIGRATION = '20261125180000_ticket_passenger_name';

const earlier = await mkdtemp(path.join(os.tmpdir(), 'tickets-migrations-'));
afterAll(() => rm(earlier, { recursive: true, force: true }));
for (const entry of await readdir(migrationsDir)) {
  if (entry < MIGRATION) await cp(path.join(migrationsDir, entry), path.join(earlier, entry), { recursive: true });
}

/** A confirmed booking with one ticket, written as the tickets of the schema before names were. */
async function ticketWithoutName(db: ServiceDatabase): Promise<{ bookingId: string; ticketId: string }> {
  const bookingId = randomUUID();
  const ticketId = randomUUID();
  await db.sql.query(
    `INSERT INTO "Booking" ("id", "ownerKind", "ownerId", "idempotencyKey", "requestHash", "status", "quoteId", "runId",
       "fromStop", "toStop", "seatClass", "totalMinor", "currency", "holdId", "updatedAt")
     VALUES ($1, 'TRAVELLER', 't', $2, 'h', 'CONFIRMED', 'q', 'IC501:2026-12-01', 0, 2, 'STANDARD', 1000, 'EUR', $3,
       '2026-11-20T10:00:00Z')`,
    [bookingId, `key-${bookingId}`, bookingId],
  );
  await db.sql.query(
    `INSERT INTO "Ticket" ("id", "bookingId", "passengerType", "coach", "seatLabel", "fareMinor", "currency", "code")
     VALUES ($1, $2, 'ADULT', 1, '1A', 1000, 'EUR', 'code')`,
    [ticketId, bookingId],
  );
  return { bookingId, ticketId };
}

await describeEachDatabase('the ticket passenger name migration', (database) => {
  it('leaves the tickets already issued unnamed and keeps names to 1-70 characters', async () => {
    const db = await database.open();
    try {
      await db.migrate(earlier);
      const before = await ticketWithoutName(db);

      const applied = await db.migrate(migrationsDir);
      expect(applied.applied).toContain(MIGRATION);
      const tickets = await db.sql.query<{ passengerName: string | null }>(
        'SELECT "passengerName" FROM "Ticket" WHERE "id" = $1',
        [before.ticketId],
      );
      expect(tickets).toEqual([{ passengerName: null }]);

      const name = (passengerName: string) =>
        db.sql.query(
          `INSERT INTO "Ticket" ("id", "bookingId", "passengerType", "passengerName", "coach", "seatLabel", "fareMinor",
             "currency", "code")
           VALUES ($1, $2, 'ADULT', $3, 1, '2A', 1000, 'EUR', 'code')`,
          [randomUUID(), before.bookingId, passengerName],
        );
      await expect(name('山'.repeat(70))).resolves.toBeDefined();
      for (const bad of ['', 'B'.repeat(71)]) {
        await expect(name(bad)).rejects.toThrow(/Ticket_passengerName_length/);
      }
    } finally {
      await db.close();
    }
  });
});
