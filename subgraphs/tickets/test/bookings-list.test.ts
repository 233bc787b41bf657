import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PrismaClient } from '../src/__generated__/prisma/client.js';
import type { Bookings } from '../src/booking/bookings.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { describeEachDatabase } from '@railgraph/database/testing';
import {
  bookingRow,
  codeOf,
  migratedDatabase,
  recordingInventory,
  testBookings,
  type MigratedDatabase,
} from './fixtures.js';

const traveller: BookingOwner = { kind: 'TRAVELLER', id: 'traveller-list' };
const other: BookingOwner = { kind: 'TRAVELLER', id: 'traveller-other' };

async function bookingAt(
  prisma: PrismaClient,
  owner: BookingOwner,
  createdAt: Date,
  status: 'CONFIRMED' | 'FAILED' = 'CONFIRMED',
) {
  const id = randomUUID();
  await prisma.booking.create({
    data: bookingRow(id, owner, status, {
      quoteId: 'quote',
      runId: 'IC501:2026-12-01',
      fromStop: 0,
      toStop: 2,
      seatClass: 'STANDARD',
      totalMinor: 1000,
      currency: 'EUR',
      createdAt,
    }),
  });
  return id;
}

await describeEachDatabase("a traveller's bookings", (target) => {
  let database: MigratedDatabase;
  let prisma: PrismaClient;
  let bookings: Bookings;

  beforeAll(async () => {
    database = await migratedDatabase(target);
    prisma = database.prisma;
    ({ bookings } = await testBookings(prisma, recordingInventory()));
  });
  afterAll(async () => {
    await database?.close();
  });

  it('come newest first, page by page after the last id, each once, without failed attempts or others', async () => {
    const base = Date.parse('2026-11-01T10:00:00Z');
    const ids: Array<{ id: string; at: number }> = [];
    // Three made in the same millisecond: the id breaks the tie.
    for (const minutes of [0, 5, 5, 5, 9, 12, 30]) {
      const at = base + minutes * 60_000;
      ids.push({ id: await bookingAt(prisma, traveller, new Date(at)), at });
    }
    await bookingAt(prisma, traveller, new Date(base + 60 * 60_000), 'FAILED');
    await bookingAt(prisma, other, new Date(base + 3 * 60_000));
    const expected = [...ids].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((b) => b.id);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const rows = await bookings.listForOwner(traveller, 3, after);
      seen.push(...rows.map((r) => r.id));
      if (rows.length < 3) break;
      after = rows[rows.length - 1]!.id;
    }
    expect(seen).toEqual(expected);
  });

  it('keep to one status when asked, failed attempts included, with the same cursor rules', async () => {
    const owner: BookingOwner = { kind: 'CLIENT', id: `partner-${randomUUID()}` };
    const base = Date.parse('2026-11-02T10:00:00Z');
    const confirmed = [
      await bookingAt(prisma, owner, new Date(base)),
      await bookingAt(prisma, owner, new Date(base + 1)),
    ];
    const failed = await bookingAt(prisma, owner, new Date(base + 2), 'FAILED');
    await bookingAt(prisma, traveller, new Date(base + 3));
    expect((await bookings.listForOwner(owner, 10, null, 'FAILED')).map((b) => b.id)).toEqual([failed]);
    expect((await bookings.listForOwner(owner, 10, null, 'CONFIRMED')).map((b) => b.id)).toEqual(
      [...confirmed].reverse(),
    );
    // A cursor of another status still marks its place.
    expect((await bookings.listForOwner(owner, 10, failed, 'CONFIRMED')).map((b) => b.id)).toEqual(
      [...confirmed].reverse(),
    );
    expect(await bookings.listForOwner(owner, 10, null, 'EXPIRED')).toEqual([]);
  });

  it('refuse a page size over the maximum and a cursor that is not the traveller booking', async () => {
    expect(await codeOf(bookings.listForOwner(traveller, 51))).toBe('BAD_USER_INPUT');
    expect(await codeOf(bookings.listForOwner(traveller, 0))).toBe('BAD_USER_INPUT');
    const theirs = await bookingAt(prisma, other, new Date());
    expect(await codeOf(bookings.listForOwner(traveller, 10, theirs))).toBe('BAD_USER_INPUT');
    expect(await codeOf(bookings.listForOwner(traveller, 10, 'not-an-id'))).toBe('BAD_USER_INPUT');
  });
});
