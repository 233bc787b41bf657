import { defaultUrl } from '@railgraph/service-kit';

/** The subgraphs the supergraph is composed of. */
export const subgraphNames = ['users', 'trains', 'inventory', 'prices', 'tickets'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

/** A subgraph's GraphQL endpoint on its default port (`DEFAULT_PORTS` of service-kit). */
export const defaultSubgraphUrl = (name: SubgraphName): string => defaultUrl(name, '/graphql');
