import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type RunningSystem } from './system.js';

/**
 * Fares for trips with changes through the gateway: trains finds the trip and owns `Trip`,
 * inventory adds each leg's availability, and prices adds `Trip.fares` from the legs it
 * `@requires`, one signed quote covering every leg (booked in trip-booking.test.ts).
 */
let system: RunningSystem;

/** Rotterdam to Utrecht on the demo network: no line serves both, so every trip changes trains. */
const FROM = 'RTD';
const TO = 'UTR';

interface TripWithFares {
  id: string;
  changes: number;
  legs: Array<{
    runId: string;
    fromStop: number;
    toStop: number;
    fares: Array<{ seatClass: string; total: { amountMinor: number } }>;
  }>;
  fares: Array<{ seatClass: string; total: { amountMinor: number; currency: string }; quoteToken: string }>;
}

const tripsQuery = `query Trips($from: String!, $to: String!, $date: Date!) {
  searchTrips(from: $from, to: $to, date: $date, first: 3) {
    id changes
    legs { runId fromStop toStop fares(passengers: [{type: ADULT}]) { seatClass total { amountMinor } } }
    fares(passengers: [{type: ADULT}]) { seatClass total { amountMinor currency } quoteToken }
  }
}`;

const dayAfter = (days: number) => new Date(Date.now() + days * 24 * 3600_000).toISOString().slice(0, 10);
const payloadOf = (quoteToken: string) =>
  JSON.parse(Buffer.from(quoteToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    journey: { runId: string; fromStop: number; toStop: number };
    breakdown: number[];
    legs?: Array<{ journey: { runId: string; fromStop: number; toStop: number }; breakdown: number[] }>;
  };

/** The first trips with a change in the next days (the demo network runs some lines on weekdays only). */
async function tripsWithChanges(): Promise<TripWithFares[]> {
  for (let days = 1; days <= 7; days += 1) {
    const result = await graphql<{ searchTrips: TripWithFares[] }>(system.gatewayUrl, tripsQuery, {
      from: FROM,
      to: TO,
      date: dayAfter(days),
    });
    expect(result.errors).toBeUndefined();
    const trips = result.data?.searchTrips.filter((trip) => trip.changes > 0) ?? [];
    if (trips.length > 0) return trips;
  }
  throw new Error(`no trip from ${FROM} to ${TO} in the next week`);
}

beforeAll(async () => {
  system = await startSystem();
}, 180_000);

afterAll(async () => {
  await system?.cleanup();
});

describe('trip fares through the gateway', () => {
  it("quotes a trip with a change once for every leg, at the sum of the legs' fares", async () => {
    const [trip] = await tripsWithChanges();
    expect(trip!.legs.length).toBeGreaterThanOrEqual(2);
    expect(trip!.id).toBe(trip!.legs.map((leg) => `${leg.runId}:${leg.fromStop}-${leg.toStop}`).join(','));
    expect(trip!.fares.map((offer) => offer.seatClass)).toContain('STANDARD');
    for (const offer of trip!.fares) {
      const perLeg = trip!.legs.map(
        (leg) => leg.fares.find((fare) => fare.seatClass === offer.seatClass)?.total.amountMinor ?? Number.NaN,
      );
      expect(offer.total.amountMinor).toBe(perLeg.reduce((sum, amount) => sum + amount, 0));
      expect(offer.total.currency).toBe('EUR');

      const quote = payloadOf(offer.quoteToken);
      expect(quote.legs?.map((leg) => leg.journey)).toEqual(
        trip!.legs.map(({ runId, fromStop, toStop }) => ({ runId, fromStop, toStop })),
      );
      expect(quote.journey).toEqual(quote.legs?.[0]?.journey);
      expect(quote.legs?.map((leg) => leg.breakdown[0])).toEqual(perLeg);
    }
  });
});
