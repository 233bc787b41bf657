import type { ConsistResolvers } from '../__generated__/resolvers-types.js';

export const Consist: ConsistResolvers = {
  __resolveReference: ({ id }, { loaders }) => (typeof id === 'string' ? loaders.consistById.load(id) : null),
};
