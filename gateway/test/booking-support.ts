import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { redisForTests, redisTestUrl } from '@railgraph/database/redis-testing';
import type { SystemStores } from '@railgraph/database/system-stores';
import { postgresForTests } from '@railgraph/database/testing';
import { readTicketsStore, type TicketsStore } from '@railgraph/invariants';
import { graphql, repoRoot, type GraphQLResponse, type RunningSystem } from './system.js';

/**
 * What the booking system tests share: callers (travellers and partner clients), finding a
 * run and quoting journeys on it through the gateway, reading inventory's seat state per
 * leg, reading tickets' own database, and checking docs/design.md §5 invariants across the two.
 */
const run = promisify(execFile);
const PASSWORD = 'correct horse battery staple';

export interface PartnerClient {
  clientId: string;
  secret: string;
}

/**
 * `npm run clients:create` against the users database in `env`: USERS_DATABASE_URL's, else the
 * one on the embedded server the launcher runs on `env`'s DATA_DIR (the system must be running).
 */
export async function createPartnerClient(
  env: Record<string, string>,
  name: string,
  scopes = 'journeys:read bookings:read bookings:write',
): Promise<PartnerClient> {
  const { stdout } = await run(
    process.execPath,
    [path.join(repoRoot, 'subgraphs/users/dist/cli/clients-create.js'), '--name', name, '--scopes', scopes],
    { cwd: repoRoot, env: { ...process.env, ...env, LOG_LEVEL: 'silent' } },
  );
  const clientId = /client_id:\s+(\S+)/.exec(stdout)?.[1];
  const secret = /client_secret:\s+(\S+)/.exec(stdout)?.[1];
  if (!clientId || !secret) throw new Error(`clients:create printed no credentials:\n${stdout}`);
  return { clientId, secret };
}

/** A bearer from `POST /oauth/token` with the client-credentials grant. */
export async function partnerAuthorization(usersPort: number, client: PartnerClient): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${usersPort}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`no token for ${client.clientId}: ${body.error}`);
  return `Bearer ${body.access_token}`;
}

/** Signs a new traveller up and returns their bearer. */
export async function travellerAuthorization(gatewayUrl: string, email: string): Promise<string> {
  const result = await graphql<{ signUp: { accessToken: string } }>(
    gatewayUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    { input: { email, password: PASSWORD, name: 'Traveller' } },
  );
  const token = result.data?.signUp.accessToken;
  if (!token) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
  return `Bearer ${token}`;
}

export const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

export interface RunView {
  id: string;
  legCount: number;
  stops: Array<{ index: number; code: string }>;
}

/**
 * The first train tomorrow calling at every station of the demo East Coast line (the only
 * ones stopping at Stevenage): 11 stops, 10 legs, two first-class coaches of 36 seats.
 */
export async function eastCoastStoppingRun(gatewayUrl: string, authorization: string): Promise<RunView> {
  const found = await graphql<{ searchJourneys: Array<{ runId: string }> }>(
    gatewayUrl,
    'query($date: Date!) { searchJourneys(from: "KGX", to: "SVG", date: $date, first: 1) { runId } }',
    { date: tomorrow() },
    { authorization },
  );
  const runId = found.data?.searchJourneys[0]?.runId;
  if (!runId) throw new Error(`no stopping train KGX-SVG tomorrow: ${JSON.stringify(found.errors)}`);
  const view = await graphql<{
    trainRun: { id: string; legCount: number; stops: Array<{ index: number; station: { code: string } }> };
  }>(gatewayUrl, 'query($id: ID!) { trainRun(id: $id) { id legCount stops { index station { code } } } }', {
    id: runId,
  });
  const trainRun = view.data?.trainRun;
  if (!trainRun) throw new Error(`run ${runId} not found: ${JSON.stringify(view.errors)}`);
  return {
    id: trainRun.id,
    legCount: trainRun.legCount,
    stops: trainRun.stops.map((s) => ({ index: s.index, code: s.station.code })),
  };
}

export type SeatClass = 'FIRST' | 'STANDARD';
export type Passenger = 'ADULT' | 'CHILD' | 'YOUTH' | 'SENIOR';

export interface Quote {
  fromStop: number;
  toStop: number;
  seatClass: SeatClass;
  passengers: Passenger[];
  token: string;
  totalMinor: number;
}

/** A signed quote from prices for one class of the run between two of its stops. */
export async function quoteOn(
  gatewayUrl: string,
  authorization: string,
  trainRun: RunView,
  fromStop: number,
  toStop: number,
  seatClass: SeatClass,
  passengers: Passenger[],
): Promise<Quote> {
  const from = trainRun.stops[fromStop]?.code;
  const to = trainRun.stops[toStop]?.code;
  const found = await graphql<{
    searchJourneys: Array<{
      runId: string;
      fares: Array<{ seatClass: SeatClass; quoteToken: string; total: { amountMinor: number } }>;
    }>;
  }>(
    gatewayUrl,
    `
      query ($from: String!, $to: String!, $date: Date!, $passengers: [PassengerInput!]!) {
        searchJourneys(from: $from, to: $to, date: $date, first: 50) {
          runId
          fares(passengers: $passengers) {
            seatClass
            quoteToken
            total {
              amountMinor
            }
          }
        }
      }
    `,
    { from, to, date: tomorrow(), passengers: passengers.map((type) => ({ type })) },
    { authorization },
  );
  const offer = found.data?.searchJourneys
    .find((j) => j.runId === trainRun.id)
    ?.fares.find((f) => f.seatClass === seatClass);
  if (!offer) throw new Error(`no ${seatClass} fare ${from}-${to} on ${trainRun.id}: ${JSON.stringify(found.errors)}`);
  return { fromStop, toStop, seatClass, passengers, token: offer.quoteToken, totalMinor: offer.total.amountMinor };
}

export interface BookingView {
  id: string;
  status: string;
  total: { amountMinor: number };
  tickets: Array<{ coach: number; seat: string; fare: { amountMinor: number } }>;
}

const BOOK = `mutation($input: BookJourneyInput!) {
  bookJourney(input: $input) { id status total { amountMinor } tickets { coach seat fare { amountMinor } } }
}`;

/** A name for each of up to 9 passengers: a traveller's booking names every passenger. */
export const passengerNames = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `Passenger ${'ABCDEFGHI'[i]}`);

/** Sends `bookJourney` through the gateway as the client would, each passenger named. */
export function bookJourney(
  gatewayUrl: string,
  authorization: string,
  quote: Quote,
  idempotencyKey: string,
  seats?: string[],
): Promise<GraphQLResponse<{ bookJourney: BookingView }>> {
  return graphql<{ bookJourney: BookingView }>(
    gatewayUrl,
    BOOK,
    {
      input: {
        quoteToken: quote.token,
        passengers: quote.passengers.map((type, i) => ({ type, name: passengerNames(quote.passengers.length)[i] })),
        idempotencyKey,
        // The sandbox provider's test card that always authorizes (partners' is ignored).
        paymentMethod: 'pm_card_visa',
        ...(seats ? { seats } : {}),
      },
    },
    { authorization },
  );
}

export const errorCodeOf = (response: GraphQLResponse<unknown>): string | undefined =>
  response.errors?.[0]?.extensions?.code;

export interface SeatMapView {
  /** Every seat id (`<coach>-<label>`) of the class, in layout order. */
  seats: string[];
  /** Those free on every leg of the journey asked about. */
  free: Set<string>;
}

/** Inventory's seat map of one class for the legs from `fromStop` to `toStop`, via `TrainRun.seatMap`. */
export async function seatMapOf(
  gatewayUrl: string,
  trainRun: RunView,
  fromStop: number,
  toStop: number,
  seatClass: SeatClass,
): Promise<SeatMapView> {
  const answer = await graphql<{ trainRun: { seatMap: Array<{ seats: Array<{ seatId: string; free: boolean }> }> } }>(
    gatewayUrl,
    'query($id: ID!, $from: Int!, $to: Int!, $class: SeatClass) { trainRun(id: $id) { seatMap(fromStop: $from, toStop: $to, seatClass: $class) { seats { seatId free } } } }',
    { id: trainRun.id, from: fromStop, to: toStop, class: seatClass },
  );
  const coaches = answer.data?.trainRun.seatMap;
  if (!coaches) throw new Error(`no seat map ${fromStop}-${toStop}: ${JSON.stringify(answer.errors)}`);
  const seats = coaches.flatMap((c) => c.seats);
  return { seats: seats.map((s) => s.seatId), free: new Set(seats.filter((s) => s.free).map((s) => s.seatId)) };
}

/** The seat ids inventory reports taken in one class, per leg of the run. */
export async function takenSeatsByLeg(gatewayUrl: string, trainRun: RunView, seatClass: SeatClass) {
  const legs: Array<Set<string>> = [];
  for (let leg = 0; leg < trainRun.legCount; leg++) {
    const map = await seatMapOf(gatewayUrl, trainRun, leg, leg + 1, seatClass);
    legs.push(new Set(map.seats.filter((seat) => !map.free.has(seat))));
  }
  return legs;
}

/** Seats of one class free on every leg of a journey, as inventory answers `Journey.availability`. */
export async function seatsLeft(
  gatewayUrl: string,
  trainRun: RunView,
  fromStop: number,
  toStop: number,
  seatClass: SeatClass,
): Promise<number> {
  const answer = await graphql<{
    searchJourneys: Array<{ runId: string; availability: Array<{ seatClass: string; seatsLeft: number }> }>;
  }>(
    gatewayUrl,
    'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 50) { runId availability { seatClass seatsLeft } } }',
    { from: trainRun.stops[fromStop]?.code, to: trainRun.stops[toStop]?.code, date: tomorrow() },
  );
  const left = answer.data?.searchJourneys
    .find((j) => j.runId === trainRun.id)
    ?.availability.find((a) => a.seatClass === seatClass)?.seatsLeft;
  if (left === undefined) throw new Error(`no availability ${fromStop}-${toStop}: ${JSON.stringify(answer.errors)}`);
  return left;
}

/** The saga's outbox backlog as tickets reports it on /metrics. */
export async function outboxBacklog(ticketsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${ticketsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('tickets_outbox_backlog'));
  if (!line) throw new Error('tickets reports no tickets_outbox_backlog');
  return Number(line.split(/\s+/)[1]);
}

/** Polls until `check` holds, or fails with `what` after `ms`. */
export async function eventually(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Tickets' own store as the invariants read it (every booking with its tickets and refunds, the outbox): the shared reader. */
export { readTicketsStore, type StoredBooking, type TicketsStore } from '@railgraph/invariants';

/**
 * Seat ids on the active tickets of confirmed bookings of a run and class, per leg; a seat
 * sold twice on a leg is listed twice.
 */
export function confirmedSeatsByLeg(store: TicketsStore, trainRun: RunView, seatClass: SeatClass): string[][] {
  const legs: string[][] = Array.from({ length: trainRun.legCount }, () => []);
  for (const booking of store.bookings) {
    if (booking.status !== 'CONFIRMED' || booking.seatClass !== seatClass) continue;
    // A trip's leg on this run counts like a booking of its own.
    for (const ride of booking.legs.filter((l) => l.runId === trainRun.id)) {
      const riding = booking.tickets.filter((t) => t.status === 'ACTIVE' && t.tripLeg === ride.leg);
      for (let leg = ride.fromStop; leg < ride.toStop; leg++) {
        for (const t of riding) legs[leg]!.push(`${t.coach}-${t.seatLabel}`);
      }
    }
  }
  return legs;
}

export const duplicatesOf = (seats: readonly string[]) => seats.filter((seat, i) => seats.indexOf(seat) !== i);

/** Stops the system and reads tickets' store as the system left it. */
export async function stopAndReadTickets(system: RunningSystem, storage: SystemStores): Promise<TicketsStore> {
  system.launcher.kill('SIGTERM');
  await system.exited;
  const tickets = await storage.afterStop('tickets');
  try {
    return await readTicketsStore(tickets.settings);
  } finally {
    await tickets.close();
  }
}

/**
 * docs/design.md §5 invariants 1-2, per class and leg: no seat sold twice, and the seats inventory
 * had taken (`takenByClass`, read while no attempt was live) are exactly those on confirmed
 * tickets.
 */
export function expectTakenAsSold(
  store: TicketsStore,
  trainRun: RunView,
  takenByClass: Record<SeatClass, Array<Set<string>>>,
): void {
  for (const seatClass of ['FIRST', 'STANDARD'] as const) {
    const sold = confirmedSeatsByLeg(store, trainRun, seatClass);
    for (let leg = 0; leg < trainRun.legCount; leg++) {
      expect(duplicatesOf(sold[leg]!)).toEqual([]);
      expect([...takenByClass[seatClass][leg]!].sort()).toEqual([...sold[leg]!].sort());
    }
  }
}

/**
 * Stores for one system under test (data folder; on real stores, databases and a Redis prefix;
 * on the embedded ones, the launcher's server unless `embeddedServer`): the shared helper.
 */
export { systemStores, type SystemStores } from '@railgraph/database/system-stores';

/** Whether PostgreSQL and Redis answer, so the real-store suites can run. */
export async function realStoresAvailable(): Promise<boolean> {
  return (await postgresForTests()) && (await redisForTests(redisTestUrl()));
}
