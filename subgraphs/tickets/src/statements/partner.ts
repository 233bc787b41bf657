import { requireScope, type Principal } from '@railgraph/auth';
import { forbidden, unauthenticated } from '@railgraph/service-kit';
import type { BookingOwner } from '../booking/owner.js';

/**
 * The caller as the partner whose account a statement is of: a client with `bookings:read`.
 * UNAUTHENTICATED without a token; FORBIDDEN for a traveller (who pays by card and has no
 * account) and for a client without the scope (the services' own clients among them).
 */
export function partnerWithScope(principal: Principal | null): BookingOwner & { kind: 'CLIENT' } {
  if (!principal) throw unauthenticated('Sign in with client credentials to read an account statement');
  if (principal.kind !== 'client') throw forbidden('Only partner clients book on account and have a statement');
  requireScope(principal, 'bookings:read');
  return { kind: 'CLIENT', id: principal.clientId };
}
