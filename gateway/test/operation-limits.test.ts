import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { graphql, repoRoot, startSystem, type RunningSystem } from './system.js';
import path from 'node:path';

/**
 * Operation limits through the whole system (design §11): an operation over a limit is refused
 * with OPERATION_TOO_COMPLEX before the gateway plans it, so no subgraph is called; the web
 * app's costliest operation, and the gateway's own fetches for it, pass every limit; and each
 * subgraph applies the limits to direct calls.
 */
let system: RunningSystem;

const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
const subgraphs = ['users', 'trains', 'inventory', 'prices', 'tickets'] as const;

interface Refusal {
  message: string;
  extensions?: { code?: string; limit?: string; max?: number; value?: number };
}

/** GraphQL requests each subgraph has answered so far, from its own /metrics. */
async function subgraphCalls(): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  for (const name of ['trains', 'prices', 'inventory'] as const) {
    const text = await (await fetch(`http://127.0.0.1:${system.ports[name]}/metrics`)).text();
    calls[name] = text
      .split('\n')
      .filter((line) => line.startsWith('http_request_duration_seconds_count{') && line.includes('route="/graphql"'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }
  return calls;
}

/** The two stations with the most journeys between them tomorrow, among the first few. */
async function busiestRoute(): Promise<{ from: string; to: string; journeys: number }> {
  const stations = await graphql<{ stations: Array<{ code: string }> }>(
    system.gatewayUrl,
    '{ stations(first: 100) { code } }',
  );
  const codes = stations.data?.stations.map((s) => s.code) ?? [];
  let best = { from: '', to: '', journeys: -1 };
  for (const [from, to] of codes.slice(0, 4).flatMap((a) => codes.slice(0, 4).map((b) => [a, b] as const))) {
    if (from === to) continue;
    const result = await graphql<{ searchJourneys: unknown[] }>(
      system.gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 50) { runId } }',
      { from, to, date: tomorrow() },
    );
    const journeys = result.data?.searchJourneys.length ?? 0;
    if (journeys > best.journeys) best = { from, to, journeys };
  }
  return best;
}

let route: { from: string; to: string; journeys: number };

beforeAll(async () => {
  // Tickets follows trains' run cancellations every relay interval, a GraphQL call to trains
  // of its own: at the longest interval none lands while a test counts the calls an operation
  // made (the first comes a minute after tickets starts).
  system = await startSystem({ OUTBOX_RELAY_INTERVAL_MS: '60000' });
  route = await busiestRoute();
}, 180_000);

afterAll(async () => {
  await system?.cleanup();
});

describe('operation limits at the gateway', () => {
  it('refuses 200 aliased journey searches with fares before any subgraph is called', async () => {
    const searches = Array.from(
      { length: 200 },
      (_, i) => `j${i}: searchJourneys(from: $from, to: $to, date: $date) { fares(passengers: $p) { quoteToken } }`,
    );
    const attack = `query($from: String!, $to: String!, $date: Date!, $p: [PassengerInput!]!) { ${searches.join(' ')} }`;
    const before = await subgraphCalls();
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: attack,
        variables: { from: route.from, to: route.to, date: tomorrow(), p: [{ type: 'ADULT' }] },
      }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { data?: unknown; errors: Refusal[] };
    expect(response.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'tokens', max: 1000 });
    expect(body.errors[0]!.extensions!.value).toBeGreaterThan(5000);
    expect(body.errors[0]!.message).toMatch(/tokens limit of 1000/);
    expect(text.length).toBeLessThan(1000);
    expect(await subgraphCalls()).toEqual(before);
  });

  it('refuses eleven aliased searches by aliases and root fields, calling no subgraph', async () => {
    const searches = Array.from(
      { length: 11 },
      (_, i) => `j${i}: searchJourneys(from: $from, to: $to, date: $date) { fares(passengers: $p) { quoteToken } }`,
    );
    const before = await subgraphCalls();
    const result = await graphql(
      system.gatewayUrl,
      `query($from: String!, $to: String!, $date: Date!, $p: [PassengerInput!]!) { ${searches.join(' ')} }`,
      { from: route.from, to: route.to, date: tomorrow(), p: [{ type: 'ADULT' }] },
    );
    const refusals = (result.errors ?? []) as Refusal[];
    expect(result.status).toBe(400);
    expect(refusals.map((e) => e.extensions)).toEqual([
      { code: 'OPERATION_TOO_COMPLEX', limit: 'aliases', max: 10, value: 11 },
      { code: 'OPERATION_TOO_COMPLEX', limit: 'rootFields', max: 5, value: 11 },
    ]);
    expect(await subgraphCalls()).toEqual(before);
  });

  it('refuses by cost a search for fares and availability of 250 journeys within the other limits', async () => {
    const journey = `departure arrival runId availability { seatClass seatsLeft loadFactor }
      fares(passengers: $p) { quoteToken seatClass expiresAt total { amountMinor currency }
        breakdown { passenger age amount { amountMinor currency } } }`;
    const searches = Array.from(
      { length: 5 },
      (_, i) => `j${i}: searchJourneys(from: $from, to: $to, date: $date, first: 50) { ${journey} }`,
    );
    const before = await subgraphCalls();
    const result = await graphql(
      system.gatewayUrl,
      `query($from: String!, $to: String!, $date: Date!, $p: [PassengerInput!]!) { ${searches.join(' ')} }`,
      { from: route.from, to: route.to, date: tomorrow(), p: [{ type: 'ADULT' }] },
    );
    const refusals = (result.errors ?? []) as Refusal[];
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'cost', max: 8000 });
    expect(refusals[0]!.extensions!.value).toBeGreaterThan(8000);
    expect(await subgraphCalls()).toEqual(before);
  });

  it("answers the web app's journey search for 50 journeys with fares and availability, through every subgraph", async () => {
    const documents = JSON.parse(
      await readFile(path.join(repoRoot, 'web/src/__generated__/persisted-documents.json'), 'utf8'),
    ) as Record<string, string>;
    const search = Object.values(documents).find((d) => d.includes('query SearchJourneys'))!;
    const before = await subgraphCalls();
    const result = await graphql<{
      searchJourneys: Array<{ fares: unknown[]; availability: unknown[] }>;
    }>(system.gatewayUrl, search, {
      from: route.from,
      to: route.to,
      date: tomorrow(),
      first: 50,
      passengers: [{ type: 'ADULT' }, { type: 'CHILD', age: 8 }],
    });
    expect(result.errors).toBeUndefined();
    const journeys = result.data!.searchJourneys;
    expect(journeys.length).toBe(route.journeys);
    expect(journeys.length).toBeGreaterThan(0);
    for (const journey of journeys) {
      expect(journey.fares.length).toBeGreaterThan(0);
      expect(journey.availability.length).toBeGreaterThan(0);
    }
    const after = await subgraphCalls();
    for (const name of ['trains', 'prices', 'inventory']) expect(after[name]).toBeGreaterThan(before[name]!);
  });

  it('refuses a page larger than its documented maximum with BAD_USER_INPUT', async () => {
    const stations = await graphql(system.gatewayUrl, '{ stations(first: 101) { code } }');
    expect(stations.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const journeys = await graphql(
      system.gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 51) { runId } }',
      { from: route.from, to: route.to, date: tomorrow() },
    );
    expect(journeys.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('operation limits at each subgraph', () => {
  it('refuses a direct call over the limits in every subgraph', async () => {
    const aliased = Array.from({ length: 11 }, (_, i) => `s${i}: _service { sdl }`).join(' ');
    for (const name of subgraphs) {
      const result = await graphql(`http://127.0.0.1:${system.ports[name]}/graphql`, `{ ${aliased} }`);
      expect({ name, refusals: result.errors?.map((e) => (e as Refusal).extensions) }).toEqual({
        name,
        refusals: [
          { code: 'OPERATION_TOO_COMPLEX', limit: 'aliases', max: 10, value: 11 },
          { code: 'OPERATION_TOO_COMPLEX', limit: 'rootFields', max: 5, value: 11 },
        ],
      });
    }
  });
});

describe('operations the gateway cannot resolve', () => {
  it.each([
    ['a subscription (the API has none)', { query: 'subscription { stations { code } }' }],
    ['several operations and no operationName', { query: 'query A { __typename } query B { stations { code } }' }],
    [
      'an operationName the document does not have',
      { query: '{ stations(first: 2) { code } }', operationName: 'Missing' },
    ],
  ])('refuses %s with HTTP 400 before planning, never a 500', async (_what, body) => {
    const before = await subgraphCalls();
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { errors: Refusal[] };
    expect(answer.errors.map((e) => e.extensions?.code)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(await subgraphCalls()).toEqual(before);
  });
});
