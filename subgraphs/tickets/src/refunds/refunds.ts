import { DISRUPTED_REFUND_TIERS, isDisrupted } from '../disruptions/terms.js';
import { badInput, DomainError, ErrorCode } from '@railgraph/service-kit';
import type { Ticket } from '../__generated__/prisma/client.js';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import type { BookingWithTickets } from '../booking/model.js';
import { assertTicketMove, canMove } from '../booking/status.js';
import type { MoneyView } from '../booking/views.js';
import {
  DEFAULT_REFUND_TIERS,
  describeDecision,
  earliestDepartureOfServiceDate,
  refundDecision,
  refundOfFare,
  type Departure,
  type RefundTier,
} from './rules.js';

/** One ticket's share of a refund. */
export interface TicketRefundView {
  ticketId: string;
  fare: MoneyView;
  amount: MoneyView;
}

/** What cancelling a booking's active tickets (or some of them) at `quotedAt` refunds. */
export interface RefundQuoteView {
  bookingId: string;
  paid: MoneyView;
  amount: MoneyView;
  refundPercent: number;
  tickets: TicketRefundView[];
  departure: Date;
  validUntil: Date;
  rule: string;
  quotedAt: Date;
  tier: RefundTier;
}

/** A refund as recorded. */
export interface RefundView {
  id: string;
  amount: MoneyView;
  refundPercent: number;
  tickets: TicketRefundView[];
  createdAt: Date;
}

/**
 * The tiers for a seat class from the rule table: the class's own when it has any, else the
 * tiers for every class (seatClass null), else the built-in default.
 */
/** The tiers a booking is refunded under: in full while a run of it is cancelled (`disruptions/terms.ts`), else its class's. */
export async function refundTiersOfBooking(
  prisma: Pick<PrismaClient, 'refundRule' | 'bookingDisruption'>,
  booking: { id: string; seatClass: string },
): Promise<RefundTier[]> {
  if (await isDisrupted(prisma, booking.id)) return [...DISRUPTED_REFUND_TIERS];
  return refundTiersFor(prisma, booking.seatClass);
}

export async function refundTiersFor(
  prisma: Pick<PrismaClient, 'refundRule'>,
  seatClass: string,
): Promise<RefundTier[]> {
  const rows = await prisma.refundRule.findMany({
    where: { OR: [{ seatClass }, { seatClass: null }] },
    select: { seatClass: true, minutesBeforeDeparture: true, refundPercent: true },
  });
  const own = rows.filter((r) => r.seatClass === seatClass);
  const chosen = own.length > 0 ? own : rows.filter((r) => r.seatClass === null);
  return chosen.length > 0
    ? chosen.map(({ minutesBeforeDeparture, refundPercent }) => ({ minutesBeforeDeparture, refundPercent }))
    : [...DEFAULT_REFUND_TIERS];
}

const serviceDatePattern = /:(\d{4}-\d{2}-\d{2})$/;

/** The departure the rule reckons from: the one bound in the quote, or the earliest the service date allows. */
export function departureOfBooking(booking: BookingWithTickets): Departure {
  if (booking.departure && booking.departureTimeZone) {
    return { at: booking.departure, timeZone: booking.departureTimeZone };
  }
  const serviceDate = serviceDatePattern.exec(booking.runId)?.[1];
  if (!serviceDate) throw new Error(`booking ${booking.id} has neither a departure nor a dated run id`);
  return earliestDepartureOfServiceDate(serviceDate);
}

/** Most ticket ids one cancellation may name: a booking has at most 9 tickets. */
export const MAX_TICKETS_PER_CANCELLATION = 9;

/**
 * The tickets a cancellation covers: the ones named (BAD_USER_INPUT for none, one named twice
 * or one of another booking; NOT_CANCELLABLE for one already cancelled), or every active one.
 */
export function ticketsToCancel(booking: BookingWithTickets, ticketIds?: readonly string[] | null): Ticket[] {
  if (ticketIds === undefined || ticketIds === null) return booking.tickets.filter((t) => t.status === 'ACTIVE');
  if (ticketIds.length === 0) throw badInput('Name at least one ticket to cancel');
  if (ticketIds.length > MAX_TICKETS_PER_CANCELLATION)
    throw badInput(`A booking has at most ${MAX_TICKETS_PER_CANCELLATION} tickets`);
  if (new Set(ticketIds).size !== ticketIds.length) throw badInput('The same ticket is named twice');
  const byId = new Map(booking.tickets.map((t) => [t.id, t]));
  const named = ticketIds.map((ticketId) => {
    const ticket = byId.get(ticketId);
    if (!ticket) throw badInput(`Ticket ${ticketId} is not in booking ${booking.id}`, { ticketId });
    return ticket;
  });
  return named;
}

/**
 * What cancelling the booking's active tickets (or only `ticketIds`) at `now` would refund,
 * or why it cannot: BAD_USER_INPUT for a ticket list that does not fit the booking,
 * NOT_CANCELLABLE for a booking not confirmed (already cancelled, failed, ...), a ticket
 * already cancelled, or a cancellation past the last cutoff.
 */
export function quoteRefund(
  booking: BookingWithTickets,
  tiers: readonly RefundTier[],
  now: Date,
  ticketIds?: readonly string[] | null,
): RefundQuoteView {
  const covered = ticketsToCancel(booking, ticketIds);
  if (!canMove(booking.status, 'CANCELLED')) {
    throw new DomainError(ErrorCode.NOT_CANCELLABLE, `A ${booking.status.toLowerCase()} booking cannot be cancelled`, {
      status: booking.status,
    });
  }
  for (const ticket of covered) assertTicketMove(ticket.id, ticket.status, 'CANCELLED');
  // A confirmed booking always has an active ticket: its last one cancelled ended it. Read
  // outside a transaction (the booking, then its tickets), a cancellation that committed in
  // between shows it confirmed with none: it was cancelled meanwhile.
  if (covered.length === 0)
    throw new DomainError(ErrorCode.NOT_CANCELLABLE, 'The booking was cancelled meanwhile; look at it again', {
      status: 'CANCELLED',
    });
  const departure = departureOfBooking(booking);
  const decision = refundDecision(tiers, departure, now);
  if (!decision.cancellable) {
    throw new DomainError(
      ErrorCode.NOT_CANCELLABLE,
      `The booking could be cancelled until ${decision.closedAt.toISOString()}`,
      { closedAt: decision.closedAt.toISOString() },
    );
  }
  const money = (amountMinor: number): MoneyView => ({ amountMinor, currency: booking.currency });
  const tickets = covered.map((ticket) => ({
    ticketId: ticket.id,
    fare: money(ticket.fareMinor),
    amount: money(refundOfFare(ticket.fareMinor, decision.refundPercent)),
  }));
  const total = tickets.reduce((sum, t) => sum + t.amount.amountMinor, 0);
  const paid = covered.reduce((sum, t) => sum + t.fareMinor, 0);
  // Invariant 4: a refund never exceeds what was paid.
  if (total > paid || paid > booking.totalMinor) throw new Error(`refund ${total} exceeds booking ${booking.id} total`);
  return {
    bookingId: booking.id,
    paid: money(paid),
    amount: money(total),
    refundPercent: decision.refundPercent,
    tickets,
    departure: departure.at,
    validUntil: decision.validUntil,
    rule: describeDecision(decision, departure.timeZone),
    quotedAt: now,
    tier: decision.tier,
  };
}
