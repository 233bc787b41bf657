import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REFUND_TIERS,
  cutoffOf,
  earliestDepartureOfServiceDate,
  refundDecision,
  refundOfFare,
  type RefundTier,
} from '../src/refunds/rules.js';

const at = (iso: string) => new Date(iso);
const percentAt = (
  departure: { at: Date; timeZone: string },
  now: string,
  tiers: readonly RefundTier[] = DEFAULT_REFUND_TIERS,
) => {
  const decision = refundDecision(tiers, departure, at(now));
  return decision.cancellable ? decision.refundPercent : 'refused';
};

/**
 * Each row: a departure in a zone, the full-refund cutoff it must get (same local time the
 * day before), and how many real hours that is before departure.
 */
const cutoffs = [
  // No DST: exactly 24 h.
  ['Asia/Tokyo, no DST', 'Asia/Tokyo', '2026-12-01T00:00:00Z', '2026-11-30T00:00:00Z', 24],
  ['Amsterdam in winter', 'Europe/Amsterdam', '2026-12-01T08:15:00Z', '2026-11-30T08:15:00Z', 24],
  // Europe springs forward on 29 March 2026: 10:00 CEST departure, 10:00 CET the day before.
  ['Amsterdam, day the clocks go forward', 'Europe/Amsterdam', '2026-03-29T08:00:00Z', '2026-03-28T09:00:00Z', 23],
  // Europe falls back on 25 October 2026: 10:00 CET departure, 10:00 CEST the day before.
  ['Amsterdam, day the clocks go back', 'Europe/Amsterdam', '2026-10-25T09:00:00Z', '2026-10-24T08:00:00Z', 25],
  ['London, day the clocks go forward', 'Europe/London', '2026-03-29T09:30:00Z', '2026-03-28T10:30:00Z', 23],
  ['New York, day the clocks go forward', 'America/New_York', '2026-03-08T13:00:00Z', '2026-03-07T14:00:00Z', 23],
  ['New York, day the clocks go back', 'America/New_York', '2026-11-01T15:00:00Z', '2026-10-31T14:00:00Z', 25],
  // Sydney's clocks go back on 5 April 2026 (southern hemisphere).
  ['Sydney, day the clocks go back', 'Australia/Sydney', '2026-04-05T00:00:00Z', '2026-04-03T23:00:00Z', 25],
  ['Sydney, day the clocks go forward', 'Australia/Sydney', '2026-10-04T00:00:00Z', '2026-10-03T01:00:00Z', 23],
  // The day before falls in the skipped hour: 02:30 on 29 March does not exist, so 03:30 CEST.
  ['Amsterdam, cutoff in the skipped hour', 'Europe/Amsterdam', '2026-03-30T00:30:00Z', '2026-03-29T01:30:00Z', 23],
  // The day before falls in the repeated hour: 02:30 on 25 October happens twice; the first one.
  ['Amsterdam, cutoff in the repeated hour', 'Europe/Amsterdam', '2026-10-26T01:30:00Z', '2026-10-25T00:30:00Z', 25],
  // A departure shortly after local midnight: the cutoff is on the previous local date.
  ['Amsterdam, just after midnight', 'Europe/Amsterdam', '2026-11-30T23:10:00Z', '2026-11-29T23:10:00Z', 24],
] as const;

describe('refund rules: full refund until the same local time the day before departure', () => {
  it.each(cutoffs)('%s', (_name, timeZone, departure, cutoff, realHours) => {
    const dep = { at: at(departure), timeZone };
    expect(cutoffOf(dep, 24 * 60).toISOString()).toBe(at(cutoff).toISOString());
    expect((dep.at.getTime() - at(cutoff).getTime()) / 3_600_000).toBe(realHours);
  });

  it.each(cutoffs)(
    '%s: 100 % just before the cutoff, 50 % from it, refused from departure',
    (_n, timeZone, departure, cutoff) => {
      const dep = { at: at(departure), timeZone };
      const ms = (iso: string, delta: number) => new Date(at(iso).getTime() + delta).toISOString();
      expect(percentAt(dep, ms(cutoff, -1))).toBe(100);
      expect(percentAt(dep, cutoff)).toBe(50);
      expect(percentAt(dep, ms(departure, -1))).toBe(50);
      expect(percentAt(dep, departure)).toBe('refused');
      expect(percentAt(dep, ms(departure, 3_600_000))).toBe('refused');
    },
  );

  it('reckons wall-clock, not elapsed, hours: 24.5 real hours before a fall-back departure is already half', () => {
    const dep = { at: at('2026-10-25T09:00:00Z'), timeZone: 'Europe/Amsterdam' };
    expect(percentAt(dep, '2026-10-24T08:30:00Z')).toBe(50);
    const spring = { at: at('2026-03-29T08:00:00Z'), timeZone: 'Europe/Amsterdam' };
    // 23.5 real hours before a spring-forward departure is still before 10:00 the day before.
    expect(percentAt(spring, '2026-03-28T08:30:00Z')).toBe(100);
  });

  it('says until when the refund holds', () => {
    const decision = refundDecision(
      DEFAULT_REFUND_TIERS,
      { at: at('2026-03-29T08:00:00Z'), timeZone: 'Europe/Amsterdam' },
      at('2026-03-28T12:00:00Z'),
    );
    expect(decision).toMatchObject({ cancellable: true, refundPercent: 50, validUntil: at('2026-03-29T08:00:00Z') });
  });

  it('follows another rule table: 25 % until departure, 10 % until 30 minutes after, 100 % until two days before', () => {
    const tiers: RefundTier[] = [
      { minutesBeforeDeparture: -30, refundPercent: 10 },
      { minutesBeforeDeparture: 0, refundPercent: 25 },
      { minutesBeforeDeparture: 2 * 24 * 60, refundPercent: 100 },
    ];
    const dep = { at: at('2026-12-03T08:00:00Z'), timeZone: 'Europe/Amsterdam' };
    expect(percentAt(dep, '2026-12-01T07:59:00Z', tiers)).toBe(100);
    expect(percentAt(dep, '2026-12-01T08:00:00Z', tiers)).toBe(25);
    expect(percentAt(dep, '2026-12-03T08:00:00Z', tiers)).toBe(10);
    expect(percentAt(dep, '2026-12-03T08:29:59Z', tiers)).toBe(10);
    expect(percentAt(dep, '2026-12-03T08:30:00Z', tiers)).toBe('refused');
  });

  it('refuses a table it cannot apply', () => {
    const dep = { at: at('2026-12-03T08:00:00Z'), timeZone: 'UTC' };
    expect(() => refundDecision([], dep, dep.at)).toThrow(/at least one tier/);
    expect(() => refundDecision([{ minutesBeforeDeparture: 0, refundPercent: 101 }], dep, dep.at)).toThrow(/0-100/);
  });
});

describe('refund amounts', () => {
  it.each([
    [1999, 100, 1999],
    [1999, 50, 999],
    [1, 50, 0],
    [0, 50, 0],
    [4800, 0, 0],
    [Number.MAX_SAFE_INTEGER, 100, Number.MAX_SAFE_INTEGER],
  ])('refunds %i minor units at %i percent as %i, never more than the fare', (fare, percent, refund) => {
    expect(refundOfFare(fare, percent)).toBe(refund);
    expect(refundOfFare(fare, percent)).toBeLessThanOrEqual(fare);
  });

  it('refuses fractional money and impossible percents', () => {
    expect(() => refundOfFare(10.5, 50)).toThrow();
    expect(() => refundOfFare(100, 150)).toThrow();
  });
});

describe('bookings without a recorded departure', () => {
  it('reckon from the earliest instant their service date begins anywhere', () => {
    expect(earliestDepartureOfServiceDate('2026-12-01').at.toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });
});
