import type { HoldRequest } from '../src/engine/engine.js';
import type { RunLayout } from '../src/engine/layout.js';
import { coach } from '../src/testing.js';

export { coach };

/** Run with 4 legs: one FIRST coach of 8 and two STANDARD coaches of 12 by default. */
export function runLayout(overrides: Partial<RunLayout> = {}): RunLayout {
  return {
    runId: 'IC1:2026-12-01',
    legCount: 4,
    consistId: 'consist-a',
    coaches: [coach(1, 'FIRST', 8), coach(2, 'STANDARD', 12), coach(3, 'STANDARD', 12)],
    ...overrides,
  };
}

export const now = new Date('2026-12-01T07:00:00Z');

/** A hold of one STANDARD seat from stop 0 to 4, made `now`; `overrides` change any of it. */
export const holdRequest = (overrides: Partial<HoldRequest> = {}): HoldRequest => ({
  holdId: 'h1',
  fromStop: 0,
  toStop: 4,
  seatClass: 'STANDARD',
  count: 1,
  ttlMs: 120_000,
  now,
  ...overrides,
});

export async function errorCode(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return (error as { extensions?: { code?: unknown } }).extensions?.code ?? error;
  }
}
