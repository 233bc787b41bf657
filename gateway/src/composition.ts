import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { defaultSubgraphUrl, subgraphNames } from './subgraphs.js';

export interface CompositionOutcome {
  supergraphSdl?: string;
  errors: string[];
  hints: string[];
}

/** Composes the committed subgraph schemas (`subgraphs/<name>/schema.graphql`) into a supergraph. */
export async function composeSupergraph(repoRoot: string): Promise<CompositionOutcome> {
  const services = await Promise.all(
    subgraphNames.map(async (name) => ({
      name,
      url: defaultSubgraphUrl(name),
      typeDefs: parse(await readFile(path.join(repoRoot, 'subgraphs', name, 'schema.graphql'), 'utf8')),
    })),
  );
  const result = composeServices(services);
  const hints = (result.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`);
  if (result.errors) return { errors: result.errors.map((e) => e.message), hints };
  return { supergraphSdl: result.supergraphSdl, errors: [], hints };
}

export const supergraphFile = (repoRoot: string) => path.join(repoRoot, 'gateway', 'supergraph.graphql');
