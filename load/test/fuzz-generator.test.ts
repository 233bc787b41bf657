import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getVariableValues, Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextCase, validCase, type FuzzCase } from '../src/fuzz/cases.js';
import type { Facts } from '../src/fuzz/facts.js';
import { GRAPHQL_INVALID_KINDS, invalidCase, type InvalidKind } from '../src/fuzz/invalid.js';
import { createPrng } from '../src/fuzz/prng.js';
import { readApiSchema } from '../src/fuzz/schema.js';

const supergraph = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../gateway/supergraph.graphql');

const facts: Facts = {
  today: '2026-12-04',
  stations: ['KGX', 'YRK', 'EDB', 'SVG'],
  runs: [{ id: 'run-1', legCount: 10 }],
  quotes: [{ token: 'quote-token', runId: 'run-1', seatClass: 'FIRST', passengers: [{ type: 'ADULT' }] }],
  pairs: [['KGX', 'YRK']],
  bookings: ['booking-1'],
  tickets: [{ id: 'ticket-1', bookingId: 'booking-1', code: 'CODE-1' }],
  cursors: ['cursor-1'],
  savedPassengers: ['saved-1'],
};

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await readApiSchema(supergraph);
});

/** The GraphQL errors the gateway's own checks would raise for a JSON POST body, before any resolver. */
function graphqlErrors(body: string): string[] {
  const request = JSON.parse(body) as { query: string; variables?: Record<string, unknown>; operationName?: string };
  let document;
  try {
    document = parse(request.query);
  } catch (error) {
    return [`parse: ${(error as Error).message}`];
  }
  const validation = validate(schema, document);
  if (validation.length > 0) return validation.map((e) => e.message);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (!request.operationName || d.name?.value === request.operationName),
  );
  if (!operation) return ['no such operation'];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  return coerced.errors?.map((e) => e.message) ?? [];
}

describe('the fuzzer seeded random numbers', () => {
  it('repeat the same sequence for the same seed and differ for another', () => {
    const draw = (seed: number) => {
      const rng = createPrng(seed);
      return Array.from({ length: 50 }, () => rng.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('give each labelled worker its own stream, the same on every run', () => {
    const a = createPrng(7).fork('traveller-0');
    const b = createPrng(7).fork('traveller-0');
    const c = createPrng(7).fork('partner-0');
    const first = a.next();
    expect(b.next()).toBe(first);
    expect(c.next()).not.toBe(first);
  });

  it('reproduce the same cases from the same seed', () => {
    const cases = (seed: number) => {
      const rng = createPrng(seed);
      return Array.from({ length: 200 }, () => nextCase(rng, schema, facts));
    };
    expect(cases(1234)).toEqual(cases(1234));
    expect(cases(1234)).not.toEqual(cases(4321));
  });
});

describe('the API schema read from the supergraph', () => {
  it('leaves out the @inaccessible internal operations', () => {
    const mutations = Object.keys(schema.getMutationType()!.getFields());
    const queries = Object.keys(schema.getQueryType()!.getFields());
    expect(mutations).toContain('bookJourney');
    expect(queries).toContain('searchJourneys');
    for (const internal of ['holdSeats', 'confirmHold', 'releaseHold', 'releaseHoldSeats']) {
      expect(mutations).not.toContain(internal);
    }
    for (const internal of ['holdOwnership', 'confirmedSeats']) expect(queries).not.toContain(internal);
  });
});

describe('valid operations', () => {
  it('parse, validate and coerce their variables against the API schema for many seeds', () => {
    const roots = new Set<string>();
    for (let seed = 0; seed < 250; seed++) {
      const rng = createPrng(seed);
      for (let i = 0; i < 5; i++) {
        const made = validCase(rng, schema, facts);
        roots.add(made.rootField ?? '');
        const errors = graphqlErrors(made.body!);
        expect(errors, `seed ${seed} case ${i}: ${made.body}`).toEqual([]);
      }
    }
    // Every root field of the API is reached.
    const all = [
      ...Object.keys(schema.getQueryType()!.getFields()),
      ...Object.keys(schema.getMutationType()!.getFields()),
    ];
    expect([...roots].sort()).toEqual(all.sort());
  });

  it('use real facts: station codes, the caller booking and fresh quotes', () => {
    const bodies = Array.from({ length: 2000 }, (_, seed) => validCase(createPrng(seed), schema, facts).body!).join(
      '\n',
    );
    expect(bodies).toContain('"KGX"');
    expect(bodies).toContain('booking-1');
    expect(bodies).toContain('quote-token');
    expect(bodies).toContain('2026-12-0');
  });
});

describe('invalid requests', () => {
  it('are refused by GraphQL itself for the wrong-type, null, unknown-field and unknown-argument kinds', () => {
    for (const kind of GRAPHQL_INVALID_KINDS) {
      for (let seed = 0; seed < 150; seed++) {
        const made = invalidCase(createPrng(seed), schema, facts, kind, 5);
        expect(graphqlErrors(made.body!), `${kind} seed ${seed}: ${made.body?.slice(0, 300)}`).not.toEqual([]);
      }
    }
  });

  it('carry the huge, odd or malformed thing their kind names', () => {
    const sample = (kind: InvalidKind): FuzzCase[] =>
      Array.from({ length: 60 }, (_, seed) => invalidCase(createPrng(seed), schema, facts, kind, 5));
    expect(sample('huge-string').every((c) => Buffer.byteLength(c.body ?? '') > 10_000)).toBe(true);
    expect(sample('huge-list').every((c) => (c.body?.length ?? 0) > 2_000 * 4)).toBe(true);
    expect(sample('many-aliases').every((c) => (c.body?.match(/a\d+: /g)?.length ?? 0) >= 100)).toBe(true);
    expect(sample('bad-token').every((c) => c.replacesAuthorization && c.headers?.['authorization'])).toBe(true);
    const odd = sample('odd-unicode').map((c) => c.body ?? '');
    expect(odd.some((b) => /\\u0000|\\ud800|\\udc00|\u202e|🚆/.test(b))).toBe(true);
    for (const c of sample('malformed-json')) {
      let refused: boolean;
      try {
        const parsed = JSON.parse(c.body ?? '') as unknown;
        refused =
          typeof parsed !== 'object' ||
          parsed === null ||
          Array.isArray(parsed) ||
          typeof (parsed as { query?: unknown }).query !== 'string' ||
          graphqlErrors(c.body!).length > 0 ||
          'variables' in parsed ||
          'extensions' in parsed;
      } catch {
        refused = true;
      }
      expect(refused, c.detail).toBe(true);
    }
  });
});
