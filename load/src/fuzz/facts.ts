/**
 * What the fuzzer knows about the running system, so that some arguments are meaningful: real
 * station codes, runs and their legs, fresh quote tokens, and the caller's own bookings and
 * tickets. Read through the gateway as any client could, refreshed during the run.
 */
export type Caller = 'anonymous' | 'traveller' | 'partner';
export const CALLERS: readonly Caller[] = ['anonymous', 'traveller', 'partner'];

export interface PassengerValue {
  type: string;
  age?: number;
}

export interface QuoteFact {
  token: string;
  runId: string;
  seatClass: string;
  passengers: PassengerValue[];
}

export interface Facts {
  /** The day the run treats as today (YYYY-MM-DD, UTC). */
  today: string;
  stations: string[];
  runs: Array<{ id: string; legCount: number }>;
  quotes: QuoteFact[];
  /** Station pairs with a direct train. */
  pairs: Array<[string, string]>;
  /** The caller's bookings, tickets, event cursors and saved passengers. */
  bookings: string[];
  tickets: Array<{ id: string; bookingId: string; code: string }>;
  cursors: string[];
  savedPassengers: string[];
}

export const emptyFacts = (today: string): Facts => ({
  today,
  stations: [],
  runs: [],
  quotes: [],
  pairs: [],
  bookings: [],
  tickets: [],
  cursors: [],
  savedPassengers: [],
});

export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

type Post = <T>(query: string, variables?: Record<string, unknown>) => Promise<T | undefined>;

/** A GraphQL POST as `authorization` (none for anonymous); undefined data on any error. */
export function poster(gatewayUrl: string, authorization: string | undefined): Post {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T | undefined> => {
    try {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { data?: T };
      return body.data ?? undefined;
    } catch {
      return undefined;
    }
  };
}

const PASSENGER_SETS: PassengerValue[][] = [
  [{ type: 'ADULT' }],
  [{ type: 'ADULT' }, { type: 'CHILD', age: 9 }],
  [{ type: 'SENIOR', age: 70 }],
  [{ type: 'YOUTH', age: 19 }, { type: 'ADULT' }],
];

const JOURNEYS = `query ($from: String!, $to: String!, $date: Date!, $passengers: [PassengerInput!]!) {
  searchJourneys(from: $from, to: $to, date: $date, first: 10) {
    runId run { legCount } fares(passengers: $passengers) { seatClass quoteToken }
  }
}`;

const keep = <T>(items: T[], most: number): T[] => items.slice(Math.max(0, items.length - most));

/** Stations, runs and fresh quotes: the same for every caller. */
export async function refreshSharedFacts(
  post: Post,
  facts: Facts,
  pick: <T>(items: readonly T[]) => T,
  now: Date,
): Promise<void> {
  facts.today = isoDay(now);
  if (facts.stations.length === 0) {
    const found = await post<{ stations: Array<{ code: string }> }>('{ stations(first: 50) { code } }');
    facts.stations = found?.stations.map((s) => s.code) ?? [];
  }
  if (facts.stations.length < 2) return;
  // Most random pairs have no direct train: pairs that had one are asked again, and the first
  // refresh keeps trying until some journey is found.
  for (let i = 0; i < (facts.pairs.length === 0 ? 20 : 3); i++) {
    if (facts.pairs.length > 0 && i >= 3) break;
    const known = facts.pairs.length > 0 && i % 3 !== 2;
    const [from, to] = known
      ? pick(facts.pairs)
      : ((f: string): [string, string] => [f, pick(facts.stations.filter((s) => s !== f))])(pick(facts.stations));
    const date = isoDay(new Date(now.getTime() + pick([0, 1, 1, 2]) * 86_400_000));
    const passengers = pick(PASSENGER_SETS);
    const found = await post<{
      searchJourneys: Array<{
        runId: string;
        run: { legCount: number };
        fares: Array<{ seatClass: string; quoteToken: string }>;
      }>;
    }>(JOURNEYS, { from, to, date, passengers });
    if ((found?.searchJourneys.length ?? 0) > 0 && !facts.pairs.some(([f, t]) => f === from && t === to)) {
      facts.pairs.push([from, to]);
    }
    for (const journey of found?.searchJourneys ?? []) {
      if (!facts.runs.some((r) => r.id === journey.runId)) {
        facts.runs.push({ id: journey.runId, legCount: journey.run.legCount });
      }
      for (const fare of journey.fares) {
        facts.quotes.push({ token: fare.quoteToken, runId: journey.runId, seatClass: fare.seatClass, passengers });
      }
    }
  }
  facts.runs = keep(facts.runs, 40);
  facts.quotes = keep(facts.quotes, 60);
}

/** The caller's own bookings, tickets, event cursors and saved passengers. */
export async function refreshCallerFacts(post: Post, facts: Facts): Promise<void> {
  const mine = await post<{ myBookings: Array<{ id: string; tickets: Array<{ id: string; code: string }> }> }>(
    '{ myBookings(first: 50) { id tickets { id code } } }',
  );
  if (mine) {
    facts.bookings = mine.myBookings.map((b) => b.id);
    facts.tickets = mine.myBookings.flatMap((b) => b.tickets.map((t) => ({ ...t, bookingId: b.id })));
  }
  const events = await post<{ bookingEvents: Array<{ cursor: string }> }>('{ bookingEvents(first: 20) { cursor } }');
  if (events) facts.cursors = events.bookingEvents.map((e) => e.cursor);
  const me = await post<{ me: { savedPassengers: Array<{ id: string }> } | null }>('{ me { savedPassengers { id } } }');
  if (me?.me) facts.savedPassengers = me.me.savedPassengers.map((p) => p.id);
}
