import type { PrismaClient } from '../__generated__/prisma/client.js';

/**
 * The runs this process knows are cancelled, so `bookJourney` and `exchangeBooking` refuse a
 * quote on one before anything is held (RUN_CANCELLED). Filled from tickets' own `Disruption`
 * table on every pass of the follower (every process, whichever took the cancellation in), so
 * a run cancelled elsewhere is refused here within one relay interval; a booking made in that
 * window is marked disrupted by the follower's next pass.
 */
export class CancelledRuns {
  private runs = new Set<string>();

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  add(runId: string): void {
    this.runs.add(runId);
  }

  /** Reloads the set: runs of today or later (a run id ends with its service date). */
  async refresh(prisma: PrismaClient, now: Date): Promise<void> {
    const yesterday = new Date(now.getTime() - 24 * 3600_000).toISOString().slice(0, 10);
    const rows = await prisma.$queryRaw<Array<{ runId: string }>>`
      SELECT "runId" FROM "Disruption" WHERE right("runId", 10) >= ${yesterday}`;
    this.runs = new Set(rows.map((r) => r.runId));
  }
}
