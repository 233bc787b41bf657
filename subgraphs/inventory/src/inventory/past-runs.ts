import { repeatEvery, type Logger, type ServiceMetrics } from '@railgraph/service-kit';
import type { InventoryEngine } from '../engine/engine.js';

export interface PastRunsDeps {
  engine: Pick<InventoryEngine, 'dropRunsBefore'>;
  log: Logger;
  metrics: ServiceMetrics;
  /** Days a run's seats are kept after its service day (a late train still runs after midnight). */
  retentionDays: number;
  intervalMs: number;
  clock?: () => Date;
}

export interface PastRuns {
  /** Drops every run whose service day is more than `retentionDays` ago; returns how many. */
  sweepOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** How many runs one engine call drops, so Redis is never busy long with one sweep. */
const RUNS_PER_CALL = 100;

/** Forgets runs whose trains have run, so the store holds only runs still on sale or travelling. */
export function createPastRuns(deps: PastRunsDeps): PastRuns {
  const clock = deps.clock ?? (() => new Date());
  const dropped = deps.metrics.counter('inventory_runs_dropped_total', 'Runs forgotten after their service day');

  async function sweepOnce(): Promise<number> {
    const cutoff = new Date(clock().getTime() - deps.retentionDays * 86_400_000).toISOString().slice(0, 10);
    let total = 0;
    for (;;) {
      const runs = await deps.engine.dropRunsBefore(cutoff, RUNS_PER_CALL);
      total += runs.length;
      dropped.inc(runs.length);
      if (runs.length < RUNS_PER_CALL) break;
    }
    if (total > 0) deps.log.info({ runs: total, before: cutoff }, 'past runs dropped');
    return total;
  }

  const schedule = repeatEvery(deps.intervalMs, sweepOnce, (error) =>
    deps.log.error({ err: error }, 'dropping past runs failed'),
  );
  return { sweepOnce, start: () => schedule.start(), stop: () => schedule.stop() };
}
