import { requireScope, SERVICE_SCOPES } from '@railgraph/auth';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { contactsOf } from '../accounts/contacts.js';

export const Query: QueryResolvers = {
  // A client token has no user behind it, so it has no `me` either.
  me: async (_parent, _args, ctx) => {
    const principal = await ctx.principal();
    return principal?.kind === 'traveller' ? ctx.loaders.accountById.load(principal.userId) : null;
  },
  userContacts: async (_parent, { ids }, ctx) => {
    requireScope(await ctx.principal(), SERVICE_SCOPES.usersContacts);
    return contactsOf(ctx.accounts, ids);
  },
};
