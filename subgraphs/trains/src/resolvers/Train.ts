import type { TrainResolvers } from '../__generated__/resolvers-types.js';

export const Train: TrainResolvers = {
  __resolveReference: ({ id }, { loaders }) => (typeof id === 'string' ? loaders.trainById.load(id) : null),
  operator: (train) => train.operator.name,
};
