import { randomUUID } from 'node:crypto';
import type { PassengerTypeName, QuoteVerifier } from '@railgraph/quotes';
import { describeEachDatabase } from '@railgraph/database/testing';
import { expect, it } from 'vitest';
import type { PrismaClient } from '../src/__generated__/prisma/client.js';
import type { Bookings } from '../src/booking/bookings.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { statementCsv } from '../src/statements/csv.js';
import { beforeDeparture, codeOf, suiteDatabase, testBookings, testQuote, testQuoteBookingRow } from './fixtures.js';
import { keepingInventory, partner, request } from './payment-support.js';

/**
 * Partners' monthly account statements (docs/design.md §4): real bookings on account and real
 * cancellations through the bookings module, moved into the months under test by setting their
 * `createdAt` (the saga stamps the database's clock, which a test cannot move).
 */

const FARES: Record<PassengerTypeName, number> = { ADULT: 4_200, CHILD: 2_100, YOUTH: 3_100, SENIOR: 2_900 };

/** A quote for exactly the passengers asked, at the fares above, on the test quote's journey. */
const pricedQuotes: QuoteVerifier = {
  verify: async (_token, { passengers }) => {
    const types = passengers.map((p) => (typeof p === 'string' ? p : p.type));
    const breakdown = types.map((type) => FARES[type]);
    return testQuote({
      quoteId: `quote-statement-${types.join('-')}`,
      passengers: types.map((type) => ({ type })),
      total: { amountMinor: breakdown.reduce((a, b) => a + b, 0), currency: 'GBP' },
      breakdown,
    });
  },
};

/** A partner's booking of these passengers, made through the saga and then dated `createdAt`. */
async function bookOnAccount(
  bookings: Bookings,
  prisma: PrismaClient,
  owner: BookingOwner,
  passengers: PassengerTypeName[],
  createdAt: string,
) {
  const booked = await bookings.book(owner, { ...request(null, passengers.length), passengers }, `r-${randomUUID()}`);
  await prisma.booking.update({ where: { id: booked.id }, data: { createdAt: new Date(createdAt) } });
  return booked;
}

/** The refund the last cancellation of a booking recorded, dated `createdAt`. */
async function dateLastRefund(prisma: PrismaClient, bookingId: string, createdAt: string) {
  const [refund] = await prisma.refund.findMany({ where: { bookingId }, orderBy: { createdAt: 'desc' }, take: 1 });
  if (!refund) throw new Error(`booking ${bookingId} has no refund`);
  await prisma.refund.update({ where: { id: refund.id }, data: { createdAt: new Date(createdAt) } });
  return refund;
}

/** Sums of the owner's rows in [from, until), straight from the tables, for the totals to match. */
async function rowSums(prisma: PrismaClient, owner: BookingOwner, from: string, until: string) {
  const range = { gte: new Date(from), lt: new Date(until) };
  const booked = await prisma.booking.aggregate({
    where: {
      ownerKind: owner.kind,
      ownerId: owner.id,
      createdAt: range,
      status: { in: ['CONFIRMED', 'CANCELLED', 'REFUNDED'] },
    },
    _sum: { totalMinor: true },
  });
  const refunded = await prisma.refund.aggregate({
    where: { createdAt: range, booking: { ownerKind: owner.kind, ownerId: owner.id } },
    _sum: { amountMinor: true },
  });
  return { booked: booked._sum.totalMinor ?? 0, refunded: refunded._sum.amountMinor ?? 0 };
}

await describeEachDatabase('partner account statements', (target) => {
  const database = suiteDatabase(target);
  const setUp = () =>
    testBookings(database.prisma, keepingInventory(), { quotes: pricedQuotes, clock: beforeDeparture });

  it('lists a month’s bookings and refunds with exact totals, across a month boundary', async () => {
    const { bookings } = await setUp();
    const prisma = database.prisma;
    const acme = partner();
    const family = await bookOnAccount(bookings, prisma, acme, ['ADULT', 'CHILD'], '2026-10-20T09:30:00Z');
    // The last millisecond of October and the first of November, on either side of the boundary.
    const single = await bookOnAccount(bookings, prisma, acme, ['ADULT'], '2026-10-31T23:59:59.999Z');
    const group = await bookOnAccount(bookings, prisma, acme, ['ADULT', 'SENIOR', 'YOUTH'], '2026-11-01T00:00:00Z');
    // The child's ticket of October's family booking is cancelled in November, then the single booking.
    const child = family.tickets.find((t) => t.passengerType === 'CHILD')!;
    await bookings.cancelTickets(acme, family.id, [child.id], 'r-cancel-child');
    const childRefund = await dateLastRefund(prisma, family.id, '2026-11-05T12:00:00Z');
    await bookings.cancel(acme, single.id, 'r-cancel-single');
    const singleRefund = await dateLastRefund(prisma, single.id, '2026-11-10T08:00:00Z');
    // Attempts that sold nothing are no line: a failed one in October.
    await prisma.booking.create({
      data: testQuoteBookingRow(randomUUID(), acme, 'FAILED', { createdAt: new Date('2026-10-21T10:00:00Z') }),
    });

    const october = await bookings.accountStatement(acme, { month: '2026-10' });
    expect(october).toEqual({
      month: '2026-10',
      currency: 'GBP',
      bookings: [
        {
          bookingId: family.id,
          refundId: null,
          date: new Date('2026-10-20T09:30:00Z'),
          description: 'EC117:2026-12-01, stops 0-4, 2 passengers (ADULT, CHILD)',
          runId: 'EC117:2026-12-01',
          fromStop: 0,
          toStop: 4,
          passengers: ['ADULT', 'CHILD'],
          amount: { amountMinor: 6_300, currency: 'GBP' },
        },
        {
          bookingId: single.id,
          refundId: null,
          date: new Date('2026-10-31T23:59:59.999Z'),
          description: 'EC117:2026-12-01, stops 0-4, 1 passenger (ADULT)',
          runId: 'EC117:2026-12-01',
          fromStop: 0,
          toStop: 4,
          passengers: ['ADULT'],
          amount: { amountMinor: 4_200, currency: 'GBP' },
        },
      ],
      refunds: [],
      totalBooked: { amountMinor: '10500', currency: 'GBP' },
      totalRefunded: { amountMinor: '0', currency: 'GBP' },
      balance: { amountMinor: '10500', currency: 'GBP' },
    });

    const november = await bookings.accountStatement(acme, { month: '2026-11' });
    expect(november.bookings.map((l) => [l.bookingId, l.amount.amountMinor, l.passengers])).toEqual([
      [group.id, 4_200 + 2_900 + 3_100, ['ADULT', 'SENIOR', 'YOUTH']],
    ]);
    // Ten days before departure everything is refundable: each refund is the cancelled fares.
    expect(november.refunds).toEqual([
      {
        bookingId: family.id,
        refundId: childRefund.id,
        date: new Date('2026-11-05T12:00:00Z'),
        description: 'Refund of 100% on 1 ticket (CHILD): EC117:2026-12-01, stops 0-4',
        runId: 'EC117:2026-12-01',
        fromStop: 0,
        toStop: 4,
        passengers: ['CHILD'],
        amount: { amountMinor: 2_100, currency: 'GBP' },
      },
      expect.objectContaining({
        bookingId: single.id,
        refundId: singleRefund.id,
        passengers: ['ADULT'],
        amount: { amountMinor: 4_200, currency: 'GBP' },
      }),
    ]);
    expect(november.totalBooked.amountMinor).toBe('10200');
    expect(november.totalRefunded.amountMinor).toBe('6300');
    expect(november.balance.amountMinor).toBe(String(10_200 - 6_300));

    // The totals are the tables' own sums for the month, booking and refund rows alike.
    for (const [statement, from, until] of [
      [october, '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
      [november, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
    ] as const) {
      const sums = await rowSums(prisma, acme, from, until);
      expect(statement.totalBooked.amountMinor).toBe(String(sums.booked));
      expect(statement.totalRefunded.amountMinor).toBe(String(sums.refunded));
      expect(statement.balance.amountMinor).toBe(String(sums.booked - sums.refunded));
    }

    // The CSV has one row per line, refunds negative, adding up to the balance.
    const csv = statementCsv(november);
    const rows = csv.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('date,type,booking_id,refund_id,description,amount_minor,currency');
    expect(rows.slice(1).map((r) => r.split(',')[1])).toEqual(['BOOKING', 'REFUND', 'REFUND']);
    const amounts = rows.slice(1).map((r) => Number(r.split(',').at(-2)));
    expect(String(amounts.reduce((a, b) => a + b, 0))).toBe(november.balance.amountMinor);
    expect(rows[2]).toContain('"Refund of 100% on 1 ticket (CHILD): EC117:2026-12-01, stops 0-4"');
  });

  it('never shows another partner’s bookings or refunds, nor a traveller’s', async () => {
    const { bookings } = await setUp();
    const prisma = database.prisma;
    const acme = partner();
    const globex = partner();
    const own = await bookOnAccount(bookings, prisma, acme, ['ADULT'], '2026-09-10T10:00:00Z');
    const theirs = await bookOnAccount(bookings, prisma, globex, ['ADULT', 'ADULT'], '2026-09-11T10:00:00Z');
    await bookings.cancel(globex, theirs.id, 'r-globex-cancel');
    await dateLastRefund(prisma, theirs.id, '2026-09-12T10:00:00Z');
    // A traveller's booking on the same day, under the partner's id as the traveller's id.
    await prisma.booking.create({
      data: testQuoteBookingRow(randomUUID(), { kind: 'TRAVELLER', id: acme.id }, 'CONFIRMED', {
        createdAt: new Date('2026-09-10T11:00:00Z'),
      }),
    });

    const statement = await bookings.accountStatement(acme, { month: '2026-09' });
    expect(statement.bookings.map((l) => l.bookingId)).toEqual([own.id]);
    expect(statement.refunds).toEqual([]);
    expect(statement.balance).toEqual({ amountMinor: '4200', currency: 'GBP' });
    const theirStatement = await bookings.accountStatement(globex, { month: '2026-09' });
    expect(theirStatement.bookings.map((l) => l.bookingId)).toEqual([theirs.id]);
    expect(theirStatement.refunds.map((l) => l.bookingId)).toEqual([theirs.id]);
    expect(theirStatement.balance.amountMinor).toBe('0');
  });

  it('adds a month up past what a 32-bit amount holds, to the unit', async () => {
    const { bookings } = await setUp();
    const prisma = database.prisma;
    const acme = partner();
    const own = await bookOnAccount(bookings, prisma, acme, ['ADULT'], '2026-08-03T10:00:00Z');
    // Two more of the partner's sales in the month, each near the most one booking holds.
    const large = 2_000_000_000;
    for (const day of ['04', '05']) {
      await prisma.booking.create({
        data: testQuoteBookingRow(randomUUID(), acme, 'CONFIRMED', {
          createdAt: new Date(`2026-08-${day}T10:00:00Z`),
          totalMinor: large,
          currency: 'GBP',
        }),
      });
    }
    const statement = await bookings.accountStatement(acme, { month: '2026-08' });
    expect(statement.bookings.map((l) => l.bookingId)).toContain(own.id);
    expect(statement.totalBooked.amountMinor).toBe(String(2 * large + FARES.ADULT));
    expect(statement.balance.amountMinor).toBe('4000004200');
  });

  it('gives an empty statement in the currency of the partner’s latest booking, or the one named', async () => {
    const { bookings } = await setUp();
    const acme = partner();
    await bookOnAccount(bookings, database.prisma, acme, ['ADULT'], '2026-06-15T10:00:00Z');
    const empty = await bookings.accountStatement(acme, { month: '2026-08' });
    expect(empty).toMatchObject({
      month: '2026-08',
      currency: 'GBP',
      bookings: [],
      refunds: [],
      totalBooked: { amountMinor: '0', currency: 'GBP' },
      balance: { amountMinor: '0', currency: 'GBP' },
    });
    expect((await bookings.accountStatement(acme, { month: '2026-08', currency: 'EUR' })).currency).toBe('EUR');
    // Before the partner's first booking there is nothing to take a currency from.
    expect(await codeOf(bookings.accountStatement(acme, { month: '2026-05' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(bookings.accountStatement(partner(), { month: '2026-08' }))).toBe('BAD_USER_INPUT');
  });

  it('asks which currency when a month has lines in two, and keeps each statement to its own', async () => {
    const { bookings } = await setUp();
    const acme = partner();
    const pounds = await bookOnAccount(bookings, database.prisma, acme, ['ADULT'], '2026-07-01T10:00:00Z');
    const euros = randomUUID();
    await database.prisma.booking.create({
      data: testQuoteBookingRow(euros, acme, 'CONFIRMED', {
        currency: 'EUR',
        totalMinor: 3_900,
        createdAt: new Date('2026-07-02T10:00:00Z'),
      }),
    });
    const refused = await bookings.accountStatement(acme, { month: '2026-07' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'currency', currencies: ['EUR', 'GBP'] },
    });
    const inEuros = await bookings.accountStatement(acme, { month: '2026-07', currency: 'EUR' });
    expect(inEuros.bookings.map((l) => l.bookingId)).toEqual([euros]);
    expect(inEuros.totalBooked).toEqual({ amountMinor: '3900', currency: 'EUR' });
    const inPounds = await bookings.accountStatement(acme, { month: '2026-07', currency: 'GBP' });
    expect(inPounds.bookings.map((l) => l.bookingId)).toEqual([pounds.id]);
  });

  it('refuses malformed months, future months and malformed currencies with BAD_USER_INPUT', async () => {
    const { bookings } = await setUp();
    const acme = partner();
    await bookOnAccount(bookings, database.prisma, acme, ['ADULT'], '2026-10-01T10:00:00Z');
    const before = await database.prisma.booking.count();
    // The suite's clock is in November 2026: November is the statement so far, December is ahead.
    expect((await bookings.accountStatement(acme, { month: '2026-11' })).month).toBe('2026-11');
    for (const month of ['2026-12', '2027-01', '9999-12']) {
      const error = await bookings.accountStatement(acme, { month }).catch((e: unknown) => e);
      expect(error, month).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'month' } });
      expect((error as Error).message).toMatch(/future/);
    }
    for (const month of ['2026-13', '2026-00', '2026-1', '26-10', '2026-10-01', '2026/10', ' 2026-10', '', 'October']) {
      const error = await bookings.accountStatement(acme, { month }).catch((e: unknown) => e);
      expect(error, JSON.stringify(month)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'month' } });
    }
    for (const currency of ['gbp', 'GB', 'POUND', '']) {
      const error = await bookings.accountStatement(acme, { month: '2026-10', currency }).catch((e: unknown) => e);
      expect(error, currency).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'currency' } });
    }
    expect(await database.prisma.booking.count()).toBe(before);
  });
});
