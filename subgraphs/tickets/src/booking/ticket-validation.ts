import { inspectTicketCode, type TicketVerdict } from './ticket-code.js';
import { nowOf, type BookingDeps, type TicketValidationResult } from './model.js';

/**
 * A ticket checked online: the offline check (genuine, valid today, whose name) plus what only
 * tickets knows: whether the ticket or its booking was cancelled.
 */
export async function validateTicket(
  deps: Pick<BookingDeps, 'prisma' | 'jwks' | 'clock'>,
  code: string,
): Promise<TicketValidationResult> {
  const inspection = await inspectTicketCode(code, deps.jwks, nowOf(deps));
  const window = {
    validFrom: inspection.claims?.validity.validFrom ?? null,
    validUntil: inspection.claims?.validity.validUntil ?? null,
    // From the signed code, the name the inspector matches to an ID (the ticket row holds the same).
    passengerName: inspection.claims?.passengerName ?? null,
  };
  const verdict = (status: TicketVerdict, reason: string | null, ticket: TicketValidationResult['ticket']) => ({
    valid: status === 'VALID',
    status,
    reason,
    ...window,
    ticket,
  });
  if (!inspection.claims) return verdict('INVALID', inspection.reason, null);
  const ticket = await deps.prisma.ticket.findUnique({
    where: { id: inspection.claims.ticketId },
    include: { booking: true },
  });
  if (!ticket) return verdict('INVALID', 'No such ticket', null);
  const { status } = ticket.booking;
  if (status === 'CANCELLED' || status === 'REFUNDED') {
    return verdict('CANCELLED', `The booking was ${status.toLowerCase()}`, ticket);
  }
  if (status !== 'CONFIRMED') return verdict('INVALID', `The booking is ${status.toLowerCase()}`, ticket);
  if (ticket.status === 'CANCELLED') return verdict('CANCELLED', 'The ticket was cancelled', ticket);
  return verdict(inspection.status, inspection.reason, ticket);
}
