import { describe, expect, it } from 'vitest';
import { assertMove, canMove } from '../src/booking/status.js';

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
});
