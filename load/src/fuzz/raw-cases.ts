import type { GraphQLSchema } from 'graphql';
import type { FuzzCase } from './cases.js';
import type { Facts } from './facts.js';
import { postCase, type InvalidKind } from './invalid.js';
import { buildOperation, type Operation } from './operations.js';
import type { Prng } from './prng.js';

/**
 * Invalid requests that are not one broken argument: deep nesting, many aliases, and requests
 * broken below GraphQL (bodies, content types, methods, variables, tokens, operation names).
 */
const op = (query: string, variables: Record<string, unknown> = {}, operationName?: string): Operation => ({
  type: 'query',
  rootField: /\{\s*(?:\w+\s*:\s*)?(\w+)/.exec(query)?.[1] ?? '',
  query,
  variables,
  ...(operationName !== undefined ? { operationName } : {}),
});

const bodyCase = (
  kind: InvalidKind,
  detail: string,
  body: string | undefined,
  extra: Partial<FuzzCase> = {},
): FuzzCase => ({
  family: 'invalid',
  kind,
  detail,
  method: 'POST',
  contentType: 'application/json',
  ...(body !== undefined ? { body } : {}),
  ...extra,
});

const SIMPLE = '{ stations(first: 2) { code name } }';

function deepNesting(rng: Prng, schema: GraphQLSchema, facts: Facts, station: string): FuzzCase {
  const depth = rng.pick([50, 500, 2_000, 10_000, 50_000]);
  switch (rng.int(0, 5)) {
    case 0:
      return postCase(
        'deep-nesting',
        op(`{ ${'... { '.repeat(depth)}__typename${' }'.repeat(depth)} }`),
        `${depth} nested inline fragments`,
      );
    case 1:
      return postCase(
        'deep-nesting',
        op(`{ stations(search: ${'['.repeat(depth)}"K"${']'.repeat(depth)}) { code } }`),
        `list literal ${depth} deep`,
      );
    case 2: {
      // Written by hand: JSON.stringify itself recurses.
      const n = Math.min(depth, 20_000);
      const body = `{"query": "query($s: String) { stations(search: $s) { code } }", "variables": {"s": ${'['.repeat(n)}"K"${']'.repeat(n)}}}`;
      return bodyCase('deep-nesting', `variable ${n} deep`, body);
    }
    case 3:
      return postCase('deep-nesting', op(`{ ${'{'.repeat(depth)} }`), `${depth} unbalanced braces`);
    case 4: {
      const fragments = Array.from(
        { length: Math.min(depth, 2_000) },
        (_, i) => `fragment F${i} on Query { ...F${i + 1} }`,
      );
      return postCase(
        'deep-nesting',
        op(
          `{ ...F0 } ${fragments.join(' ')} fragment F${fragments.length} on Query { station(code: "${station}") { code } }`,
        ),
        `${fragments.length} chained fragments`,
      );
    }
    default:
      return postCase('deep-nesting', buildOperation(rng, schema, facts, { maxDepth: 12 }), 'selection 12 deep');
  }
}

function manyAliases(rng: Prng, station: string): FuzzCase {
  const count = rng.pick([100, 1_000, 5_000, 20_000]);
  const field = rng.pick([
    '__typename',
    `station(code: "${station}") { code }`,
    'stations(first: 1) { code }',
    'me { id }',
  ]);
  const n = field === '__typename' ? count : Math.min(count, 1_000);
  return postCase(
    'many-aliases',
    op(`{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`),
    `${n} × ${field.split(/[ ({]/)[0]}`,
  );
}

const MALFORMED: Array<[string, string | undefined]> = [
  ['empty body', ''],
  ['no body', undefined],
  ['truncated', '{"query": "{ stations { code } '],
  ['null', 'null'],
  ['a number', '42'],
  ['a string', '"{ stations { code } }"'],
  ['empty object', '{}'],
  ['empty array', '[]'],
  ['batch', `[{"query": "${SIMPLE}"}, {"query": "{ __typename }"}]`],
  ['query a number', '{"query": 42}'],
  ['query null', '{"query": null}'],
  ['query an object', '{"query": {"stations": 1}}'],
  ['variables a string', `{"query": "${SIMPLE}", "variables": "{"}`],
  ['extensions a string', `{"query": "${SIMPLE}", "extensions": "x"}`],
  ['byte order mark', `\ufeff{"query": "${SIMPLE}"}`],
  ['trailing garbage', `{"query": "${SIMPLE}"} trailing`],
  ['duplicate keys', `{"query": "${SIMPLE}", "query": "{ nope }"}`],
  ['NUL bytes', `{"query": "${SIMPLE}\u0000"}`],
  ['lone surrogate escape', '{"query": "{ station(code: \\"\\ud800\\") { code } }"}'],
  ['control character', '{"query": "{ stations { code } }\u0001"}'],
  ['persisted query hash', '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}'],
  ['deep JSON', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['deep JSON object', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/graphql',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/graphql-response+json',
  'application/xml',
  undefined,
];

const BAD_TOKENS = [
  'Bearer not-a-jwt',
  'Bearer ',
  'Bearer a.b.c',
  `Bearer ${'a'.repeat(8_000)}`,
  'Basic dXNlcjpwYXNz',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwic2NvcGUiOiJib29raW5nczp3cml0ZSJ9.',
  'Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
  'bearer\tfoo bar baz',
  'Bearer \u00ff\u00fe\u00fd',
];

export function raw(rng: Prng, schema: GraphQLSchema, facts: Facts, kind: InvalidKind, maxDepth: number): FuzzCase {
  const station = facts.stations.length > 0 ? rng.pick(facts.stations) : 'KGX';
  const valid = () => buildOperation(rng, schema, facts, { maxDepth });
  switch (kind) {
    case 'deep-nesting':
      return deepNesting(rng, schema, facts, station);
    case 'many-aliases':
      return manyAliases(rng, station);
    case 'malformed-json': {
      const [detail, body] = rng.pick(MALFORMED);
      return bodyCase(kind, detail, body);
    }
    case 'content-type': {
      const contentType = rng.pick(CONTENT_TYPES);
      const body = JSON.stringify({ query: valid().query });
      return bodyCase(
        kind,
        contentType ?? 'no content type',
        body,
        contentType ? { contentType } : { contentType: undefined },
      );
    }
    case 'method': {
      const method = rng.pick(['GET', 'GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const);
      const made = valid();
      if (method === 'GET' || method === 'HEAD') {
        const search = new URLSearchParams({ query: made.query, variables: JSON.stringify(made.variables) }).toString();
        // Apollo's CSRF prevention wants a header proving the request is not a simple one.
        const headers: Record<string, string> = rng.chance(0.7) ? { 'apollo-require-preflight': 'true' } : {};
        return {
          family: 'invalid',
          kind,
          detail: `${method} ${made.type}`,
          rootField: made.rootField,
          method,
          search,
          headers,
        };
      }
      return postCase(kind, made, method, { method });
    }
    case 'broken-variables':
      return rng.pick([
        () => bodyCase(kind, 'variables an array', JSON.stringify({ query: SIMPLE, variables: [1, 2] })),
        () => bodyCase(kind, 'variables a number', JSON.stringify({ query: SIMPLE, variables: 7 })),
        () =>
          postCase(kind, op('query($code: String!) { station(code: $code) { code } }'), 'required variable missing'),
        () => postCase(kind, op('{ station(code: $nope) { code } }'), 'undeclared variable'),
        () =>
          postCase(kind, op('query($c: Nope!) { station(code: $c) { code } }', { c: 'KGX' }), 'unknown variable type'),
        () =>
          postCase(
            kind,
            op('query($n: String) { stations(first: $n) { code } }', { n: '5' }),
            'variable in the wrong position',
          ),
        () =>
          postCase(
            kind,
            op('query($s: Station) { station(code: "KGX") { code } }', { s: {} }),
            'variable of an output type',
          ),
        () =>
          postCase(
            kind,
            op('query($a: String, $a: Int) { stations(search: $a) { code } }', { a: 'K' }),
            'duplicate variable',
          ),
        () =>
          postCase(
            kind,
            op(
              'query($p: [PassengerInput!]!) { searchJourneys(from: "KGX", to: "YRK", date: "2026-01-01") { runId fares(passengers: $p) { seatClass } } }',
              { p: [{ type: 'ADULT', age: 'nine', extra: true }] },
            ),
            'bad input object fields',
          ),
        () =>
          postCase(
            kind,
            op(SIMPLE, { ['__proto__']: { polluted: true }, constructor: { prototype: { x: 1 } } }),
            'prototype keys',
          ),
      ])();
    case 'bad-token': {
      const authorization = rng.pick(BAD_TOKENS);
      return postCase(kind, valid(), authorization.slice(0, 30), {
        headers: { authorization },
        replacesAuthorization: true,
      });
    }
    case 'odd-operation-name':
      return rng.pick([
        () => postCase(kind, op(SIMPLE, {}, 'Missing'), 'names a missing operation'),
        () => postCase(kind, op('query A { __typename } query B { me { id } }'), 'two operations, none chosen'),
        () => postCase(kind, op('{ __typename } { me { id } }'), 'two anonymous operations'),
        () =>
          postCase(
            kind,
            op(`query ${'Q'.repeat(50_000)} { __typename }`, {}, 'Q'.repeat(50_000)),
            'a 50,000-character name',
          ),
        () => bodyCase(kind, 'operationName a number', JSON.stringify({ query: SIMPLE, operationName: 5 })),
        () => postCase(kind, op('subscription { stations { code } }'), 'a subscription'),
      ])();
    default:
      throw new Error(`no raw case for ${kind}`);
  }
}
