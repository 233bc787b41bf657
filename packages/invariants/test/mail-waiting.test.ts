import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openDatabase, type DatabaseSettings, type ServiceDatabase } from '@railgraph/database';
import { describeEachDatabase } from '@railgraph/database/testing';
import { mailSettledWithin, mailWaitingCount, readMailWaiting, readTicketsStore } from '../src/index.js';

const ticketsMigrations = fileURLToPath(new URL('../../../prisma/tickets/migrations', import.meta.url));

const BOOKING = '00000000-0000-4000-8000-000000000001';
const event = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;
/** Times as tickets stores them: UTC without a zone, to the millisecond. */
const at = (seconds: number) => `2026-12-04 10:00:${String(seconds).padStart(2, '0')}.125`;
const utc = (seconds: number) => new Date(`${at(seconds).replace(' ', 'T')}Z`);

await describeEachDatabase('the booking emails still waiting', (database) => {
  let settings: DatabaseSettings;
  let db: ServiceDatabase;

  beforeAll(async () => {
    settings = await database.settings();
    db = await openDatabase(settings);
    await migrate(db.sql, ticketsMigrations);
    await db.sql.query(
      `INSERT INTO "Booking" ("id", "ownerKind", "ownerId", "idempotencyKey", "requestHash", "status", "quoteId",
                              "runId", "fromStop", "toStop", "seatClass", "totalMinor", "currency", "holdId", "updatedAt")
       VALUES ($1, 'TRAVELLER', 't1', 'k1', 'h', 'CONFIRMED', 'q1', 'R1', 0, 2, 'FIRST', 1000, 'EUR', $2, now())`,
      [BOOKING, 'hold-1'],
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  const addEvent = (n: number, position: number | null, seconds: number) =>
    db.sql.query(
      `INSERT INTO "BookingEvent" ("id", "position", "kind", "bookingId", "ownerKind", "ownerId", "payload", "occurredAt")
       VALUES ($1, $2, 'BookingConfirmed', $3, 'TRAVELLER', 't1', '{}', $4)`,
      [event(n), position, BOOKING, at(seconds)],
    );
  const addMessage = (n: number, status: string, seconds: number) =>
    db.sql.query(
      `INSERT INTO "MailMessage" ("eventId", "bookingId", "kind", "status", "createdAt")
       VALUES ($1, $2, 'BookingConfirmed', $3::"MailStatus", $4)`,
      [event(n), BOOKING, status, at(seconds)],
    );
  const moveCursor = (position: number) =>
    db.sql.query(`UPDATE "MailCursor" SET "position" = $1 WHERE "id" = 'booking-mail'`, [position]);

  it('finds nothing waiting in a store without events', async () => {
    const waiting = await readMailWaiting(db.sql);
    expect(waiting).toEqual({ pendingSince: [], untakenSince: [], unpublishedSince: [] });
    expect(mailWaitingCount(waiting)).toBe(0);
  });

  it('tells a PENDING message, an event past the cursor and one not yet placed from a settled one', async () => {
    await addEvent(1, 1, 1);
    await addMessage(1, 'SENT', 2);
    await addEvent(2, 2, 3);
    await addMessage(2, 'PENDING', 4);
    await moveCursor(2);
    await addEvent(3, 3, 5);
    await addEvent(4, null, 6);

    const waiting = await readMailWaiting(db.sql);
    // Each list holds the UTC instant stored, whatever the process's time zone.
    expect(waiting).toEqual({ pendingSince: [utc(4)], untakenSince: [utc(5)], unpublishedSince: [utc(6)] });
    expect(mailWaitingCount(waiting)).toBe(3);
  });

  it('gives the invariants the same reading, published events only', async () => {
    const { mail } = await readTicketsStore(settings);
    expect(mail).toEqual({ byStatus: { SENT: 1, PENDING: 1 }, pendingSince: [utc(4)], untakenSince: [utc(5)] });
  });

  it('counts every published event as untaken when the dispatchers have no cursor yet', async () => {
    await db.sql.query(`DELETE FROM "MailCursor"`);
    const waiting = await readMailWaiting(db.sql);
    const byTime = [...waiting.untakenSince].sort((a, b) => a.getTime() - b.getTime());
    expect(byTime).toEqual([utc(1), utc(3), utc(5)]);
    expect(mailWaitingCount(waiting)).toBe(5);
    await db.sql.query(`INSERT INTO "MailCursor" ("id", "position") VALUES ('booking-mail', 2)`);
  });

  it('finds nothing waiting once every event is placed, taken in and its email settled', async () => {
    await db.sql.query(`UPDATE "BookingEvent" SET "position" = 4 WHERE "id" = $1`, [event(4)]);
    await addMessage(3, 'SKIPPED', 7);
    await addMessage(4, 'FAILED', 8);
    await db.sql.query(`UPDATE "MailMessage" SET "status" = 'SENT' WHERE "eventId" = $1`, [event(2)]);
    await moveCursor(4);
    expect(mailWaitingCount(await readMailWaiting(db.sql))).toBe(0);
    expect((await readTicketsStore(settings)).mail).toEqual({
      byStatus: { SENT: 2, SKIPPED: 1, FAILED: 1 },
      pendingSince: [],
      untakenSince: [],
    });
  });

  it('waits while an email waits, and answers as soon as none does', async () => {
    // One event published past the cursor (the store as the test before left it, and one more).
    await addEvent(5, 5, 9);
    const started = Date.now();
    expect(await mailSettledWithin(db.sql, 300, 50)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const settled = mailSettledWithin(db.sql, 10_000, 50);
    await addMessage(5, 'SENT', 10);
    await moveCursor(5);
    expect(await settled).toBe(true);
  });
});
