import type { TicketResolvers } from '../__generated__/resolvers-types.js';

export const Ticket: TicketResolvers = {
  journey: async (ticket, _args, ctx) => {
    const booking = await ctx.loaders.bookingOfTicket.load(ticket);
    if (!booking) throw new Error(`ticket ${ticket.id} has no booking`);
    return { runId: booking.runId, fromStop: booking.fromStop, toStop: booking.toStop };
  },
  seat: (ticket) => ticket.seatLabel,
  passenger: (ticket) => ticket.passengerType as 'ADULT' | 'CHILD' | 'YOUTH' | 'SENIOR',
  fare: (ticket) => ({ amountMinor: ticket.fareMinor, currency: ticket.currency }),
};
