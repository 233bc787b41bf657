import {
  Kind,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';

/**
 * What the cost estimate needs to know about a schema: which fields fan out to another
 * subgraph, and how long a list a page-size argument may ask for.
 */

/** `Type.field` coordinates of fields computed from another subgraph's data. */
export type FanOutFields = ReadonlySet<string>;

/**
 * A field is resolved with another subgraph's data when it `@requires` fields (in a subgraph
 * schema) or when its `@join__field` carries `requires` (in the composed supergraph): the
 * gateway first fetches the required fields, then calls the resolving subgraph for every
 * parent (fares, availability, seat maps).
 */
function fansOut(field: FieldDefinitionNode): boolean {
  return (field.directives ?? []).some(
    (directive) =>
      directive.name.value === 'requires' ||
      (directive.name.value === 'join__field' &&
        (directive.arguments ?? []).some((argument) => argument.name.value === 'requires')),
  );
}

/** The fan-out fields of a supergraph or subgraph schema document. */
export function fanOutFieldsOf(document: DocumentNode): FanOutFields {
  const fields = new Set<string>();
  for (const definition of document.definitions) {
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_EXTENSION
    ) {
      for (const field of definition.fields ?? []) {
        if (fansOut(field)) fields.add(`${definition.name.value}.${field.name.value}`);
      }
    }
  }
  return fields;
}

// Types are told apart by shape, not with graphql-js's `instanceof` checks: a schema may come
// from another copy of graphql-js (Apollo's CommonJS one where this module is loaded as ESM).

type AnyField = GraphQLField<unknown, unknown>;

/** The fields of an object or interface type; undefined for other types. */
export function fieldsOf(type: GraphQLNamedType): Record<string, AnyField> | undefined {
  const kind = type.astNode?.kind;
  if (kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) return undefined;
  return 'getFields' in type && typeof type.getFields === 'function'
    ? (type.getFields() as Record<string, AnyField>)
    : undefined;
}

function unwrapped(type: GraphQLType): GraphQLType {
  return 'ofType' in type ? (type.ofType as GraphQLType) : type;
}

/** Whether the field returns a list (of anything, nullable or not). */
export function isListField(field: AnyField): boolean {
  return String(field.type).replace(/!$/, '').startsWith('[');
}

/** The named type at the bottom of the field's type. */
export function namedTypeOf(field: AnyField): GraphQLNamedType {
  let type: GraphQLType = field.type;
  while ('ofType' in type) type = unwrapped(type);
  return type;
}

/** The fan-out fields of a built schema whose fields keep their definitions (a subgraph's). */
export function fanOutFieldsOfSchema(schema: GraphQLSchema): FanOutFields {
  const fields = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    for (const field of Object.values(fieldsOf(type) ?? {})) {
      if (field.astNode && fansOut(field.astNode)) fields.add(`${type.name}.${field.name}`);
    }
  }
  return fields;
}

/** Arguments that set how many items a list field returns. */
export const pageSizeArguments: readonly string[] = ['first'];

/**
 * The maximum a page-size argument documents in its description, as the schemas write it
 * ("How many, 1-50."): the upper end of the last `<min>-<max>` range; undefined without one.
 */
export function documentedMaximum(argument: Pick<GraphQLArgument, 'description'>): number | undefined {
  const ranges = [...(argument.description ?? '').matchAll(/\b(\d+)\s*-\s*(\d+)\b/g)];
  const last = ranges.at(-1);
  return last ? Number(last[2]) : undefined;
}
