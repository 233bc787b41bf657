import { describe, expect, it } from 'vitest';
import { beginAttempt, endAttempt, pendingAttempt, tripKey } from './booking-attempt';
import { adultTrip } from './test/review';
import type { TripChoice } from './trip';

const { departure: _, ...choice }: TripChoice = adultTrip;

describe('a booking attempt', () => {
  it('keeps its idempotency key and quote across a reload of the page', () => {
    const first = beginAttempt(choice, { quoteToken: 'quote-1' });
    // A reload reads sessionStorage again; a fresher quote does not start a new attempt.
    const again = beginAttempt(choice, { quoteToken: 'quote-2' });
    expect(again.idempotencyKey).toBe(first.idempotencyKey);
    expect(again.quoteToken).toBe('quote-1');
    expect(pendingAttempt(choice)?.idempotencyKey).toBe(first.idempotencyKey);
  });

  it('keeps the card it was sent with, whatever card is chosen when it is sent again', () => {
    beginAttempt(choice, { quoteToken: 'quote-1', paymentMethod: 'pm_card_threeDSecure2Required' });
    const again = beginAttempt(choice, { quoteToken: 'quote-1', paymentMethod: 'pm_card_visa' });
    expect(again.paymentMethod).toBe('pm_card_threeDSecure2Required');
  });

  it('starts with a new key once the previous attempt ended', () => {
    const first = beginAttempt(choice, { quoteToken: 'quote-1' });
    endAttempt(choice);
    expect(pendingAttempt(choice)).toBeNull();
    expect(beginAttempt(choice, { quoteToken: 'quote-2' }).idempotencyKey).not.toBe(first.idempotencyKey);
  });

  it('is separate for different seats or passengers', () => {
    const a = beginAttempt(choice, { quoteToken: 'q' });
    const b = beginAttempt({ ...choice, seats: ['3-12A'] }, { quoteToken: 'q' });
    expect(b.idempotencyKey).not.toBe(a.idempotencyKey);
  });

  it('is separate for a child given an age, whose quote differs', () => {
    const withChild = { ...choice, passengers: { ADULT: 1, CHILD: 1, YOUTH: 0, SENIOR: 0 } };
    const unaged = beginAttempt(
      { ...withChild, passengerInputs: [{ type: 'ADULT' }, { type: 'CHILD' }] },
      { quoteToken: 'q' },
    );
    const aged = beginAttempt(
      { ...withChild, passengerInputs: [{ type: 'ADULT' }, { type: 'CHILD', age: 3 }] },
      { quoteToken: 'q' },
    );
    expect(aged.idempotencyKey).not.toBe(unaged.idempotencyKey);
  });

  it('is separate for trips with changes that share their first train, and unchanged for a direct one', () => {
    const viaAmsterdam = { ...choice, tripId: 'BX602:2026-12-01:0-2,IC2230:2026-12-01:3-4' };
    const viaSchiphol = { ...choice, tripId: 'BX602:2026-12-01:0-2,IC2240:2026-12-01:2-4' };
    const a = beginAttempt(viaAmsterdam, { quoteToken: 'q' });
    const b = beginAttempt(viaSchiphol, { quoteToken: 'q' });
    expect(b.idempotencyKey).not.toBe(a.idempotencyKey);
    expect(pendingAttempt(choice)).toBeNull();
    // Attempts kept in an open tab before trips still match their journey.
    expect(tripKey(choice)).toBe('BX602:2026-12-01|0|2|STANDARD|ADULT|');
  });

  it('is separate for an exchange to a train and for each booking exchanged', () => {
    const fresh = beginAttempt(choice, { quoteToken: 'q' });
    const exchange = beginAttempt({ ...choice, exchanging: 'booking-1' }, { quoteToken: 'q' });
    const other = beginAttempt({ ...choice, exchanging: 'booking-2' }, { quoteToken: 'q' });
    expect(new Set([fresh.idempotencyKey, exchange.idempotencyKey, other.idempotencyKey]).size).toBe(3);
    // Pressed again (or after a reload), the exchange is the same attempt.
    expect(beginAttempt({ ...choice, exchanging: 'booking-1' }, { quoteToken: 'q2' })).toEqual(exchange);
    endAttempt({ ...choice, exchanging: 'booking-1' });
    expect(pendingAttempt({ ...choice, exchanging: 'booking-1' })).toBeNull();
    expect(pendingAttempt(choice)).toEqual(fresh);
  });
});
