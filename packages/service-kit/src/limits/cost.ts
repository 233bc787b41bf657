import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import {
  documentedMaximum,
  fieldsOf,
  namedTypeOf,
  isListField,
  pageSizeArguments,
  type FanOutFields,
} from './schema-facts.js';

/**
 * The estimated cost of an operation, from its document alone (design §11): every field costs
 * 1, a field that fans out to another subgraph (fares, availability, seat maps) costs
 * `fanOut` more, and what a list field selects counts once per item it may return. A page
 * size given as a literal counts as given (at most the documented maximum, above which the
 * field refuses it anyway); one given by a variable counts as the documented maximum, as the
 * variable may say that; an absent one as the argument's default. A list without a page-size
 * argument (a booking's tickets, a journey's classes) is bounded by the data and counts once.
 */
export interface CostWeights {
  /** Added for each fan-out field, per parent item. */
  fanOut: number;
  /** The page size of a list whose argument documents no maximum. */
  undocumentedPageSize: number;
}

export const defaultCostWeights: CostWeights = Object.freeze({ fanOut: 10, undocumentedPageSize: 100 });

function pageSize(field: FieldNode, definition: GraphQLField<unknown, unknown>, weights: CostWeights): number {
  if (!isListField(definition)) return 1;
  const argument = definition.args.find((arg) => pageSizeArguments.includes(arg.name));
  if (!argument) return 1;
  const maximum = documentedMaximum(argument) ?? weights.undocumentedPageSize;
  const given = field.arguments?.find((arg) => arg.name.value === argument.name)?.value;
  if (given === undefined) return typeof argument.defaultValue === 'number' ? argument.defaultValue : maximum;
  if (given.kind === Kind.INT) return Math.min(Math.max(Number.parseInt(given.value, 10), 0), maximum);
  return maximum;
}

/** Estimates one operation of `document`; unknown fields and types (refused elsewhere) cost 0. */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  fanOut: FanOutFields,
  weights: CostWeights = defaultCostWeights,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // A fragment costs the same wherever it is spread: computed once, so spreads of spreads
  // cannot make the estimate itself expensive. A cycle (refused by validation) costs 0.
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();

  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
    if (!fragment || !type || inProgress.has(name)) return 0;
    inProgress.add(name);
    const cost = selectionCost(fragment.selectionSet, type);
    inProgress.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };

  const fieldCost = (field: FieldNode, owner: GraphQLNamedType): number => {
    if (field.name.value.startsWith('__')) return 0;
    const definition = fieldsOf(owner)?.[field.name.value];
    if (!definition) return 0;
    const own = 1 + (fanOut.has(`${owner.name}.${definition.name}`) ? weights.fanOut : 0);
    if (!field.selectionSet) return own;
    return own + pageSize(field, definition, weights) * selectionCost(field.selectionSet, namedTypeOf(definition));
  };

  function selectionCost(selectionSet: SelectionSetNode, owner: GraphQLNamedType): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, owner);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) total += fragmentCost(selection.name.value);
      else {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : owner;
        if (type) total += selectionCost(selection.selectionSet, type);
      }
    }
    return total;
  }

  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  return Math.min(selectionCost(operation.selectionSet, root), Number.MAX_SAFE_INTEGER);
}
