import type { GraphQLFormattedError, GraphQLSchema, ParseOptions, ValidationRule } from 'graphql';
import { defaultOperationLimits, type OperationLimits } from './config.js';
import type { CostWeights } from './cost.js';
import { OperationLimitError, formatLimitRefusal } from './refusal.js';
import { measuringRules } from './rules.js';
import { fanOutFieldsOfSchema, type FanOutFields } from './schema-facts.js';

export * from './config.js';
export { estimateCost, defaultCostWeights, type CostWeights } from './cost.js';
export { OperationLimitError, countTokens, formatLimitRefusal } from './refusal.js';
export { countRootFields } from './rules.js';
export { measureDocument, type OperationMeasures } from './measure.js';
export * from './schema-facts.js';

/** How a service limits operations; every part has a default. */
export interface OperationLimitsOptions {
  /** The maxima; `defaultOperationLimits` when absent. */
  limits?: OperationLimits;
  /**
   * Fields that fan out to another subgraph. The gateway passes those of its supergraph
   * (`fanOutFieldsOf`); a subgraph's are read from its schema when absent.
   */
  fanOutFields?: FanOutFields;
  weights?: CostWeights;
}

/** What `startGraphQLService` gives Apollo Server to enforce the limits. */
export interface OperationLimitsSetup {
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  /** Wraps the service's `formatError`: refusals come out as OPERATION_TOO_COMPLEX. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

/**
 * The operation limits of design §11 for one Apollo Server: tokens while parsing; depth,
 * aliases, root fields, directives and the estimated cost while validating. Both happen
 * before the gateway plans or any resolver runs, so a refused operation calls no subgraph.
 */
export function operationLimitsFor(options: OperationLimitsOptions = {}, schema?: GraphQLSchema): OperationLimitsSetup {
  const limits = options.limits ?? defaultOperationLimits;
  const fanOut = options.fanOutFields ?? (schema ? fanOutFieldsOfSchema(schema) : new Set<string>());
  const validationRules = measuringRules(
    (context, limit, value) => {
      if (value > limits[limit]) context.reportError(new OperationLimitError(limit, limits[limit], value));
    },
    fanOut,
    options.weights,
  );
  return {
    parseOptions: { maxTokens: limits.tokens },
    validationRules,
    formatError: formatLimitRefusal,
  };
}
