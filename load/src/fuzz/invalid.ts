import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { FuzzCase } from './cases.js';
import type { Facts } from './facts.js';
import { buildOperation, type BuildHooks, type Operation } from './operations.js';
import type { Prng } from './prng.js';
import { oddLiteralSafe, oddString, stringLiteral } from './strings.js';
import { raw } from './raw-cases.js';

/**
 * Invalid requests: an otherwise valid operation with one thing broken (a wrong type, a null
 * where one is not allowed, an unknown field or argument, a huge or odd value), deep nesting,
 * many aliases, and requests broken below GraphQL (bodies, content types, methods, variables,
 * tokens, operation names). Each must be refused with a typed error (design §10), never a 5xx.
 */
export const INVALID_KINDS = [
  'wrong-type',
  'null-for-non-null',
  'unknown-field',
  'unknown-argument',
  'huge-string',
  'huge-number',
  'huge-list',
  'odd-unicode',
  'deep-nesting',
  'many-aliases',
  'malformed-json',
  'content-type',
  'method',
  'broken-variables',
  'bad-token',
  'odd-operation-name',
] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

/** Kinds whose operations GraphQL itself must refuse (parse, validation or variable coercion). */
export const GRAPHQL_INVALID_KINDS: ReadonlySet<InvalidKind> = new Set([
  'wrong-type',
  'null-for-non-null',
  'unknown-field',
  'unknown-argument',
]);

const BUILTIN = new Set(['Int', 'Float', 'String', 'Boolean', 'ID']);
const strip = (type: GraphQLInputType): GraphQLInputType => (isNonNullType(type) ? type.ofType : type);

export const postCase = (
  kind: InvalidKind,
  op: Operation,
  detail: string,
  extra: Partial<FuzzCase> = {},
): FuzzCase => ({
  family: 'invalid',
  kind,
  rootField: op.rootField,
  detail,
  method: 'POST',
  contentType: 'application/json',
  body: JSON.stringify({
    query: op.query,
    variables: op.variables,
    ...(op.operationName ? { operationName: op.operationName } : {}),
  }),
  ...extra,
});

/** A literal of the wrong kind for `type`, or undefined where any literal is accepted (custom scalars). */
function wrongLiteral(rng: Prng, type: GraphQLInputType): string | undefined {
  const inner = strip(type);
  if (isListType(inner)) return isInputObjectType(getNamedType(inner)) ? '[1, 2]' : '[{bogus: 1}]';
  if (isInputObjectType(inner)) return rng.pick(['5', '"object"', '{bogus: 1}', '[true]']);
  const named = getNamedType(inner);
  if ('getValues' in named) return rng.pick([`"${named.getValues()[0]?.name ?? 'X'}"`, 'NOT_A_VALUE', '7']);
  switch (named.name) {
    case 'Int':
      return rng.pick(['"12"', '1.5', 'true', 'ENUM', '{a: 1}']);
    case 'Float':
      return rng.pick(['"1.5"', 'true', '[1.5, 2]']);
    case 'String':
      return rng.pick(['12', 'true', 'KGX', '{a: 1}', '4.5']);
    case 'ID':
      return rng.pick(['1.5', 'true', '{a: 1}', 'SOME_ENUM']);
    case 'Boolean':
      return rng.pick(['"true"', '1', 'null_']);
    default:
      return undefined;
  }
}

/** A JSON value of the wrong kind for a variable of `type`, or undefined for custom scalars. */
function wrongVariable(rng: Prng, type: GraphQLInputType): unknown {
  const inner = strip(type);
  if (isListType(inner)) return isInputObjectType(getNamedType(inner)) ? [1, 'two'] : [{ bogus: 1 }];
  if (isInputObjectType(inner)) return rng.pick([5, 'object', { bogus: 1 }, [true]]);
  const named = getNamedType(inner);
  if ('getValues' in named) return rng.pick(['NOT_A_VALUE', 7, { a: 1 }]);
  if (!BUILTIN.has(named.name)) return undefined;
  if (named.name === 'String') return rng.pick([12, true, { a: 1 }, ['a']]);
  if (named.name === 'ID') return rng.pick([1.5, true, { a: 1 }]);
  if (named.name === 'Boolean') return rng.pick(['true', 1]);
  return rng.pick(['12', 1.5, true, 2 ** 31, { a: 1 }]);
}

/** An operation with `poison` applied to the first argument it accepts; undefined if none did in a few tries. */
function poisoned(
  rng: Prng,
  schema: GraphQLSchema,
  facts: Facts,
  maxDepth: number,
  poison: (type: GraphQLInputType, name: string) => ReturnType<NonNullable<BuildHooks['argument']>>,
): { op: Operation; detail: string } | undefined {
  for (let attempt = 0; attempt < 8; attempt++) {
    let detail: string | undefined;
    const op = buildOperation(rng, schema, facts, {
      maxDepth,
      needsArguments: true,
      hooks: {
        argument: (site, type) => {
          if (detail) return undefined;
          const override = poison(type, site.name);
          if (override) detail = `${site.parent}.${site.field}(${site.name}: ${String(type)})`;
          return override;
        },
      },
    });
    if (detail) return { op, detail };
  }
  return undefined;
}

const FALLBACK: Operation = {
  type: 'query',
  rootField: 'stations',
  query: '{ stations(first: "ten") { code } }',
  variables: {},
};

const namedIs = (type: GraphQLInputType, names: string[]) => names.includes(getNamedType(type).name);
const isListish = (type: GraphQLInputType) => isListType(strip(type));

function hugeString(rng: Prng): string {
  // Mostly under the 1 MB body limit (the services must cope), sometimes over it (HTTP 413).
  const bytes = rng.chance(0.8) ? rng.int(10_000, 900_000) : rng.int(1_050_000, 1_500_000);
  // Each character's size in the JSON body: NUL is escaped as \u0000.
  const [char, size] = rng.pick([
    ['x', 1],
    ['é', 2],
    ['🚆', 4],
    ['\u0000', 6],
  ] as const);
  return char.repeat(Math.ceil(bytes / size));
}

export function invalidCase(
  rng: Prng,
  schema: GraphQLSchema,
  facts: Facts,
  kind: InvalidKind,
  maxDepth: number,
): FuzzCase {
  const poison = (fn: Parameters<typeof poisoned>[4], fallback: Operation = FALLBACK) => {
    const made = poisoned(rng, schema, facts, maxDepth, fn);
    return made ? postCase(kind, made.op, made.detail) : postCase(kind, fallback, `fallback: ${fallback.query}`);
  };
  const fallback = (query: string, variables: Record<string, unknown>): Operation => ({
    type: 'query',
    rootField: /\{\s*(\w+)/.exec(query)?.[1] ?? '',
    query,
    variables,
  });
  switch (kind) {
    case 'wrong-type':
      return poison((type) => {
        if (rng.chance(0.5)) {
          const literal = wrongLiteral(rng, type);
          return literal === undefined ? undefined : { literal };
        }
        const variable = wrongVariable(rng, type);
        return variable === undefined ? undefined : { variable };
      });
    case 'null-for-non-null':
      return poison((type) => {
        if (!isNonNullType(type)) return undefined;
        return rng.pick([{ literal: 'null' }, { variable: null }, { variable: undefined, omit: true }]);
      });
    case 'unknown-field': {
      const name = rng.pick([
        'fuzzNoSuchField',
        'seatsLeft',
        `f${'x'.repeat(10_000)}`,
        '__type(name: "Query") { name }',
        'password',
        'ñame',
      ]);
      // A root field returning a scalar has no selection set to add to: try another.
      for (let attempt = 0; attempt < 8; attempt++) {
        let done = false;
        const op = buildOperation(rng, schema, facts, {
          maxDepth,
          hooks: {
            extraSelection: (typeName) => {
              const type = schema.getType(typeName);
              const known = type && 'getFields' in type && name in type.getFields();
              return done || known ? undefined : ((done = true), name);
            },
          },
        });
        if (done) return postCase(kind, op, name.slice(0, 40));
      }
      return postCase(kind, fallback(`{ stations { code ${name} } }`, {}), name.slice(0, 40));
    }
    case 'unknown-argument': {
      let done = false;
      const arg = rng.pick(['bogus: 1', 'limit: 10', 'where: {id: "1"}', `a${'r'.repeat(5_000)}: 1`, '__proto__: 1']);
      const op = buildOperation(rng, schema, facts, {
        maxDepth,
        hooks: { extraArgument: () => (done ? undefined : ((done = true), arg)) },
      });
      return postCase(kind, op, arg.slice(0, 40));
    }
    case 'huge-string':
      return poison(
        (type) =>
          namedIs(type, ['String', 'ID', 'Date', 'DateTime']) && !isListish(type)
            ? { variable: hugeString(rng) }
            : undefined,
        fallback('query($s: String!) { station(code: $s) { code } }', { s: hugeString(rng) }),
      );
    case 'huge-number':
      return poison(
        (type) => {
          if (isListish(type) || !namedIs(type, ['Int', 'Float'])) return undefined;
          return rng.chance(0.5)
            ? {
                literal: rng.pick([
                  '2147483648',
                  '-2147483649',
                  '99999999999999999999999',
                  '1e400',
                  '-1e400',
                  '0.0000001',
                ]),
              }
            : { variable: rng.pick([2 ** 31, -(2 ** 53) - 2, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 0.5]) };
        },
        fallback('query($n: Int) { stations(first: $n) { code } }', { n: 2 ** 31 }),
      );
    case 'huge-list':
      return poison(
        (type) => {
          if (!isListish(type)) return undefined;
          const item = isInputObjectType(getNamedType(type)) ? { type: 'ADULT' } : 'x1';
          return { variable: Array.from({ length: rng.int(2_000, 40_000) }, () => item) };
        },
        fallback('query($ids: [ID!]) { refundQuote(bookingId: "b", ticketIds: $ids) { rule } }', {
          ids: Array.from({ length: rng.int(2_000, 40_000) }, (_, i) => `t${i}`),
        }),
      );
    case 'odd-unicode':
      return poison(
        (type) => {
          if (isListish(type) || !namedIs(type, ['String', 'ID', 'Date', 'DateTime'])) return undefined;
          if (rng.chance(0.5)) return { variable: oddString(rng).value };
          return { literal: stringLiteral(oddLiteralSafe(rng).value) };
        },
        fallback('query($s: String!) { station(code: $s) { code } }', { s: oddString(rng).value }),
      );
    default:
      return raw(rng, schema, facts, kind, maxDepth);
  }
}
