import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  holdSeats: (_parent, { input }, { inventory, requestId }) => inventory.holdSeats(input, requestId),
  confirmHold: (_parent, { holdId }, { inventory }) => inventory.confirmHold(holdId),
  releaseHold: (_parent, { holdId }, { inventory }) => inventory.releaseHold(holdId),
};
