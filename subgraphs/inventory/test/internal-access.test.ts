import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokenIssuer, type TestTokenIssuer } from '@railgraph/auth/testing';
import { readInventoryEnv } from '../src/env.js';
import { startInventory, type RunningInventory } from '../src/service.js';
import { runLayout } from './fixtures.js';
import { startTrainsStub } from './trains-stub.js';

const layout = runLayout();
let trains: Awaited<ReturnType<typeof startTrainsStub>>;
let service: RunningInventory;
let tokens: TestTokenIssuer;

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function gql(query: string, variables: Record<string, unknown>, authorization?: string): Promise<Answer> {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const hold = (holdId: string) => ({
  input: { holdId, runId: layout.runId, fromStop: 0, toStop: 2, seatClass: 'STANDARD', count: 2, ttlSeconds: 60 },
});
const HOLD = 'mutation($input: HoldSeatsInput!) { holdSeats(input: $input) { holdId } }';
const HOLD_MANY = 'mutation($inputs: [HoldSeatsInput!]!) { holdSeatsBatch(inputs: $inputs) { holdId code } }';
const CONFIRM = 'mutation($holdId: ID!) { confirmHold(holdId: $holdId) { holdId } }';
const RELEASE = 'mutation($holdId: ID!) { releaseHold(holdId: $holdId) { holdId } }';
const CONFIRM_MANY = 'mutation($holdIds: [ID!]!) { confirmHolds(holdIds: $holdIds) { holdId confirmed code message } }';
const RELEASE_SEATS =
  'mutation($holdId: ID!, $seats: [String!]!) { releaseHoldSeats(holdId: $holdId, seats: $seats) { holdId status seats { coach label } } }';
const SEATS_LEFT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Journey { availability { seatClass seatsLeft } } } }`;

async function standardSeatsLeft(): Promise<number | undefined> {
  const answer = await gql(SEATS_LEFT, {
    r: [
      {
        __typename: 'Journey',
        runId: layout.runId,
        fromStop: 0,
        toStop: 2,
        run: {
          legCount: layout.legCount,
          consist: {
            id: layout.consistId,
            coaches: layout.coaches.map(({ number, seatClass, seatCount }) => ({ number, seatClass, seatCount })),
          },
        },
      },
    ],
  });
  const entities = (answer.data?.['_entities'] ?? []) as Array<{
    availability: Array<{ seatClass: string; seatsLeft: number }>;
  }>;
  return entities[0]?.availability.find((a) => a.seatClass === 'STANDARD')?.seatsLeft;
}

beforeAll(async () => {
  trains = await startTrainsStub([layout]);
  tokens = await createTestTokenIssuer();
  const env = readInventoryEnv({ INVENTORY_PORT: '0', LOG_LEVEL: 'silent', TRAINS_URL: trains.url });
  service = await startInventory({ env, overrides: { tokens: tokens.verifier } });
});

afterAll(async () => {
  await service?.stop();
  await trains?.stop();
});

describe('inventory internal operations', () => {
  it('hold, confirm and release seats for the tickets service (inventory:internal)', async () => {
    const tickets = await tokens.client('tickets', ['inventory:internal']);
    expect((await gql(HOLD, hold('hold-by-tickets'), tickets)).errors).toBeUndefined();
    expect((await gql(CONFIRM, { holdId: 'hold-by-tickets' }, tickets)).errors).toBeUndefined();
    expect((await gql(RELEASE, { holdId: 'hold-by-tickets' }, tickets)).errors).toBeUndefined();
  });

  it.each([
    ['no token', async () => undefined, 'UNAUTHENTICATED'],
    ['a traveller', () => tokens.traveller('user-1'), 'FORBIDDEN'],
    ['a partner with bookings:write', () => tokens.client('acme-travel-123abc', ['bookings:write']), 'FORBIDDEN'],
    ['the inventory client (bookings:internal)', () => tokens.client('inventory', ['bookings:internal']), 'FORBIDDEN'],
  ])('refuses %s with %s and holds nothing', async (_label, authorization, code) => {
    const before = await standardSeatsLeft();
    const header = await authorization();
    for (const [query, variables] of [
      [HOLD, hold(`hold-${code}`)],
      [HOLD_MANY, { inputs: [hold(`hold-many-${code}`).input] }],
      [CONFIRM, { holdId: 'hold-by-someone' }],
      [CONFIRM_MANY, { holdIds: ['hold-by-someone'] }],
      [RELEASE, { holdId: 'hold-by-someone' }],
      [RELEASE_SEATS, { holdId: 'hold-by-someone', seats: ['1-1A'] }],
    ] as const) {
      const answer = await gql(query, variables, header);
      expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    }
    expect(await standardSeatsLeft()).toBe(before);
  });

  it('confirms several holds in one call, each on its own: an unknown one is NOT_FOUND and the others are sold', async () => {
    const tickets = await tokens.client('tickets', ['inventory:internal']);
    const before = await standardSeatsLeft();
    for (const id of ['many-1', 'many-2']) expect((await gql(HOLD, hold(id), tickets)).errors).toBeUndefined();
    const answer = await gql(CONFIRM_MANY, { holdIds: ['many-1', 'never-held', 'many-2'] }, tickets);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.['confirmHolds']).toEqual([
      { holdId: 'many-1', confirmed: true, code: null, message: null },
      { holdId: 'never-held', confirmed: false, code: 'NOT_FOUND', message: expect.any(String) },
      { holdId: 'many-2', confirmed: true, code: null, message: null },
    ]);
    expect(await standardSeatsLeft()).toBe(before! - 4);
    // Sold holds are not released by their expiry; confirming again changes nothing.
    const again = await gql(CONFIRM_MANY, { holdIds: ['many-1', 'many-2'] }, tickets);
    expect(again.data?.['confirmHolds']).toMatchObject([{ confirmed: true }, { confirmed: true }]);
    expect(await standardSeatsLeft()).toBe(before! - 4);
  });

  it.each([
    ['no hold', []],
    ['more than 100 holds', Array.from({ length: 101 }, (_, i) => `many-unknown-${i}`)],
  ])('refuses to confirm %s with BAD_USER_INPUT, and changes nothing', async (_label, holdIds) => {
    const tickets = await tokens.client('tickets', ['inventory:internal']);
    const before = await standardSeatsLeft();
    const answer = await gql(CONFIRM_MANY, { holdIds }, tickets);
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await standardSeatsLeft()).toBe(before);
  });

  it('returns single seats of a sold hold to sale for the tickets service, once each', async () => {
    const tickets = await tokens.client('tickets', ['inventory:internal']);
    const before = await standardSeatsLeft();
    const held = await gql(
      'mutation($input: HoldSeatsInput!) { holdSeats(input: $input) { seats { coach label } } }',
      hold('group-by-tickets'),
      tickets,
    );
    const seats = (held.data?.['holdSeats'] as { seats: Array<{ coach: number; label: string }> }).seats.map(
      (s) => `${s.coach}-${s.label}`,
    );
    expect((await gql(CONFIRM, { holdId: 'group-by-tickets' }, tickets)).errors).toBeUndefined();
    expect(await standardSeatsLeft()).toBe(before! - 2);

    const first = await gql(RELEASE_SEATS, { holdId: 'group-by-tickets', seats: [seats[0]] }, tickets);
    expect(first.errors).toBeUndefined();
    expect(first.data?.['releaseHoldSeats']).toMatchObject({ status: 'CONFIRMED' });
    expect(await standardSeatsLeft()).toBe(before! - 1);
    // A retry (the outbox relay's) changes nothing.
    expect(
      (await gql(RELEASE_SEATS, { holdId: 'group-by-tickets', seats: [seats[0]] }, tickets)).errors,
    ).toBeUndefined();
    expect(await standardSeatsLeft()).toBe(before! - 1);

    const last = await gql(RELEASE_SEATS, { holdId: 'group-by-tickets', seats: [seats[1]] }, tickets);
    expect(last.data?.['releaseHoldSeats']).toMatchObject({ status: 'RELEASED' });
    expect(await standardSeatsLeft()).toBe(before);
  });

  it.each([
    ['a seat the hold never had', 'kept-hold', ['9-99Z'], 'BAD_USER_INPUT'],
    ['no seat', 'kept-hold', [], 'BAD_USER_INPUT'],
    [
      'more seats than a hold can have',
      'kept-hold',
      Array.from({ length: 10 }, (_, i) => `1-${i + 1}A`),
      'BAD_USER_INPUT',
    ],
    ['an unknown hold', 'no-such-hold', ['1-1A'], 'NOT_FOUND'],
  ])('refuses to release %s with %s, changing nothing', async (_label, holdId, seats, code) => {
    const tickets = await tokens.client('tickets', ['inventory:internal']);
    if (holdId === 'kept-hold') {
      await gql(HOLD, hold('kept-hold'), tickets);
      await gql(CONFIRM, { holdId: 'kept-hold' }, tickets);
    }
    const before = await standardSeatsLeft();
    const answer = await gql(RELEASE_SEATS, { holdId, seats }, tickets);
    expect(answer.status).toBe(200);
    expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    expect(await standardSeatsLeft()).toBe(before);
  });

  it('answers a forged token with UNAUTHENTICATED and HTTP 401 before any operation runs', async () => {
    const other = await createTestTokenIssuer();
    const answer = await gql(HOLD, hold('hold-forged'), await other.client('tickets', ['inventory:internal']));
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
