import { requireScope, SERVICE_SCOPES } from '@railgraph/auth';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { ownerWithScope } from '../booking/owner.js';
import { partnerWithScope } from '../statements/partner.js';

export const Query: QueryResolvers = {
  booking: (_parent, { id }, ctx) => ctx.bookings.forOwner(ownerWithScope(ctx.principal, 'bookings:read'), id),
  myBookings: (_parent, { first, after, status }, ctx) =>
    ctx.bookings.listForOwner(ownerWithScope(ctx.principal, 'bookings:read'), first ?? 20, after, status),
  bookingEvents: (_parent, { after, first }, ctx) =>
    ctx.bookings.eventsFor(ownerWithScope(ctx.principal, 'bookings:read'), first ?? 50, after),
  refundQuote: (_parent, { bookingId, ticketIds }, ctx) =>
    ctx.bookings.refundQuote(ownerWithScope(ctx.principal, 'bookings:read'), bookingId, ticketIds),
  exchangeQuote: (_parent, { bookingId, quoteToken, passengers }, ctx) =>
    ctx.bookings.exchangeQuote(ownerWithScope(ctx.principal, 'bookings:read'), {
      bookingId,
      quoteToken,
      passengers: passengers.map((p) => ({ type: p.type, age: p.age ?? null })),
    }),
  accountStatement: (_parent, { month, currency }, ctx) =>
    ctx.bookings.accountStatement(partnerWithScope(ctx.principal), { month, currency }),
  validateTicket: (_parent, { code }, ctx) => ctx.bookings.validateTicket(code),
  holdOwnership: (_parent, { holdIds }, ctx) => {
    requireScope(ctx.principal, SERVICE_SCOPES.bookingsInternal);
    return ctx.bookings.holdOwnership(holdIds);
  },
  confirmedSeats: (_parent, { runId }, ctx) => {
    requireScope(ctx.principal, SERVICE_SCOPES.bookingsInternal);
    return ctx.bookings.confirmedSeats(runId);
  },
};
