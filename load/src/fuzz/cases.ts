import type { GraphQLSchema } from 'graphql';
import type { Facts } from './facts.js';
import { invalidCase, INVALID_KINDS, type InvalidKind } from './invalid.js';
import { buildOperation } from './operations.js';
import type { Prng } from './prng.js';

/**
 * One request the fuzzer sends: everything needed to send it again by hand (method, headers,
 * raw body), what kind of case it is, and whether it was built to be valid.
 */
export interface FuzzCase {
  family: 'valid' | 'invalid';
  /** `valid` or the kind of breakage (`wrong-type`, `malformed-json`...). */
  kind: 'valid' | InvalidKind;
  /** The operation's first root field, when there is one. */
  rootField?: string;
  /** What exactly was broken, for the report. */
  detail?: string;
  method: 'POST' | 'GET' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
  /** Added to the URL (GET requests). */
  search?: string;
  /** Content type; undefined sends none. */
  contentType?: string;
  /** Extra headers (never the caller's authorization unless `replacesAuthorization`). */
  headers?: Record<string, string>;
  /** The caller's bearer is replaced by `headers.authorization` (bad tokens). */
  replacesAuthorization?: boolean;
  body?: string;
}

export interface GeneratorSettings {
  /** Share of valid operations, 0-1. */
  validShare: number;
  /** Selection depth of valid operations. */
  maxDepth: number;
}

export const DEFAULT_GENERATOR: GeneratorSettings = { validShare: 0.55, maxDepth: 5 };

export function validCase(rng: Prng, schema: GraphQLSchema, facts: Facts, settings = DEFAULT_GENERATOR): FuzzCase {
  const operation = buildOperation(rng, schema, facts, { maxDepth: settings.maxDepth });
  return {
    family: 'valid',
    kind: 'valid',
    rootField: operation.rootField,
    method: 'POST',
    contentType: 'application/json',
    body: JSON.stringify({
      query: operation.query,
      variables: operation.variables,
      ...(operation.operationName ? { operationName: operation.operationName } : {}),
    }),
  };
}

/** The next case of a worker's stream: valid or invalid by `validShare`, all drawn from `rng`. */
export function nextCase(rng: Prng, schema: GraphQLSchema, facts: Facts, settings = DEFAULT_GENERATOR): FuzzCase {
  if (rng.chance(settings.validShare)) return validCase(rng, schema, facts, settings);
  return invalidCase(rng, schema, facts, rng.pick(INVALID_KINDS), settings.maxDepth);
}
