import type { TicketResolvers } from '../__generated__/resolvers-types.js';

export const Ticket: TicketResolvers = {
  journey: async (ticket, _args, ctx) => {
    const booking = await ctx.loaders.bookingOfTicket.load(ticket);
    if (!booking) throw new Error(`ticket ${ticket.id} has no booking`);
    const leg =
      ticket.tripLeg === 0
        ? booking
        : (await ctx.loaders.legsOfBooking.load(booking)).find((l) => l.leg === ticket.tripLeg);
    if (!leg) throw new Error(`ticket ${ticket.id} is for leg ${ticket.tripLeg}, which its booking does not have`);
    return { runId: leg.runId, fromStop: leg.fromStop, toStop: leg.toStop };
  },
  leg: (ticket) => ticket.tripLeg,
  seat: (ticket) => ticket.seatLabel,
  passenger: (ticket) => ticket.passengerType as 'ADULT' | 'CHILD' | 'YOUTH' | 'SENIOR',
  fare: (ticket) => ({ amountMinor: ticket.fareMinor, currency: ticket.currency }),
};
