import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, type DatabaseUnderTest } from '@railgraph/database/testing';
import { graphql, repoRoot, startSystem, type RunningSystem } from './system.js';

/**
 * Who may do what, end to end: partners with client credentials book and see only their
 * own bookings, travellers only theirs, internal operations only for services. Partner
 * clients are made with `npm run clients:create` before the system starts.
 */
const run = promisify(execFile);
const PASSWORD = 'correct horse battery staple';

interface PartnerClient {
  clientId: string;
  secret: string;
}

let dataDir: string;
let storeEnv: Record<string, string> = {};
let system: RunningSystem;
let acme: PartnerClient;
let globex: PartnerClient;
let planner: PartnerClient;
const secretsSeen: string[] = [];

async function createClient(name: string, scopes: string): Promise<PartnerClient> {
  const { stdout } = await run(
    process.execPath,
    [path.join(repoRoot, 'subgraphs/users/dist/cli/clients-create.js'), '--name', name, '--scopes', scopes],
    { cwd: repoRoot, env: { ...process.env, ...storeEnv, DATA_DIR: dataDir, LOG_LEVEL: 'silent' } },
  );
  const clientId = /client_id:\s+(\S+)/.exec(stdout)?.[1];
  const secret = /client_secret:\s+(\S+)/.exec(stdout)?.[1];
  if (!clientId || !secret) throw new Error(`clients:create printed no credentials:\n${stdout}`);
  secretsSeen.push(secret);
  return { clientId, secret };
}

async function clientToken(client: PartnerClient, scope?: string) {
  const response = await fetch(`http://127.0.0.1:${system.ports.users}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }).toString(),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (body.access_token) secretsSeen.push(body.access_token);
  return { status: response.status, body };
}

async function bearerOf(client: PartnerClient): Promise<string> {
  const { body } = await clientToken(client);
  if (!body.access_token) throw new Error(`no token for ${client.clientId}: ${body.error}`);
  return `Bearer ${body.access_token}`;
}

async function traveller(email: string): Promise<string> {
  const result = await graphql<{ signUp: { accessToken: string; refreshToken: string } }>(
    system.gatewayUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken } }',
    { input: { email, password: PASSWORD, name: 'Traveller' } },
  );
  const session = result.data?.signUp;
  if (!session) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
  secretsSeen.push(session.accessToken, session.refreshToken);
  return `Bearer ${session.accessToken}`;
}

const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

/** A fresh quote for one adult on some journey tomorrow. */
async function quoteToken(authorization: string): Promise<string> {
  const stations = await graphql<{ stations: Array<{ code: string }> }>(system.gatewayUrl, '{ stations { code } }');
  const [from, ...others] = stations.data?.stations.map((s) => s.code) ?? [];
  for (const to of others) {
    const found = await graphql<{ searchJourneys: Array<{ fares: Array<{ quoteToken: string }> }> }>(
      system.gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 1) { fares(passengers: [{ type: ADULT }]) { quoteToken } } }',
      { from, to, date: tomorrow() },
      { authorization },
    );
    const token = found.data?.searchJourneys[0]?.fares[0]?.quoteToken;
    if (token) return token;
  }
  throw new Error('no journey with fares tomorrow');
}

const BOOK = 'mutation($input: BookJourneyInput!) { bookJourney(input: $input) { id status } }';
const BOOKING = 'query($id: ID!) { booking(id: $id) { id status } }';
const CANCEL = 'mutation($id: ID!) { cancelBooking(id: $id) { id status } }';
const CANCEL_TICKETS =
  'mutation($id: ID!, $tickets: [ID!]!) { cancelTickets(bookingId: $id, ticketIds: $tickets) { id status } }';
const TICKET_IDS = 'query($id: ID!) { booking(id: $id) { tickets { id status } } }';

async function book(authorization: string, key: string) {
  return graphql<{ bookJourney: { id: string; status: string } }>(
    system.gatewayUrl,
    BOOK,
    {
      input: {
        quoteToken: await quoteToken(authorization),
        // A traveller names every passenger; a partner may, and these do.
        passengers: [{ type: 'ADULT', name: 'Ada Lovelace' }],
        idempotencyKey: key,
        paymentMethod: 'pm_card_visa',
      },
    },
    { authorization },
  );
}

const services = ['users', 'trains', 'prices', 'tickets'] as const;
/** The whole suite, with every database on the test run's embedded PostgreSQL server or on TEST_POSTGRES_URL's. */
function accessSuite(database: DatabaseUnderTest): void {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'railgraph-access-'));
    storeEnv = await database.serviceEnv(...services);
    secretsSeen.length = 0;
    acme = await createClient('Acme Travel', 'journeys:read bookings:read bookings:write');
    globex = await createClient('Globex Journeys', 'journeys:read bookings:read bookings:write');
    planner = await createClient('Route Planner', 'journeys:read');
    system = await startSystem({ ...storeEnv, DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    secretsSeen.push(system.serviceSecrets.tickets, system.serviceSecrets.inventory);
  }, 240_000);

  afterAll(async () => {
    await system?.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets a partner book with a client-credentials token and read its booking back', async () => {
    const authorization = await bearerOf(acme);
    const booked = await book(authorization, 'acme-booking-0001');
    expect(booked.errors).toBeUndefined();
    expect(booked.data?.bookJourney.status).toBe('CONFIRMED');
    const read = await graphql(system.gatewayUrl, BOOKING, { id: booked.data?.bookJourney.id }, { authorization });
    expect(read.data).toEqual({ booking: { id: booked.data?.bookJourney.id, status: 'CONFIRMED' } });
  });

  it('does not show or cancel one partner’s booking for another partner', async () => {
    const acmeAuth = await bearerOf(acme);
    const globexAuth = await bearerOf(globex);
    const { data } = await book(acmeAuth, 'acme-booking-0002');
    const id = data?.bookJourney.id;
    expect(await graphql(system.gatewayUrl, BOOKING, { id }, { authorization: globexAuth })).toMatchObject({
      data: { booking: null },
    });
    const cancel = await graphql(system.gatewayUrl, CANCEL, { id }, { authorization: globexAuth });
    expect(cancel.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const tickets = await graphql<{ booking: { tickets: Array<{ id: string; status: string }> } }>(
      system.gatewayUrl,
      TICKET_IDS,
      { id },
      { authorization: acmeAuth },
    );
    const ticketIds = tickets.data!.booking.tickets.map((t) => t.id);
    const cancelTicket = await graphql(
      system.gatewayUrl,
      CANCEL_TICKETS,
      { id, tickets: ticketIds },
      { authorization: globexAuth },
    );
    expect(cancelTicket.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const still = await graphql(system.gatewayUrl, BOOKING, { id }, { authorization: acmeAuth });
    expect(still.data).toEqual({ booking: { id, status: 'CONFIRMED' } });
    expect((await graphql(system.gatewayUrl, TICKET_IDS, { id }, { authorization: acmeAuth })).data).toEqual(
      tickets.data,
    );
  });

  it('does not show or cancel one traveller’s booking for another traveller', async () => {
    const ada = await traveller('ada@example.com');
    const bob = await traveller('bob@example.com');
    const { data } = await book(ada, 'ada-booking-0001');
    const id = data?.bookJourney.id;
    expect(data?.bookJourney.status).toBe('CONFIRMED');
    expect(await graphql(system.gatewayUrl, BOOKING, { id }, { authorization: bob })).toMatchObject({
      data: { booking: null },
    });
    expect(
      (await graphql(system.gatewayUrl, CANCEL, { id }, { authorization: bob })).errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
    const mine = await graphql<{ me: { bookings: Array<{ id: string }> } }>(
      system.gatewayUrl,
      '{ me { bookings { id } } }',
      {},
      { authorization: bob },
    );
    expect(mine.data?.me.bookings).toEqual([]);
    expect((await graphql(system.gatewayUrl, BOOKING, { id }, { authorization: ada })).data).toEqual({
      booking: { id, status: 'CONFIRMED' },
    });
  });

  it('lists each caller only its own bookings with myBookings, newest first, page by page', async () => {
    const acmeAuth = await bearerOf(acme);
    const globexAuth = await bearerOf(globex);
    const carol = await traveller('carol@example.com');
    const acmeIds: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const booked = await book(acmeAuth, `acme-listing-000${n}`);
      expect(booked.errors).toBeUndefined();
      acmeIds.unshift(booked.data!.bookJourney.id);
    }
    const globexId = (await book(globexAuth, 'globex-listing-0001')).data?.bookJourney.id;
    const carolId = (await book(carol, 'carol-listing-0001')).data?.bookJourney.id;
    expect(globexId).toBeDefined();
    expect(carolId).toBeDefined();

    const page = (authorization: string, variables: Record<string, unknown>) =>
      graphql<{ myBookings: Array<{ id: string; status: string }> }>(
        system.gatewayUrl,
        'query($first: Int, $after: ID, $status: BookingStatus) { myBookings(first: $first, after: $after, status: $status) { id status } }',
        variables,
        { authorization },
      );
    // Acme made the bookings of the earlier tests too: everything it made, and nothing else.
    const all = await page(acmeAuth, { first: 50 });
    expect(all.errors).toBeUndefined();
    const everything = all.data!.myBookings.map((b) => b.id);
    expect(everything.slice(0, 5)).toEqual(acmeIds);
    expect(everything).not.toContain(globexId);
    expect(everything).not.toContain(carolId);

    // Two at a time; a booking made between pages shows on no later page and shifts nothing.
    const first = await page(acmeAuth, { first: 2 });
    expect(first.data?.myBookings.map((b) => b.id)).toEqual(acmeIds.slice(0, 2));
    const newer = (await book(acmeAuth, 'acme-listing-0006')).data!.bookJourney.id;
    const second = await page(acmeAuth, { first: 2, after: acmeIds[1] });
    expect(second.data?.myBookings.map((b) => b.id)).toEqual(acmeIds.slice(2, 4));
    const again = await page(acmeAuth, { first: 2, after: acmeIds[1] });
    expect(again.data).toEqual(second.data);
    expect((await page(acmeAuth, { first: 1 })).data?.myBookings.map((b) => b.id)).toEqual([newer]);

    // A status filter; a cancelled booking still marks its place as a cursor.
    const cancelled = await graphql(system.gatewayUrl, CANCEL, { id: acmeIds[0] }, { authorization: acmeAuth });
    expect(cancelled.errors).toBeUndefined();
    const confirmed = await page(acmeAuth, { first: 50, status: 'CONFIRMED' });
    expect(confirmed.data?.myBookings.map((b) => b.id)).not.toContain(acmeIds[0]);
    expect(confirmed.data?.myBookings.every((b) => b.status === 'CONFIRMED')).toBe(true);
    const afterCancelled = await page(acmeAuth, { first: 1, after: acmeIds[0] });
    expect(afterCancelled.data?.myBookings.map((b) => b.id)).toEqual([acmeIds[1]]);

    expect((await page(globexAuth, { first: 50 })).data?.myBookings.map((b) => b.id)).toEqual([globexId]);
    expect((await page(carol, {})).data?.myBookings.map((b) => b.id)).toEqual([carolId]);
  });

  it('refuses myBookings without a token, without bookings:read, and with a bad first or after', async () => {
    const query = 'query($first: Int, $after: ID) { myBookings(first: $first, after: $after) { id } }';
    const codeFor = async (variables: Record<string, unknown>, authorization?: string) =>
      (await graphql(system.gatewayUrl, query, variables, authorization ? { authorization } : {})).errors?.[0]
        ?.extensions?.code;
    expect(await codeFor({})).toBe('UNAUTHENTICATED');
    expect(await codeFor({}, await bearerOf(planner))).toBe('FORBIDDEN');
    const acmeAuth = await bearerOf(acme);
    const globexAuth = await bearerOf(globex);
    expect(await codeFor({ first: 0 }, acmeAuth)).toBe('BAD_USER_INPUT');
    expect(await codeFor({ first: 51 }, acmeAuth)).toBe('BAD_USER_INPUT');
    expect(await codeFor({ after: 'not-a-booking-id' }, acmeAuth)).toBe('BAD_USER_INPUT');
    // Another partner's booking is no cursor: it would tell that the booking exists.
    const acmeBooking = (await book(acmeAuth, 'acme-listing-cursor')).data!.bookJourney.id;
    expect(await codeFor({ after: acmeBooking }, globexAuth)).toBe('BAD_USER_INPUT');
    expect(await codeFor({ after: acmeBooking }, acmeAuth)).toBeUndefined();
  });

  it('lets a partner follow its own booking events with a cursor, and no one else’s', async () => {
    const acmeAuth = await bearerOf(acme);
    const globexAuth = await bearerOf(globex);
    const EVENTS =
      'query($after: ID, $first: Int) { bookingEvents(after: $after, first: $first) { id cursor type bookingId status seats amount { amountMinor } } }';
    type Event = { id: string; cursor: string; type: string; bookingId: string; status: string; seats: string[] };
    const read = async (authorization: string, after?: string) => {
      const events: Event[] = [];
      for (let cursor = after; ;) {
        const page = await graphql<{ bookingEvents: Event[] }>(
          system.gatewayUrl,
          EVENTS,
          { after: cursor, first: 4 },
          { authorization },
        );
        expect(page.errors).toBeUndefined();
        events.push(...page.data!.bookingEvents);
        if (page.data!.bookingEvents.length < 4) return events;
        cursor = page.data!.bookingEvents.at(-1)!.cursor;
      }
    };
    const before = await read(acmeAuth);
    const booked = (await book(acmeAuth, 'acme-events-0001')).data!.bookJourney.id;
    await graphql(system.gatewayUrl, CANCEL, { id: booked }, { authorization: acmeAuth });
    const globexBooked = (await book(globexAuth, 'globex-events-0001')).data!.bookJourney.id;

    // Events are in the stream once published: at once, or by the next publisher pass.
    let acmeEvents = await read(acmeAuth);
    for (let pass = 0; acmeEvents.length < before.length + 3 && pass < 40; pass++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      acmeEvents = await read(acmeAuth);
    }
    expect(acmeEvents.slice(0, before.length)).toEqual(before);
    const fresh = acmeEvents.slice(before.length);
    expect(fresh.map((e) => [e.type, e.bookingId])).toEqual([
      ['BOOKING_CONFIRMED', booked],
      ['BOOKING_CANCELLED', booked],
      ['SEATS_RELEASED', booked],
    ]);
    expect(fresh[0]!.seats).toHaveLength(1);
    expect(fresh[2]!.seats).toEqual(fresh[0]!.seats);
    expect(new Set(acmeEvents.map((e) => e.id)).size).toBe(acmeEvents.length);
    expect(acmeEvents.map((e) => e.bookingId)).not.toContain(globexBooked);
    // From the last cursor seen, nothing new; Globex sees its own sale only among these.
    expect(await read(acmeAuth, acmeEvents.at(-1)!.cursor)).toEqual([]);
    expect((await read(globexAuth)).map((e) => e.bookingId)).toContain(globexBooked);

    const bad = await graphql(system.gatewayUrl, EVENTS, { after: 'not-a-cursor' }, { authorization: acmeAuth });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await graphql(system.gatewayUrl, EVENTS)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a partner a scope it was not granted, and a booking without bookings:write', async () => {
    const asked = await clientToken(planner, 'journeys:read bookings:write');
    expect(asked.status).toBe(400);
    expect(asked.body.error).toBe('invalid_scope');
    const authorization = await bearerOf(planner);
    const booked = await book(authorization, 'planner-booking-1');
    expect(booked.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cancelled = await graphql(
      system.gatewayUrl,
      CANCEL_TICKETS,
      { id: '3f2b0c1e-0000-4000-8000-000000000000', tickets: ['3f2b0c1e-0000-4000-8000-000000000001'] },
      { authorization },
    );
    expect(cancelled.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('gives a partner its monthly account statement, and refuses travellers and clients without bookings:read', async () => {
    const acmeAuth = await bearerOf(acme);
    const globexAuth = await bearerOf(globex);
    const STATEMENT =
      'query($month: String!) { accountStatement(month: $month) { month bookings { bookingId amount { amountMinor } } refunds { bookingId amount { amountMinor } } totalBooked { amountMinor } totalRefunded { amountMinor } balance { amountMinor } } }';
    type Line = { bookingId: string; amount: { amountMinor: number } };
    type Statement = {
      month: string;
      bookings: Line[];
      refunds: Line[];
      totalBooked: { amountMinor: string };
      totalRefunded: { amountMinor: string };
      balance: { amountMinor: string };
    };
    const booked = (await book(acmeAuth, 'acme-statement-0001')).data!.bookJourney.id;
    expect(
      (await graphql(system.gatewayUrl, CANCEL, { id: booked }, { authorization: acmeAuth })).errors,
    ).toBeUndefined();
    const globexBooked = (await book(globexAuth, 'globex-statement-0001')).data!.bookJourney.id;
    const month = new Date().toISOString().slice(0, 7);

    const read = await graphql<{ accountStatement: Statement }>(
      system.gatewayUrl,
      STATEMENT,
      { month },
      { authorization: acmeAuth },
    );
    expect(read.errors).toBeUndefined();
    const statement = read.data!.accountStatement;
    expect(statement.month).toBe(month);
    expect(statement.bookings.map((l) => l.bookingId)).toContain(booked);
    expect(statement.refunds.map((l) => l.bookingId)).toContain(booked);
    expect(statement.bookings.map((l) => l.bookingId)).not.toContain(globexBooked);
    const sum = (lines: Line[]) => lines.reduce((total, line) => total + line.amount.amountMinor, 0);
    expect(statement.totalBooked.amountMinor).toBe(String(sum(statement.bookings)));
    expect(statement.totalRefunded.amountMinor).toBe(String(sum(statement.refunds)));
    expect(statement.balance.amountMinor).toBe(String(sum(statement.bookings) - sum(statement.refunds)));

    const codeFor = async (variables: Record<string, unknown>, authorization: string) =>
      (await graphql(system.gatewayUrl, STATEMENT, variables, { authorization })).errors?.[0]?.extensions?.code;
    expect(await codeFor({ month }, await traveller('statement@example.com'))).toBe('FORBIDDEN');
    expect(await codeFor({ month }, await bearerOf(planner))).toBe('FORBIDDEN');
    expect(await codeFor({ month: '2026-13' }, acmeAuth)).toBe('BAD_USER_INPUT');
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const answer = await clientToken({ clientId: acme.clientId, secret: `${acme.secret}-guess` });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
    const service = await clientToken({ clientId: 'tickets', secret: 'not the tickets secret at all' });
    expect(service.body.error).toBe('invalid_client');
  });

  it('refuses a traveller (FORBIDDEN) and an anonymous caller (UNAUTHENTICATED) the internal inventory operations', async () => {
    const authorization = await traveller('eve@example.com');
    const inventoryUrl = `http://127.0.0.1:${system.ports.inventory}/graphql`;
    for (const query of [
      'mutation { releaseHold(holdId: "any-hold") { holdId } }',
      'mutation { confirmHold(holdId: "any-hold") { holdId } }',
      'mutation { releaseHoldSeats(holdId: "any-hold", seats: ["1-1A"]) { holdId } }',
      'mutation { holdSeats(input: { holdId: "eve-hold", runId: "x:2026-12-01", fromStop: 0, toStop: 1, seatClass: STANDARD, count: 1, ttlSeconds: 60 }) { holdId } }',
    ]) {
      const answer = await graphql(inventoryUrl, query, {}, { authorization });
      expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await graphql(inventoryUrl, query);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('never writes passwords, secrets or tokens to any log', async () => {
    // A failed sign-in and a bad token, so the logs have had every chance.
    await graphql(system.gatewayUrl, 'mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }', {
      input: { email: 'ada@example.com', password: `${PASSWORD}!` },
    });
    const logDir = path.join(dataDir, 'logs');
    const logs = await Promise.all((await readdir(logDir)).map((file) => readFile(path.join(logDir, file), 'utf8')));
    const text = logs.join('\n');
    expect(text).toContain('token request');
    expect(secretsSeen.length).toBeGreaterThan(8);
    for (const secret of [PASSWORD, `${PASSWORD}!`, ...secretsSeen]) expect(text).not.toContain(secret);
  });
}

await describeEachDatabase('access through the gateway', accessSuite);
