import { randomUUID } from 'node:crypto';
import { importJWK, type CryptoKey } from 'jose';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { createLocalQuoteVerifier, signQuote, type QuoteClaims, type QuoteVerifier } from '@railgraph/quotes';
import { generateSigningKey } from '@railgraph/signing-keys';
import type { BookingOwner } from '../src/booking/owner.js';
import type { ExchangeRequest } from '../src/exchange/exchanges.js';
import { CountedSeats } from './counted-seats.js';
import { codeOf, suiteDatabase, testBookings, testQuote } from './fixtures.js';

/**
 * Exchanging a confirmed booking for another journey (docs/design.md §4, "Exchanges"): the new
 * journey is held and paid for first, then one transaction confirms it and ends the old booking
 * EXCHANGED, its seats released and what its tickets were paid coming back less the fee. Under
 * the default rule Standard class is free until 24 h before departure, then 5.00 per passenger
 * until departure. The quotes are real signed ones; inventory is a seat counter per run.
 */

/** The original train leaves at 18:00 London time on 1 December; the replacement later that evening. */
const departure = { at: new Date('2026-12-01T18:00:00Z'), timeZone: 'Europe/London' };
const laterDeparture = { at: new Date('2026-12-01T20:00:00Z'), timeZone: 'Europe/London' };
/** Two days before departure: free. */
const early = () => new Date('2026-11-29T12:00:00Z');
/** Six hours before: the fee applies. */
const late = () => new Date('2026-12-01T12:00:00Z');
/** After departure: no exchange. */
const tooLate = () => new Date('2026-12-01T18:30:00Z');

let OLD_RUN = '';
let NEW_RUN = '';
let runs = 0;

const quoteOn = (runId: string, at: typeof departure, fare: number, passengers = 2): QuoteClaims =>
  testQuote({
    quoteId: `quote-${randomUUID()}`,
    journey: { runId, fromStop: 0, toStop: 2 },
    seatClass: 'STANDARD',
    passengers: Array.from({ length: passengers }, () => ({ type: 'ADULT' as const })),
    total: { amountMinor: fare * passengers, currency: 'GBP' },
    breakdown: Array.from({ length: passengers }, () => fare),
    departure: at,
    expiresAt: new Date('2026-12-01T23:00:00Z'),
  });

await describeEachDatabase('exchanging a booking', (target) => {
  const database = suiteDatabase(target);
  let sign: (claims: QuoteClaims) => Promise<string>;
  let verifierAt: (clock: () => Date) => QuoteVerifier;

  beforeAll(async () => {
    const key = await generateSigningKey();
    const privateKey = (await importJWK(key.privateJwk, 'ES256')) as CryptoKey;
    sign = (claims) => signQuote(claims, { kid: key.kid, privateKey });
    verifierAt = (clock) => createLocalQuoteVerifier({ keys: [key.publicJwk] }, { clock });
  });

  /** Runs of their own: the database is the suite's, and each set-up's inventory starts empty. */
  const freshRuns = () => {
    runs += 1;
    OLD_RUN = `IC100-${runs}:2026-12-01`;
    NEW_RUN = `IC200-${runs}:2026-12-01`;
  };
  beforeEach(freshRuns);

  const traveller = (): BookingOwner => ({ kind: 'TRAVELLER', id: `traveller-${randomUUID()}` });

  /** A booking of two adults on OLD_RUN at 30.00 each, made with the clock at `now`. */
  async function setUp(now: () => Date, newSeats = 10) {
    const inventory = new CountedSeats({ [OLD_RUN]: 10, [NEW_RUN]: newSeats });
    const made = await testBookings(database.prisma, inventory, { quotes: verifierAt(now), clock: now });
    const owner = traveller();
    const booking = await made.bookings.book(
      owner,
      {
        quoteToken: await sign(quoteOn(OLD_RUN, departure, 3_000)),
        passengers: ['ADULT', 'ADULT'],
        passengerNames: ['Ada Lovelace', 'Noor Inayat'],
        idempotencyKey: `key-${randomUUID()}`,
        paymentMethod: 'pm_card_visa',
      },
      'book',
    );
    // Its hold confirmed and its payment captured (step 6, after the answer): the state exchanges start from.
    await made.bookings.afterCommitDone();
    return { inventory, ...made, owner, booking };
  }

  const exchangeOf = async (bookingId: string, fare = 4_000, passengers = 2): Promise<ExchangeRequest> => ({
    bookingId,
    quoteToken: await sign(quoteOn(NEW_RUN, laterDeparture, fare, passengers)),
    passengers: Array.from({ length: passengers }, () => ({ type: 'ADULT' as const })),
    idempotencyKey: `exchange-${randomUUID()}`,
    paymentMethod: 'pm_card_visa',
  });

  /** Everything an exchange may change about a booking, to show a refused one changed nothing. */
  const stateOf = async (bookingId: string) => ({
    booking: await database.prisma.booking.findUniqueOrThrow({
      where: { id: bookingId },
      select: { status: true, tickets: { select: { status: true }, orderBy: { position: 'asc' } } },
    }),
    sold: await database.prisma.soldSeatLeg.count({ where: { bookingId } }),
    refunds: await database.prisma.refund.count({ where: { bookingId } }),
    payment: await database.prisma.payment.findUnique({ where: { bookingId }, select: { status: true } }),
  });

  it('quotes and makes a free exchange: the new journey booked and paid, the old one EXCHANGED and refunded in full', async () => {
    const { inventory, bookings, owner, booking } = await setUp(early);
    const request = await exchangeOf(booking.id);
    const quote = await bookings.exchangeQuote(owner, request);
    expect(quote).toMatchObject({
      newTotal: { amountMinor: 8_000, currency: 'GBP' },
      paid: { amountMinor: 6_000 },
      fee: { amountMinor: 0 },
      refund: { amountMinor: 6_000 },
      difference: { amountMinor: 2_000 },
    });
    expect(quote.rule).toBe('Free exchange until 18:00 on 2026-11-30 (Europe/London)');

    const replaced = await bookings.exchange(owner, request, 'exchange');
    // The old hold released, the new one confirmed and the new payment captured after the answer (step 6).
    await bookings.afterCommitDone();
    expect(replaced).toMatchObject({ status: 'CONFIRMED', exchangedFromId: booking.id, totalMinor: 8_000 });
    // The travellers keep their names on the new tickets.
    expect(replaced.tickets.map((t) => [t.passengerName, t.fareMinor])).toEqual([
      ['Ada Lovelace', 4_000],
      ['Noor Inayat', 4_000],
    ]);
    expect(await stateOf(booking.id)).toEqual({
      booking: { status: 'EXCHANGED', tickets: [{ status: 'EXCHANGED' }, { status: 'EXCHANGED' }] },
      sold: 0,
      refunds: 1,
      payment: { status: 'REFUNDED' },
    });
    expect(inventory.holds.get(booking.id)?.state).toBe('RELEASED');
    expect(inventory.holds.get(replaced.id)?.state).toBe('CONFIRMED');
    expect(inventory.freeOn(OLD_RUN)).toBe(10);
    const newPayment = await database.prisma.payment.findUniqueOrThrow({ where: { bookingId: replaced.id } });
    expect(newPayment).toMatchObject({ amountMinor: 8_000, status: 'CAPTURED' });
    const events = await database.prisma.bookingEvent.findMany({
      where: { bookingId: booking.id, kind: { in: ['BookingExchanged', 'SeatsReleased'] } },
      orderBy: { occurredAt: 'asc' },
    });
    expect(events.map((e) => e.kind)).toEqual(['BookingExchanged', 'SeatsReleased']);
    expect(events[0]!.payload).toMatchObject({ exchangedTo: replaced.id, refund: { amountMinor: 6_000 } });

    // A retry with the same key answers with the same new booking and changes nothing.
    const again = await bookings.exchange(owner, request, 'exchange-retry');
    expect(again.id).toBe(replaced.id);
    expect(await database.prisma.booking.count({ where: { exchangedFromId: booking.id } })).toBe(1);
  });

  it('keeps the fee per passenger within 24 hours of departure, and refunds the rest', async () => {
    const { bookings, owner, booking } = await setUp(late);
    const request = await exchangeOf(booking.id, 2_000);
    const quote = await bookings.exchangeQuote(owner, request);
    expect(quote).toMatchObject({
      fee: { amountMinor: 1_000 },
      refund: { amountMinor: 5_000 },
      difference: { amountMinor: -1_000 },
    });
    await bookings.exchange(owner, request, 'exchange');
    const refund = await database.prisma.refund.findFirstOrThrow({
      where: { bookingId: booking.id },
      include: { lines: true },
    });
    expect(refund.amountMinor).toBe(5_000);
    expect(refund.lines.map((l) => l.amountMinor).sort()).toEqual([2_500, 2_500]);
    const old = await database.prisma.payment.findUniqueOrThrow({ where: { bookingId: booking.id } });
    expect(old).toMatchObject({ refundedMinor: 5_000, status: 'PARTIALLY_REFUNDED' });
  });

  it('refuses after departure, another party, another currency or an unknown booking, changing nothing', async () => {
    const { bookings, owner, booking } = await setUp(tooLate);
    const before = await stateOf(booking.id);
    expect(await codeOf(bookings.exchangeQuote(owner, await exchangeOf(booking.id)))).toBe('NOT_EXCHANGEABLE');
    expect(await codeOf(bookings.exchange(owner, await exchangeOf(booking.id), 'x'))).toBe('NOT_EXCHANGEABLE');
    expect(await stateOf(booking.id)).toEqual(before);

    freshRuns();
    const open = await setUp(early);
    const start = await stateOf(open.booking.id);
    expect(await codeOf(open.bookings.exchange(open.owner, await exchangeOf(open.booking.id, 4_000, 1), 'x'))).toBe(
      'BAD_USER_INPUT',
    );
    const euros = {
      ...(await exchangeOf(open.booking.id)),
      quoteToken: await sign({
        ...quoteOn(NEW_RUN, laterDeparture, 4_000),
        total: { amountMinor: 8_000, currency: 'EUR' },
      }),
    };
    expect(await codeOf(open.bookings.exchange(open.owner, euros, 'x'))).toBe('BAD_USER_INPUT');
    expect(await codeOf(open.bookings.exchange(traveller(), await exchangeOf(open.booking.id), 'x'))).toBe('NOT_FOUND');
    expect(await stateOf(open.booking.id)).toEqual(start);
    expect(await database.prisma.booking.count({ where: { exchangedFromId: open.booking.id } })).toBe(0);
  });

  it('leaves the booking as it was when the new journey is sold out', async () => {
    const { inventory, bookings, owner, booking } = await setUp(early, 1);
    const before = await stateOf(booking.id);
    expect(await codeOf(bookings.exchange(owner, await exchangeOf(booking.id), 'x'))).toBe('SOLD_OUT');
    expect(await stateOf(booking.id)).toEqual(before);
    expect(inventory.holds.get(booking.id)?.state).toBe('CONFIRMED');
    expect(inventory.freeOn(NEW_RUN)).toBe(1);
  });

  it('lets one of several racing exchanges and a cancellation win, and undoes every other', async () => {
    const { inventory, bookings, owner, booking } = await setUp(early, 20);
    const requests = await Promise.all(Array.from({ length: 6 }, () => exchangeOf(booking.id)));
    const outcomes = await Promise.all([
      ...requests.map((r, i) =>
        bookings.exchange(owner, r, `race-${i}`).then(
          (b) => b.id,
          (e: { extensions: { code: string } }) => e.extensions.code,
        ),
      ),
      bookings.cancel(owner, booking.id, 'cancel').then(
        () => 'cancelled',
        (e: { extensions: { code: string } }) => e.extensions.code,
      ),
    ]);
    // A winning exchange releases the old booking's seats after its answer (step 6).
    await bookings.afterCommitDone();
    const exchangedTo = outcomes.slice(0, 6).filter((o) => !['NOT_EXCHANGEABLE', 'NOT_CANCELLABLE'].includes(o));
    const cancelled = outcomes[6] === 'cancelled';
    expect(exchangedTo.length + (cancelled ? 1 : 0)).toBe(1);
    for (const o of outcomes.slice(0, 6)) if (!exchangedTo.includes(o)) expect(o).toBe('NOT_EXCHANGEABLE');
    if (!cancelled) expect(outcomes[6]).toBe('NOT_CANCELLABLE');

    // One refund of the old booking; the new run holds at most the winner's seats; every
    // loser's new booking that got that far FAILED with its hold released and its card voided.
    expect(await database.prisma.refund.count({ where: { bookingId: booking.id } })).toBe(1);
    expect(inventory.freeOn(NEW_RUN)).toBe(20 - 2 * exchangedTo.length);
    expect(inventory.freeOn(OLD_RUN)).toBe(10);
    const losers = await database.prisma.booking.findMany({
      where: { exchangedFromId: booking.id, status: { not: 'CONFIRMED' } },
      include: { payment: true },
    });
    // A loser refused before its key was claimed (the old booking already gone) wrote nothing.
    expect(losers.length).toBeLessThanOrEqual(6 - exchangedTo.length);
    for (const loser of losers) {
      expect(loser).toMatchObject({ status: 'FAILED', failureCode: 'NOT_EXCHANGEABLE' });
      expect(inventory.holds.get(loser.id)?.state).toBe('RELEASED');
      expect(loser.payment?.status).toBe('VOIDED');
    }
  });
});
