import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedTestDatabase, type TestDatabase } from '@railgraph/database/testing';
import type { RunningService } from '@railgraph/service-kit';
import { createQuoteVerifier, createLocalQuoteVerifier } from '@railgraph/quotes';
import { readPricesEnv } from '../src/env.js';
import { startPrices } from '../src/service.js';

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}
interface Offer {
  seatClass: 'STANDARD' | 'FIRST';
  total: { amountMinor: number; currency: string };
  breakdown: Array<{ passenger: string; age: number | null; amount: { amountMinor: number; currency: string } }>;
  expiresAt: string;
  quoteToken: string;
}

const faresQuery = /* GraphQL */ `
  query ($r: [_Any!]!, $p: [PassengerInput!]!) {
    _entities(representations: $r) {
      ... on Journey {
        runId
        fromStop
        toStop
        fares(passengers: $p) {
          seatClass
          total {
            amountMinor
            currency
          }
          breakdown {
            passenger
            age
            amount {
              amountMinor
              currency
            }
          }
          expiresAt
          quoteToken
        }
      }
    }
  }
`;
const journey = (overrides: Record<string, unknown> = {}) => ({
  __typename: 'Journey',
  runId: 'IC501:2026-12-01',
  fromStop: 1,
  toStop: 4,
  distanceKm: 200,
  availability: [
    { seatClass: 'STANDARD', seatsLeft: 40, loadFactor: 0.2 },
    { seatClass: 'FIRST', seatsLeft: 2, loadFactor: 0.1 },
  ],
  ...overrides,
});

let service: RunningService;

type PassengerArg = string | { type: string; age?: number };

async function fares(representation: Record<string, unknown>, passengers: PassengerArg[]) {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: faresQuery,
      variables: {
        r: [representation],
        p: passengers.map((passenger) => (typeof passenger === 'string' ? { type: passenger } : passenger)),
      },
    }),
  });
  return (await response.json()) as GraphQLResponse<{ _entities: Array<{ fares: Offer[] } | null> }>;
}

let database: TestDatabase | undefined;

beforeAll(async () => {
  database = await embeddedTestDatabase('prices');
  const env = readPricesEnv({ PRICES_PORT: '0', LOG_LEVEL: 'silent', PRICES_DATABASE_URL: database.url });
  service = await startPrices({ env });
});

afterAll(async () => {
  await service?.stop();
  await database?.drop();
});

describe('prices settings', () => {
  it('use the prices database on the embedded server of DATA_DIR unless PRICES_DATABASE_URL is set', () => {
    expect(readPricesEnv({ DATA_DIR: '/srv/railgraph' }).database).toEqual({
      url: undefined,
      embedded: { dataDir: '/srv/railgraph', name: 'prices' },
    });
    const url = 'postgresql://db.internal/prices';
    expect(readPricesEnv({ PRICES_DATABASE_URL: url }).database.url).toBe(url);
  });
});

describe('prices subgraph', () => {
  it('offers every class with seats for all passengers, priced per passenger, from the representation', async () => {
    const before = Date.now();
    const result = await fares(journey(), ['ADULT', 'CHILD']);
    expect(result.errors).toBeUndefined();
    const offers = result.data?._entities[0]?.fares ?? [];
    expect(
      offers.map((o) => [o.seatClass, o.total, o.breakdown.map((b) => [b.passenger, b.amount.amountMinor])]),
    ).toEqual([
      [
        'STANDARD',
        { amountMinor: 4500, currency: 'EUR' },
        [
          ['ADULT', 3000],
          ['CHILD', 1500],
        ],
      ],
      [
        'FIRST',
        { amountMinor: 7200, currency: 'EUR' },
        [
          ['ADULT', 4800],
          ['CHILD', 2400],
        ],
      ],
    ]);
    const expiresAt = new Date(offers[0]?.expiresAt ?? 0).getTime();
    expect(expiresAt).toBeGreaterThan(before + 14 * 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
  });

  it('prices a class by its own load factor: a fuller class costs more', async () => {
    const loaded = (standardLoad: number) =>
      journey({
        availability: [
          { seatClass: 'STANDARD', seatsLeft: 40, loadFactor: standardLoad },
          { seatClass: 'FIRST', seatsLeft: 10, loadFactor: 0 },
        ],
      });
    const totals = async (standardLoad: number) =>
      (await fares(loaded(standardLoad), ['ADULT'])).data?._entities[0]?.fares.map((o) => [
        o.seatClass,
        o.total.amountMinor,
      ]);
    // 200 km: STANDARD 30.00 plain, +10 % from half taken, +40 % from 90 %; FIRST 48.00.
    expect(await totals(0.49)).toEqual([
      ['STANDARD', 3000],
      ['FIRST', 4800],
    ]);
    expect(await totals(0.5)).toEqual([
      ['STANDARD', 3300],
      ['FIRST', 4800],
    ]);
    expect(await totals(0.95)).toEqual([
      ['STANDARD', 4200],
      ['FIRST', 4800],
    ]);
  });

  it('lets a child under 4 travel free when its age is given, and binds the age into the quote', async () => {
    const result = await fares(journey(), ['ADULT', { type: 'CHILD', age: 3 }, { type: 'CHILD', age: 7 }]);
    expect(result.errors).toBeUndefined();
    const standard = result.data?._entities[0]?.fares.find((o) => o.seatClass === 'STANDARD');
    expect(standard?.breakdown.map((b) => [b.passenger, b.age, b.amount.amountMinor])).toEqual([
      ['ADULT', null, 3000],
      ['CHILD', 3, 0],
      ['CHILD', 7, 1500],
    ]);
    expect(standard?.total.amountMinor).toBe(4500);
    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as { keys: object[] };
    const verifier = createLocalQuoteVerifier(jwks);
    const claims = await verifier.verify(standard?.quoteToken ?? '', {
      passengers: ['ADULT', { type: 'CHILD', age: 3 }, { type: 'CHILD', age: 7 }],
    });
    expect(claims.passengers).toEqual([{ type: 'ADULT' }, { type: 'CHILD', age: 3 }, { type: 'CHILD', age: 7 }]);
    await expect(
      verifier.verify(standard?.quoteToken ?? '', { passengers: ['ADULT', 'CHILD', { type: 'CHILD', age: 7 }] }),
    ).rejects.toMatchObject({ extensions: { code: 'QUOTE_MISMATCH' } });
  });

  it('binds the departure and the boarding station time zone the router hands over into the quote', async () => {
    const departing = journey({
      departure: '2026-12-01T09:15:00.000Z',
      origin: { __typename: 'Station', timeZone: 'Europe/Amsterdam' },
    });
    const result = await fares(departing, ['ADULT']);
    expect(result.errors).toBeUndefined();
    const offer = result.data?._entities[0]?.fares[0];
    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as { keys: object[] };
    const claims = await createLocalQuoteVerifier(jwks).verify(offer?.quoteToken ?? '', { passengers: ['ADULT'] });
    expect(claims.departure).toEqual({ at: new Date('2026-12-01T09:15:00Z'), timeZone: 'Europe/Amsterdam' });

    const badZone = await fares(journey({ departure: '2026-12-01T09:15:00Z', origin: { timeZone: 'Nowhere/City' } }), [
      'ADULT',
    ]);
    expect(badZone.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('leaves out a class with fewer seats left than passengers', async () => {
    const result = await fares(journey(), ['ADULT', 'ADULT', 'SENIOR']);
    expect(result.data?._entities[0]?.fares.map((o) => o.seatClass)).toEqual(['STANDARD']);
    const none = await fares(journey({ availability: [{ seatClass: 'STANDARD', seatsLeft: 0, loadFactor: 1 }] }), [
      'ADULT',
    ]);
    expect(none.data?._entities[0]?.fares).toEqual([]);
  });

  it('signs quotes that verify against the published JWKS and bind journey, class, passengers and price', async () => {
    const result = await fares(journey(), ['YOUTH', 'SENIOR']);
    const offer = result.data?._entities[0]?.fares.find((o) => o.seatClass === 'FIRST');
    expect(offer).toBeDefined();
    const verifier = createQuoteVerifier({ jwksUrl: `${service.url}/.well-known/jwks.json` });
    const claims = await verifier.verify(offer?.quoteToken ?? '', {
      journey: { runId: 'IC501:2026-12-01', fromStop: 1, toStop: 4 },
      passengers: ['YOUTH', 'SENIOR'],
    });
    expect(claims).toMatchObject({
      journey: { runId: 'IC501:2026-12-01', fromStop: 1, toStop: 4 },
      seatClass: 'FIRST',
      passengers: [{ type: 'YOUTH' }, { type: 'SENIOR' }],
      total: offer?.total,
      breakdown: offer?.breakdown.map((b) => b.amount.amountMinor),
      ruleVersion: 1,
    });
    expect(claims.expiresAt.toISOString().replace('.000Z', 'Z')).toBe(offer?.expiresAt);

    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
    const local = createLocalQuoteVerifier(jwks);
    await expect(
      local.verify(offer?.quoteToken ?? '', {
        journey: { runId: 'IC501:2026-12-01', fromStop: 1, toStop: 4 },
        passengers: ['SENIOR', 'YOUTH'],
      }),
    ).rejects.toMatchObject({
      extensions: { code: 'QUOTE_MISMATCH' },
    });
  });

  it('answers bad requests with contract errors', async () => {
    const codeOf = async (rep: Record<string, unknown>, passengers: PassengerArg[]) =>
      (await fares(rep, passengers)).errors?.[0]?.extensions?.code;
    expect(await codeOf(journey(), [])).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(
        journey(),
        Array.from({ length: 10 }, () => 'ADULT'),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey(), ['PENSIONER'])).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey({ distanceKm: -5 }), ['ADULT'])).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey({ distanceKm: undefined, availability: undefined }), ['ADULT'])).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey({ fromStop: 3, toStop: 1 }), ['ADULT'])).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey({ runId: 'IC501' }), ['ADULT'])).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey({ runId: 'IC501:2026-02-30' }), ['ADULT'])).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey(), [{ type: 'CHILD', age: 12 }])).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey(), [{ type: 'SENIOR', age: 40 }])).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(journey({ availability: [{ seatClass: 'STANDARD', seatsLeft: 3, loadFactor: 1.5 }] }), ['ADULT']),
    ).toBe('BAD_USER_INPUT');
    expect(await codeOf(journey({ runId: 'IC501:2025-12-31' }), ['ADULT'])).toBe('NOT_FOUND');
    const raw = async (body: string) =>
      (
        (await (
          await fetch(`${service.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          })
        ).json()) as GraphQLResponse<unknown>
      ).errors?.[0]?.extensions?.code;
    expect(await raw(JSON.stringify({ query: '{ _entities(' }))).toBe('GRAPHQL_PARSE_FAILED');
    expect(await raw(JSON.stringify({ query: '{ _service { nope } }' }))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  describe('Trip.fares', () => {
    const tripFaresQuery = /* GraphQL */ `
      query ($r: [_Any!]!, $p: [PassengerInput!]!) {
        _entities(representations: $r) {
          ... on Trip {
            id
            fares(passengers: $p) {
              seatClass
              total {
                amountMinor
                currency
              }
              breakdown {
                passenger
                age
                amount {
                  amountMinor
                  currency
                }
              }
              expiresAt
              quoteToken
            }
          }
        }
      }
    `;
    const leg = (overrides: Record<string, unknown> = {}) =>
      journey({
        departure: '2026-12-01T09:15:00.000Z',
        origin: { __typename: 'Station', timeZone: 'Europe/Amsterdam' },
        ...overrides,
      });
    const secondLeg = (overrides: Record<string, unknown> = {}) =>
      leg({
        runId: 'ICE12:2026-12-01',
        fromStop: 2,
        toStop: 5,
        distanceKm: 120,
        departure: '2026-12-01T11:40:00.000Z',
        origin: { __typename: 'Station', timeZone: 'Europe/Berlin' },
        availability: [
          { seatClass: 'STANDARD', seatsLeft: 30, loadFactor: 0.6 },
          { seatClass: 'FIRST', seatsLeft: 10, loadFactor: 0.1 },
        ],
        ...overrides,
      });
    const strip = ({ __typename: _, ...rest }: Record<string, unknown>) => rest;
    const trip = (legs: Array<Record<string, unknown>>) => ({
      __typename: 'Trip',
      id: 'trip-1',
      legs: legs.map(strip),
    });

    async function tripFares(representation: Record<string, unknown>, passengers: PassengerArg[]) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: tripFaresQuery,
          variables: {
            r: [representation],
            p: passengers.map((passenger) => (typeof passenger === 'string' ? { type: passenger } : passenger)),
          },
        }),
      });
      return (await response.json()) as GraphQLResponse<{ _entities: Array<{ fares: Offer[] } | null> }>;
    }
    const verifier = async () =>
      createLocalQuoteVerifier(
        (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as { keys: object[] },
      );
    const amounts = (offer: Offer | undefined) => offer?.breakdown.map((b) => b.amount.amountMinor) ?? [];

    it("charges each passenger the sum of the legs' fares, each leg priced as Journey.fares prices it", async () => {
      const passengers: PassengerArg[] = ['ADULT', { type: 'CHILD', age: 7 }, 'SENIOR'];
      const result = await tripFares(
        trip([
          leg({
            availability: [
              { seatClass: 'STANDARD', seatsLeft: 40, loadFactor: 0.2 },
              { seatClass: 'FIRST', seatsLeft: 5, loadFactor: 0.1 },
            ],
          }),
          secondLeg(),
        ]),
        passengers,
      );
      expect(result.errors).toBeUndefined();
      const offers = result.data?._entities[0]?.fares ?? [];
      expect(offers.map((o) => o.seatClass)).toEqual(['STANDARD', 'FIRST']);
      const firstLegOffers =
        (
          await fares(
            leg({
              availability: [
                { seatClass: 'STANDARD', seatsLeft: 40, loadFactor: 0.2 },
                { seatClass: 'FIRST', seatsLeft: 5, loadFactor: 0.1 },
              ],
            }),
            passengers,
          )
        ).data?._entities[0]?.fares ?? [];
      const secondLegOffers = (await fares(secondLeg(), passengers)).data?._entities[0]?.fares ?? [];
      for (const offer of offers) {
        const one = amounts(firstLegOffers.find((o) => o.seatClass === offer.seatClass));
        const two = amounts(secondLegOffers.find((o) => o.seatClass === offer.seatClass));
        const summed = one.map((amount, i) => amount + (two[i] ?? Number.NaN));
        expect(summed.length).toBe(3);
        expect(amounts(offer)).toEqual(summed);
        expect(offer.total).toEqual({ amountMinor: summed.reduce((a, b) => a + b, 0), currency: 'EUR' });
        expect(offer.breakdown.map((b) => [b.passenger, b.age])).toEqual([
          ['ADULT', null],
          ['CHILD', 7],
          ['SENIOR', null],
        ]);
      }
      const [standard, first] = offers;
      amounts(first).forEach((amount, i) => expect(amount).toBeGreaterThanOrEqual(amounts(standard)[i]!));
    });

    it('offers a class only when every leg has a seat in it for every passenger', async () => {
      const codes = async (legs: Array<Record<string, unknown>>, passengers: PassengerArg[]) =>
        (await tripFares(trip(legs), passengers)).data?._entities[0]?.fares.map((o) => o.seatClass);
      // The first leg has 2 FIRST seats, the second 10.
      expect(await codes([leg(), secondLeg()], ['ADULT', 'ADULT'])).toEqual(['STANDARD', 'FIRST']);
      expect(await codes([leg(), secondLeg()], ['ADULT', 'ADULT', 'ADULT'])).toEqual(['STANDARD']);
      expect(await codes([secondLeg(), leg()], ['ADULT', 'ADULT', 'ADULT'])).toEqual(['STANDARD']);
      // A leg without first class at all.
      const noFirst = secondLeg({ availability: [{ seatClass: 'STANDARD', seatsLeft: 30, loadFactor: 0.6 }] });
      expect(await codes([leg(), noFirst], ['ADULT'])).toEqual(['STANDARD']);
      const full = secondLeg({ availability: [{ seatClass: 'STANDARD', seatsLeft: 0, loadFactor: 1 }] });
      expect(await codes([leg(), full], ['ADULT'])).toEqual([]);
    });

    it('signs one quote covering every leg that verifies and carries the legs', async () => {
      const result = await tripFares(trip([leg(), secondLeg()]), ['YOUTH', 'ADULT']);
      const offer = result.data?._entities[0]?.fares.find((o) => o.seatClass === 'STANDARD');
      const claims = await (await verifier()).verify(offer?.quoteToken ?? '', { passengers: ['YOUTH', 'ADULT'] });
      expect(claims).toMatchObject({
        journey: { runId: 'IC501:2026-12-01', fromStop: 1, toStop: 4 },
        departure: { at: new Date('2026-12-01T09:15:00Z'), timeZone: 'Europe/Amsterdam' },
        seatClass: 'STANDARD',
        total: offer?.total,
        breakdown: amounts(offer),
        ruleVersion: 1,
      });
      expect(claims.legs?.map((l) => [l.journey, l.departure])).toEqual([
        [
          { runId: 'IC501:2026-12-01', fromStop: 1, toStop: 4 },
          { at: new Date('2026-12-01T09:15:00Z'), timeZone: 'Europe/Amsterdam' },
        ],
        [
          { runId: 'ICE12:2026-12-01', fromStop: 2, toStop: 5 },
          { at: new Date('2026-12-01T11:40:00Z'), timeZone: 'Europe/Berlin' },
        ],
      ]);
      const [one, two] = claims.legs ?? [];
      expect(one?.breakdown.map((amount, i) => amount + (two?.breakdown[i] ?? Number.NaN))).toEqual(claims.breakdown);
      expect(one?.breakdown).toEqual(
        amounts(
          (await fares(leg(), ['YOUTH', 'ADULT'])).data?._entities[0]?.fares.find((o) => o.seatClass === 'STANDARD'),
        ),
      );
    });

    it('quotes a trip of one journey exactly as the journey, without legs', async () => {
      const result = await tripFares(trip([leg()]), ['ADULT']);
      const offers = result.data?._entities[0]?.fares ?? [];
      const direct = (await fares(leg(), ['ADULT'])).data?._entities[0]?.fares ?? [];
      expect(offers.map((o) => [o.seatClass, o.total])).toEqual(direct.map((o) => [o.seatClass, o.total]));
      const claims = await (await verifier()).verify(offers[0]?.quoteToken ?? '', { passengers: ['ADULT'] });
      expect(claims.legs).toBeUndefined();
      expect(claims.journey).toEqual({ runId: 'IC501:2026-12-01', fromStop: 1, toStop: 4 });
    });

    it('answers bad trip representations and passengers with contract errors', async () => {
      const codeOf = async (rep: Record<string, unknown>, passengers: PassengerArg[] = ['ADULT']) =>
        (await tripFares(rep, passengers)).errors?.[0]?.extensions?.code;
      const { departure: _departure, origin: _origin, ...undated }: Record<string, unknown> = secondLeg();
      expect(await codeOf({ __typename: 'Trip', id: 'trip-1' })).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip([]))).toBe('BAD_USER_INPUT');
      expect(await codeOf({ __typename: 'Trip', id: 'trip-1', legs: 'IC501' })).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip(Array.from({ length: 7 }, () => leg())))).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip([leg(), { runId: 'ICE12:2026-12-01' }]))).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip([leg(), undated]))).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip([leg(), secondLeg({ distanceKm: undefined, availability: undefined })]))).toBe(
        'BAD_USER_INPUT',
      );
      expect(await codeOf(trip([leg(), secondLeg({ fromStop: 5, toStop: 2 })]))).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip([leg(), secondLeg({ origin: { timeZone: 'Nowhere/City' } })]))).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip([leg(), secondLeg()]), [])).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip([leg(), secondLeg()]), [{ type: 'SENIOR', age: 40 }])).toBe('BAD_USER_INPUT');
      expect(await codeOf(trip([leg(), secondLeg({ runId: 'ICE12:2025-12-31' })]))).toBe('NOT_FOUND');
    });
  });

  it('is ready when its database answers', async () => {
    const response = await fetch(`${service.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ checks: [{ name: 'database', ok: true }] });
  });
});
