import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type RunningSystem } from './system.js';

/**
 * Fares through the gateway: the passenger's age crosses federation to prices (fares) and
 * to tickets (bookJourney), and a booking must repeat the quoted passengers exactly.
 */
let system: RunningSystem;
let token: string;

const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

interface Offer {
  seatClass: string;
  total: { amountMinor: number; currency: string };
  breakdown: Array<{ passenger: string; age: number | null; amount: { amountMinor: number } }>;
  quoteToken: string;
}

const family = [{ type: 'ADULT' }, { type: 'CHILD', age: 2 }, { type: 'CHILD', age: 8 }];

const faresQuery = `query Fares($from: String!, $to: String!, $date: Date!, $passengers: [PassengerInput!]!) {
  searchJourneys(from: $from, to: $to, date: $date, first: 1) {
    fares(passengers: $passengers) {
      seatClass total { amountMinor currency } quoteToken
      breakdown { passenger age amount { amountMinor } }
    }
  }
}`;

/** Two stations with a journey between them tomorrow. */
async function route(): Promise<{ from: string; to: string }> {
  const stations = await graphql<{ stations: Array<{ code: string }> }>(
    system.gatewayUrl,
    '{ stations(first: 100) { code } }',
  );
  const [from, ...others] = stations.data?.stations.map((s) => s.code) ?? [];
  for (const to of others) {
    const result = await graphql<{ searchJourneys: Array<{ runId: string }> }>(
      system.gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 1) { runId } }',
      { from, to, date: tomorrow() },
    );
    if ((result.data?.searchJourneys.length ?? 0) > 0) return { from: from!, to };
  }
  throw new Error('no journey tomorrow');
}

async function faresFor(passengers: unknown[]) {
  return graphql<{ searchJourneys: Array<{ fares: Offer[] }> }>(system.gatewayUrl, faresQuery, {
    ...(await route()),
    date: tomorrow(),
    passengers,
  });
}

const bookMutation = `mutation Book($input: BookJourneyInput!) {
  bookJourney(input: $input) { status total { amountMinor } tickets { passenger fare { amountMinor } } }
}`;

beforeAll(async () => {
  system = await startSystem();
  const signUp = await graphql<{ signUp: { accessToken: string } }>(
    system.gatewayUrl,
    'mutation { signUp(input: { email: "family@example.com", password: "correct horse battery", name: "Family" }) { accessToken } }',
  );
  token = signUp.data!.signUp.accessToken;
}, 180_000);

afterAll(async () => {
  await system?.cleanup();
});

describe('fares through the gateway', () => {
  it('quotes a child under 4 free and books the family at the quoted price, ages as quoted', async () => {
    const result = await faresFor(family);
    expect(result.errors).toBeUndefined();
    const offer = result.data!.searchJourneys[0]!.fares.find((f) => f.seatClass === 'STANDARD')!;
    expect(offer.breakdown.map((b) => [b.passenger, b.age])).toEqual([
      ['ADULT', null],
      ['CHILD', 2],
      ['CHILD', 8],
    ]);
    const [adult, infant, child] = offer.breakdown.map((b) => b.amount.amountMinor);
    expect(infant).toBe(0);
    expect(child).toBeLessThan(adult!);
    expect(offer.total.amountMinor).toBe(adult! + child!);

    const book = (passengers: unknown[], idempotencyKey: string) =>
      graphql<{
        bookJourney: {
          status: string;
          total: { amountMinor: number };
          tickets: Array<{ fare: { amountMinor: number } }>;
        };
      }>(
        system.gatewayUrl,
        bookMutation,
        { input: { quoteToken: offer.quoteToken, passengers, idempotencyKey, paymentMethod: 'pm_card_visa' } },
        { authorization: `Bearer ${token}` },
      );
    // A traveller names every passenger; the quote never has names, so they do not have to match it.
    const named = (passengers: Array<Record<string, unknown>>) =>
      passengers.map((p, i) => ({ ...p, name: ['Ada Family', 'Noor Family', 'Sam Family'][i] }));
    const withoutAge = await book(
      named([{ type: 'ADULT' }, { type: 'CHILD' }, { type: 'CHILD', age: 8 }]),
      'fares-no-age-1',
    );
    expect(withoutAge.errors?.[0]?.extensions?.code).toBe('QUOTE_MISMATCH');

    const booked = await book(named(family), 'fares-family-1');
    expect(booked.errors).toBeUndefined();
    expect(booked.data?.bookJourney.status).toBe('CONFIRMED');
    expect(booked.data?.bookJourney.total.amountMinor).toBe(offer.total.amountMinor);
    expect(booked.data?.bookJourney.tickets.map((t) => t.fare.amountMinor).sort((a, b) => a - b)).toEqual(
      [adult!, infant!, child!].sort((a, b) => a - b),
    );
  });

  it('refuses an age that does not fit the passenger type as BAD_USER_INPUT', async () => {
    const result = await faresFor([{ type: 'SENIOR', age: 30 }]);
    expect(result.status).toBeLessThan(500);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
