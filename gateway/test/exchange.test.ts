import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, readRunClassState } from '@railgraph/invariants';
import {
  errorCodeOf,
  eventually,
  outboxBacklog,
  realStoresAvailable,
  stopAndReadTickets,
  systemStores,
  tomorrow,
  travellerAuthorization,
  type SystemStores,
} from './booking-support.js';
import { graphql, startSystem, type RunningSystem } from './system.js';

/**
 * Exchanging a booking through the gateway (docs/design.md §4, "Exchanges"): a traveller books
 * a train, asks what moving to a later one costs, and moves; the old booking ends EXCHANGED and
 * names the new one, its seats go back on sale and its card gets its refund, the new train's
 * seats are sold, and the design's invariants hold across both runs.
 */
const FROM = 'AMS';
const TO = 'RTD';
const PASSENGERS = [
  { type: 'ADULT', name: 'Ada Exchange' },
  { type: 'ADULT', name: 'Noor Exchange' },
];

interface JourneyView {
  runId: string;
  fromStop: number;
  toStop: number;
  availability: Array<{ seatClass: string; seatsLeft: number }>;
  fares: Array<{ seatClass: string; quoteToken: string; total: { amountMinor: number } }>;
}

const JOURNEYS = `query($from: String!, $to: String!, $date: Date!, $p: [PassengerInput!]!) {
  searchJourneys(from: $from, to: $to, date: $date, first: 10) {
    runId fromStop toStop availability { seatClass seatsLeft }
    fares(passengers: $p) { seatClass quoteToken total { amountMinor } }
  }
}`;

const BOOKING_FIELDS = `id status total { amountMinor } legs { runId }
  tickets { passengerName status journey { runId } }
  payment { status refunded { amountMinor } }
  exchangedTo { id } exchangedFrom { id }`;

const realStores = await realStoresAvailable();
const stores: 'embedded' | 'real' = realStores ? 'real' : 'embedded';

describe(`exchanging a booking through the gateway (${stores} stores)`, () => {
  let system: RunningSystem;
  let storage: SystemStores;
  let auth: string;

  const journeys = async () => {
    const found = await graphql<{ searchJourneys: JourneyView[] }>(system.gatewayUrl, JOURNEYS, {
      from: FROM,
      to: TO,
      date: tomorrow(),
      p: PASSENGERS.map(({ type }) => ({ type })),
    });
    expect(found.errors).toBeUndefined();
    return found.data!.searchJourneys;
  };
  const left = (journey: JourneyView) => journey.availability.find((a) => a.seatClass === 'STANDARD')!.seatsLeft;
  const standard = (journey: JourneyView) => journey.fares.find((f) => f.seatClass === 'STANDARD')!;

  beforeAll(async () => {
    storage = await systemStores(stores, 'exchange');
    system = await startSystem({ ...storage.env, LOG_LEVEL: 'warn' });
    auth = await travellerAuthorization(system.gatewayUrl, 'exchange@example.com');
  }, 300_000);

  afterAll(async () => {
    await system?.cleanup();
    await storage?.drop();
  });

  it('moves a booking to a later train: quoted, paid, the old booking EXCHANGED and refunded, seats moved', async () => {
    const [first, later] = await journeys();
    const booked = await graphql<{ bookJourney: { id: string } }>(
      system.gatewayUrl,
      `
        mutation ($input: BookJourneyInput!) {
          bookJourney(input: $input) {
            id
          }
        }
      `,
      {
        input: {
          quoteToken: standard(first!).quoteToken,
          passengers: PASSENGERS,
          idempotencyKey: `book-${randomBytes(6).toString('hex')}`,
          paymentMethod: 'pm_card_visa',
        },
      },
      { authorization: auth },
    );
    expect(booked.errors).toBeUndefined();
    const oldId = booked.data!.bookJourney.id;
    const [firstBefore, laterBefore] = await journeys();

    const passengers = PASSENGERS.map(({ type }) => ({ type }));
    const quoted = await graphql<{
      exchangeQuote: {
        newTotal: { amountMinor: number };
        paid: { amountMinor: number };
        fee: { amountMinor: number };
        refund: { amountMinor: number };
        difference: { amountMinor: number };
        rule: string;
      };
    }>(
      system.gatewayUrl,
      `
        query ($id: ID!, $token: String!, $p: [PassengerInput!]!) {
          exchangeQuote(bookingId: $id, quoteToken: $token, passengers: $p) {
            newTotal {
              amountMinor
            }
            paid {
              amountMinor
            }
            fee {
              amountMinor
            }
            refund {
              amountMinor
            }
            difference {
              amountMinor
            }
            rule
          }
        }
      `,
      { id: oldId, token: standard(later!).quoteToken, p: passengers },
      { authorization: auth },
    );
    expect(quoted.errors).toBeUndefined();
    const terms = quoted.data!.exchangeQuote;
    expect(terms.newTotal.amountMinor).toBe(standard(later!).total.amountMinor);
    expect(terms.paid.amountMinor).toBe(standard(first!).total.amountMinor);
    expect(terms.refund.amountMinor).toBe(terms.paid.amountMinor - terms.fee.amountMinor);
    expect(terms.difference.amountMinor).toBe(terms.newTotal.amountMinor - terms.refund.amountMinor);
    expect(terms.rule).toMatch(/exchange/i);

    const exchange = (idempotencyKey: string) =>
      graphql<{ exchangeBooking: { id: string; status: string; exchangedFrom: { id: string } | null } }>(
        system.gatewayUrl,
        `
          mutation ($input: ExchangeBookingInput!) {
            exchangeBooking(input: $input) {
              id
              status
              exchangedFrom {
                id
              }
            }
          }
        `,
        {
          input: {
            bookingId: oldId,
            quoteToken: standard(later!).quoteToken,
            passengers,
            idempotencyKey,
            paymentMethod: 'pm_card_visa',
          },
        },
        { authorization: auth },
      );
    const key = `exchange-${randomBytes(6).toString('hex')}`;
    const moved = await exchange(key);
    expect(moved.errors).toBeUndefined();
    const newId = moved.data!.exchangeBooking.id;
    expect(moved.data!.exchangeBooking).toEqual({ id: newId, status: 'CONFIRMED', exchangedFrom: { id: oldId } });
    // The same key again: the same new booking. Another key: the booking is exchanged already.
    expect((await exchange(key)).data?.exchangeBooking.id).toBe(newId);
    expect(errorCodeOf(await exchange(`exchange-${randomBytes(6).toString('hex')}`))).toBe('NOT_EXCHANGEABLE');

    const read = await graphql<{ old: Record<string, unknown>; replacement: Record<string, unknown> }>(
      system.gatewayUrl,
      `query($old: ID!, $new: ID!) { old: booking(id: $old) { ${BOOKING_FIELDS} } replacement: booking(id: $new) { ${BOOKING_FIELDS} } }`,
      { old: oldId, new: newId },
      { authorization: auth },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.old).toMatchObject({
      status: 'EXCHANGED',
      exchangedTo: { id: newId },
      tickets: [{ status: 'EXCHANGED' }, { status: 'EXCHANGED' }],
      payment: { refunded: { amountMinor: terms.refund.amountMinor } },
    });
    expect(read.data!.replacement).toMatchObject({
      status: 'CONFIRMED',
      exchangedFrom: { id: oldId },
      legs: [{ runId: later!.runId }],
      tickets: [
        { passengerName: 'Ada Exchange', status: 'ACTIVE', journey: { runId: later!.runId } },
        { passengerName: 'Noor Exchange', status: 'ACTIVE', journey: { runId: later!.runId } },
      ],
    });
    // The seats moved: back on the first train, taken on the later one, once the releases landed.
    await eventually('the outbox drains', async () => (await outboxBacklog(system.ports.tickets)) === 0);
    const [firstAfter, laterAfter] = await journeys();
    expect(left(firstAfter!)).toBe(left(firstBefore!) + 2);
    expect(left(laterAfter!)).toBe(left(laterBefore!) - 2);

    const inventory = await Promise.all(
      [first!.runId, later!.runId].flatMap((runId) =>
        (['FIRST', 'STANDARD'] as const).map((c) => readRunClassState(system.gatewayUrl, runId, c)),
      ),
    );
    const store = await stopAndReadTickets(system, storage);
    const broken = checkInvariants({ store, inventory, pendingBoundMs: 130_000, now: new Date() }).filter((r) => !r.ok);
    expect(broken).toEqual([]);
  }, 240_000);
});
