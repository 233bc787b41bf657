import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { Bookings } from '../src/booking/bookings.js';
import { publishEvents } from '../src/booking/events.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { describeEachDatabase } from '@railgraph/database/testing';
import { acceptingQuotes, codeOf, suiteDatabase, testBookings, beforeDeparture, testQuote } from './fixtures.js';

/**
 * Booking domain events (docs/design.md §12): written in the transactions of the changes they
 * report, placed in the stream by the publisher, read per owner with a cursor that never skips one.
 */
const quotes = acceptingQuotes(
  testQuote({
    quoteId: 'quote-events',
    passengers: [{ type: 'ADULT' }, { type: 'CHILD' }],
    total: { amountMinor: 6_300, currency: 'GBP' },
    breakdown: [4_200, 2_100],
  }),
);

/** Seats handed out so far, over every inventory below: a seat is never handed out twice. */
let seatsHandedOut = 0;

/** Inventory that seats every hold in fresh seats of coach 1, or refuses all as sold out. */
function countingInventory(soldOut = false): InventoryClient {
  return {
    hold: async (request) => {
      if (soldOut) throw new DomainError(ErrorCode.SOLD_OUT, 'Only 0 FIRST seats are left on this journey');
      return Array.from({ length: request.count }, () => ({ coach: 1, label: `${(seatsHandedOut += 1)}A` }));
    },
    confirm: async () => undefined,
    release: async () => undefined,
    releaseSeats: async () => undefined,
  };
}

await describeEachDatabase('booking events', (target) => {
  const database = suiteDatabase(target);

  const saga = async (inventory = countingInventory()) =>
    (await testBookings(database.prisma, inventory, { quotes, clock: beforeDeparture })).bookings;
  const partner = (): BookingOwner => ({ kind: 'CLIENT', id: `partner-${randomUUID()}` });
  const book = (bookings: Bookings, owner: BookingOwner) =>
    bookings.book(
      owner,
      { quoteToken: 'token', passengers: ['ADULT', 'CHILD'], idempotencyKey: `key-${randomUUID()}` },
      'request-events',
    );

  it('reports a sale, then its cancellation and the seats going back on sale, in that order', async () => {
    const bookings = await saga();
    const owner = partner();
    const booked = await book(bookings, owner);
    // The sale's event is published after the answer (step 6).
    await bookings.afterCommitDone();
    const seats = booked.tickets.map((t) => `${t.coach}-${t.seatLabel}`);
    const [confirmed] = await bookings.eventsFor(owner, 10);
    expect(confirmed).toMatchObject({
      kind: 'BookingConfirmed',
      bookingId: booked.id,
      payload: {
        status: 'CONFIRMED',
        total: { amountMinor: 6_300, currency: 'GBP' },
        runId: 'EC117:2026-12-01',
        fromStop: 0,
        toStop: 4,
        seats,
      },
    });
    const cancelled = await bookings.cancel(owner, booked.id, 'request-cancel');
    const events = await bookings.eventsFor(owner, 10);
    expect(events.map((e) => e.kind)).toEqual(['BookingConfirmed', 'BookingCancelled', 'SeatsReleased']);
    expect(events[1]?.payload).toMatchObject({ status: cancelled.status, refund: { currency: 'GBP' } });
    expect(events[2]?.payload).toMatchObject({ status: cancelled.status, seats });
    // Read on from the first event's cursor: the two later ones, and from the last, nothing.
    expect((await bookings.eventsFor(owner, 10, String(events[0]!.position))).map((e) => e.id)).toEqual(
      events.slice(1).map((e) => e.id),
    );
    expect(await bookings.eventsFor(owner, 10, String(events[2]!.position))).toEqual([]);
  });

  it('writes no event for an attempt that failed', async () => {
    const owner = partner();
    expect(await codeOf(book(await saga(countingInventory(true)), owner))).toBe('SOLD_OUT');
    expect(await database.prisma.bookingEvent.count({ where: { ownerId: owner.id } })).toBe(0);
  });

  it('keeps an event unseen until it is published, then places it after every earlier one', async () => {
    const bookings = await saga();
    const owner = partner();
    const booked = await book(bookings, owner);
    // The sale's own event is published after the answer (step 6): in the stream before the late one.
    await bookings.afterCommitDone();
    const before = await bookings.eventsFor(owner, 10);
    // An event whose process died before publishing it: stored, not yet in the stream.
    const lateId = randomUUID();
    await database.prisma.bookingEvent.create({
      data: {
        id: lateId,
        kind: 'BookingConfirmed',
        bookingId: booked.id,
        ownerKind: owner.kind,
        ownerId: owner.id,
        payload: { status: 'CONFIRMED', seats: [] },
      },
    });
    expect(await bookings.eventsFor(owner, 10)).toEqual(before);
    expect(await publishEvents(database.prisma)).toBe(1);
    const after = await bookings.eventsFor(owner, 10, String(before.at(-1)!.position));
    expect(after.map((e) => e.id)).toEqual([lateId]);
    expect(await publishEvents(database.prisma)).toBe(0);
  });

  it('gives each owner every event once when read page by page under concurrent bookings', async () => {
    const bookings = await saga();
    const owners = [partner(), partner()];
    const seen = new Map(owners.map((o) => [o.id, [] as string[]]));
    const cursors = new Map<string, string | null>(owners.map((o) => [o.id, null]));
    const readPage = async (owner: BookingOwner) => {
      const page = await bookings.eventsFor(owner, 3, cursors.get(owner.id));
      seen.get(owner.id)!.push(...page.map((e) => e.id));
      if (page.length > 0) cursors.set(owner.id, String(page.at(-1)!.position));
    };
    // Readers follow the stream while bookings and publishers run.
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => book(bookings, owners[i % 2]!)),
      ...Array.from({ length: 10 }, () => publishEvents(database.prisma)),
      ...Array.from({ length: 10 }, (_, i) => readPage(owners[i % 2]!)),
    ]);
    await publishEvents(database.prisma);
    for (const owner of owners) {
      for (let page = 0; page < 10; page++) await readPage(owner);
      const stored = await database.prisma.bookingEvent.findMany({
        where: { ownerId: owner.id },
        orderBy: { position: 'asc' },
      });
      expect(stored).toHaveLength(10);
      expect(seen.get(owner.id)).toEqual(stored.map((e) => e.id));
    }
    const positions = (await database.prisma.bookingEvent.findMany({ select: { position: true } })).map(
      (e) => e.position,
    );
    expect(positions.every((p) => p !== null)).toBe(true);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('refuses a page size outside 1-100 and a cursor that is not one', async () => {
    const bookings = await saga();
    const owner = partner();
    expect(await codeOf(bookings.eventsFor(owner, 0))).toBe('BAD_USER_INPUT');
    expect(await codeOf(bookings.eventsFor(owner, 101))).toBe('BAD_USER_INPUT');
    for (const after of ['abc', '-1', '1.5', '01', '9'.repeat(30)]) {
      expect(await codeOf(bookings.eventsFor(owner, 10, after))).toBe('BAD_USER_INPUT');
    }
  });
});
