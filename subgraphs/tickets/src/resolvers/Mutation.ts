import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { ownerWithScope } from '../booking/owner.js';

export const Mutation: MutationResolvers = {
  bookJourney: (_parent, { input }, ctx) =>
    ctx.bookings.book(
      ownerWithScope(ctx.principal, 'bookings:write'),
      {
        quoteToken: input.quoteToken,
        passengers: input.passengers.map((p) => p.type),
        passengerAges: input.passengers.map((p) => p.age ?? null),
        passengerNames: input.passengers.map((p) => p.name ?? null),
        idempotencyKey: input.idempotencyKey,
        seats: input.seats,
        paymentMethod: input.paymentMethod,
      },
      ctx.requestId,
    ),
  exchangeBooking: (_parent, { input }, ctx) =>
    ctx.bookings.exchange(
      ownerWithScope(ctx.principal, 'bookings:write'),
      {
        bookingId: input.bookingId,
        quoteToken: input.quoteToken,
        passengers: input.passengers.map((p) => ({ type: p.type, age: p.age ?? null })),
        idempotencyKey: input.idempotencyKey,
        paymentMethod: input.paymentMethod,
      },
      ctx.requestId,
    ),
  cancelBooking: (_parent, { id }, ctx) =>
    ctx.bookings.cancel(ownerWithScope(ctx.principal, 'bookings:write'), id, ctx.requestId),
  cancelTickets: (_parent, { bookingId, ticketIds }, ctx) =>
    ctx.bookings.cancelTickets(ownerWithScope(ctx.principal, 'bookings:write'), bookingId, ticketIds, ctx.requestId),
  completeBookingPayment: (_parent, { bookingId }, ctx) =>
    ctx.bookings.completePayment(ownerWithScope(ctx.principal, 'bookings:write'), bookingId, ctx.requestId),
  // The client secret is the customer's capability for this one payment, as at a card issuer.
  authenticateSandboxPayment: (_parent, { clientSecret, approve }, ctx) =>
    ctx.bookings.authenticateSandboxPayment(clientSecret, approve),
};
