import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { BookingStatus } from '../__generated__/prisma/enums.js';

/**
 * The only transitions a booking may make (DESIGN §2). A cancellation ends a confirmed
 * booking in one step: REFUNDED when the refund rule gives money back (the refund is
 * recorded with the move), CANCELLED when it gives nothing. Both are final.
 */
const allowed: Record<BookingStatus, readonly BookingStatus[]> = {
  PENDING: ['CONFIRMED', 'FAILED', 'EXPIRED'],
  CONFIRMED: ['CANCELLED', 'REFUNDED'],
  CANCELLED: [],
  REFUNDED: [],
  FAILED: [],
  EXPIRED: [],
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
