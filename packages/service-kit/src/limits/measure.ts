import { TypeInfo, ValidationContext, parse, visit, visitInParallel, type GraphQLSchema } from 'graphql';
import type { OperationLimitName } from './config.js';
import type { CostWeights } from './cost.js';
import { countTokens } from './refusal.js';
import { measuringRules } from './rules.js';
import type { FanOutFields } from './schema-facts.js';

export type OperationMeasures = Record<OperationLimitName, number>;

/**
 * Every measure the limits check, for a document's operations (the largest of each when it
 * has several): how the defaults are derived from the web app's own operations.
 */
export function measureDocument(
  schema: GraphQLSchema,
  source: string,
  fanOut: FanOutFields,
  weights?: CostWeights,
): OperationMeasures {
  const measures: OperationMeasures = {
    depth: 0,
    aliases: 0,
    rootFields: 0,
    directives: 0,
    tokens: countTokens(source),
    cost: 0,
  };
  const validationRules = measuringRules(
    (_context, limit, value) => {
      measures[limit] = Math.max(measures[limit], value);
    },
    fanOut,
    weights,
  );
  // The rules run on their own, not through `validate`, which would insist that the schema
  // comes from the same copy of graphql-js as this module.
  const document = parse(source);
  const context = new ValidationContext(schema, document, new TypeInfo(schema), (error) => {
    throw error;
  });
  visit(document, visitInParallel(validationRules.map((rule) => rule(context))));
  return measures;
}
