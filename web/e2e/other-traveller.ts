// The other travellers of the traveller e2e: someone else, signed up and booking through the
// gateway's API while the traveller is in the browser (taking seats, selling a class out).
import { expect } from 'vitest';
import { graphql } from '../../gateway/test/system.js';

/** The travel day of every journey the e2e books. */
export const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

export interface JourneyRef {
  runId: string;
  fromStop: number;
  /** The journey's departure: searching from it finds the journey again. */
  departure: string;
}

/** Someone else, signed up through the API; returns their bearer header. */
async function anotherTraveller(gatewayUrl: string): Promise<Record<string, string>> {
  const signUp = await graphql<{ signUp: { accessToken: string } }>(
    gatewayUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    {
      input: {
        email: `other-${Date.now()}-${Math.random()}@example.com`,
        password: 'correct horse battery',
        name: 'Other',
      },
    },
  );
  return { authorization: `Bearer ${signUp.data!.signUp.accessToken}` };
}

/** Seats left in a class and a quote for `count` adults, for the journey as the API sees it now. */
async function journeyNow(gatewayUrl: string, journey: JourneyRef, seatClass: string, count: number) {
  const passengers = Array.from({ length: Math.max(count, 1) }, () => ({ type: 'ADULT' }));
  const found = await graphql<{
    searchJourneys: Array<{
      runId: string;
      fromStop: number;
      availability: Array<{ seatClass: string; seatsLeft: number }>;
      fares: Array<{ seatClass: string; quoteToken: string }>;
    }>;
  }>(
    gatewayUrl,
    'query($from: String!, $to: String!, $date: Date!, $after: DateTime, $passengers: [PassengerInput!]!) { searchJourneys(from: $from, to: $to, date: $date, after: $after, first: 3) { runId fromStop availability { seatClass seatsLeft } fares(passengers: $passengers) { seatClass quoteToken } } }',
    { from: 'AMS', to: 'RTD', date: tomorrow(), after: journey.departure, passengers },
  );
  const match = found.data!.searchJourneys.find((j) => j.runId === journey.runId && j.fromStop === journey.fromStop)!;
  return {
    passengers,
    seatsLeft: match.availability.find((a) => a.seatClass === seatClass)?.seatsLeft ?? 0,
    quoteToken: match.fares.find((f) => f.seatClass === seatClass)?.quoteToken ?? '',
  };
}

/** The quoted passengers with the names a traveller's booking must give (a quote has none). */
const named = (passengers: Array<{ type: string }>) =>
  passengers.map((passenger, i) => ({ ...passenger, name: `Other Traveller ${'ABCDEFGHI'[i]}` }));

async function bookThroughApi(
  gatewayUrl: string,
  auth: Record<string, string>,
  input: Record<string, unknown>,
): Promise<void> {
  const booked = await graphql(
    gatewayUrl,
    'mutation($input: BookJourneyInput!) { bookJourney(input: $input) { id } }',
    // A traveller's booking is paid by card: the sandbox's test card that pays.
    { input: { ...input, idempotencyKey: `other-${Math.random()}`, paymentMethod: 'pm_card_visa' } },
    auth,
  );
  expect(booked.errors).toBeUndefined();
}

/** Someone else books out a class, in bookings of up to 9 seats, through the gateway at `gatewayUrl`. */
export async function sellOut(gatewayUrl: string, journey: JourneyRef, seatClass: string): Promise<void> {
  const auth = await anotherTraveller(gatewayUrl);
  for (let round = 0; round < 20; round += 1) {
    const { seatsLeft } = await journeyNow(gatewayUrl, journey, seatClass, 1);
    if (seatsLeft === 0) return;
    const { passengers, quoteToken } = await journeyNow(gatewayUrl, journey, seatClass, Math.min(seatsLeft, 9));
    await bookThroughApi(gatewayUrl, auth, { quoteToken, passengers: named(passengers) });
  }
  throw new Error('could not sell the class out');
}

/** Someone else books these standard seats (`<coach>-<label>`), through the gateway at `gatewayUrl`. */
export async function bookSeatsThroughApi(gatewayUrl: string, journey: JourneyRef, seats: string[]): Promise<void> {
  const { passengers, quoteToken } = await journeyNow(gatewayUrl, journey, 'STANDARD', seats.length);
  await bookThroughApi(gatewayUrl, await anotherTraveller(gatewayUrl), {
    quoteToken,
    passengers: named(passengers),
    seats,
  });
}
