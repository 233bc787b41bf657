import { z } from 'zod';

/**
 * The operation limits every process checks while parsing and validating, before it plans or
 * executes anything (design §11). One name per limit, as refusals report it.
 */
export const operationLimitNames = ['depth', 'aliases', 'rootFields', 'directives', 'tokens', 'cost'] as const;
export type OperationLimitName = (typeof operationLimitNames)[number];

export type OperationLimits = Readonly<Record<OperationLimitName, number>>;

/**
 * Defaults: the largest value among the web app's own operations (web/src/__generated__/
 * persisted-documents.json; `node gateway/dist/operation-measures.js` prints them) with
 * headroom for partners' operations and for the gateway's own fetches to the subgraphs, which
 * add key fields and repeat fragments inline. The web's costliest operation is its journey
 * search with fares and availability for 50 journeys (the review page asks for 50).
 *
 * | limit      | web max | default |
 * | ---------- | ------- | ------- |
 * | depth      | 6       | 10      |
 * | aliases    | 0       | 10      |
 * | rootFields | 1       | 5       |
 * | directives | 0       | 10      |
 * | tokens     | 212     | 1000    |
 * | cost       | 5101    | 8000    |
 */
export const defaultOperationLimits: OperationLimits = Object.freeze({
  depth: 10,
  aliases: 10,
  rootFields: 5,
  directives: 10,
  tokens: 1000,
  cost: 8000,
});

/** The environment variable that sets each limit, the same in every service. */
export const operationLimitVariables: Readonly<Record<OperationLimitName, string>> = Object.freeze({
  depth: 'GRAPHQL_MAX_DEPTH',
  aliases: 'GRAPHQL_MAX_ALIASES',
  rootFields: 'GRAPHQL_MAX_ROOT_FIELDS',
  directives: 'GRAPHQL_MAX_DIRECTIVES',
  tokens: 'GRAPHQL_MAX_TOKENS',
  cost: 'GRAPHQL_MAX_COST',
});

const limitField = (fallback: number, least: number) => z.coerce.number().int().min(least).default(fallback);

/**
 * Fields for a service's env schema (spread into its `z.object`), read back with
 * `operationLimitsOf`. Depth and root fields need at least 1; the others may be 0.
 */
export const operationLimitEnvFields = {
  GRAPHQL_MAX_DEPTH: limitField(defaultOperationLimits.depth, 1),
  GRAPHQL_MAX_ALIASES: limitField(defaultOperationLimits.aliases, 0),
  GRAPHQL_MAX_ROOT_FIELDS: limitField(defaultOperationLimits.rootFields, 1),
  GRAPHQL_MAX_DIRECTIVES: limitField(defaultOperationLimits.directives, 0),
  GRAPHQL_MAX_TOKENS: limitField(defaultOperationLimits.tokens, 1),
  GRAPHQL_MAX_COST: limitField(defaultOperationLimits.cost, 1),
};

type OperationLimitEnv = { [K in keyof typeof operationLimitEnvFields]: number };

/** The limits from an env schema that spread `operationLimitEnvFields`. */
export function operationLimitsOf(env: OperationLimitEnv): OperationLimits {
  return Object.freeze({
    depth: env.GRAPHQL_MAX_DEPTH,
    aliases: env.GRAPHQL_MAX_ALIASES,
    rootFields: env.GRAPHQL_MAX_ROOT_FIELDS,
    directives: env.GRAPHQL_MAX_DIRECTIVES,
    tokens: env.GRAPHQL_MAX_TOKENS,
    cost: env.GRAPHQL_MAX_COST,
  });
}
