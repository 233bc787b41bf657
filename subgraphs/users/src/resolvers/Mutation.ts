import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  signUp: async (_parent, { input }, ctx) => ctx.sessions.start(await ctx.accounts.signUp(input)),

  logIn: async (_parent, { input }, ctx) =>
    ctx.sessions.start(
      await ctx.accounts.authenticate(input.email, input.password, { clientAddress: ctx.clientAddress }),
    ),

  refreshSession: (_parent, { refreshToken }, ctx) => ctx.sessions.refresh(refreshToken),

  logOut: async (_parent, { refreshToken }, ctx) => {
    await ctx.sessions.end(refreshToken);
    return true;
  },
};
