import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, portsClosed, processesGone, startSystem, type RunningSystem } from './system.js';

/**
 * The walking skeleton, end to end: every process started as `npm start` starts it, every
 * call through the gateway.
 */
let system: RunningSystem;
let token: string;

const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

interface JourneyView {
  runId: string;
  fromStop: number;
  toStop: number;
  departure: string;
  availability: Array<{ seatClass: string; seatsLeft: number }>;
  fares: Array<{ seatClass: string; total: { amountMinor: number; currency: string }; quoteToken: string }>;
}

const journeyFields = `runId fromStop toStop departure arrival durationMinutes distanceKm
  train { number operator } origin { code name } destination { code name }
  availability { seatClass seatsLeft }
  fares(passengers: [{ type: ADULT }, { type: CHILD }]) { seatClass total { amountMinor currency } expiresAt quoteToken }`;

async function findJourneys(): Promise<{ from: string; to: string; journeys: JourneyView[] }> {
  const stations = await graphql<{ stations: Array<{ code: string }> }>(
    system.gatewayUrl,
    '{ stations(first: 100) { code } }',
  );
  const codes = stations.data?.stations.map((s) => s.code) ?? [];
  expect(codes.length).toBeGreaterThan(1);
  const from = codes[0]!;
  for (const to of codes.slice(1)) {
    const result = await graphql<{ searchJourneys: JourneyView[] }>(
      system.gatewayUrl,
      `query Search($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 5) { ${journeyFields} } }`,
      { from, to, date: tomorrow() },
      { authorization: `Bearer ${token}` },
    );
    expect(result.errors).toBeUndefined();
    if ((result.data?.searchJourneys.length ?? 0) > 0) return { from, to, journeys: result.data!.searchJourneys };
  }
  throw new Error(`no journeys from ${from} tomorrow`);
}

beforeAll(async () => {
  system = await startSystem();
}, 180_000);

afterAll(async () => {
  await system?.cleanup();
});

describe('the walking skeleton through the gateway', () => {
  it('signs a traveller up', async () => {
    const result = await graphql<{ signUp: { accessToken: string; user: { email: string } } }>(
      system.gatewayUrl,
      'mutation { signUp(input: { email: "Ada@Example.com", password: "correct horse battery", name: "Ada" }) { accessToken user { email } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.signUp.user.email).toBe('ada@example.com');
    token = result.data!.signUp.accessToken;
  });

  it('searches journeys with availability from inventory and fares from prices, then books one', async () => {
    const { from, to, journeys } = await findJourneys();
    const journey = journeys[0]!;
    const standard = journey.availability.find((a) => a.seatClass === 'STANDARD');
    expect(standard?.seatsLeft).toBeGreaterThan(2);
    const offer = journey.fares.find((f) => f.seatClass === 'STANDARD');
    expect(offer?.total.amountMinor).toBeGreaterThan(0);
    expect(offer?.quoteToken.split('.')).toHaveLength(3);

    // A traveller names every passenger: without a name, BAD_USER_INPUT for that passenger.
    const unnamed = await graphql(
      system.gatewayUrl,
      'mutation($input: BookJourneyInput!) { bookJourney(input: $input) { id } }',
      {
        input: {
          quoteToken: offer!.quoteToken,
          passengers: [{ type: 'ADULT', name: 'Ada Lovelace' }, { type: 'CHILD' }],
          idempotencyKey: `e2e-unnamed-${Date.now()}`,
          paymentMethod: 'pm_card_visa',
        },
      },
      { authorization: `Bearer ${token}` },
    );
    expect(unnamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'passengers[1].name' });

    const booked = await graphql<{
      bookJourney: {
        id: string;
        status: string;
        total: { amountMinor: number };
        tickets: Array<{
          seat: string;
          coach: number;
          code: string;
          passengerName: string | null;
          fare: { amountMinor: number };
        }>;
      };
    }>(
      system.gatewayUrl,
      `
        mutation Book($input: BookJourneyInput!) {
          bookJourney(input: $input) {
            id
            status
            total {
              amountMinor
              currency
            }
            tickets {
              seat
              coach
              passenger
              passengerName
              code
              fare {
                amountMinor
                currency
              }
            }
          }
        }
      `,
      {
        input: {
          quoteToken: offer!.quoteToken,
          passengers: [
            { type: 'ADULT', name: ' Ada Lovelace ' },
            { type: 'CHILD', name: 'Noor Lovelace' },
          ],
          idempotencyKey: `e2e-${Date.now()}`,
          paymentMethod: 'pm_card_visa',
        },
      },
      { authorization: `Bearer ${token}`, 'x-request-id': 'e2e-booking-request' },
    );
    expect(booked.errors).toBeUndefined();
    const booking = booked.data!.bookJourney;
    expect(booking.status).toBe('CONFIRMED');
    expect(booking.tickets).toHaveLength(2);
    expect(booking.total.amountMinor).toBe(offer!.total.amountMinor);
    expect(booking.tickets.reduce((sum, t) => sum + t.fare.amountMinor, 0)).toBe(booking.total.amountMinor);
    expect(new Set(booking.tickets.map((t) => `${t.coach}-${t.seat}`)).size).toBe(2);
    // Each ticket carries its passenger's name, trimmed.
    expect(booking.tickets.map((t) => t.passengerName)).toEqual(['Ada Lovelace', 'Noor Lovelace']);

    // booking(id) returns the tickets, their journey resolved by trains through the gateway.
    const fetched = await graphql<{
      booking: {
        id: string;
        tickets: Array<{
          passengerName: string | null;
          journey: { runId: string; origin: { code: string }; destination: { code: string } };
        }>;
      };
    }>(
      system.gatewayUrl,
      'query($id: ID!) { booking(id: $id) { id status tickets { passengerName journey { runId origin { code } destination { code } departure } } } }',
      { id: booking.id },
      { authorization: `Bearer ${token}` },
    );
    expect(fetched.errors).toBeUndefined();
    expect(fetched.data?.booking.tickets[0]?.journey).toMatchObject({
      runId: journey.runId,
      origin: { code: from },
      destination: { code: to },
    });
    expect(fetched.data?.booking.tickets.map((t) => t.passengerName).sort()).toEqual(['Ada Lovelace', 'Noor Lovelace']);

    // Inventory no longer counts the sold seats.
    const after = await graphql<{ searchJourneys: JourneyView[] }>(
      system.gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 5) { runId availability { seatClass seatsLeft } } }',
      { from, to, date: tomorrow() },
    );
    const same = after.data?.searchJourneys.find((j) => j.runId === journey.runId);
    expect(same?.availability.find((a) => a.seatClass === 'STANDARD')?.seatsLeft).toBe(standard!.seatsLeft - 2);

    // The traveller sees it among their bookings, and the ticket code validates.
    const mine = await graphql<{ me: { bookings: Array<{ id: string }> } }>(
      system.gatewayUrl,
      '{ me { bookings { id } } }',
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(mine.data?.me.bookings.map((b) => b.id)).toContain(booking.id);
    const validation = await graphql<{
      validateTicket: { valid: boolean; status: string; validFrom: string; passengerName: string | null };
    }>(
      system.gatewayUrl,
      'query($code: String!) { validateTicket(code: $code) { valid status reason validFrom passengerName } }',
      { code: booking.tickets[0]!.code },
    );
    // Genuine and not cancelled; valid only from 00:00 on the (local) travel day, tomorrow.
    const checked = validation.data?.validateTicket;
    expect(checked?.status).toBe(Date.now() >= Date.parse(checked?.validFrom ?? '') ? 'VALID' : 'NOT_VALID_TODAY');
    expect(checked?.valid).toBe(checked?.status === 'VALID');
    expect(checked?.passengerName).toBe(booking.tickets[0]!.passengerName);

    // The gateway's request id reached the subgraphs.
    const ticketsLog = await readFile(path.join(system.dataDir, 'logs', 'tickets.log'), 'utf8');
    expect(ticketsLog).toContain('e2e-booking-request');
  });

  it('answers bad requests with typed errors, never a 500', async () => {
    const parse = await graphql(system.gatewayUrl, '{ stations(first: 3 { code }');
    expect(parse.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await graphql(system.gatewayUrl, '{ stations { code platformCount } }');
    expect(unknownField.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const wrongType = await graphql(system.gatewayUrl, 'query($n: Int) { stations(first: $n) { code } }', { n: 'ten' });
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badDate = await graphql(
      system.gatewayUrl,
      '{ searchJourneys(from: "A", to: "B", date: "2026-02-30") { runId } }',
    );
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await graphql(
      system.gatewayUrl,
      '{ me { id } }',
      {},
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
    );
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const anonymousBooking = await graphql(
      system.gatewayUrl,
      'mutation { bookJourney(input: { quoteToken: "x", passengers: [{ type: ADULT }], idempotencyKey: "anonymous-1" }) { id } }',
    );
    expect(anonymousBooking.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const response of [parse, unknownField, wrongType, badDate, forged, anonymousBooking])
      expect(response.status).toBeLessThan(500);
  });

  it('does not expose internal inventory operations', async () => {
    const result = await graphql(system.gatewayUrl, 'mutation { releaseHold(holdId: "x") { holdId } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers CORS preflight for configured origins only', async () => {
    const allowed = await fetch(system.gatewayUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await fetch(system.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reports ready only when every subgraph is ready', async () => {
    const ready = await fetch(`http://127.0.0.1:${system.ports.gateway}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: Array<{ name: string; ok: boolean }> };
    expect(body.checks.map((c) => c.name).sort()).toEqual(['inventory', 'prices', 'tickets', 'trains', 'users']);
  });

  it('stops every process on SIGTERM', async () => {
    system.launcher.kill('SIGTERM');
    expect(await system.exited).toBe(0);
    await portsClosed(Object.values(system.ports), 5_000);
    await processesGone(system.dataDir, 5_000);
    expect(system.output()).toContain('all services stopped');
    // The embedded PostgreSQL server shut down cleanly: it removes its pid file last.
    expect(existsSync(path.join(system.dataDir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false);
  });
});

describe('when the launcher dies without cleaning up', () => {
  it('its children stop by themselves', async () => {
    const orphaned = await startSystem();
    try {
      orphaned.launcher.kill('SIGKILL');
      await orphaned.exited;
      await portsClosed(Object.values(orphaned.ports), 15_000);
      await processesGone(orphaned.dataDir, 15_000);
      // The embedded PostgreSQL server too, and cleanly (told by the kernel when its parent died).
      expect(existsSync(path.join(orphaned.dataDir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false);
    } finally {
      await orphaned.cleanup();
    }
  }, 180_000);
});
