import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { pino } from 'pino';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createMetrics } from '../src/metrics.js';
import { startSubgraph } from '../src/subgraph.js';
import type { RunningService } from '../src/server.js';
import { EnvError, parseEnv, z } from '../src/env.js';
import {
  countTokens,
  defaultOperationLimits,
  estimateCost,
  fanOutFieldsOfSchema,
  operationLimitEnvFields,
  operationLimitsOf,
  type OperationLimits,
} from '../src/limits/index.js';

/**
 * The operation limits of design §11 on a subgraph started with small limits: an operation
 * over a limit is refused with OPERATION_TOO_COMPLEX naming the limit, the maximum and the
 * value found, before any resolver runs; one exactly at a limit is answered.
 */
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires"])
  type Query {
    journeys("How many, 1-20." first: Int = 5): [Journey!]!
    node: Node
    a: String
    b: String
  }
  type Node {
    child: Node
    name: String
  }
  type Journey @key(fields: "id") {
    id: ID!
    distance: Int @external
    fares: [Fare!]! @requires(fields: "distance")
  }
  type Fare {
    amount: Int!
  }
`);

let resolved = 0;
const count =
  <T>(value: T) =>
  () => {
    resolved += 1;
    return value;
  };
const node = { name: 'n', child: { name: 'c', child: { name: 'g', child: null } } };
const resolvers = {
  Query: {
    journeys: (_: unknown, { first }: { first: number }) => {
      resolved += 1;
      return Array.from({ length: first }, (_, i) => ({ id: String(i) }));
    },
    node: count(node),
    a: count('a'),
    b: count('b'),
  },
  Journey: { fares: count([{ amount: 1 }]) },
};

// journeys(first: 2) { id fares { amount } } costs 1 + 2 × (1 + (1 + 10) + 1) = 27.
const limits: OperationLimits = { depth: 4, aliases: 2, rootFields: 2, directives: 2, tokens: 30, cost: 27 };

let service: RunningService;

interface Answer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function ask(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** Asks, expects the refusal of `limit` alone, and that nothing was resolved. */
async function expectRefused(query: string, limit: string, value: number, variables?: Record<string, unknown>) {
  resolved = 0;
  const answer = await ask(query, variables);
  expect(answer.body.data).toBeUndefined();
  expect(answer.status).toBe(400);
  const refusals = answer.body.errors ?? [];
  expect(refusals.map((e) => e.extensions)).toContainEqual({
    code: 'OPERATION_TOO_COMPLEX',
    limit,
    max: limits[limit as keyof OperationLimits],
    value,
  });
  for (const refusal of refusals) {
    expect(refusal.extensions?.['code']).toBe('OPERATION_TOO_COMPLEX');
    expect(refusal.message).not.toMatch(/Syntax Error|Did you mean/);
  }
  const message = refusals.find((e) => e.extensions?.['limit'] === limit)?.message;
  expect(message).toContain(`${limit} limit of ${limits[limit as keyof OperationLimits]}`);
  expect(message).toContain(String(value));
  expect(resolved).toBe(0);
}

async function expectAnswered(query: string, variables?: Record<string, unknown>) {
  const answer = await ask(query, variables);
  expect(answer.body.errors).toBeUndefined();
  expect(answer.status).toBe(200);
  expect(answer.body.data).toBeDefined();
}

beforeAll(async () => {
  service = await startSubgraph(
    {
      env: { host: '127.0.0.1', port: 0, logLevel: 'silent', nodeEnv: 'test', operationLimits: limits },
      log: pino({ level: 'silent' }),
      metrics: createMetrics('limits-test'),
    },
    { name: 'limits-test', typeDefs, resolvers, setup: async () => ({ buildContext: (base) => base }) },
  );
});
afterAll(async () => {
  await service?.stop();
});

describe('operation limits', () => {
  it('answers fields nested as deep as the depth limit and refuses one level more', async () => {
    await expectAnswered('{ node { child { child { name } } } }');
    await expectRefused('{ node { child { child { child { name } } } } }', 'depth', 5);
  });

  it('does not count fragments as depth, so entity fetches are as deep as their fields', async () => {
    await expectAnswered('{ node { ... on Node { child { ...C } } } } fragment C on Node { child { name } }');
  });

  it('answers as many aliases as the limit allows and refuses one more', async () => {
    await expectAnswered('{ x: a y: b }');
    await expectRefused('{ x: a y: b z: a }', 'aliases', 3);
  });

  it('counts root fields, through fragments too, and refuses one over the limit', async () => {
    await expectAnswered('{ a b __typename }');
    await expectRefused('{ a b node { name } }', 'rootFields', 3);
    await expectRefused('{ ...F } fragment F on Query { a b node { name } }', 'rootFields', 3);
  });

  it('answers as many directives as the limit allows and refuses one more', async () => {
    await expectAnswered('{ a @include(if: true) b @skip(if: false) }');
    await expectRefused(
      '{ a @include(if: true) b @skip(if: false) node @include(if: true) { name } }',
      'directives',
      3,
    );
  });

  it('refuses a document over the token limit while parsing, naming how many tokens it has', async () => {
    const names = (n: number) => Array.from({ length: n }, () => 'name').join(' ');
    expect(countTokens(`{ node { ${names(25)} } }`)).toBe(30);
    await expectAnswered(`{ node { ${names(25)} } }`);
    await expectRefused(`{ node { ${names(26)} } }`, 'tokens', 31);
    await expectRefused(`{ node { ${names(100)} } }`, 'tokens', 105);
  });

  it('costs a page by its literal size and answers an operation at the cost limit', async () => {
    await expectAnswered('{ journeys(first: 2) { id fares { amount } } }');
    await expectRefused('{ journeys(first: 3) { id fares { amount } } }', 'cost', 40);
  });

  it('costs a page size given by a variable as the documented maximum, whatever the variable says', async () => {
    await expectRefused('query($n: Int) { journeys(first: $n) { id fares { amount } } }', 'cost', 261, { n: 1 });
  });

  it('costs an absent page size as the default and one over the maximum as the maximum', async () => {
    await expectRefused('{ journeys { id fares { amount } } }', 'cost', 66);
    await expectRefused('{ journeys(first: 100000) { id fares { amount } } }', 'cost', 261);
  });

  it('reports every limit an operation is over', async () => {
    resolved = 0;
    const answer = await ask('{ x: a y: a z: a node { child { child { child { name } } } } }');
    expect(answer.body.errors?.map((e) => e.extensions?.['limit']).sort()).toEqual(['aliases', 'depth', 'rootFields']);
    expect(resolved).toBe(0);
  });
});

describe('cost estimate', () => {
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: {} }]);
  const costOf = (query: string) => {
    const document = parse(query);
    const operation = document.definitions[0];
    if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
    return estimateCost(schema, document, operation, fanOutFieldsOfSchema(schema));
  };

  it('finds the fields a subgraph computes from another subgraph by their @requires', () => {
    expect([...fanOutFieldsOfSchema(schema)]).toEqual(['Journey.fares']);
  });

  it('stays cheap to compute when fragments spread fragments many times', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Node { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : 'name'} }`,
    ).join(' ');
    expect(costOf(`{ node { ...F0 } } ${fragments}`)).toBe(1 + 2 ** (levels - 1));
  });

  it('counts nothing for introspection fields', () => {
    expect(costOf('{ __typename a }')).toBe(1);
  });
});

describe('operation limit settings', () => {
  const schema = z.object({ ...operationLimitEnvFields }).transform(operationLimitsOf);

  it('defaults every limit and reads each from its variable', () => {
    expect(parseEnv(schema, {})).toEqual(defaultOperationLimits);
    expect(parseEnv(schema, { GRAPHQL_MAX_DEPTH: '7', GRAPHQL_MAX_COST: '100' })).toMatchObject({
      depth: 7,
      cost: 100,
    });
  });

  it('refuses a limit that is not a whole number or is below its least value', () => {
    expect(() => parseEnv(schema, { GRAPHQL_MAX_DEPTH: '0' })).toThrow(EnvError);
    expect(() => parseEnv(schema, { GRAPHQL_MAX_TOKENS: 'many' })).toThrow(EnvError);
    expect(() => parseEnv(schema, { GRAPHQL_MAX_ALIASES: '-1' })).toThrow(EnvError);
  });
});
