import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokenIssuer, type TestTokenIssuer } from '@railgraph/auth/testing';
import { readInventoryEnv } from '../src/env.js';
import { startInventory, type RunningInventory } from '../src/service.js';
import { classSeats } from '../src/engine/layout.js';
import { coach, runLayout } from './fixtures.js';
import { startTrainsStub } from './trains-stub.js';

const layout = runLayout();
// 40 STANDARD seats in two coaches, for the crowd.
const crowded = runLayout({
  runId: 'IC9:2026-12-01',
  consistId: 'consist-b',
  legCount: 2,
  coaches: [coach(1, 'STANDARD', 20), coach(2, 'STANDARD', 20)],
});

interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } & Record<string, unknown> }>;
}

let trains: Awaited<ReturnType<typeof startTrainsStub>>;
let service: RunningInventory;
let tokens: TestTokenIssuer;
// The internal operations need the tickets service's scope; every call here carries it.
let ticketsService: string;

async function gql<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: ticketsService },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

const holdMutation = /* GraphQL */ `
  mutation Hold($input: HoldSeatsInput!) {
    holdSeats(input: $input) {
      holdId
      status
      expiresAt
      seats {
        coach
        label
        seatClass
      }
    }
  }
`;
type HoldData = {
  holdSeats: {
    holdId: string;
    status: string;
    expiresAt: string;
    seats: Array<{ coach: number; label: string; seatClass: string }>;
  };
};

const availabilityQuery = /* GraphQL */ `
  query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Journey {
        runId
        fromStop
        toStop
        availability {
          seatClass
          seatsLeft
          capacity
        }
      }
    }
  }
`;
const journeyRepresentation = (fromStop: number, toStop: number, of = layout) => ({
  __typename: 'Journey',
  runId: of.runId,
  fromStop,
  toStop,
  run: {
    legCount: of.legCount,
    consist: {
      id: of.consistId,
      coaches: of.coaches.map(({ number, seatClass, seatCount }) => ({ number, seatClass, seatCount })),
    },
  },
});
const seatMapQuery = /* GraphQL */ `
  query ($r: [_Any!]!, $from: Int!, $to: Int!, $cls: SeatClass) {
    _entities(representations: $r) {
      ... on TrainRun {
        id
        seatMap(fromStop: $from, toStop: $to, seatClass: $cls) {
          number
          seatClass
          seats {
            label
            position
            free
            seatId
          }
        }
      }
    }
  }
`;
const trainRunRepresentation = (of = layout) => ({
  __typename: 'TrainRun',
  id: of.runId,
  legCount: of.legCount,
  consist: { id: of.consistId, coaches: of.coaches },
});

beforeAll(async () => {
  trains = await startTrainsStub([layout, crowded]);
  const env = readInventoryEnv({ INVENTORY_PORT: '0', LOG_LEVEL: 'silent', TRAINS_URL: trains.url });
  tokens = await createTestTokenIssuer();
  ticketsService = await tokens.client('tickets', ['inventory:internal']);
  service = await startInventory({ env, overrides: { tokens: tokens.verifier } });
});

afterAll(async () => {
  await service?.stop();
  await trains?.stop();
});

describe('inventory subgraph', () => {
  it('resolves Journey.availability from the layout in the representation', async () => {
    const result = await gql(availabilityQuery, { r: [journeyRepresentation(0, 4), journeyRepresentation(1, 2)] });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      _entities: [
        {
          runId: layout.runId,
          fromStop: 0,
          toStop: 4,
          availability: [
            { seatClass: 'STANDARD', seatsLeft: 24, capacity: 24 },
            { seatClass: 'FIRST', seatsLeft: 8, capacity: 8 },
          ],
        },
        expect.objectContaining({ fromStop: 1, toStop: 2 }),
      ],
    });
  });

  it('holds, confirms and releases seats, reflected in availability and the seat map', async () => {
    const held = await gql<HoldData>(holdMutation, {
      input: {
        holdId: 'svc-1',
        runId: layout.runId,
        fromStop: 1,
        toStop: 3,
        seatClass: 'FIRST',
        seats: ['1-2A', '1-2B'],
      },
    });
    expect(held.errors).toBeUndefined();
    expect(held.data?.holdSeats).toMatchObject({
      holdId: 'svc-1',
      status: 'HELD',
      seats: [
        { coach: 1, label: '2A', seatClass: 'FIRST' },
        { coach: 1, label: '2B', seatClass: 'FIRST' },
      ],
    });
    expect(held.data?.holdSeats.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);

    const firstLeft = async (from: number, to: number) => {
      const result = await gql<{ _entities: Array<{ availability: Array<{ seatClass: string; seatsLeft: number }> }> }>(
        availabilityQuery,
        {
          r: [journeyRepresentation(from, to)],
        },
      );
      return result.data?._entities[0]?.availability.find((a) => a.seatClass === 'FIRST')?.seatsLeft;
    };
    expect(await firstLeft(0, 4)).toBe(6);
    expect(await firstLeft(0, 1)).toBe(8);

    const map = await gql<{
      _entities: Array<{
        seatMap: Array<{
          number: number;
          seatClass: string;
          seats: Array<{ seatId: string; free: boolean; label: string; position: string }>;
        }>;
      }>;
    }>(seatMapQuery, { r: [trainRunRepresentation()], from: 0, to: 2, cls: 'FIRST' });
    expect(map.errors).toBeUndefined();
    const coaches = map.data?._entities[0]?.seatMap ?? [];
    expect(coaches.map((c) => c.number)).toEqual([1]);
    const seats = coaches[0]?.seats ?? [];
    expect(seats).toHaveLength(8);
    expect(seats.filter((s) => !s.free).map((s) => s.seatId)).toEqual(['1-2A', '1-2B']);
    expect(seats[0]).toEqual({ seatId: '1-1A', label: '1A', position: 'WINDOW', free: true });

    const confirmed = await gql<{ confirmHold: { status: string } }>(
      `mutation { confirmHold(holdId: "svc-1") { status } }`,
    );
    expect(confirmed.data?.confirmHold.status).toBe('CONFIRMED');
    expect(await firstLeft(0, 4)).toBe(6);
    const released = await gql<{ releaseHold: { status: string } }>(
      `mutation { releaseHold(holdId: "svc-1") { status } }`,
    );
    expect(released.data?.releaseHold.status).toBe('RELEASED');
    expect(await firstLeft(0, 4)).toBe(8);
  });

  it('shows both classes in the seat map when no class is given', async () => {
    const map = await gql<{ _entities: Array<{ seatMap: Array<{ number: number; seatClass: string }> }> }>(
      seatMapQuery,
      {
        r: [trainRunRepresentation()],
        from: 0,
        to: 4,
      },
    );
    expect(map.data?._entities[0]?.seatMap.map((c) => [c.number, c.seatClass])).toEqual([
      [1, 'FIRST'],
      [2, 'STANDARD'],
      [3, 'STANDARD'],
    ]);
  });

  it('sells the last 20 seats once each under 200 concurrent holds; the losers get SOLD_OUT', async () => {
    const prefill = await gql<HoldData>(holdMutation, {
      input: { holdId: 'prefill-a', runId: crowded.runId, fromStop: 0, toStop: 2, seatClass: 'STANDARD', count: 9 },
    });
    expect(prefill.errors).toBeUndefined();
    for (const [id, count] of [
      ['prefill-b', 9],
      ['prefill-c', 2],
    ] as const) {
      await gql(holdMutation, {
        input: { holdId: id, runId: crowded.runId, fromStop: 0, toStop: 2, seatClass: 'STANDARD', count },
      });
      await gql(`mutation($id: ID!) { confirmHold(holdId: $id) { status } }`, { id });
    }
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        gql<HoldData>(holdMutation, {
          input: {
            holdId: `crowd-${i}`,
            runId: crowded.runId,
            fromStop: i % 2,
            toStop: 2,
            seatClass: 'STANDARD',
            count: 1,
          },
        }),
      ),
    );
    const winners = results.filter((r) => r.data?.holdSeats);
    const winnersFromOrigin = results.filter((r, i) => r.data?.holdSeats && i % 2 === 0).length;
    const losers = results.filter((r) => !r.data?.holdSeats);
    expect(winners).toHaveLength(20);
    expect(losers).toHaveLength(180);
    expect(new Set(losers.map((r) => r.errors?.[0]?.extensions?.code))).toEqual(new Set(['SOLD_OUT']));

    const sold = [prefill, ...winners]
      .flatMap((r) => r.data?.holdSeats.seats ?? [])
      .map((s) => `${s.coach}-${s.label}`);
    expect(new Set(sold).size).toBe(sold.length);
    const occupancy = await service.engine.occupancy(crowded.runId);
    const taken = occupancy?.classes.find((c) => c.seatClass === 'STANDARD')?.takenByLeg ?? [];
    // Leg 1 is full; leg 0 also carries the winners who board at stop 0.
    expect(taken.map((leg) => leg.length)).toEqual([20 + winnersFromOrigin, 40]);
    const index = classSeats(crowded).find((c) => c.seatClass === 'STANDARD')?.byId;
    const winnerSeats = winners
      .flatMap((r) => r.data?.holdSeats.seats ?? [])
      .map((s) => index?.get(`${s.coach}-${s.label}`)?.index);
    expect(winnerSeats.every((i) => i !== undefined && (taken[1] ?? []).includes(i))).toBe(true);
    // One layout fetch served every hold on the run.
    expect(trains.calls()).toBeLessThanOrEqual(2);
  });

  it('returns the same hold for a retried holdSeats and BAD_USER_INPUT for another request under its id', async () => {
    const input = { holdId: 'retry-1', runId: layout.runId, fromStop: 0, toStop: 1, seatClass: 'STANDARD', count: 2 };
    const first = await gql<HoldData>(holdMutation, { input });
    const again = await gql<HoldData>(holdMutation, { input });
    expect(again.data?.holdSeats).toEqual(first.data?.holdSeats);
    const other = await gql(holdMutation, { input: { ...input, count: 3 } });
    expect(other.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers bad requests with contract errors', async () => {
    const codeOf = async (query: string, variables: Record<string, unknown> = {}) =>
      (await gql(query, variables)).errors?.[0]?.extensions?.code;
    const hold = (input: Record<string, unknown>) =>
      codeOf(holdMutation, {
        input: {
          holdId: 'bad',
          runId: layout.runId,
          fromStop: 0,
          toStop: 1,
          seatClass: 'STANDARD',
          count: 1,
          ...input,
        },
      });
    expect(await codeOf('{ _entities(')).toBe('GRAPHQL_PARSE_FAILED');
    expect(await codeOf('mutation { confirmHold(holdId: "x") { nope } }')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await hold({ fromStop: 'zero' })).toBe('BAD_USER_INPUT');
    expect(await hold({ seatClass: 'THIRD' })).toBe('BAD_USER_INPUT');
    expect(await hold({ runId: 'NOPE:2026-12-01' })).toBe('BAD_USER_INPUT');
    expect(await hold({ count: -1 })).toBe('BAD_USER_INPUT');
    expect(await hold({ fromStop: 3, toStop: 1 })).toBe('BAD_USER_INPUT');
    expect(await hold({ count: null, seats: ['7-1A'] })).toBe('BAD_USER_INPUT');
    expect(await hold({ ttlSeconds: 0 })).toBe('BAD_USER_INPUT');
    expect(await hold({ holdId: '' })).toBe('BAD_USER_INPUT');
    expect(await codeOf('mutation { confirmHold(holdId: "never") { status } }')).toBe('NOT_FOUND');
    expect(await codeOf('mutation { releaseHold(holdId: "never") { status } }')).toBe('NOT_FOUND');
    expect(await codeOf(availabilityQuery, { r: [journeyRepresentation(2, 9)] })).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(availabilityQuery, { r: [{ __typename: 'Journey', runId: layout.runId, fromStop: 0, toStop: 1 }] }),
    ).toBe('BAD_USER_INPUT');
    expect(
      await codeOf(seatMapQuery, {
        r: [{ ...trainRunRepresentation(), consist: { id: 'x', coaches: [{ number: 1 }] } }],
        from: 0,
        to: 1,
      }),
    ).toBe('BAD_USER_INPUT');
  });

  it('is ready and counts holds by outcome in /metrics', async () => {
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/inventory_holds_total\{outcome="sold_out",service="inventory"\} 180/);
    expect(metrics).toMatch(/inventory_sold_out_total\{service="inventory"\} 180/);
    expect(metrics).toMatch(/inventory_holds_total\{outcome="held",service="inventory"\} \d+/);
  });
});
