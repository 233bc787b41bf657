import { repeatEvery, type Logger, type RepeatingTask } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import type { CancelledRuns } from './cancelled-runs.js';
import type { CancellationFeed } from './feed.js';
import { markAffected, recordDisruption } from './record.js';

/** The cursor row's id in `DisruptionCursor`. */
const CURSOR_ID = 'run-cancellations';
/** Most cancellations one read takes. */
const BATCH = 100;
/** How long after taking a cancellation in its run is checked again for bookings confirmed meanwhile. */
const RECHECK_MS = 60 * 60_000;

export interface DisruptionFollowerDeps {
  prisma: PrismaClient;
  feed: CancellationFeed;
  cancelledRuns: CancelledRuns;
  log: Logger;
  /** A booking was marked disrupted (its event recorded): the publisher and the mail may go. */
  onMarked?: (count: number) => void;
}

/**
 * One pass of following trains' cancellations (docs/design.md §4, "Disruptions"): reads them
 * after tickets' cursor, takes each in (`recordDisruption`, idempotent, so processes following
 * at once only repeat harmless work), moves the cursor forward, marks bookings confirmed since
 * on runs cancelled within the last hour, and reloads the set of cancelled runs. Returns how many
 * bookings it marked.
 */
export async function followCancellations(deps: DisruptionFollowerDeps, now = new Date()): Promise<number> {
  const { prisma, feed } = deps;
  let marked = 0;
  for (;;) {
    const cursor = await prisma.disruptionCursor.findUniqueOrThrow({ where: { id: CURSOR_ID } });
    const entries = await feed.after(String(cursor.position), BATCH);
    for (const entry of entries) {
      marked += await recordDisruption(prisma, entry, now);
      deps.cancelledRuns.add(entry.runId);
    }
    const last = entries.at(-1);
    if (last) {
      await prisma.disruptionCursor.updateMany({
        where: { id: CURSOR_ID, position: { lt: BigInt(last.cursor) } },
        data: { position: BigInt(last.cursor), updatedAt: now },
      });
    }
    if (entries.length < BATCH) break;
  }
  const recent = await prisma.disruption.findMany({
    where: { recordedAt: { gt: new Date(now.getTime() - RECHECK_MS) } },
    select: { runId: true },
  });
  for (const { runId } of recent) marked += await markAffected(prisma, runId, now);
  await deps.cancelledRuns.refresh(prisma, now);
  if (marked > 0) deps.onMarked?.(marked);
  return marked;
}

/** How often a failure to follow is logged while it lasts (trains down, no service client). */
const FAILURE_LOG_MS = 60_000;

/** Follows trains' cancellations every `intervalMs` until stopped. */
export function disruptionFollower(deps: DisruptionFollowerDeps, intervalMs: number): RepeatingTask {
  let lastFailureLog = 0;
  return repeatEvery(
    intervalMs,
    async () => {
      const marked = await followCancellations(deps);
      lastFailureLog = 0;
      if (marked > 0) deps.log.warn({ bookings: marked }, 'bookings on cancelled runs marked disrupted');
    },
    (error) => {
      if (Date.now() - lastFailureLog < FAILURE_LOG_MS) return;
      lastFailureLog = Date.now();
      deps.log.warn({ err: error }, 'following run cancellations failed; trying again every pass');
    },
  );
}
