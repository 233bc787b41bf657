import { readFile } from 'node:fs/promises';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The API schema the gateway serves, built from the composed supergraph the way
 * `@apollo/gateway` does: join and link machinery removed, `@inaccessible` types, fields,
 * arguments and enum values left out (the internal operations of design §3). It goes through
 * SDL so that the schema belongs to this module's own `graphql` instance.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));
}

export async function readApiSchema(supergraphPath: string): Promise<GraphQLSchema> {
  return apiSchemaOf(await readFile(supergraphPath, 'utf8'));
}
