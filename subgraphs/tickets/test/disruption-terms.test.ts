import { describe, expect, it } from 'vitest';
import { cappedAtPaid } from '../src/disruptions/terms.js';
import { testQuote } from './fixtures.js';

/** A free rebooking's price (docs/design.md §4, "Disruptions"): no passenger pays more than they paid. */
describe("a disrupted booking's rebooking quote", () => {
  const departure = { at: new Date('2026-12-01T18:00:00Z'), timeZone: 'Europe/London' };

  it('caps each passenger at what they paid and leaves cheaper fares alone', () => {
    const quote = testQuote({ breakdown: [5_000, 2_000], total: { amountMinor: 7_000, currency: 'GBP' } });
    const capped = cappedAtPaid(quote, [3_000, 3_000]);
    expect(capped.breakdown).toEqual([3_000, 2_000]);
    expect(capped.total).toEqual({ amountMinor: 5_000, currency: 'GBP' });
    // The quote given is untouched.
    expect(quote.breakdown).toEqual([5_000, 2_000]);
  });

  it("takes a trip's excess from its last leg back, so the legs still add up", () => {
    const quote = testQuote({
      breakdown: [6_000, 6_000],
      total: { amountMinor: 12_000, currency: 'GBP' },
      departure,
      legs: [
        { journey: { runId: 'A:2026-12-01', fromStop: 0, toStop: 1 }, breakdown: [4_000, 4_000], departure },
        { journey: { runId: 'B:2026-12-01', fromStop: 0, toStop: 1 }, breakdown: [2_000, 2_000], departure },
      ],
    });
    const capped = cappedAtPaid(quote, [5_000, 1_500]);
    expect(capped.breakdown).toEqual([5_000, 1_500]);
    expect(capped.legs?.map((leg) => leg.breakdown)).toEqual([
      [4_000, 1_500],
      [1_000, 0],
    ]);
    capped.breakdown.forEach((fare, i) =>
      expect(capped.legs!.reduce((sum, leg) => sum + leg.breakdown[i]!, 0)).toBe(fare),
    );
    expect(capped.total.amountMinor).toBe(6_500);
  });
});
