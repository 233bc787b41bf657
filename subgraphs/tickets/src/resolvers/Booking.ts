import type { BookingResolvers } from '../__generated__/resolvers-types.js';
import { ownerWithScope, sameOwner } from '../booking/owner.js';

export const Booking: BookingResolvers = {
  __resolveReference: async ({ id }, ctx) => {
    const booking = await ctx.loaders.bookingById.load(id);
    return booking && sameOwner(ownerWithScope(ctx.principal, 'bookings:read'), booking) ? booking : null;
  },
  total: (booking) => ({ amountMinor: booking.totalMinor, currency: booking.currency }),
  tickets: (booking) => booking.tickets,
  refunds: (booking, _args, ctx) => ctx.bookings.refundsOf(booking.id),
  refund: (booking, _args, ctx) =>
    booking.status === 'CANCELLED' || booking.status === 'REFUNDED' ? ctx.bookings.refundOf(booking.id) : null,
};
