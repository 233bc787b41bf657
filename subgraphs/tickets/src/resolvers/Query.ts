import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { ownerWithScope } from '../booking/owner.js';

export const Query: QueryResolvers = {
  booking: (_parent, { id }, ctx) => ctx.bookings.forOwner(ownerWithScope(ctx.principal, 'bookings:read'), id),
  validateTicket: (_parent, { code }, ctx) => ctx.bookings.validateTicket(code),
};
