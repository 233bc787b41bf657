import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, createLocalTokenVerifier } from '@railgraph/auth';
import { embeddedTestDatabase, type TestDatabase } from '@railgraph/database/testing';
import { readTicketsEnv } from '../src/env.js';
import { startTickets, type RunningTickets } from '../src/service.js';

const runId = 'IC501:2026-12-01';
let database: TestDatabase | undefined;
let tickets: RunningTickets;
let privateKey: CryptoKey;

const tokenFor = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

async function gql(query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(`${tickets.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ extensions?: { code?: string } }>;
  };
}

async function booking(status: 'PENDING' | 'CONFIRMED' | 'FAILED', seats: Array<[number, string]>, onRun = runId) {
  const id = randomUUID();
  await tickets.prisma.booking.create({
    data: {
      id,
      ownerKind: 'TRAVELLER',
      ownerId: 'user-1',
      idempotencyKey: `key-${id}`,
      requestHash: 'x',
      status,
      quoteId: 'q',
      runId: onRun,
      fromStop: 1,
      toStop: 3,
      seatClass: 'STANDARD',
      totalMinor: 1000,
      currency: 'EUR',
      holdId: id,
      tickets: {
        create: seats.map(([coach, seatLabel]) => ({
          id: randomUUID(),
          passengerType: 'ADULT',
          coach,
          seatLabel,
          fareMinor: 1000,
          currency: 'EUR',
          code: 'c',
        })),
      },
    },
  });
  return id;
}

const ownershipQuery = /* GraphQL */ `
  query ($ids: [ID!]!) {
    holdOwnership(holdIds: $ids) {
      holdId
      owned
      bookingStatus
    }
  }
`;
const seatsQuery = /* GraphQL */ `
  query ($runId: ID!) {
    confirmedSeats(runId: $runId) {
      holdId
      coach
      seatLabel
      fromStop
      toStop
    }
  }
`;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  database = await embeddedTestDatabase('hold_lookups');
  const env = readTicketsEnv({ TICKETS_PORT: '0', TICKETS_DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  tickets = await startTickets({ env, overrides: { tokens: createLocalTokenVerifier({ keys: [publicJwk] }) } });
});

afterAll(async () => {
  await tickets?.stop();
  await database?.drop();
});

describe('hold look-ups for inventory', () => {
  it('tells inventory which holds a booking owns, with the booking status, in the order asked', async () => {
    const confirmed = await booking('CONFIRMED', [[3, '12A']]);
    const pending = await booking('PENDING', [[3, '12B']]);
    const failed = await booking('FAILED', [[3, '12C']]);
    const token = await tokenFor({ client_id: 'inventory', scope: 'bookings:internal' });
    const result = await gql(ownershipQuery, { ids: ['nobody-owns-this', confirmed, pending, failed] }, token);
    expect(result.errors).toBeUndefined();
    expect(result.data?.['holdOwnership']).toEqual([
      { holdId: 'nobody-owns-this', owned: false, bookingStatus: null },
      { holdId: confirmed, owned: true, bookingStatus: 'CONFIRMED' },
      { holdId: pending, owned: true, bookingStatus: 'PENDING' },
      { holdId: failed, owned: true, bookingStatus: 'FAILED' },
    ]);
  });

  it("lists the seats of a run's confirmed bookings, not tickets of others", async () => {
    const sold = await booking('CONFIRMED', [
      [4, '1A'],
      [4, '1B'],
    ]);
    await booking('PENDING', [[4, '2A']]);
    await booking('CONFIRMED', [[4, '3A']], 'IC777:2026-12-01');
    const token = await tokenFor({ client_id: 'inventory', scope: 'bookings:internal' });
    const result = await gql(seatsQuery, { runId }, token);
    expect(result.errors).toBeUndefined();
    const seats = result.data?.['confirmedSeats'] as Array<{ holdId: string; seatLabel: string }>;
    expect(seats.filter((s) => s.holdId === sold)).toEqual([
      { holdId: sold, coach: 4, seatLabel: '1A', fromStop: 1, toStop: 3 },
      { holdId: sold, coach: 4, seatLabel: '1B', fromStop: 1, toStop: 3 },
    ]);
    expect(seats.map((s) => s.seatLabel)).not.toContain('2A');
    expect(seats.map((s) => s.seatLabel)).not.toContain('3A');
  });

  it('lists the seats held for bookings still being made, and none of failed attempts', async () => {
    const pending = randomUUID();
    const failed = randomUUID();
    for (const [id, status] of [
      [pending, 'PENDING'],
      [failed, 'FAILED'],
    ] as const) {
      await tickets.prisma.booking.create({
        data: {
          id,
          ownerKind: 'CLIENT',
          ownerId: 'partner-1',
          idempotencyKey: `key-${id}`,
          requestHash: 'x',
          status,
          quoteId: 'q',
          runId,
          fromStop: 0,
          toStop: 2,
          seatClass: 'FIRST',
          totalMinor: 1000,
          currency: 'EUR',
          holdId: id,
          heldSeats: status === 'PENDING' ? ['1-7A', '12-7B'] : ['1-8A'],
        },
      });
    }
    const token = await tokenFor({ client_id: 'inventory', scope: 'bookings:internal' });
    const result = await gql(seatsQuery, { runId }, token);
    expect(result.errors).toBeUndefined();
    const seats = result.data?.['confirmedSeats'] as Array<{ holdId: string; seatLabel: string }>;
    expect(seats.filter((s) => s.holdId === pending)).toEqual([
      { holdId: pending, coach: 1, seatLabel: '7A', fromStop: 0, toStop: 2 },
      { holdId: pending, coach: 12, seatLabel: '7B', fromStop: 0, toStop: 2 },
    ]);
    expect(seats.filter((s) => s.holdId === failed)).toEqual([]);
  });

  it('answers only callers granted bookings:internal', async () => {
    const traveller = await tokenFor({ sub: 'user-1', scope: 'bookings:read bookings:write' });
    const ticketsClient = await tokenFor({ client_id: 'tickets', scope: 'inventory:internal' });
    const codeOf = async (query: string, variables: Record<string, unknown>, token?: string) =>
      (await gql(query, variables, token)).errors?.[0]?.extensions?.code;
    expect(await codeOf(ownershipQuery, { ids: ['x'] })).toBe('UNAUTHENTICATED');
    expect(await codeOf(ownershipQuery, { ids: ['x'] }, traveller)).toBe('FORBIDDEN');
    expect(await codeOf(seatsQuery, { runId }, ticketsClient)).toBe('FORBIDDEN');
    const inventory = await tokenFor({ client_id: 'inventory', scope: 'bookings:internal' });
    const tooMany = Array.from({ length: 501 }, (_, i) => `h${i}`);
    expect(await codeOf(ownershipQuery, { ids: tooMany }, inventory)).toBe('BAD_USER_INPUT');
  });
});
