import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from './errors.js';

const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseInstant(value: unknown): Date {
  if (typeof value !== 'string' || !instantPattern.test(value)) {
    throw badInput(
      `DateTime must be an ISO-8601 instant with a time zone, e.g. 2026-12-01T07:15:00Z; got ${JSON.stringify(value)}`,
    );
  }
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) throw badInput(`DateTime ${value} is not a real instant`);
  return instant;
}

/** UTC instants: `Date` inside, ISO-8601 with `Z` on the wire. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in UTC, ISO-8601 with a `Z`, e.g. `2026-12-01T07:15:00Z`.',
  serialize(value) {
    const instant = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
    if (!instant || Number.isNaN(instant.getTime())) throw new TypeError(`not an instant: ${String(value)}`);
    return instant.toISOString().replace('.000Z', 'Z');
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be a string');
    return parseInstant(ast.value);
  },
});

/** Checks a `YYYY-MM-DD` calendar date (no time zone); returns it unchanged. */
export function parseLocalDate(value: unknown): string {
  const match = typeof value === 'string' ? datePattern.exec(value) : null;
  if (!match) throw badInput(`Date must be YYYY-MM-DD; got ${JSON.stringify(value)}`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw badInput(`Date ${String(value)} does not exist`);
  }
  return value as string;
}

/** Local calendar dates, kept as `YYYY-MM-DD` strings. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A local calendar date, `YYYY-MM-DD`.',
  serialize: (value) => parseLocalDate(value),
  parseValue: parseLocalDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badInput('Date must be a string');
    return parseLocalDate(ast.value);
  },
});
