import { randomUUID } from 'node:crypto';
import { importJWK, type CryptoKey } from 'jose';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { createLocalQuoteVerifier, signQuote, type QuoteClaims, type QuoteVerifier } from '@railgraph/quotes';
import type { DomainError } from '@railgraph/service-kit';
import { generateSigningKey } from '@railgraph/signing-keys';
import { AdmissionGate } from '../src/booking/admission.js';
import { expireStalledBookings } from '../src/booking/expiry.js';
import { confirmedSeats, holdOwnership } from '../src/booking/inventory-lookups.js';
import type { BookingRush, BookJourneyRequest } from '../src/booking/model.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { SoldOutMemo } from '../src/booking/sold-out-memo.js';
import { CountedSeats } from './counted-seats.js';
import { suiteDatabase, testBookings, testQuote } from './fixtures.js';

/**
 * Booking a trip with changes (docs/design.md §4, "Trips with changes"): one booking, one
 * payment, every leg held all or nothing in its own hold (`<bookingId>:<leg>` after the first),
 * tickets per leg and passenger, and every path that knows a hold (the commit, compensation,
 * expiry, cancellation, inventory's look-ups) going through each leg. The quotes are real
 * signed ones; inventory is a seat counter per run that refuses what it cannot seat.
 */

const travelDay = () => new Date('2026-12-01T06:00:00Z');
const firstDeparture = { at: new Date('2026-12-01T07:15:00Z'), timeZone: 'Europe/London' };
const secondDeparture = { at: new Date('2026-12-01T09:40:00Z'), timeZone: 'Europe/London' };
/** Each test's own runs: the database is the suite's, and each test's inventory starts empty. */
let FIRST_RUN = '';
let SECOND_RUN = '';
let runs = 0;

/** EC117 stops 0-4 at 42.00 a head, then IC205 stops 1-3 at 23.00: two adults. */
const tripQuote = (passengers = 2): QuoteClaims =>
  testQuote({
    quoteId: `quote-${randomUUID()}`,
    journey: { runId: FIRST_RUN, fromStop: 0, toStop: 4 },
    passengers: Array.from({ length: passengers }, () => ({ type: 'ADULT' as const })),
    total: { amountMinor: 6_500 * passengers, currency: 'GBP' },
    breakdown: Array.from({ length: passengers }, () => 6_500),
    departure: firstDeparture,
    expiresAt: new Date('2026-12-01T07:00:00Z'),
    legs: [
      {
        journey: { runId: FIRST_RUN, fromStop: 0, toStop: 4 },
        breakdown: Array.from({ length: passengers }, () => 4_200),
        departure: firstDeparture,
      },
      {
        journey: { runId: SECOND_RUN, fromStop: 1, toStop: 3 },
        breakdown: Array.from({ length: passengers }, () => 2_300),
        departure: secondDeparture,
      },
    ],
  });

await describeEachDatabase('booking a trip with changes', (target) => {
  const database = suiteDatabase(target);
  let sign: (claims: QuoteClaims) => Promise<string>;
  let quotes: QuoteVerifier;

  beforeAll(async () => {
    const key = await generateSigningKey();
    const privateKey = (await importJWK(key.privateJwk, 'ES256')) as CryptoKey;
    sign = (claims) => signQuote(claims, { kid: key.kid, privateKey });
    quotes = createLocalQuoteVerifier({ keys: [key.publicJwk] }, { clock: travelDay });
  });

  const traveller = (): BookingOwner => ({ kind: 'TRAVELLER', id: `traveller-${randomUUID()}` });

  const request = async (
    overrides: Partial<BookJourneyRequest> = {},
    quote = tripQuote(),
  ): Promise<BookJourneyRequest> => ({
    quoteToken: await sign(quote),
    passengers: quote.passengers.map((p) => p.type),
    passengerNames: quote.passengers.map((_, i) => ['Ada Lovelace', 'Noor Inayat'][i % 2]!),
    idempotencyKey: `key-${randomUUID()}`,
    paymentMethod: 'pm_card_visa',
    ...overrides,
  });

  const rushes: Array<[string, () => BookingRush | undefined]> = [
    ['straight to the saga', () => undefined],
    [
      'behind the queue at a rush',
      () => ({
        gate: new AdmissionGate({ concurrency: 2, queueLimit: 50, maxWaitMs: 5_000 }),
        memo: new SoldOutMemo({ ttlMs: 5_000 }),
      }),
    ],
  ];

  beforeEach(() => {
    runs += 1;
    FIRST_RUN = `EC117-${runs}:2026-12-01`;
    SECOND_RUN = `IC205-${runs}:2026-12-01`;
  });

  const setUp = async (seats: Record<string, number>, rush?: BookingRush) => {
    const inventory = new CountedSeats(seats);
    const made = await testBookings(database.prisma, inventory, {
      quotes,
      clock: travelDay,
      ...(rush ? { rush } : {}),
    });
    return { inventory, ...made };
  };

  it.each(rushes)(
    'books every leg in one booking and one payment: tickets per leg and passenger, each leg sold and confirmed (%s)',
    async (_name, rush) => {
      const { inventory, bookings } = await setUp({ [FIRST_RUN]: 10, [SECOND_RUN]: 10 }, rush());
      const booking = await bookings.book(traveller(), await request(), 'request-trip');
      // Both holds confirmed and the payment captured after the answer (step 6).
      await bookings.afterCommitDone();

      expect(booking).toMatchObject({ status: 'CONFIRMED', legCount: 2, totalMinor: 13_000, runId: FIRST_RUN });
      // Travel order, then passenger order; each leg's fare and seat.
      expect(
        booking.tickets.map((t) => [t.tripLeg, t.position, t.fareMinor, t.passengerName, `${t.coach}-${t.seatLabel}`]),
      ).toEqual([
        [0, 0, 4_200, 'Ada Lovelace', '1-1A'],
        [0, 1, 4_200, 'Noor Inayat', '1-2A'],
        [1, 0, 2_300, 'Ada Lovelace', '1-1A'],
        [1, 1, 2_300, 'Noor Inayat', '1-2A'],
      ]);
      // Each ticket's code is for its own train.
      for (const ticket of booking.tickets) {
        // r and f: the run and boarding stop the code is signed for (ticket-code.ts).
        const claims = JSON.parse(Buffer.from(ticket.code.split('.')[1]!, 'base64url').toString('utf8')) as {
          r: string;
          f: number;
        };
        expect([claims.r, claims.f]).toEqual(ticket.tripLeg === 0 ? [FIRST_RUN, 0] : [SECOND_RUN, 1]);
        expect((await bookings.validateTicket(ticket.code)).ticket?.id).toBe(ticket.id);
      }
      const legs = await database.prisma.bookingLeg.findMany({ where: { bookingId: booking.id } });
      expect(legs).toEqual([
        expect.objectContaining({
          leg: 1,
          runId: SECOND_RUN,
          fromStop: 1,
          toStop: 3,
          holdId: `${booking.id}:1`,
          heldSeats: ['1-1A', '1-2A'],
          departure: secondDeparture.at,
          totalMinor: 4_600,
        }),
      ]);
      const sold = await database.prisma.soldSeatLeg.findMany({ where: { bookingId: booking.id } });
      expect(sold.filter((s) => s.runId === FIRST_RUN && s.tripLeg === 0)).toHaveLength(2 * 4);
      expect(sold.filter((s) => s.runId === SECOND_RUN && s.tripLeg === 1)).toHaveLength(2 * 2);
      // Both holds confirmed, one payment for the whole trip, captured.
      expect(inventory.holds.get(booking.id)?.state).toBe('CONFIRMED');
      expect(inventory.holds.get(`${booking.id}:1`)?.state).toBe('CONFIRMED');
      const payment = await database.prisma.payment.findUniqueOrThrow({ where: { bookingId: booking.id } });
      expect(payment).toMatchObject({ amountMinor: 13_000, status: 'CAPTURED' });
      const event = await database.prisma.bookingEvent.findFirstOrThrow({ where: { bookingId: booking.id } });
      expect(event.payload).toMatchObject({
        runId: FIRST_RUN,
        seats: ['1-1A', '1-2A'],
        legs: [
          { runId: FIRST_RUN, fromStop: 0, toStop: 4, seats: ['1-1A', '1-2A'] },
          { runId: SECOND_RUN, fromStop: 1, toStop: 3, seats: ['1-1A', '1-2A'] },
        ],
      });
      // Inventory's look-ups know the second leg's hold and its seats on its own run.
      expect(await holdOwnership(database.prisma, [booking.id, `${booking.id}:1`, `${booking.id}:2`])).toEqual([
        { holdId: booking.id, owned: true, bookingStatus: 'CONFIRMED' },
        { holdId: `${booking.id}:1`, owned: true, bookingStatus: 'CONFIRMED' },
        { holdId: `${booking.id}:2`, owned: false, bookingStatus: null },
      ]);
      expect(
        (await confirmedSeats(database.prisma, SECOND_RUN)).filter((s) => s.holdId.startsWith(booking.id)),
      ).toEqual([
        { holdId: `${booking.id}:1`, coach: 1, seatLabel: '1A', fromStop: 1, toStop: 3 },
        { holdId: `${booking.id}:1`, coach: 1, seatLabel: '2A', fromStop: 1, toStop: 3 },
      ]);
    },
  );

  it.each(rushes)(
    'fails the whole trip SOLD_OUT when a later leg cannot seat everyone, giving the first leg its seats back (%s)',
    async (_name, rush) => {
      const { inventory, bookings } = await setUp({ [FIRST_RUN]: 10, [SECOND_RUN]: 1 }, rush());
      const owner = traveller();
      const refused = await bookings.book(owner, await request(), 'request-short').catch((error: unknown) => error);
      expect(refused).toMatchObject({ extensions: { code: 'SOLD_OUT' } });
      expect(inventory.freeOn(FIRST_RUN)).toBe(10);
      expect(inventory.freeOn(SECOND_RUN)).toBe(1);
      const [failed] = await database.prisma.booking.findMany({
        where: { ownerId: owner.id },
        include: { tickets: true, soldSeatLegs: true },
      });
      expect(failed).toMatchObject({ status: 'FAILED', failureCode: 'SOLD_OUT', tickets: [], soldSeatLegs: [] });
      // Nothing was asked of the card.
      expect(await database.prisma.payment.count({ where: { bookingId: failed!.id } })).toBe(0);
    },
  );

  it('sells the last seats of a leg once to trips and direct bookings racing for them, all or nothing', async () => {
    const { inventory, bookings } = await setUp({ [FIRST_RUN]: 40, [SECOND_RUN]: 7 });
    const direct = testQuote({
      quoteId: `quote-${randomUUID()}`,
      journey: { runId: SECOND_RUN, fromStop: 1, toStop: 3 },
      total: { amountMinor: 2_300, currency: 'GBP' },
      breakdown: [2_300],
      departure: secondDeparture,
      expiresAt: new Date('2026-12-01T07:00:00Z'),
    });
    const attempts = await Promise.allSettled([
      ...Array.from({ length: 12 }, async () => bookings.book(traveller(), await request(), 'trip')),
      ...Array.from({ length: 6 }, async () => bookings.book(traveller(), await request({}, direct), 'direct')),
    ]);
    const confirmed = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const losers = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason as DomainError] : []));
    expect(losers.map((e) => e.extensions['code'])).toEqual(losers.map(() => 'SOLD_OUT'));
    expect(confirmed.length).toBeGreaterThan(0);
    // The second run's seats went once each; every trip confirmed holds both legs, every
    // failed one gave its first leg back.
    const sold = await database.prisma.soldSeatLeg.findMany({ where: { runId: SECOND_RUN, leg: 1 } });
    expect(new Set(sold.map((s) => s.seatLabel)).size).toBe(sold.length);
    const trips = confirmed.filter((b) => b.legCount === 2);
    const directs = confirmed.filter((b) => b.legCount === 1);
    expect(trips.length * 2 + directs.length).toBe(sold.length);
    expect(sold.length).toBeLessThanOrEqual(7);
    expect(inventory.freeOn(SECOND_RUN)).toBe(7 - sold.length);
    expect(inventory.freeOn(FIRST_RUN)).toBe(40 - trips.length * 2);
    for (const trip of trips) expect(trip.tickets.map((t) => t.tripLeg)).toEqual([0, 0, 1, 1]);
  });

  it('names seats per leg in travel order, and refuses a count that fits no leg before writing anything', async () => {
    const { bookings } = await setUp({ [FIRST_RUN]: 10, [SECOND_RUN]: 10 });
    const owner = traveller();
    const named = await bookings.book(owner, await request({ seats: ['1-5A', '1-6A', '1-5A', '1-7A'] }), 'named');
    expect(named.tickets.map((t) => [t.tripLeg, `${t.coach}-${t.seatLabel}`])).toEqual([
      [0, '1-5A'],
      [0, '1-6A'],
      [1, '1-5A'],
      [1, '1-7A'],
    ]);
    for (const seats of [
      ['1-1A', '1-2A', '1-3A'],
      ['1-1A', '1-1A', '1-2A', '1-3A'],
      ['1-1A', '1-2A'],
    ]) {
      const before = await database.prisma.booking.count({ where: { ownerId: owner.id } });
      const refused = await bookings.book(owner, await request({ seats }), 'bad').catch((error: unknown) => error);
      expect(refused).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(await database.prisma.booking.count({ where: { ownerId: owner.id } })).toBe(before);
    }
  });

  it("cancels a trip's single ticket on its own leg's hold, then the rest of the trip on every leg", async () => {
    const { inventory, bookings } = await setUp({ [FIRST_RUN]: 10, [SECOND_RUN]: 10 });
    const owner = traveller();
    const trip = await bookings.book(owner, await request(), 'trip');
    const secondLegTicket = trip.tickets.find((t) => t.tripLeg === 1 && t.position === 1)!;
    const after = await bookings.cancelTickets(owner, trip.id, [secondLegTicket.id], 'cancel-one');
    expect(after.status).toBe('CONFIRMED');
    expect(inventory.releasedSeats).toEqual([`${trip.id}:1 1-2A`]);
    expect(
      await database.prisma.soldSeatLeg.count({ where: { bookingId: trip.id, tripLeg: 1, seatLabel: '2A' } }),
    ).toBe(0);
    expect(
      await database.prisma.soldSeatLeg.count({ where: { bookingId: trip.id, tripLeg: 0, seatLabel: '2A' } }),
    ).toBe(4);
    const ended = await bookings.cancel(owner, trip.id, 'cancel-rest');
    expect(ended.status).toBe('REFUNDED');
    expect(inventory.released.sort()).toEqual([trip.id, `${trip.id}:1`].sort());
    expect(await database.prisma.soldSeatLeg.count({ where: { bookingId: trip.id } })).toBe(0);
    const released = await database.prisma.bookingEvent.findMany({
      where: { bookingId: trip.id, kind: 'SeatsReleased' },
      orderBy: { occurredAt: 'asc' },
    });
    expect(released.map((e) => (e.payload as { runId: string; seats: string[] }).runId)).toEqual([
      SECOND_RUN,
      FIRST_RUN,
      SECOND_RUN,
    ]);
  });

  it("expires a trip left PENDING by a crash, releasing every leg's hold", async () => {
    const { inventory, bookings, relay } = await setUp({ [FIRST_RUN]: 10, [SECOND_RUN]: 10 });
    const owner = traveller();
    // A 3-D Secure payment the customer never finishes leaves the trip PENDING with both legs held.
    const waiting = await bookings
      .book(owner, await request({ paymentMethod: 'pm_card_threeDSecure2Required' }), 'trip')
      .catch((error: unknown) => error);
    expect(waiting).toMatchObject({ extensions: { code: 'PAYMENT_ACTION_REQUIRED' } });
    const [pending] = await database.prisma.booking.findMany({ where: { ownerId: owner.id } });
    expect(inventory.holds.get(`${pending!.id}:1`)?.state).toBe('HELD');
    const expired = await expireStalledBookings(database.prisma, relay, {
      holdTtlMs: 0,
      now: new Date(Date.now() + 1_000),
    });
    expect(expired).toContain(pending!.id);
    expect(inventory.holds.get(pending!.id)?.state).toBe('RELEASED');
    expect(inventory.holds.get(`${pending!.id}:1`)?.state).toBe('RELEASED');
    expect(inventory.freeOn(FIRST_RUN)).toBe(10);
    expect(inventory.freeOn(SECOND_RUN)).toBe(10);
  });

  it('finishes a trip after 3-D Secure with every leg sold and confirmed', async () => {
    const { inventory, bookings, payments } = await setUp({ [FIRST_RUN]: 10, [SECOND_RUN]: 10 });
    const owner = traveller();
    const waiting = (await bookings
      .book(owner, await request({ paymentMethod: 'pm_card_threeDSecure2Required' }), 'trip')
      .catch((error: unknown) => error)) as DomainError;
    const bookingId = waiting.extensions['bookingId'] as string;
    await payments.authenticate(waiting.extensions['clientSecret'] as string, true);
    const done = await bookings.completePayment(owner, bookingId, 'complete');
    expect(done.status).toBe('CONFIRMED');
    // Every leg's hold confirmed after the answer (step 6).
    await bookings.afterCommitDone();
    expect(done.tickets.map((t) => [t.tripLeg, t.position])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(inventory.holds.get(`${bookingId}:1`)?.state).toBe('CONFIRMED');
    expect(await database.prisma.soldSeatLeg.count({ where: { bookingId, runId: SECOND_RUN, tripLeg: 1 } })).toBe(4);
  });
});
