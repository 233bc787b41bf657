import { randomUUID } from 'node:crypto';
import { importJWK, type CryptoKey } from 'jose';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { createLocalQuoteVerifier, signQuote, type QuoteClaims } from '@railgraph/quotes';
import { generateSigningKey } from '@railgraph/signing-keys';
import type { BookingOwner } from '../src/booking/owner.js';
import { CancelledRuns } from '../src/disruptions/cancelled-runs.js';
import type { CancellationFeed, RunCancellationEntry } from '../src/disruptions/feed.js';
import { followCancellations } from '../src/disruptions/follower.js';
import { renderMail } from '../src/mail/render.js';
import { contentOf } from '../src/mail/content.js';
import { CountedSeats } from './counted-seats.js';
import { codeOf, suiteDatabase, testBookings, testLog, testQuote } from './fixtures.js';

/**
 * Disruptions (docs/design.md §4, "Disruptions"): tickets follows trains' run cancellations,
 * marks every confirmed booking riding a cancelled run (a direct journey, or any leg of a trip)
 * with a `BookingDisrupted` event, refuses new bookings on the run, and offers the travellers a
 * full refund or a free rebooking whatever the rules say about the time. trains' feed is given
 * here as the entries its `runCancellations` answers (its own tests cover it, and the gateway's
 * the two together); quotes are real signed ones.
 */

const departure = { at: new Date('2026-12-01T18:00:00Z'), timeZone: 'Europe/London' };
const laterDeparture = { at: new Date('2026-12-01T21:00:00Z'), timeZone: 'Europe/London' };
/** The day before: bookings are made. */
const before = () => new Date('2026-11-30T12:00:00Z');
/** After the cancelled train's departure: rules alone would refuse a refund or an exchange. */
const after = () => new Date('2026-12-01T19:00:00Z');

let CANCELLED_RUN = '';
let OTHER_RUN = '';
let LATER_RUN = '';
let runs = 0;

/** trains' positions: they only grow, as the suite's database keeps tickets' cursor from test to test. */
let position = 0;

/** trains' feed, as a list the test appends to. */
function listedFeed(): CancellationFeed & { cancel(runId: string, reason: string): void } {
  const entries: RunCancellationEntry[] = [];
  return {
    cancel(runId, reason) {
      position += 1;
      entries.push({
        cursor: String(position),
        runId,
        reason,
        source: 'OPERATOR',
        cancelledAt: new Date('2026-12-01T10:00:00Z'),
      });
    },
    async after(cursor, first) {
      return entries.filter((e) => Number(e.cursor) > Number(cursor)).slice(0, first);
    },
  };
}

const quoteOn = (runId: string, at: typeof departure, fare: number, passengers = 1, legs?: QuoteClaims['legs']) =>
  testQuote({
    quoteId: `quote-${randomUUID()}`,
    journey: legs?.[0]?.journey ?? { runId, fromStop: 0, toStop: 2 },
    seatClass: 'STANDARD',
    passengers: Array.from({ length: passengers }, () => ({ type: 'ADULT' as const })),
    total: { amountMinor: fare * passengers, currency: 'GBP' },
    breakdown: Array.from({ length: passengers }, () => fare),
    departure: legs?.[0]?.departure ?? at,
    expiresAt: new Date('2026-12-02T23:00:00Z'),
    ...(legs ? { legs } : {}),
  });

await describeEachDatabase('disruptions', (target) => {
  const database = suiteDatabase(target);
  let sign: (claims: QuoteClaims) => Promise<string>;
  let publicJwk: object;

  beforeAll(async () => {
    const key = await generateSigningKey();
    const privateKey = (await importJWK(key.privateJwk, 'ES256')) as CryptoKey;
    sign = (claims) => signQuote(claims, { kid: key.kid, privateKey });
    publicJwk = key.publicJwk;
  });

  beforeEach(() => {
    runs += 1;
    CANCELLED_RUN = `XC300-${runs}:2026-12-01`;
    OTHER_RUN = `XC400-${runs}:2026-12-01`;
    LATER_RUN = `XC500-${runs}:2026-12-01`;
  });

  const traveller = (): BookingOwner => ({ kind: 'TRAVELLER', id: `traveller-${randomUUID()}` });

  async function setUp(clock: { now: () => Date }) {
    const inventory = new CountedSeats({ [CANCELLED_RUN]: 20, [OTHER_RUN]: 20, [LATER_RUN]: 20 });
    const cancelledRuns = new CancelledRuns();
    const made = await testBookings(database.prisma, inventory, {
      clock: () => clock.now(),
      quotes: createLocalQuoteVerifier({ keys: [publicJwk] }, { clock: () => clock.now() }),
      cancelledRuns,
    });
    const feed = listedFeed();
    const follow = () =>
      followCancellations({ prisma: database.prisma, feed, cancelledRuns, log: testLog }, clock.now());
    const book = async (owner: BookingOwner, quote: QuoteClaims) =>
      made.bookings.book(
        owner,
        {
          quoteToken: await sign(quote),
          passengers: quote.passengers.map((p) => p.type),
          passengerNames: quote.passengers.map(() => 'Ada Lovelace'),
          idempotencyKey: `key-${randomUUID()}`,
          paymentMethod: 'pm_card_visa',
        },
        'book',
      );
    return { inventory, ...made, feed, follow, book };
  }

  it('marks every booking riding a cancelled run once, on a direct journey or a leg of a trip, and refuses new ones', async () => {
    const clock = { now: before };
    const { feed, follow, book, bookings } = await setUp(clock);
    const direct = await book(traveller(), quoteOn(CANCELLED_RUN, departure, 3_000));
    const trip = await book(
      traveller(),
      quoteOn(OTHER_RUN, departure, 5_000, 1, [
        { journey: { runId: OTHER_RUN, fromStop: 0, toStop: 1 }, breakdown: [2_000], departure },
        { journey: { runId: CANCELLED_RUN, fromStop: 1, toStop: 2 }, breakdown: [3_000], departure: laterDeparture },
      ]),
    );
    const elsewhere = await book(traveller(), quoteOn(OTHER_RUN, departure, 3_000));

    feed.cancel(CANCELLED_RUN, 'Signal failure at Preston');
    expect(await follow()).toBe(2);
    expect(await follow()).toBe(0);
    const marked = await database.prisma.bookingDisruption.findMany({ where: { runId: CANCELLED_RUN } });
    expect(marked.map((m) => [m.bookingId, m.leg]).sort()).toEqual(
      [
        [direct.id, 0],
        [trip.id, 1],
      ].sort(),
    );
    const events = await database.prisma.bookingEvent.findMany({ where: { kind: 'BookingDisrupted' } });
    expect(
      events
        .filter((e) => [direct.id, trip.id, elsewhere.id].includes(e.bookingId))
        .map((e) => e.bookingId)
        .sort(),
    ).toEqual([direct.id, trip.id].sort());
    expect(events.find((e) => e.bookingId === trip.id)?.payload).toMatchObject({
      runId: CANCELLED_RUN,
      reason: 'Signal failure at Preston',
      source: 'OPERATOR',
      leg: 1,
    });
    expect(await bookings.disruptionsOf([direct.id, trip.id, elsewhere.id])).toEqual([
      expect.objectContaining({
        runId: CANCELLED_RUN,
        leg: 0,
        reason: 'Signal failure at Preston',
        rebookAfter: departure.at,
      }),
      expect.objectContaining({ runId: CANCELLED_RUN, leg: 1, rebookAfter: laterDeparture.at }),
      null,
    ]);

    // The run is no longer sold: refused before anything is written.
    const owner = traveller();
    expect(await codeOf(book(owner, quoteOn(CANCELLED_RUN, departure, 3_000)))).toBe('RUN_CANCELLED');
    expect(await database.prisma.booking.count({ where: { ownerId: owner.id } })).toBe(0);
  });

  it('marks a booking confirmed on the run just after it was cancelled at the next pass', async () => {
    const clock = { now: before };
    const { feed, follow, book } = await setUp(clock);
    feed.cancel(CANCELLED_RUN, 'Strike');
    await follow();
    // A process that had not heard yet: the booking goes through, and the next pass marks it.
    const late = await setUp(clock);
    const booking = await late.book(traveller(), quoteOn(CANCELLED_RUN, departure, 3_000));
    expect(booking.status).toBe('CONFIRMED');
    expect(await follow()).toBe(1);
    expect(await database.prisma.bookingDisruption.count({ where: { bookingId: booking.id } })).toBe(1);
    expect(await codeOf(book(traveller(), quoteOn(CANCELLED_RUN, departure, 3_000)))).toBe('RUN_CANCELLED');
  });

  it('refunds a disrupted booking in full after departure, when the rule alone would refuse', async () => {
    const clock = { now: before };
    const { feed, follow, book, bookings } = await setUp(clock);
    const owner = traveller();
    const disrupted = await book(owner, quoteOn(CANCELLED_RUN, departure, 3_000, 2));
    const ordinary = await book(owner, quoteOn(OTHER_RUN, departure, 3_000));
    feed.cancel(CANCELLED_RUN, 'Flooding');
    await follow();
    clock.now = after;
    expect(await codeOf(bookings.cancel(owner, ordinary.id, 'cancel'))).toBe('NOT_CANCELLABLE');
    const quote = await bookings.refundQuote(owner, disrupted.id);
    expect(quote).toMatchObject({ refundPercent: 100, amount: { amountMinor: 6_000 } });
    const cancelled = await bookings.cancel(owner, disrupted.id, 'cancel');
    expect(cancelled.status).toBe('REFUNDED');
    const payment = await database.prisma.payment.findUniqueOrThrow({ where: { bookingId: disrupted.id } });
    expect(payment).toMatchObject({ refundedMinor: 6_000, status: 'REFUNDED' });
  });

  it('rebooks a disrupted booking for free after departure: no fee, no passenger paying more than they paid', async () => {
    const clock = { now: before };
    const { feed, follow, book, bookings, inventory } = await setUp(clock);
    const owner = traveller();
    const disrupted = await book(owner, quoteOn(CANCELLED_RUN, departure, 3_000, 2));
    feed.cancel(CANCELLED_RUN, 'Flooding');
    await follow();
    clock.now = after;
    // The later train is dearer: each passenger still pays only what they paid.
    const request = {
      bookingId: disrupted.id,
      quoteToken: await sign(quoteOn(LATER_RUN, laterDeparture, 4_500, 2)),
      passengers: [{ type: 'ADULT' as const }, { type: 'ADULT' as const }],
      idempotencyKey: `rebook-${randomUUID()}`,
      paymentMethod: 'pm_card_visa',
    };
    expect(await bookings.exchangeQuote(owner, request)).toMatchObject({
      newTotal: { amountMinor: 6_000 },
      fee: { amountMinor: 0 },
      refund: { amountMinor: 6_000 },
      difference: { amountMinor: 0 },
    });
    const rebooked = await bookings.exchange(owner, request, 'rebook');
    // The new hold confirmed after the answer (step 6).
    await bookings.afterCommitDone();
    expect(rebooked).toMatchObject({ status: 'CONFIRMED', totalMinor: 6_000, exchangedFromId: disrupted.id });
    expect(rebooked.tickets.map((t) => t.fareMinor)).toEqual([3_000, 3_000]);
    expect(inventory.holds.get(rebooked.id)?.state).toBe('CONFIRMED');
    const old = await database.prisma.booking.findUniqueOrThrow({ where: { id: disrupted.id } });
    expect(old.status).toBe('EXCHANGED');
    // An undisrupted booking cannot be exchanged after its departure.
    clock.now = before;
    const ordinary = await book(owner, quoteOn(OTHER_RUN, departure, 3_000));
    clock.now = after;
    expect(
      await codeOf(
        bookings.exchange(owner, { ...request, bookingId: ordinary.id, idempotencyKey: `x-${randomUUID()}` }, 'x'),
      ),
    ).toBe('NOT_EXCHANGEABLE');
  });

  it('tells the traveller by email which train was cancelled and what they may do', async () => {
    const clock = { now: before };
    const { feed, follow, book } = await setUp(clock);
    const booking = await book(traveller(), quoteOn(CANCELLED_RUN, departure, 3_000));
    feed.cancel(CANCELLED_RUN, 'Signal failure at Preston');
    await follow();
    const event = await database.prisma.bookingEvent.findFirstOrThrow({
      where: { bookingId: booking.id, kind: 'BookingDisrupted' },
    });
    const content = await contentOf(database.prisma, event, { journeyOf: async () => null });
    const mail = await renderMail(content as Parameters<typeof renderMail>[0], {
      email: 'ada@example.com',
      name: 'Ada',
    });
    expect(mail.subject).toMatch(/^Train cancelled: /);
    expect(mail.text).toContain('Your train is cancelled: Signal failure at Preston');
    expect(mail.text).toContain('rebook for free');
    expect(mail.text).toContain('full refund, paid back to your card');
  });
});
