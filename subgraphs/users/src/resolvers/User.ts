import type { UserResolvers } from '../__generated__/resolvers-types.js';

export const User: UserResolvers = {
  __resolveReference: (reference, ctx) => ctx.accountById.load(reference.id),
};
