// Shared by the inventory benches: a realistic run layout and (re-exported) a seeded random source.
// Run `npm run build` first: the benches use the compiled engines (`@railgraph/inventory/engine`).
import type { RunLayout } from '@railgraph/inventory/engine';
import { coach } from '@railgraph/inventory/testing';

export { seededRandom } from '@railgraph/database/seeded-random';

/** An intercity run: 12 coaches (2 FIRST of 48 seats, 10 STANDARD of 72: 816 seats) over `stops` stops. */
export function intercityRun(runId: string, stops: number): RunLayout {
  return {
    runId,
    legCount: stops - 1,
    consistId: `ic-12-${stops}`,
    coaches: [
      coach(1, 'FIRST', 48),
      coach(2, 'FIRST', 48),
      ...Array.from({ length: 10 }, (_, i) => coach(i + 3, 'STANDARD', 72)),
    ],
  };
}

/** Whether an engine refused a hold because too few seats are free (GraphQL error code SOLD_OUT). */
export function isSoldOut(error: unknown): boolean {
  const extensions = (error as { extensions?: { code?: unknown } } | null | undefined)?.extensions;
  return extensions?.code === 'SOLD_OUT';
}

/** A line of the bench's report on stdout. */
export const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
