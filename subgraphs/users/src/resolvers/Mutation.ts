import { requireTraveller } from '@railgraph/auth';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  signUp: async (_parent, { input }, ctx) =>
    ctx.sessions.start(await ctx.accounts.signUp(input, { clientAddress: ctx.clientAddress })),

  logIn: async (_parent, { input }, ctx) =>
    ctx.sessions.start(
      await ctx.accounts.authenticate(input.email, input.password, { clientAddress: ctx.clientAddress }),
    ),

  refreshSession: (_parent, { refreshToken }, ctx) => ctx.sessions.refresh(refreshToken),

  logOut: async (_parent, { refreshToken }, ctx) => {
    await ctx.sessions.end(refreshToken);
    return true;
  },

  addSavedPassenger: async (_parent, { input }, ctx) =>
    ctx.savedPassengers.add(requireTraveller(await ctx.principal()).userId, input),

  removeSavedPassenger: async (_parent, { id }, ctx) => {
    await ctx.savedPassengers.remove(requireTraveller(await ctx.principal()).userId, id);
    return true;
  },
};
