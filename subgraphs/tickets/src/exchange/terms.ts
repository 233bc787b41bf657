import type { QuoteClaims } from '@railgraph/quotes';
import { badInput, DomainError, ErrorCode } from '@railgraph/service-kit';
import type { Ticket } from '../__generated__/prisma/client.js';
import type { BookingWithTickets } from '../booking/model.js';
import type { MoneyView } from '../booking/views.js';
import { departureOfBooking } from '../refunds/refunds.js';
import { describeExchange, exchangeDecision, type ExchangeTier } from './rules.js';

/**
 * The terms of exchanging a booking now (docs/design.md §4, "Exchanges"): who travels (the
 * passengers with an active ticket), what was paid for their tickets, the fee per passenger
 * under the exchange rule, and what comes back: each active ticket's fare, less the fee taken
 * from each passenger's tickets in travel order, never below zero.
 */
export interface ExchangedPassenger {
  position: number;
  type: string;
  name: string | null;
}

export interface ExchangeTerms {
  passengers: ExchangedPassenger[];
  paid: MoneyView;
  fee: MoneyView;
  refund: MoneyView;
  /** What each active ticket gets back, in travel order. */
  lines: Array<{ ticketId: string; amountMinor: number }>;
  validUntil: Date;
  rule: string;
  /** The tier's cutoff in minutes before departure, recorded with the refund. */
  minutesBeforeDeparture: number;
}

/** NOT_EXCHANGEABLE unless the booking is confirmed, has active tickets and the rule is still open at `now`. */
export function exchangeTerms(booking: BookingWithTickets, tiers: readonly ExchangeTier[], now: Date): ExchangeTerms {
  if (booking.status !== 'CONFIRMED') {
    throw new DomainError(ErrorCode.NOT_EXCHANGEABLE, `A ${booking.status.toLowerCase()} booking cannot be exchanged`, {
      status: booking.status,
    });
  }
  const active = booking.tickets.filter((t) => t.status === 'ACTIVE');
  if (active.length === 0)
    throw new DomainError(ErrorCode.NOT_EXCHANGEABLE, 'No ticket of the booking is left to exchange');
  const departure = departureOfBooking(booking);
  const decision = exchangeDecision(tiers, departure, now);
  if (!decision.exchangeable) {
    throw new DomainError(ErrorCode.NOT_EXCHANGEABLE, 'The booking can no longer be exchanged', {
      closedAt: decision.closedAt.toISOString(),
    });
  }
  const passengers = passengersOf(active);
  const currency = booking.currency;
  // Each passenger's fee is taken from their tickets in travel order until it is paid.
  const feeLeft = new Map(passengers.map((p) => [p.position, decision.feeMinor]));
  const lines = active.map((ticket) => {
    const fee = Math.min(feeLeft.get(ticket.position) ?? 0, ticket.fareMinor);
    feeLeft.set(ticket.position, (feeLeft.get(ticket.position) ?? 0) - fee);
    return { ticketId: ticket.id, amountMinor: ticket.fareMinor - fee };
  });
  const paidMinor = active.reduce((sum, t) => sum + t.fareMinor, 0);
  const refundMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  return {
    passengers,
    paid: { amountMinor: paidMinor, currency },
    fee: { amountMinor: paidMinor - refundMinor, currency },
    refund: { amountMinor: refundMinor, currency },
    lines,
    validUntil: decision.validUntil,
    rule: describeExchange(decision, currency, departure.timeZone),
    minutesBeforeDeparture: decision.tier.minutesBeforeDeparture,
  };
}

/** The passengers travelling on a booking: each place with an active ticket, in booking order. */
function passengersOf(active: readonly Ticket[]): ExchangedPassenger[] {
  const byPosition = new Map<number, ExchangedPassenger>();
  for (const t of active) {
    if (!byPosition.has(t.position))
      byPosition.set(t.position, { position: t.position, type: t.passengerType, name: t.passengerName });
  }
  return [...byPosition.values()].sort((a, b) => a.position - b.position);
}

/**
 * BAD_USER_INPUT unless the new journey's quote is for the booking's travelling passengers (the
 * same categories in the same order) and in the booking's currency.
 */
export function assertFitsBooking(terms: ExchangeTerms, requested: readonly string[], quote: QuoteClaims): void {
  const types = terms.passengers.map((p) => p.type);
  if (requested.length !== types.length || requested.some((type, i) => type !== types[i])) {
    throw badInput(`Exchange the booking's passengers with an active ticket: ${types.join(', ')}, in that order`, {
      field: 'passengers',
    });
  }
  if (quote.total.currency !== terms.paid.currency) {
    throw badInput(`The new journey is priced in ${quote.total.currency}, the booking in ${terms.paid.currency}`, {
      field: 'quoteToken',
    });
  }
}
