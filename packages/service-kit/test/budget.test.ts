import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMetrics } from '../src/metrics.js';
import { operationBudget } from '../src/budget.js';
import { startGraphQLService, type RunningService } from '../src/server.js';
import { startSubgraph } from '../src/subgraph.js';
import type { RequestContext } from '../src/context.js';

/**
 * A subgraph's time budget per operation (design §11): a query still running at its deadline
 * stops resolving fields and answers one OPERATION_TIMEOUT; a mutation is never cut once
 * running; an operation already past its deadline before execution is not executed.
 */
const logLines: Array<Record<string, unknown>> = [];
const log = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  }),
);

/** Longer than every budget below: a resolver that waits this long always ends past the deadline. */
const SLOW_MS = 1_200;
/** Long enough for a cold first query on a busy machine. */
const BUDGET_MS = 1_000;
let resolved = 0;
const station = () => ({ code: 'AMS', name: 'Amsterdam Centraal' });
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query {
    quickStation: Station
    slowStations: [Station!]!
  }
  type Mutation {
    slowRename: Station!
  }
  type Station @key(fields: "code") {
    code: String!
    name: String!
  }
`);
const resolvers = {
  Query: {
    quickStation: () => {
      resolved += 1;
      return station();
    },
    slowStations: async () => {
      await sleep(SLOW_MS);
      return [station(), station()];
    },
  },
  Mutation: {
    slowRename: async () => {
      await sleep(SLOW_MS);
      return station();
    },
  },
};

const post = (service: RunningService, query: string) =>
  fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });

interface Body {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string; budgetMs?: number } }>;
}

let subgraph: RunningService;
let slowToPlan: RunningService;

beforeAll(async () => {
  subgraph = await startSubgraph(
    {
      env: { host: '127.0.0.1', port: 0, logLevel: 'info', nodeEnv: 'test', operationBudgetMs: BUDGET_MS },
      log,
      metrics: createMetrics('budget-test'),
    },
    { name: 'budget-test', typeDefs, resolvers, setup: async () => ({ buildContext: (base) => base }) },
  );
  // A server whose operations spend longer than their budget before execution starts.
  const slowBeforeExecution = {
    async requestDidStart() {
      return {
        async didResolveOperation() {
          await sleep(SLOW_MS);
        },
      };
    },
  };
  slowToPlan = await startGraphQLService<RequestContext>({
    service: 'budget-test-planning',
    host: '127.0.0.1',
    port: 0,
    log,
    metrics: createMetrics('budget-test-planning'),
    graph: { schema: buildSubgraphSchema([{ typeDefs, resolvers }]) },
    buildContext: (base) => base,
    development: false,
    plugins: [slowBeforeExecution, operationBudget<RequestContext>({ budgetMs: BUDGET_MS, stopFields: true }).plugin],
  });
});

afterAll(async () => {
  await subgraph?.stop();
  await slowToPlan?.stop();
});

beforeEach(() => {
  logLines.length = 0;
  resolved = 0;
});

describe('a subgraph operation budget', () => {
  it('answers a query within its budget', async () => {
    const response = await post(subgraph, '{ quickStation { name } }');
    expect(await response.json()).toEqual({ data: { quickStation: { name: 'Amsterdam Centraal' } } });
  });

  it('stops a query at its deadline with one OPERATION_TIMEOUT, HTTP 200, and logs it', async () => {
    const response = await post(subgraph, '{ slowStations { code name } }');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Body;
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'OPERATION_TIMEOUT', budgetMs: BUDGET_MS });
    expect(logLines.some((line) => line['msg'] === 'operation ran past its time budget')).toBe(true);
    expect(logLines.find((line) => line['msg'] === 'graphql operation')?.['outcome']).toBe('OPERATION_TIMEOUT');
  });

  it('lets a mutation that runs past the deadline finish and answers its result', async () => {
    const response = await post(subgraph, 'mutation { slowRename { name } }');
    expect(await response.json()).toEqual({ data: { slowRename: { name: 'Amsterdam Centraal' } } });
  });

  it('does not execute an operation already past its budget before execution', async () => {
    const response = await post(slowToPlan, '{ quickStation { name } }');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Body;
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['OPERATION_TIMEOUT']);
    expect(resolved).toBe(0);
  });
});
