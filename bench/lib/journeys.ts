// Shared by the benchmarks that book through the gateway: a traveller, and single-adult STANDARD
// quotes for tomorrow over many journeys of the demo network, so that bookings spread out and
// no journey sells out.
import { graphql, type GraphQLResponse } from '@railgraph/launcher/system';

/** Origin and destination pairs on the demo network's lines (subgraphs/trains/src/demo/network.ts). */
export const DEMO_LINE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['KGX', 'EDB'],
  ['KGX', 'YRK'],
  ['EUS', 'MAN'],
  ['PAD', 'CDF'],
  ['BMI', 'AMS'],
  ['DHG', 'AHM'],
];

export interface Journey {
  runId: string;
  fromStop: number;
  toStop: number;
  fares: Array<{ seatClass: string; quoteToken: string }>;
}

/** A journey found and a single-adult STANDARD quote for it. */
export interface Quoted extends Journey {
  token: string;
}

/** The sandbox provider's test card that always authorizes: a traveller's booking pays with it. */
export const TEST_PAYMENT_METHOD = 'pm_card_visa';

export const BOOK_JOURNEY =
  'mutation($input: BookJourneyInput!) { bookJourney(input: $input) { id status tickets { coach seat } } }';

/** Why an answer is not what was wanted: its first error's code, else its HTTP status. */
export const failureOf = (answer: GraphQLResponse<unknown>): string =>
  answer.errors?.[0]?.extensions?.code ?? `HTTP ${answer.status}`;

/** The date `days` days from now (UTC). */
export const dayAfter = (days: number): string =>
  new Date(Date.now() + days * 24 * 3600_000).toISOString().slice(0, 10);

/** Tomorrow's date (UTC), a day every line of the demo network runs. */
export const tomorrow = (): string => dayAfter(1);

/** Signs a traveller up; returns the `authorization` header value for them. */
export async function signUpTraveller(gatewayUrl: string, email: string): Promise<string> {
  const answer = await graphql<{ signUp: { accessToken: string } }>(
    gatewayUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    { input: { email, password: 'correct horse battery staple', name: 'Bench' } },
  );
  if (!answer.data) throw new Error(`sign-up failed: ${JSON.stringify(answer)}`);
  return `Bearer ${answer.data.signUp.accessToken}`;
}

/** Single-adult STANDARD quotes for up to `perPair` journeys of each pair on `date`; fails when none is found. */
export async function standardQuotes(
  gatewayUrl: string,
  authorization: string,
  date = tomorrow(),
  perPair = 20,
): Promise<Quoted[]> {
  const quotes: Quoted[] = [];
  for (const [from, to] of DEMO_LINE_PAIRS) {
    const found = await graphql<{ searchJourneys: Journey[] }>(
      gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!, $first: Int!) { searchJourneys(from: $from, to: $to, date: $date, first: $first) { runId fromStop toStop fares(passengers: [{ type: ADULT }]) { seatClass quoteToken } } }',
      { from, to, date, first: perPair },
      { authorization },
    );
    for (const journey of found.data?.searchJourneys ?? []) {
      const offer = journey.fares.find((f) => f.seatClass === 'STANDARD');
      if (offer) quotes.push({ ...journey, token: offer.quoteToken });
    }
  }
  if (quotes.length === 0) throw new Error('no STANDARD quote found on any of the lines');
  return quotes;
}

/** Origin and destination pairs of the demo network that no line serves: every trip changes trains. */
export const DEMO_CHANGE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['RTD', 'UTR'],
  ['UTR', 'RTD'],
];

/** Single-adult STANDARD quotes from `Trip.fares` for up to `perPair` trips with a change of each pair on `date`. */
export async function tripQuotes(
  gatewayUrl: string,
  authorization: string,
  date = tomorrow(),
  perPair = 30,
): Promise<string[]> {
  const tokens: string[] = [];
  for (const [from, to] of DEMO_CHANGE_PAIRS) {
    const found = await graphql<{
      searchTrips: Array<{ changes: number; fares: Array<{ seatClass: string; quoteToken: string }> }>;
    }>(
      gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!, $first: Int!) { searchTrips(from: $from, to: $to, date: $date, first: $first) { changes fares(passengers: [{ type: ADULT }]) { seatClass quoteToken } } }',
      { from, to, date, first: perPair },
      { authorization },
    );
    for (const trip of found.data?.searchTrips ?? []) {
      const offer = trip.fares.find((f) => f.seatClass === 'STANDARD');
      if (trip.changes > 0 && offer) tokens.push(offer.quoteToken);
    }
  }
  if (tokens.length === 0) throw new Error('no STANDARD quote for a trip with a change on the demo network');
  return tokens;
}
