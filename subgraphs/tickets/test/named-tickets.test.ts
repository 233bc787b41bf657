import { randomUUID } from 'node:crypto';
import { importJWK, type CryptoKey } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { createLocalQuoteVerifier, signQuote, type QuoteVerifier } from '@railgraph/quotes';
import { generateSigningKey } from '@railgraph/signing-keys';
import type { Bookings } from '../src/booking/bookings.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import type { BookJourneyRequest } from '../src/booking/model.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { suiteDatabase, testBookings, testQuote } from './fixtures.js';

/**
 * Named tickets: a traveller names every passenger, a partner may not; each name is checked
 * (nothing is written for a bad one), stored on its ticket, signed into its code and shown by
 * `validateTicket`. The quote is a real signed one: a booking must match it passenger for
 * passenger, names aside.
 */

/** On the travel day, before the train leaves: the quote holds and the tickets are valid. */
const travelDay = () => new Date('2026-12-01T06:00:00Z');

/** Seats handed out so far: every hold gets fresh seats of coach 2. */
let seatsHandedOut = 0;
const seatingInventory: InventoryClient = {
  hold: async (request) =>
    Array.from({ length: request.count }, () => ({ coach: 2, label: `${(seatsHandedOut += 1)}B` })),
  confirm: async () => undefined,
  release: async () => undefined,
  releaseSeats: async () => undefined,
};

const traveller = (): BookingOwner => ({ kind: 'TRAVELLER', id: `traveller-${randomUUID()}` });
const partner = (): BookingOwner => ({ kind: 'CLIENT', id: `partner-${randomUUID()}` });

/** A signed quote for an adult and a child of 8, and a verifier holding prices' public key. */
async function signedQuotes(): Promise<{ token: string; quotes: QuoteVerifier }> {
  const key = await generateSigningKey();
  const privateKey = (await importJWK(key.privateJwk, 'ES256')) as CryptoKey;
  const token = await signQuote(
    testQuote({
      quoteId: `quote-${randomUUID()}`,
      passengers: [{ type: 'ADULT' }, { type: 'CHILD', age: 8 }],
      total: { amountMinor: 6_300, currency: 'GBP' },
      breakdown: [4_200, 2_100],
      departure: { at: new Date('2026-12-01T07:15:00Z'), timeZone: 'Europe/Amsterdam' },
      expiresAt: new Date('2026-12-01T07:00:00Z'),
    }),
    { kid: key.kid, privateKey },
  );
  return { token, quotes: createLocalQuoteVerifier({ keys: [key.publicJwk] }, { clock: travelDay }) };
}

await describeEachDatabase('named tickets', (target) => {
  const database = suiteDatabase(target);
  let bookings: Bookings;
  let token: string;

  beforeAll(async () => {
    const signed = await signedQuotes();
    token = signed.token;
    ({ bookings } = await testBookings(database.prisma, seatingInventory, { quotes: signed.quotes, clock: travelDay }));
  });

  const request = (names?: Array<string | null>, idempotencyKey = `key-${randomUUID()}`): BookJourneyRequest => ({
    quoteToken: token,
    passengers: ['ADULT', 'CHILD'],
    passengerAges: [null, 8],
    ...(names ? { passengerNames: names } : {}),
    idempotencyKey,
    paymentMethod: 'pm_card_visa',
  });

  /** What an owner has written: bookings and tickets. */
  const writtenBy = async (owner: BookingOwner) => {
    const rows = await database.prisma.booking.findMany({
      where: { ownerKind: owner.kind, ownerId: owner.id },
      include: { tickets: true },
    });
    return { bookings: rows.length, tickets: rows.flatMap((b) => b.tickets).length };
  };

  /** The error a booking fails with, as the API reports it. */
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => ({ code: 'no error' }),
      (error: { message: string; extensions: Record<string, unknown> }) => ({
        code: error.extensions['code'],
        field: error.extensions['field'],
        message: error.message,
      }),
    );

  it("stores a traveller's passengers' names on their tickets, trimmed, and signs them into the codes", async () => {
    const owner = traveller();
    const booked = await bookings.book(owner, request(['  Zoë O’Brien-Smith Jr. ', 'Ελένη Παπαδοπούλου']), 'r-1');
    expect(booked.status).toBe('CONFIRMED');
    expect(booked.tickets.map((t) => t.passengerName)).toEqual(['Zoë O’Brien-Smith Jr.', 'Ελένη Παπαδοπούλου']);

    const stored = await database.prisma.ticket.findMany({ where: { bookingId: booked.id } });
    expect(new Map(stored.map((t) => [t.id, t.passengerName]))).toEqual(
      new Map(booked.tickets.map((t) => [t.id, t.passengerName])),
    );
    const reread = await bookings.forOwner(owner, booked.id);
    expect(reread?.tickets.map((t) => t.passengerName).sort()).toEqual(
      ['Ελένη Παπαδοπούλου', 'Zoë O’Brien-Smith Jr.'].sort(),
    );

    // The check reads the name from the signed code (the ticket row holds the same).
    for (const ticket of booked.tickets) {
      expect(await bookings.validateTicket(ticket.code)).toMatchObject({
        status: 'VALID',
        passengerName: ticket.passengerName,
        ticket: { id: ticket.id, passengerName: ticket.passengerName },
      });
    }
  });

  it('takes names of any script, with their marks, up to 70 characters', async () => {
    const names = ['अनिल कुमार', 'A'.repeat(70)];
    const booked = await bookings.book(traveller(), request(names), 'r-2');
    expect(booked.tickets.map((t) => t.passengerName)).toEqual(names);
    // A decomposed accent is stored composed: one name, one spelling.
    const composed = await bookings.book(traveller(), request(['Zoe\u0308 Ng', '山田 太郎']), 'r-3');
    expect(composed.tickets[0]?.passengerName).toBe('Zoë Ng');
  });

  it("books a partner's passengers without names: unnamed tickets whose codes carry none", async () => {
    const owner = partner();
    const booked = await bookings.book(owner, request(), 'r-4');
    expect(booked.status).toBe('CONFIRMED');
    expect(booked.tickets.map((t) => t.passengerName)).toEqual([null, null]);
    const code = booked.tickets[0]!.code;
    const payload = JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).not.toHaveProperty('h');
    expect(await bookings.validateTicket(code)).toMatchObject({ status: 'VALID', passengerName: null });
    // A partner may name some passengers and not others.
    const some = await bookings.book(partner(), request([null, 'Noor Haddad']), 'r-5');
    expect(some.tickets.map((t) => t.passengerName)).toEqual([null, 'Noor Haddad']);
  });

  it('refuses a traveller who leaves a passenger unnamed, naming the passenger, and writes nothing', async () => {
    for (const names of [undefined, ['Ada Lovelace', null], ['Ada Lovelace']]) {
      const owner = traveller();
      expect(await refusal(bookings.book(owner, request(names), 'r-6'))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: names ? 'passengers[1].name' : 'passengers[0].name',
        message: expect.stringMatching(/passenger \d as on their ID/),
      });
      expect(await writtenBy(owner)).toEqual({ bookings: 0, tickets: 0 });
    }
  });

  const badNames: Array<[string, string, RegExp]> = [
    ['empty', '', /Enter the name/],
    ['only spaces', '   ', /Enter the name/],
    ['71 characters', 'B'.repeat(71), /at most 70 characters/],
    ['digits', 'Ada Lovelace 2', /only have letters/],
    ['a symbol', 'Ada@Lovelace', /only have letters/],
    ['a control character', 'Ada\u0007Lovelace', /only have letters/],
    ['a line break inside', 'Ada\nLovelace', /only have letters/],
    ['an invisible format character', 'Ada\u200BLovelace', /only have letters/],
    ['no letter at all', "- . '", /only have letters/],
  ];
  for (const [what, name, message] of badNames) {
    it(`refuses a name with ${what} as BAD_USER_INPUT for that passenger, for a traveller or a partner, and writes nothing`, async () => {
      for (const owner of [traveller(), partner()]) {
        expect(await refusal(bookings.book(owner, request(['Ada Lovelace', name]), 'r-7'))).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'passengers[1].name',
          message,
        });
        expect(await writtenBy(owner)).toEqual({ bookings: 0, tickets: 0 });
      }
    });
  }

  it('answers a retry with the same names with the first booking, and one naming anyone else as a reused key', async () => {
    const owner = traveller();
    const key = `key-${randomUUID()}`;
    const first = await bookings.book(owner, request(['Ada Lovelace', 'Noor Haddad'], key), 'r-8');
    // The same names, spaced differently, are the same request.
    expect(await bookings.book(owner, request([' Ada Lovelace', 'Noor Haddad '], key), 'r-9')).toMatchObject({
      id: first.id,
    });
    for (const names of [
      ['Ada Byron', 'Noor Haddad'],
      ['Noor Haddad', 'Ada Lovelace'],
    ]) {
      expect(await refusal(bookings.book(owner, request(names, key), 'r-10'))).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
    // A partner's retry that adds names it first left out is another request too.
    const client = partner();
    const unnamed = await bookings.book(client, request(undefined, key), 'r-11');
    expect(await bookings.book(client, request([null, null], key), 'r-12')).toMatchObject({ id: unnamed.id });
    expect(await refusal(bookings.book(client, request(['Ada Lovelace', null], key), 'r-13'))).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await writtenBy(owner)).toEqual({ bookings: 1, tickets: 2 });
    expect(await writtenBy(client)).toEqual({ bookings: 1, tickets: 2 });
  });
});
