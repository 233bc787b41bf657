import type { BookingResolvers } from '../__generated__/resolvers-types.js';
import { ownerWithScope, sameOwner } from '../booking/owner.js';

export const Booking: BookingResolvers = {
  __resolveReference: async ({ id }, ctx) => {
    const booking = await ctx.loaders.bookingById.load(id);
    return booking && sameOwner(ownerWithScope(ctx.principal, 'bookings:read'), booking) ? booking : null;
  },
  total: (booking) => ({ amountMinor: booking.totalMinor, currency: booking.currency }),
  legs: async (booking, _args, ctx) =>
    (await ctx.loaders.legsOfBooking.load(booking)).map(({ runId, fromStop, toStop }) => ({ runId, fromStop, toStop })),
  tickets: (booking) => booking.tickets,
  refunds: (booking, _args, ctx) => ctx.loaders.refundsOfBooking.load(booking.id),
  // The refund of the cancellation that ended the booking: its last.
  refund: async (booking, _args, ctx) =>
    booking.status === 'CANCELLED' || booking.status === 'REFUNDED'
      ? ((await ctx.loaders.refundsOfBooking.load(booking.id)).at(-1) ?? null)
      : null,
  payment: (booking, _args, ctx) => ctx.loaders.paymentOfBooking.load(booking.id),
  exchangedTo: (booking, _args, ctx) =>
    booking.status === 'EXCHANGED' ? ctx.loaders.exchangeOfBooking.load(booking.id) : null,
  disruption: (booking, _args, ctx) => ctx.loaders.disruptionOfBooking.load(booking.id),
  exchangedFrom: (booking, _args, ctx) =>
    booking.exchangedFromId ? ctx.loaders.bookingById.load(booking.exchangedFromId) : null,
};
