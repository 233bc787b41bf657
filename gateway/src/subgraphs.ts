/** The subgraphs the supergraph is composed of, with their default embedded URLs. */
export const subgraphNames = ['users', 'trains', 'inventory', 'prices', 'tickets'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

export const defaultSubgraphPorts: Record<SubgraphName, number> = {
  users: 4001,
  trains: 4002,
  inventory: 4003,
  prices: 4004,
  tickets: 4005,
};

export const defaultSubgraphUrl = (name: SubgraphName): string =>
  `http://127.0.0.1:${defaultSubgraphPorts[name]}/graphql`;
