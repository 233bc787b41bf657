import { requireScope, type Principal } from '@railgraph/auth';
import { unauthenticated } from '@railgraph/service-kit';
import type { OwnerKind } from '../__generated__/prisma/enums.js';

/** Who a booking belongs to: the traveller who made it, or the partner client that did. */
export interface BookingOwner {
  kind: OwnerKind;
  id: string;
}

export function ownerOf(principal: Principal): BookingOwner {
  return principal.kind === 'traveller'
    ? { kind: 'TRAVELLER', id: principal.userId }
    : { kind: 'CLIENT', id: principal.clientId };
}

/** The caller as a booking owner, with the scope the operation needs. */
export function ownerWithScope(principal: Principal | null, scope: 'bookings:read' | 'bookings:write'): BookingOwner {
  if (!principal) throw unauthenticated('Sign in to see or make bookings');
  return ownerOf(requireScope(principal, scope));
}

export const sameOwner = (a: BookingOwner, b: { ownerKind: OwnerKind; ownerId: string }) =>
  a.kind === b.ownerKind && a.id === b.ownerId;
