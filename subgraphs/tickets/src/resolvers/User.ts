import { forbidden } from '@railgraph/service-kit';
import type { UserResolvers } from '../__generated__/resolvers-types.js';
import { ownerWithScope } from '../booking/owner.js';

export const User: UserResolvers = {
  __resolveReference: ({ id }) => ({ id }),
  bookings: (user, { first, after }, ctx) => {
    const owner = ownerWithScope(ctx.principal, 'bookings:read');
    if (owner.kind !== 'TRAVELLER' || owner.id !== user.id) throw forbidden('You can only see your own bookings');
    return ctx.bookings.listForOwner(owner, first ?? 20, after);
  },
};
