import { randomUUID } from 'node:crypto';
import { importJWK, type CryptoKey } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { createLocalQuoteVerifier, signQuote, type QuoteClaims, type QuoteVerifier } from '@railgraph/quotes';
import { generateSigningKey } from '@railgraph/signing-keys';
import { AdmissionGate } from '../src/booking/admission.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import type { BookingRush, BookJourneyRequest } from '../src/booking/model.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { SoldOutMemo } from '../src/booking/sold-out-memo.js';
import { suiteDatabase, testBookings, testQuote } from './fixtures.js';

/**
 * A quote for a trip with changes (one with `legs`) cannot be booked until trip booking exists:
 * booking it would hold and charge the first leg alone at the whole trip's price. It is refused
 * as BAD_USER_INPUT where the quote is checked, with nothing held, written or charged, so the
 * same key may then book each leg's own quote. The quotes are real signed ones.
 */

/** On the travel day, before the train leaves: the quotes hold. */
const travelDay = () => new Date('2026-12-01T06:00:00Z');
const departure = { at: new Date('2026-12-01T07:15:00Z'), timeZone: 'Europe/London' };

/** The first leg is the fixtures' EC117 journey; the trip goes on by another train. */
const tripQuote = (): QuoteClaims =>
  testQuote({
    quoteId: `quote-${randomUUID()}`,
    total: { amountMinor: 6_500, currency: 'GBP' },
    breakdown: [6_500],
    departure,
    expiresAt: new Date('2026-12-01T07:00:00Z'),
    legs: [
      { journey: testQuote().journey, breakdown: [4_200], departure },
      {
        journey: { runId: 'IC205:2026-12-01', fromStop: 1, toStop: 3 },
        breakdown: [2_300],
        departure: { at: new Date('2026-12-01T09:40:00Z'), timeZone: 'Europe/London' },
      },
    ],
  });
const journeyQuote = (): QuoteClaims =>
  testQuote({ quoteId: `quote-${randomUUID()}`, departure, expiresAt: new Date('2026-12-01T07:00:00Z') });

/** Seats handed out so far in the suite: every hold gets fresh seats of coach 2. */
let seatsHandedOut = 0;

/** Inventory that seats every hold in fresh seats, counting the holds asked for. */
function countingInventory(): InventoryClient & { holds: () => number } {
  let holds = 0;
  return {
    holds: () => holds,
    hold: async (request) => {
      holds += 1;
      return Array.from({ length: request.count }, () => ({ coach: 2, label: `${(seatsHandedOut += 1)}B` }));
    },
    confirm: async () => undefined,
    release: async () => undefined,
    releaseSeats: async () => undefined,
  };
}

await describeEachDatabase('trip quotes at booking', (target) => {
  const database = suiteDatabase(target);
  let sign: (claims: QuoteClaims) => Promise<string>;
  let quotes: QuoteVerifier;

  beforeAll(async () => {
    const key = await generateSigningKey();
    const privateKey = (await importJWK(key.privateJwk, 'ES256')) as CryptoKey;
    sign = (claims) => signQuote(claims, { kid: key.kid, privateKey });
    quotes = createLocalQuoteVerifier({ keys: [key.publicJwk] }, { clock: travelDay });
  });

  const request = (quoteToken: string, idempotencyKey: string): BookJourneyRequest => ({
    quoteToken,
    passengers: ['ADULT'],
    passengerNames: ['Ada Lovelace'],
    idempotencyKey,
    paymentMethod: 'pm_card_visa',
  });

  /** What a booking attempt could have written: `owner`'s bookings and tickets, and every outbox step and payment. */
  const written = async (owner: BookingOwner) => {
    const bookings = await database.prisma.booking.findMany({
      where: { ownerKind: owner.kind, ownerId: owner.id },
      include: { tickets: true },
    });
    return {
      bookings: bookings.length,
      tickets: bookings.flatMap((b) => b.tickets).length,
      outbox: await database.prisma.outboxMessage.count(),
      payments: await database.prisma.payment.count(),
    };
  };

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => ({ code: 'no error' }),
      (error: { message: string; extensions: Record<string, unknown> }) => ({
        code: error.extensions['code'],
        message: error.message,
      }),
    );

  const rushes: Array<[string, () => BookingRush | undefined]> = [
    ['straight to the saga', () => undefined],
    [
      'behind the queue at a rush',
      () => ({
        gate: new AdmissionGate({ concurrency: 2, queueLimit: 10, maxWaitMs: 5_000 }),
        memo: new SoldOutMemo({ ttlMs: 5_000 }),
      }),
    ],
  ];

  it.each(rushes)(
    'refuses a trip quote as BAD_USER_INPUT, holding and writing nothing, so the key can book a leg (%s)',
    async (_name, rush) => {
      const inventory = countingInventory();
      const booked = rush();
      const { bookings } = await testBookings(database.prisma, inventory, {
        quotes,
        clock: travelDay,
        ...(booked ? { rush: booked } : {}),
      });
      const owner: BookingOwner = { kind: 'TRAVELLER', id: `traveller-${randomUUID()}` };
      const key = `key-${randomUUID()}`;
      const before = await written(owner);

      expect(await refusal(bookings.book(owner, request(await sign(tripQuote()), key), 'request-trip'))).toEqual({
        code: 'BAD_USER_INPUT',
        message: 'Booking trips with changes is not available yet; book each leg',
      });
      expect(inventory.holds()).toBe(0);
      expect(await written(owner)).toEqual({ ...before, bookings: 0, tickets: 0 });

      // Nothing claimed the key: booking the first leg's own quote with it is a first attempt.
      const leg = await bookings.book(owner, request(await sign(journeyQuote()), key), 'request-leg');
      expect(leg.status).toBe('CONFIRMED');
      expect(leg.totalMinor).toBe(4_200);
      expect(inventory.holds()).toBe(1);
    },
  );
});
