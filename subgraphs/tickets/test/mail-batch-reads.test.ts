import { randomUUID } from 'node:crypto';
import type { QuoteClaims } from '@railgraph/quotes';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { Prisma, PrismaClient } from '../src/__generated__/prisma/client.js';
import { readBookingEvents, readMailBookings } from '../src/mail/batch-reads.js';
import { MAIL_BOOKING, mailBookingsOf } from '../src/mail/content.js';
import { acceptingQuotes, beforeDeparture, bookingRow, suiteDatabase, testBookings, testQuote } from './fixtures.js';
import { keepingInventory, partner, quoteFor, refusal, request, traveller, writtenBy } from './payment-support.js';

/**
 * The mail batch's reads as named statements (subgraphs/tickets/src/mail/batch-reads.ts) return
 * exactly what the ORM's reads returned, value for value and type for type: bookings made,
 * paid, declined and cancelled through the real booking path, and rows written straight to the
 * database for what that path never writes (no payment, a NULL array, JSON null).
 */

/** A two-train trip for `count` adults, its first leg bound to 10:00 in Amsterdam. */
const tripQuote = (count: number): QuoteClaims => {
  const each = <T>(value: T): T[] => Array.from({ length: count }, () => value);
  const departure = { at: new Date('2026-12-01T09:00:00Z'), timeZone: 'Europe/Amsterdam' };
  return testQuote({
    quoteId: `quote-trip-${randomUUID()}`,
    seatClass: 'STANDARD',
    passengers: each({ type: 'ADULT' as const }),
    total: { amountMinor: count * 6_500, currency: 'GBP' },
    breakdown: each(6_500),
    departure,
    legs: [
      { journey: testQuote().journey, breakdown: each(4_200), departure },
      {
        journey: { runId: 'ICE15:2026-12-01', fromStop: 2, toStop: 5 },
        breakdown: each(2_300),
        departure: { at: new Date('2026-12-01T12:05:00Z'), timeZone: 'Europe/Berlin' },
      },
    ],
  });
};

/**
 * Runs `read` with the process's clock in a zone far from UTC: a timestamp(3) column holds UTC
 * without a zone, and one read as local time would be three hours off here.
 */
async function awayFromUtc<T>(read: () => Promise<T>): Promise<T> {
  const zone = process.env['TZ'];
  process.env['TZ'] = 'America/Sao_Paulo';
  try {
    return await read();
  } finally {
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  }
}

const byId = <T extends { id: string }>(rows: T[]): Map<string, T> => new Map(rows.map((row) => [row.id, row]));

await describeEachDatabase('the mail batch reads', (target) => {
  const database = suiteDatabase(target);
  /** Every booking the suite made, and an id no booking has. */
  const bookingIds: string[] = [];
  const unknownId = randomUUID();

  beforeAll(async () => {
    const { prisma } = database;
    const direct = await testBookings(prisma, keepingInventory(), { quotes: quoteFor(2), clock: beforeDeparture });
    const trips = await testBookings(prisma, keepingInventory(), {
      quotes: acceptingQuotes(tripQuote(2)),
      clock: beforeDeparture,
    });

    // A direct journey paid by card, its quote binding no departure (null), one ticket then cancelled.
    const owner = traveller();
    const paid = await direct.bookings.book(
      owner,
      { ...request('pm_card_visa', 2), passengerNames: ["Zoë O'Brien", 'Émile Zola'] },
      'reads-1',
    );
    // Each booking's step 6 (the hold confirmed, the payment captured) runs after its answer:
    // awaited, so the cancellations refund a captured payment and the rows stay as read below.
    await direct.bookings.afterCommitDone();
    await direct.bookings.cancelTickets(owner, paid.id, [paid.tickets[1]!.id], 'reads-2');
    // Cancelled whole: every ticket with its refund line, the payment refunded.
    const cancelled = await direct.bookings.book(owner, request('pm_card_mastercard', 2), 'reads-3');
    await direct.bookings.afterCommitDone();
    await direct.bookings.cancel(owner, cancelled.id, 'reads-4');
    // A partner's, on account, one passenger named and one not.
    const onAccount = await direct.bookings.book(
      partner(),
      { ...request(null, 2), passengerNames: [null, 'Ada Lovelace'] },
      'reads-5',
    );
    await direct.bookings.afterCommitDone();
    // Declined (FAILED, with the decline), and waiting for 3-D Secure (its signed tickets pending on the payment).
    const refusedBooking = async (method: string, code: string, requestId: string) => {
      const refused = traveller();
      expect(await refusal(direct.bookings.book(refused, request(method, 2), requestId))).toMatchObject({ code });
      const [booking] = (await writtenBy(prisma, refused)).bookings;
      return booking!;
    };
    const declined = await refusedBooking('pm_card_chargeDeclined', 'PAYMENT_DECLINED', 'reads-6');
    const challenged = await refusedBooking('pm_card_threeDSecure2Required', 'PAYMENT_ACTION_REQUIRED', 'reads-7');
    // A trip of two trains (its second leg a `BookingLeg`), one passenger's tickets then cancelled on both.
    const tripOwner = traveller();
    const trip = await trips.bookings.book(tripOwner, request('pm_card_visa', 2), 'reads-8');
    await trips.bookings.afterCommitDone();
    await trips.bookings.cancelTickets(
      tripOwner,
      trip.id,
      trip.tickets.filter((t) => t.position === 1).map((t) => t.id),
      'reads-9',
    );

    // What the booking path never writes: a booking without payment and with a NULL array of
    // held seats, and payments whose pending tickets are JSON null and SQL NULL.
    const bare = randomUUID();
    await prisma.booking.create({
      data: bookingRow(bare, traveller(), 'CONFIRMED', {
        quoteId: 'quote-bare',
        runId: 'EC117:2026-12-01',
        fromStop: 0,
        toStop: 4,
        seatClass: 'FIRST',
        totalMinor: 0,
        currency: 'EUR',
        departure: new Date('2026-12-01T09:00:00.123Z'),
        departureTimeZone: 'Europe/Amsterdam',
        failureMessage: 'a message',
      }),
    });
    await prisma.$executeRaw`UPDATE "Booking" SET "heldSeats" = NULL WHERE "id" = ${bare}::uuid`;
    const jsonNull = randomUUID();
    const sqlNull = randomUUID();
    for (const [id, pendingTickets] of [
      [jsonNull, Prisma.JsonNull],
      [sqlNull, Prisma.DbNull],
    ] as const) {
      await prisma.booking.create({
        data: bookingRow(id, traveller(), 'PENDING', {
          quoteId: 'quote-pending',
          runId: 'EC117:2026-12-01',
          fromStop: 0,
          toStop: 4,
          seatClass: 'FIRST',
          totalMinor: 100,
          currency: 'GBP',
          heldSeats: ['1-1A', '1-2A'],
          payment: {
            create: { provider: 'sandbox', amountMinor: 100, currency: 'GBP', status: 'AUTHORIZING', pendingTickets },
          },
        }),
      });
    }
    bookingIds.push(paid.id, cancelled.id, onAccount.id, declined.id, challenged.id, trip.id, bare, jsonNull, sqlNull);
  });

  /** The ORM's read of a batch's bookings, as `mailBookingsOf` made it before the named statement. */
  const ormBookings = (prisma: PrismaClient, ids: string[]) =>
    prisma.booking.findMany({ where: { id: { in: ids } }, include: MAIL_BOOKING });

  it('has every case the mail reads: journeys, trips, names, refunds, payments and their absence', async () => {
    const made = await ormBookings(database.prisma, bookingIds);
    expect(made).toHaveLength(bookingIds.length);
    const tickets = made.flatMap((b) => b.tickets);
    expect(made.some((b) => b.departure === null && b.tickets.length > 0)).toBe(true);
    expect(made.some((b) => b.legs.length > 0)).toBe(true);
    expect(tickets.some((t) => t.passengerName === null)).toBe(true);
    expect(tickets.some((t) => t.status === 'CANCELLED' && t.refundLine !== null)).toBe(true);
    expect(tickets.some((t) => t.tripLeg === 1 && t.refundLine !== null)).toBe(true);
    const payments = made.map((b) => b.payment?.status ?? 'none');
    expect(payments).toEqual(
      expect.arrayContaining(['PARTIALLY_REFUNDED', 'REFUNDED', 'ON_ACCOUNT', 'FAILED', 'REQUIRES_ACTION', 'none']),
    );
    expect(made.some((b) => b.payment?.pendingTickets)).toBe(true);
  });

  it('reads the bookings as the ORM does, tickets in travel order with their refund lines, payments and legs', async () => {
    const { prisma } = database;
    const ids = [...bookingIds, unknownId];
    const [expected, got, mapped] = await awayFromUtc(async () => [
      byId(await ormBookings(prisma, ids)),
      byId(await readMailBookings(prisma, ids)),
      await mailBookingsOf(prisma, [...ids, ...bookingIds]),
    ]);
    expect(got.size).toBe(bookingIds.length);
    expect(got).toStrictEqual(expected);
    expect(mapped).toStrictEqual(expected);
    // Each ticket's order: travel order, then as the passengers were booked.
    for (const booking of got.values()) {
      expect(booking.tickets.map((t) => [t.tripLeg, t.position])).toEqual(
        booking.tickets.map((t) => [t.tripLeg, t.position]).sort(([a, b], [c, d]) => a! - c! || b! - d!),
      );
    }
  });

  it('reads the events as the ORM does, positions as bigints and payloads as JSON', async () => {
    const { prisma } = database;
    const [booking] = bookingIds;
    // Beyond 2^53, where a number would round; an unpublished one (no position yet); a JSON null payload.
    await prisma.$executeRaw`
      INSERT INTO "BookingEvent" ("id", "kind", "bookingId", "ownerKind", "ownerId", "payload", "position", "occurredAt")
      VALUES (${randomUUID()}::uuid, 'SeatsReleased', ${booking}::uuid, 'TRAVELLER', 'traveller-x',
          '{"seats": ["1-1A"], "amount": 1.50, "note": "Zoë \\u00e9\\"q\\"", "deep": {"b": [1, null, true]}}'::jsonb,
          9007199254740993, '2026-12-01 23:59:59.999'),
        (${randomUUID()}::uuid, 'SeatsReleased', ${booking}::uuid, 'CLIENT', 'partner-x', 'null'::jsonb, NULL,
          '1999-12-31 23:00:00')`;
    const events = await prisma.bookingEvent.findMany({
      where: { bookingId: { in: bookingIds } },
      select: { id: true },
    });
    const ids = [...events.map((e) => e.id), unknownId];
    const [expected, got] = await awayFromUtc(async () => [
      byId(await prisma.bookingEvent.findMany({ where: { id: { in: ids } } })),
      byId(await readBookingEvents(prisma, ids)),
    ]);
    expect(got.size).toBe(events.length);
    expect(got).toStrictEqual(expected);
    const positions = [...got.values()].map((e) => e.position);
    expect(positions).toContain(9007199254740993n);
    expect(positions).toContain(null);
    expect([...got.values()].map((e) => e.payload)).toContain(null);
  });

  it('reads the same through the ORM when no pool is bound to the client (the raw query fallback)', async () => {
    const unbound = new PrismaClient({ adapter: database.db.adapter });
    try {
      const events = await unbound.bookingEvent.findMany({ where: { bookingId: { in: bookingIds } } });
      const [expected, got, gotEvents] = await awayFromUtc(async () => [
        byId(await ormBookings(unbound, bookingIds)),
        byId(await readMailBookings(unbound, bookingIds)),
        byId(
          await readBookingEvents(
            unbound,
            events.map((e) => e.id),
          ),
        ),
      ]);
      expect(got).toStrictEqual(expected);
      expect(gotEvents).toStrictEqual(byId(events));
    } finally {
      await unbound.$disconnect();
    }
  });
});
