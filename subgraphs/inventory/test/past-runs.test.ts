import { describe, expect, it } from 'vitest';
import { createLogger, createMetrics } from '@railgraph/service-kit';
import { createMemoryEngine } from '../src/engine/memory.js';
import { createPastRuns } from '../src/inventory/past-runs.js';
import { now, runLayout } from './fixtures.js';

describe('past runs', () => {
  it('drops runs more than the retention days before today, in calls of at most 100 runs', async () => {
    const engine = createMemoryEngine();
    // 150 runs two days before now (2026-12-01), one the day before, one today.
    const old = Array.from({ length: 150 }, (_, i) => runLayout({ runId: `IC${i}:2026-11-29` }));
    for (const run of [...old, runLayout({ runId: 'IC1:2026-11-30' }), runLayout({ runId: 'IC1:2026-12-01' })]) {
      await engine.availability(run, 0, 4);
    }
    const calls: number[] = [];
    const pastRuns = createPastRuns({
      engine: {
        dropRunsBefore: async (day, limit) => {
          const dropped = await engine.dropRunsBefore(day, limit);
          calls.push(dropped.length);
          return dropped;
        },
      },
      log: createLogger('inventory', 'silent'),
      metrics: createMetrics('inventory'),
      retentionDays: 1,
      intervalMs: 60_000,
      clock: () => now, // 2026-12-01T07:00Z: runs before 2026-11-30 go
    });
    expect(await pastRuns.sweepOnce()).toBe(150);
    expect(calls).toEqual([100, 50]);
    expect(await engine.occupancy('IC0:2026-11-29')).toBeNull();
    expect(await engine.occupancy('IC1:2026-11-30')).not.toBeNull();
    expect(await engine.occupancy('IC1:2026-12-01')).not.toBeNull();
    expect(await pastRuns.sweepOnce()).toBe(0);
  });
});
