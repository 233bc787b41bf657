import { forbidden } from '@railgraph/service-kit';
import { requireTraveller } from '@railgraph/auth';
import type { UserResolvers } from '../__generated__/resolvers-types.js';

export const User: UserResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.accountById.load(reference.id),
  savedPassengers: async (user, _args, ctx) => {
    const traveller = requireTraveller(await ctx.principal());
    if (traveller.userId !== user.id) throw forbidden('Only the traveller themself can see their saved passengers');
    return ctx.savedPassengers.of(user.id);
  },
};
