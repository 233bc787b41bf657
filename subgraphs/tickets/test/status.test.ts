import { describe, expect, it } from 'vitest';
import { assertMove, assertTicketMove, canMove, canMoveTicket, endOfCancelledBooking } from '../src/booking/status.js';

describe('booking status transitions', () => {
  it('allows the saga and cancellation paths', () => {
    expect(canMove('PENDING', 'CONFIRMED')).toBe(true);
    expect(canMove('PENDING', 'FAILED')).toBe(true);
    expect(canMove('PENDING', 'EXPIRED')).toBe(true);
    expect(canMove('CONFIRMED', 'CANCELLED')).toBe(true);
    expect(canMove('CONFIRMED', 'REFUNDED')).toBe(true);
  });

  it('never leaves a terminal state', () => {
    for (const terminal of ['CANCELLED', 'REFUNDED', 'FAILED', 'EXPIRED'] as const) {
      for (const to of ['PENDING', 'CONFIRMED', 'CANCELLED', 'REFUNDED', 'FAILED', 'EXPIRED'] as const) {
        expect(canMove(terminal, to)).toBe(false);
      }
    }
  });

  it('answers a forbidden cancellation with NOT_CANCELLABLE', () => {
    expect(() => assertMove('FAILED', 'CANCELLED')).toThrowError(
      expect.objectContaining({ extensions: { code: 'NOT_CANCELLABLE', status: 'FAILED' } }),
    );
    expect(() => assertMove('CONFIRMED', 'PENDING')).toThrow(/cannot move/);
  });

  it('cancels a ticket once: ACTIVE to CANCELLED, never back, never again', () => {
    expect(canMoveTicket('ACTIVE', 'CANCELLED')).toBe(true);
    expect(canMoveTicket('CANCELLED', 'ACTIVE')).toBe(false);
    expect(canMoveTicket('CANCELLED', 'CANCELLED')).toBe(false);
    expect(() => assertTicketMove('t-1', 'CANCELLED', 'CANCELLED')).toThrowError(
      expect.objectContaining({ extensions: { code: 'NOT_CANCELLABLE', ticketId: 't-1', status: 'CANCELLED' } }),
    );
  });

  it('ends a booking whose last ticket is cancelled REFUNDED when anything was refunded for it', () => {
    expect(endOfCancelledBooking(1)).toBe('REFUNDED');
    expect(endOfCancelledBooking(0)).toBe('CANCELLED');
  });
});
