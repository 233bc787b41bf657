import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { BookingStatus, TicketState } from '../__generated__/prisma/enums.js';

/**
 * The only transitions a booking may make (docs/design.md §2). A confirmed booking ends when its
 * last active ticket is cancelled (all at once by `cancelBooking`, or single tickets by
 * `cancelTickets`): REFUNDED when anything was refunded for its tickets, CANCELLED when
 * nothing was. Both are final. Cancelling some of its tickets leaves it CONFIRMED.
 */
const allowed: Record<BookingStatus, readonly BookingStatus[]> = {
  PENDING: ['CONFIRMED', 'FAILED', 'EXPIRED'],
  CONFIRMED: ['CANCELLED', 'REFUNDED', 'EXCHANGED'],
  CANCELLED: [],
  REFUNDED: [],
  FAILED: [],
  EXPIRED: [],
  EXCHANGED: [],
};

export function canMove(from: BookingStatus, to: BookingStatus): boolean {
  return allowed[from].includes(to);
}

/** Throws NOT_CANCELLABLE (for cancellation) or a plain error (a bug) on a forbidden move. */
export function assertMove(from: BookingStatus, to: BookingStatus): void {
  if (canMove(from, to)) return;
  if (to === 'CANCELLED' || to === 'REFUNDED') {
    throw new DomainError(ErrorCode.NOT_CANCELLABLE, `A ${from.toLowerCase()} booking cannot be cancelled`, {
      status: from,
    });
  }
  throw new Error(`booking cannot move from ${from} to ${to}`);
}

/** Where a confirmed booking ends once no ticket is left active: REFUNDED if anything was refunded for it. */
export function endOfCancelledBooking(refundedMinor: number): 'REFUNDED' | 'CANCELLED' {
  return refundedMinor > 0 ? 'REFUNDED' : 'CANCELLED';
}

/**
 * A ticket's only transition: ACTIVE to CANCELLED, once. A cancelled ticket was refunded (or
 * refused a refund by the rule) when it was cancelled, so it is never cancelled again.
 */
const ticketAllowed: Record<TicketState, readonly TicketState[]> = {
  ACTIVE: ['CANCELLED', 'EXCHANGED'],
  CANCELLED: [],
  EXCHANGED: [],
};

export function canMoveTicket(from: TicketState, to: TicketState): boolean {
  return ticketAllowed[from].includes(to);
}

/** Throws NOT_CANCELLABLE when a ticket cannot be cancelled (it already was). */
export function assertTicketMove(ticketId: string, from: TicketState, to: TicketState): void {
  if (canMoveTicket(from, to)) return;
  throw new DomainError(ErrorCode.NOT_CANCELLABLE, `Ticket ${ticketId} was already cancelled`, {
    ticketId,
    status: from,
  });
}
