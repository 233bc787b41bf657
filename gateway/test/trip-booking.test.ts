import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, readRunClassState } from '@railgraph/invariants';
import {
  createPartnerClient,
  errorCodeOf,
  partnerAuthorization,
  passengerNames,
  realStoresAvailable,
  stopAndReadTickets,
  systemStores,
  travellerAuthorization,
  type SystemStores,
} from './booking-support.js';
import { graphql, startSystem, type GraphQLResponse, type RunningSystem } from './system.js';

/**
 * Booking a trip with changes end to end (docs/design.md §4, "Trips with changes"): the trip's
 * quote from `Trip.fares` books every train in one `bookJourney`, one booking and one payment,
 * and under contention a trip is sold all or nothing: travellers and a partner race for the
 * last seats of the trip's second train, the winners hold both trains, every loser gets
 * SOLD_OUT and its first train's seat back, and the design's invariants hold on both runs, in
 * tickets' database and inventory's seat state (Redis on the real stores).
 */

/** Rotterdam to Utrecht on the demo network: no line serves both, so every trip changes trains. */
const FROM = 'RTD';
const TO = 'UTR';
const SEATS_LEFT = 4;
const RACERS = 14;

interface LegView {
  runId: string;
  fromStop: number;
  toStop: number;
  origin: { code: string };
  destination: { code: string };
}

interface TripView {
  changes: number;
  legs: LegView[];
  fares: Array<{ seatClass: 'FIRST' | 'STANDARD'; total: { amountMinor: number }; quoteToken: string }>;
}

const tripsQuery = `query Trips($from: String!, $to: String!, $date: Date!, $passengers: [PassengerInput!]!) {
  searchTrips(from: $from, to: $to, date: $date, first: 5) {
    changes
    legs { runId fromStop toStop origin { code } destination { code } }
    fares(passengers: $passengers) { seatClass total { amountMinor } quoteToken }
  }
}`;

const BOOK = `mutation Book($input: BookJourneyInput!) {
  bookJourney(input: $input) {
    id status total { amountMinor }
    legs { runId fromStop toStop }
    tickets { leg seat coach passengerName fare { amountMinor } journey { runId fromStop toStop } }
    payment { status amount { amountMinor } }
  }
}`;

interface BookedTrip {
  id: string;
  status: string;
  total: { amountMinor: number };
  legs: Array<{ runId: string; fromStop: number; toStop: number }>;
  tickets: Array<{
    leg: number;
    seat: string;
    coach: number;
    passengerName: string | null;
    fare: { amountMinor: number };
    journey: { runId: string; fromStop: number; toStop: number };
  }>;
  payment: { status: string; amount: { amountMinor: number } } | null;
}

const dayAfter = (days: number) => new Date(Date.now() + days * 24 * 3600_000).toISOString().slice(0, 10);
const adults = (count: number) => Array.from({ length: count }, () => ({ type: 'ADULT' }));
const keyOf = (what: string) => `${what}-${randomBytes(6).toString('hex')}`;

const realStores = await realStoresAvailable();
const stores: 'embedded' | 'real' = realStores ? 'real' : 'embedded';

describe(`booking trips with changes through the gateway (${stores} stores)`, () => {
  let system: RunningSystem;
  let storage: SystemStores;
  let traveller: string;
  let partner: string;
  let date: string;
  let trip: TripView;

  /** The first trip with a change that a party of `count` can book, and the day it runs. */
  async function findTrip(count: number): Promise<{ date: string; trip: TripView }> {
    for (let days = 1; days <= 7; days += 1) {
      const found = await graphql<{ searchTrips: TripView[] }>(system.gatewayUrl, tripsQuery, {
        from: FROM,
        to: TO,
        date: dayAfter(days),
        passengers: adults(count),
      });
      expect(found.errors).toBeUndefined();
      const withChange = found.data?.searchTrips.find((t) => t.changes === 1 && t.fares.length > 0);
      if (withChange) return { date: dayAfter(days), trip: withChange };
    }
    throw new Error(`no trip with a change from ${FROM} to ${TO} in the next week`);
  }

  const book = (authorization: string, quoteToken: string, count: number, idempotencyKey: string) =>
    graphql<{ bookJourney: BookedTrip }>(
      system.gatewayUrl,
      BOOK,
      {
        input: {
          quoteToken,
          passengers: adults(count).map((p, i) => ({ ...p, name: passengerNames(count)[i] })),
          idempotencyKey,
          paymentMethod: 'pm_card_visa',
        },
      },
      { authorization },
    );

  /** Seats of a class free on every segment of a leg, as inventory answers `Journey.availability`. */
  async function seatsLeftOn(leg: LegView, seatClass: string): Promise<number> {
    const found = await graphql<{
      searchJourneys: Array<{ runId: string; availability: Array<{ seatClass: string; seatsLeft: number }> }>;
    }>(
      system.gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 50) { runId availability { seatClass seatsLeft } } }',
      { from: leg.origin.code, to: leg.destination.code, date },
    );
    const left = found.data?.searchJourneys
      .find((j) => j.runId === leg.runId)
      ?.availability.find((a) => a.seatClass === seatClass)?.seatsLeft;
    if (left === undefined) throw new Error(`no availability on ${leg.runId}: ${JSON.stringify(found.errors)}`);
    return left;
  }

  /** A quote for `count` adults on one leg alone (its own direct journey), in `seatClass`. */
  async function legQuote(leg: LegView, seatClass: string, count: number): Promise<string> {
    const found = await graphql<{
      searchJourneys: Array<{ runId: string; fares: Array<{ seatClass: string; quoteToken: string }> }>;
    }>(
      system.gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!, $p: [PassengerInput!]!) { searchJourneys(from: $from, to: $to, date: $date, first: 50) { runId fares(passengers: $p) { seatClass quoteToken } } }',
      { from: leg.origin.code, to: leg.destination.code, date, p: adults(count) },
    );
    const token = found.data?.searchJourneys
      .find((j) => j.runId === leg.runId)
      ?.fares.find((f) => f.seatClass === seatClass)?.quoteToken;
    if (!token) throw new Error(`no ${seatClass} fare on ${leg.runId}: ${JSON.stringify(found.errors)}`);
    return token;
  }

  beforeAll(async () => {
    storage = await systemStores(stores, 'trips');
    system = await startSystem({ ...storage.env, LOG_LEVEL: 'warn' });
    const client = await createPartnerClient(storage.env, 'Changes Travel');
    partner = await partnerAuthorization(system.ports.users, client);
    traveller = await travellerAuthorization(system.gatewayUrl, 'changes@example.com');
    ({ date, trip } = await findTrip(2));
  }, 300_000);

  afterAll(async () => {
    await system?.cleanup();
    await storage?.drop();
  });

  it("books a trip's every train with its one quote: one booking, one payment, tickets per leg and passenger", async () => {
    const offer = trip.fares.find((f) => f.seatClass === 'STANDARD') ?? trip.fares[0]!;
    const booked = await book(traveller, offer.quoteToken, 2, keyOf('trip'));
    expect(booked.errors).toBeUndefined();
    const booking = booked.data!.bookJourney;
    expect(booking.status).toBe('CONFIRMED');
    expect(booking.total.amountMinor).toBe(offer.total.amountMinor);
    expect(booking.legs).toEqual(trip.legs.map(({ runId, fromStop, toStop }) => ({ runId, fromStop, toStop })));
    expect(booking.tickets.map((t) => [t.leg, t.passengerName])).toEqual([
      [0, 'Passenger A'],
      [0, 'Passenger B'],
      [1, 'Passenger A'],
      [1, 'Passenger B'],
    ]);
    for (const ticket of booking.tickets) expect(ticket.journey).toEqual(booking.legs[ticket.leg]);
    expect(booking.tickets.reduce((sum, t) => sum + t.fare.amountMinor, 0)).toBe(booking.total.amountMinor);
    expect(booking.payment?.amount.amountMinor).toBe(booking.total.amountMinor);
  });

  it(`sells a trip all or nothing to ${RACERS} buyers racing for the last ${SEATS_LEFT} seats of its second train`, async () => {
    const seatClass = trip.fares.some((f) => f.seatClass === 'FIRST') ? 'FIRST' : 'STANDARD';
    const [first, second] = trip.legs as [LegView, LegView];
    // Leave exactly SEATS_LEFT seats of the class on the second train's part of the trip.
    for (let left = await seatsLeftOn(second, seatClass); left > SEATS_LEFT;) {
      const party = Math.min(9, left - SEATS_LEFT);
      const filled = await book(partner, await legQuote(second, seatClass, party), party, keyOf('fill'));
      expect(filled.errors).toBeUndefined();
      left -= party;
    }
    expect(await seatsLeftOn(second, seatClass)).toBe(SEATS_LEFT);
    const firstBefore = await seatsLeftOn(first, seatClass);

    const { trip: now } = await findTrip(1);
    const offer = now.fares.find((f) => f.seatClass === seatClass)!;
    const answers: Array<GraphQLResponse<{ bookJourney: BookedTrip }>> = await Promise.all(
      Array.from({ length: RACERS }, (_, n) =>
        book(n % 2 === 0 ? partner : traveller, offer.quoteToken, 1, keyOf('race')),
      ),
    );
    const outcomes = answers.map((a) => a.data?.bookJourney.status ?? errorCodeOf(a));
    expect(outcomes.filter((o) => o === 'CONFIRMED')).toHaveLength(SEATS_LEFT);
    expect(outcomes.filter((o) => o !== 'CONFIRMED')).toEqual(Array(RACERS - SEATS_LEFT).fill('SOLD_OUT'));
    for (const won of answers.flatMap((a) => (a.data ? [a.data.bookJourney] : []))) {
      expect(won.tickets.map((t) => t.leg)).toEqual([0, 1]);
    }
    // The losers' first-train seats went back: the first train lost exactly the winners' seats.
    expect(await seatsLeftOn(second, seatClass)).toBe(0);
    expect(await seatsLeftOn(first, seatClass)).toBe(firstBefore - SEATS_LEFT);

    // The invariants on both runs, from inventory's state and tickets' database.
    const inventory = await Promise.all(
      [...new Set(trip.legs.map((l) => l.runId))].flatMap((runId) =>
        (['FIRST', 'STANDARD'] as const).map((c) => readRunClassState(system.gatewayUrl, runId, c)),
      ),
    );
    const store = await stopAndReadTickets(system, storage);
    const broken = checkInvariants({ store, inventory, pendingBoundMs: 130_000, now: new Date() }).filter((r) => !r.ok);
    expect(broken).toEqual([]);
  }, 240_000);
});
