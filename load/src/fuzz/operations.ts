import {
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Facts } from './facts.js';
import type { Prng } from './prng.js';
import { stringLiteral } from './strings.js';
import { valueOf, type Value, type ValueSite } from './values.js';

/**
 * Operations built from the API schema: a random root field (or a few), arguments of the
 * right type as literals or variables, and a random selection set to a bounded depth. Hooks
 * let the invalid-case generator break one thing in an otherwise valid operation.
 */
export interface Operation {
  type: 'query' | 'mutation';
  rootField: string;
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
}

/** An argument's replacement: GraphQL source text, or a variable with this JSON value. */
export type ArgumentOverride = { literal: string } | { variable: unknown; declaredType?: string; omit?: boolean };

export interface BuildHooks {
  argument?(site: ValueSite, type: GraphQLInputType): ArgumentOverride | undefined;
  /** Text added to the selection set of `typeName` (an unknown field, say). */
  extraSelection?(typeName: string): string | undefined;
  /** Text added to a field's arguments (an unknown argument, say). */
  extraArgument?(site: { parent: string; field: string }): string | undefined;
}

export interface BuildOptions {
  maxDepth: number;
  hooks?: BuildHooks;
  /** Only root fields with arguments (for hooks that poison one). */
  needsArguments?: boolean;
}

const MUTATION_WEIGHTS: Record<string, number> = { bookJourney: 6, cancelBooking: 2, cancelTickets: 2 };

/** A GraphQL literal of `value` for `type`. */
export function literalOf(value: Value, type: GraphQLInputType): string {
  if (value === null) return 'null';
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const items = Array.isArray(value) ? value : [value];
    return `[${items.map((item) => literalOf(item, inner.ofType as GraphQLInputType)).join(', ')}]`;
  }
  if (isInputObjectType(inner) && typeof value === 'object' && !Array.isArray(value)) {
    const fields = inner.getFields();
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${literalOf(v, fields[k]?.type ?? inner)}`)
      .join(', ')}}`;
  }
  if (isEnumType(inner) && typeof value === 'string') return value;
  if (typeof value === 'string') return stringLiteral(value);
  return String(value);
}

class Builder {
  private readonly declarations: string[] = [];
  readonly variables: Record<string, unknown> = {};

  constructor(
    private readonly rng: Prng,
    private readonly facts: Facts,
    private readonly options: BuildOptions,
  ) {}

  declarationList(): string {
    return this.declarations.length > 0 ? `(${this.declarations.join(', ')})` : '';
  }

  private variable(type: string, value: unknown, omit = false): string {
    const name = `v${this.declarations.length}`;
    this.declarations.push(`$${name}: ${type}`);
    if (!omit) this.variables[name] = value;
    return `$${name}`;
  }

  arguments(parent: string, field: GraphQLField<unknown, unknown>): string {
    const parts: string[] = [];
    for (const arg of field.args as readonly GraphQLArgument[]) {
      if (!isNonNullType(arg.type) && this.rng.chance(0.5)) continue;
      const site: ValueSite = { parent, field: field.name, name: arg.name };
      const override = this.options.hooks?.argument?.(site, arg.type);
      if (override && 'literal' in override) {
        parts.push(`${arg.name}: ${override.literal}`);
        continue;
      }
      if (override) {
        parts.push(
          `${arg.name}: ${this.variable(override.declaredType ?? String(arg.type), override.variable, override.omit)}`,
        );
        continue;
      }
      const value = valueOf(this.rng, arg.type, site, this.facts);
      parts.push(
        `${arg.name}: ${this.rng.chance(0.5) ? this.variable(String(arg.type), value) : literalOf(value, arg.type)}`,
      );
    }
    const extra = this.options.hooks?.extraArgument?.({ parent, field: field.name });
    if (extra) parts.push(extra);
    return parts.length > 0 ? `(${parts.join(', ')})` : '';
  }

  field(parent: string, field: GraphQLField<unknown, unknown>, depth: number, alias?: string): string | undefined {
    const named = getNamedType(field.type);
    // Arguments only for a field that is kept: they may declare variables.
    if (!isLeafType(named) && (!isCompositeType(named) || depth >= this.options.maxDepth)) return undefined;
    const head = `${alias ? `${alias}: ` : ''}${field.name}${this.arguments(parent, field)}`;
    if (isLeafType(named) || !isCompositeType(named)) return head;
    return `${head} ${this.selectionSet(named, depth + 1)}`;
  }

  selectionSet(type: GraphQLCompositeType, depth: number): string {
    const parts: string[] = [];
    if (isObjectType(type)) {
      const fields = Object.values(type.getFields());
      const chosen = shuffle(this.rng, fields).slice(0, this.rng.int(1, Math.min(4, fields.length)));
      for (const f of chosen) {
        const text = this.field(
          type.name,
          f,
          depth,
          this.rng.chance(0.1) ? `a${this.rng.int(0, 99)}_${f.name}` : undefined,
        );
        if (text) parts.push(text);
      }
    }
    if (parts.length === 0 || this.rng.chance(0.05)) parts.push('__typename');
    const extra = this.options.hooks?.extraSelection?.(type.name);
    if (extra) parts.push(extra);
    let body = parts.join(' ');
    if (this.rng.chance(0.05)) body = `... on ${type.name} { ${body} }`;
    if (this.rng.chance(0.05)) body = `... @include(if: true) { ${body} } ... @skip(if: true) { __typename }`;
    return `{ ${body} }`;
  }
}

function shuffle<T>(rng: Prng, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function pickRootField(
  rng: Prng,
  schema: GraphQLSchema,
  type: 'query' | 'mutation',
  needsArguments: boolean,
): GraphQLField<unknown, unknown> {
  const root = type === 'query' ? schema.getQueryType() : schema.getMutationType();
  if (!root) throw new Error(`the schema has no ${type} type`);
  const fields = Object.values(root.getFields()).filter((f) => !needsArguments || f.args.length > 0);
  const weights = Object.fromEntries(fields.map((f) => [f.name, MUTATION_WEIGHTS[f.name] ?? 1]));
  const name = type === 'mutation' ? rng.weighted(weights) : rng.pick(fields).name;
  return fields.find((f) => f.name === name) as GraphQLField<unknown, unknown>;
}

/** A valid operation (with `hooks`, one that is valid but for what they change). */
export function buildOperation(rng: Prng, schema: GraphQLSchema, facts: Facts, options: BuildOptions): Operation {
  const type = schema.getMutationType() && rng.chance(0.25) ? 'mutation' : 'query';
  const builder = new Builder(rng, facts, options);
  const rootType = type === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const first = pickRootField(rng, schema, type, options.needsArguments ?? false);
  const selections = [builder.field(rootType.name, first, 1)];
  // Queries sometimes ask for two or three root fields at once, aliased apart.
  if (type === 'query') {
    for (let i = 0; i < (rng.chance(0.2) ? rng.int(1, 2) : 0); i++) {
      selections.push(builder.field(rootType.name, pickRootField(rng, schema, type, false), 1, `r${i}`));
    }
  }
  const named = rng.chance(0.3) ? `Fuzz${first.name[0]!.toUpperCase()}${first.name.slice(1)}` : undefined;
  const body = selections.filter(Boolean).join(' ') || '__typename';
  const header =
    named || builder.declarationList()
      ? `${type} ${named ?? ''}${builder.declarationList()} `
      : type === 'mutation'
        ? 'mutation '
        : '';
  return {
    type,
    rootField: first.name,
    query: `${header}{ ${body} }`,
    variables: builder.variables,
    ...(named ? { operationName: named } : {}),
  };
}
