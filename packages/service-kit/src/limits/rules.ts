import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { OperationLimitName } from './config.js';
import { estimateCost, type CostWeights } from './cost.js';
import type { FanOutFields } from './schema-facts.js';

/** Called with each measure of each operation of a document being validated. */
export type MeasureSink = (
  context: ValidationContext,
  limit: Exclude<OperationLimitName, 'tokens'>,
  value: number,
) => void;

/** Root fields an operation asks for, fragments at the root included; `__typename` is free. */
export function countRootFields(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const counted = new Map<string, number>();
  const inProgress = new Set<string>();
  const count = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) total += selection.name.value === '__typename' ? 0 : 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet);
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || inProgress.has(name)) continue;
        if (!counted.has(name)) {
          inProgress.add(name);
          counted.set(name, count(fragment.selectionSet));
          inProgress.delete(name);
        }
        total += counted.get(name) ?? 0;
      }
    }
    return total;
  };
  return count(operation.selectionSet);
}

function ownMeasures(sink: MeasureSink, fanOut: FanOutFields, weights: CostWeights | undefined): ValidationRule {
  return (context): ASTVisitor => ({
    OperationDefinition(operation) {
      const document = context.getDocument();
      sink(context, 'rootFields', countRootFields(document, operation));
      sink(context, 'cost', estimateCost(context.getSchema(), document, operation, fanOut, weights));
    },
  });
}

/**
 * The validation rules that measure every operation and hand each measure to `sink`: depth,
 * aliases and directives by GraphQL Armor (its own limits set out of reach, so that `sink`
 * decides and reports the typed refusal), root fields and cost by this module.
 */
export function measuringRules(sink: MeasureSink, fanOut: FanOutFields, weights?: CostWeights): ValidationRule[] {
  const unreachable = Number.MAX_SAFE_INTEGER;
  const measure = (limit: 'depth' | 'aliases' | 'directives') => ({
    n: unreachable,
    propagateOnRejection: false,
    onAccept: [
      (context: ValidationContext | null, details: { n: number }) => {
        if (context) sink(context, limit, details.n);
      },
    ],
  });
  const armor = new ApolloArmor({
    // Fragments do not add depth: the gateway's fetches wrap entities in `... on Type`.
    maxDepth: { ...measure('depth'), flattenFragments: true, ignoreIntrospection: true },
    maxAliases: measure('aliases'),
    maxDirectives: measure('directives'),
    // Tokens are counted by graphql-js's parser (parseOptions.maxTokens), cost by estimateCost.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    // Field suggestions are hidden by Apollo itself (hideSchemaDetailsFromClientErrors).
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return [...armor.validationRules, ownMeasures(sink, fanOut, weights)];
}
