import { describe, expect, it } from 'vitest';
import { SoldOutMemo, type SoldOutKey } from '../src/booking/sold-out-memo.js';

/**
 * The sold-out memo (docs/design.md §4, "The queue at a rush"): a SOLD_OUT from inventory
 * answers for requests on the same run and class that cover its legs and want as many seats or
 * more, for a short while, and no longer once this process gives seats back on the run.
 */

const run = 'IC501:2026-12-01';
/** Two STANDARD seats were not free on every leg from stop 1 to stop 3. */
const soldOut: SoldOutKey = { runId: run, seatClass: 'STANDARD', fromStop: 1, toStop: 3, count: 2 };
const wanting = (overrides: Partial<SoldOutKey>): SoldOutKey => ({ ...soldOut, ...overrides });

function memoAt(ttlMs = 2_000) {
  const clock = { now: 1_000_000 };
  const memo = new SoldOutMemo({ ttlMs, now: () => clock.now });
  return { memo, clock };
}

describe('the sold-out memo', () => {
  it('answers the same request, and nothing on another run or class', () => {
    const { memo } = memoAt();
    expect(memo.covers(soldOut)).toBe(false);
    memo.record(soldOut, memo.mark());
    expect(memo.covers(soldOut)).toBe(true);
    expect(memo.covers(wanting({ seatClass: 'FIRST' }))).toBe(false);
    expect(memo.covers(wanting({ runId: 'IC501:2026-12-02' }))).toBe(false);
  });

  it('answers requests whose legs include its legs and whose party is at least as large', () => {
    const { memo } = memoAt();
    memo.record(soldOut, memo.mark());
    // More legs, or more seats: sold out too.
    expect(memo.covers(wanting({ fromStop: 0, toStop: 4 }))).toBe(true);
    expect(memo.covers(wanting({ fromStop: 0, toStop: 3, count: 5 }))).toBe(true);
    // Fewer seats, or legs that leave one of its legs out: inventory may still seat them.
    expect(memo.covers(wanting({ count: 1 }))).toBe(false);
    expect(memo.covers(wanting({ fromStop: 0, toStop: 4, count: 1 }))).toBe(false);
    expect(memo.covers(wanting({ fromStop: 1, toStop: 2, count: 9 }))).toBe(false);
    expect(memo.covers(wanting({ fromStop: 2, toStop: 4, count: 9 }))).toBe(false);
    expect(memo.covers(wanting({ fromStop: 3, toStop: 5 }))).toBe(false);
  });

  it('keeps several answers of one class and answers from any of them', () => {
    const { memo } = memoAt();
    memo.record(soldOut, memo.mark());
    memo.record(wanting({ fromStop: 4, toStop: 5, count: 1 }), memo.mark());
    expect(memo.covers(wanting({ fromStop: 4, toStop: 6, count: 1 }))).toBe(true);
    expect(memo.covers(wanting({ fromStop: 0, toStop: 3 }))).toBe(true);
    // A broader answer replaces the narrower ones it includes.
    memo.record(wanting({ fromStop: 1, toStop: 2, count: 1 }), memo.mark());
    expect(memo.covers(wanting({ fromStop: 1, toStop: 2, count: 1 }))).toBe(true);
    expect(memo.covers(wanting({ fromStop: 4, toStop: 5, count: 1 }))).toBe(true);
  });

  it('lapses after its time to live', () => {
    const { memo, clock } = memoAt(2_000);
    memo.record(soldOut, memo.mark());
    clock.now += 1_999;
    expect(memo.covers(soldOut)).toBe(true);
    clock.now += 1;
    expect(memo.covers(soldOut)).toBe(false);
    expect(memo.runCount).toBe(0);
  });

  it('is cleared for a run as soon as seats are released on it, and only for that run', () => {
    const { memo } = memoAt();
    const other = wanting({ runId: 'EC117:2026-12-01' });
    memo.record(soldOut, memo.mark());
    memo.record(other, memo.mark());
    memo.clearRun(run);
    expect(memo.covers(soldOut)).toBe(false);
    expect(memo.covers(other)).toBe(true);
  });

  it('ignores a SOLD_OUT from a hold asked before seats were released', () => {
    const { memo } = memoAt();
    const asked = memo.mark();
    memo.clearRun(run);
    memo.record(soldOut, asked);
    expect(memo.covers(soldOut)).toBe(false);
    memo.record(soldOut, memo.mark());
    expect(memo.covers(soldOut)).toBe(true);
  });

  it('tells waiting requests it answers, once, and not the others', () => {
    const { memo } = memoAt();
    const told: string[] = [];
    memo.watch(wanting({ fromStop: 0, toStop: 4 }), () => told.push('longer'));
    memo.watch(wanting({ count: 1 }), () => told.push('smaller'));
    memo.watch(wanting({ seatClass: 'FIRST' }), () => told.push('first class'));
    const unwatch = memo.watch(soldOut, () => told.push('gone'));
    unwatch();
    memo.record(soldOut, memo.mark());
    memo.record(soldOut, memo.mark());
    expect(told).toEqual(['longer']);
    memo.record(wanting({ count: 1 }), memo.mark());
    expect(told).toEqual(['longer', 'smaller']);
  });

  it('keeps nothing when its time to live is 0', () => {
    const { memo } = memoAt(0);
    expect(memo.enabled).toBe(false);
    memo.record(soldOut, memo.mark());
    expect(memo.covers(soldOut)).toBe(false);
  });
});
