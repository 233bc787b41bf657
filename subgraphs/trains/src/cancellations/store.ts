import type { SqlClient } from '@railgraph/database';
import type { RunCancellation, RunCancellationRequest, RunCancellationSource } from './model.js';

interface CancellationRow extends Record<string, unknown> {
  position: string;
  runId: string;
  reason: string;
  source: RunCancellationSource;
  cancelledAt: Date;
}

// `cancelledAt` is a `timestamp` without zone holding UTC, as Prisma writes it; node-pg would
// read and write such a column in the process's local zone, so both directions convert.
const COLUMNS = `position::text AS position, "runId", reason, source::text AS source,
  "cancelledAt" AT TIME ZONE 'UTC' AS "cancelledAt"`;

function cancellationOf(row: CancellationRow): RunCancellation {
  return {
    position: BigInt(row.position),
    runId: row.runId,
    reason: row.reason,
    source: row.source,
    cancelledAt: row.cancelledAt,
  };
}

/**
 * The `RunCancellation` table. Readers page it by position (`runCancellations`, the refresh of
 * other processes' in-memory sets), which is only safe if positions become visible in order: a
 * row with a smaller position committing after a larger one would be skipped for good. So every
 * insert takes one transaction-scoped advisory lock before drawing its position and holds it
 * until commit; cancellations are rare, so writers queuing is no cost.
 */
export class RunCancellationStore {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Records the cancellation unless the run already has one; either way answers the run's
   * cancellation and whether this call made it.
   */
  async record(request: RunCancellationRequest): Promise<{ cancellation: RunCancellation; created: boolean }> {
    return this.sql.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('trains:run-cancellations'))");
      const [inserted] = await tx.query<CancellationRow>(
        `INSERT INTO "RunCancellation" ("runId", reason, source, "cancelledAt")
         VALUES ($1, $2, $3::"RunCancellationSource", $4::timestamptz AT TIME ZONE 'UTC')
         ON CONFLICT ("runId") DO NOTHING
         RETURNING ${COLUMNS}`,
        [request.runId, request.reason, request.source, request.cancelledAt],
      );
      if (inserted) return { cancellation: cancellationOf(inserted), created: true };
      const [existing] = await tx.query<CancellationRow>(
        `SELECT ${COLUMNS} FROM "RunCancellation" WHERE "runId" = $1`,
        [request.runId],
      );
      if (!existing) throw new Error(`run ${request.runId} conflicted on insert but has no cancellation`);
      return { cancellation: cancellationOf(existing), created: false };
    });
  }

  /** The cancellations of these runs that have one, in no particular order. */
  async byRunIds(runIds: readonly string[]): Promise<RunCancellation[]> {
    const rows = await this.sql.query<CancellationRow>(
      `SELECT ${COLUMNS} FROM "RunCancellation" WHERE "runId" = ANY($1::text[])`,
      [runIds],
    );
    return rows.map(cancellationOf);
  }

  /** Cancellations recorded after `position` (from the first when null), oldest first, at most `limit`. */
  async after(position: bigint | null, limit: number): Promise<RunCancellation[]> {
    const rows = await this.sql.query<CancellationRow>(
      `SELECT ${COLUMNS} FROM "RunCancellation" WHERE position > $1::bigint ORDER BY position LIMIT $2`,
      [(position ?? 0n).toString(), limit],
    );
    return rows.map(cancellationOf);
  }

  /** Run ids cancelled after `position`, with their positions, oldest first: what a process has not seen yet. */
  async runIdsAfter(position: bigint): Promise<Array<{ position: bigint; runId: string }>> {
    const rows = await this.sql.named<{ position: string; runId: string }>(
      'trains-cancelled-run-ids-after',
      'SELECT position::text AS position, "runId" FROM "RunCancellation" WHERE position > $1::bigint ORDER BY position',
      [position.toString()],
    );
    return rows.map((row) => ({ position: BigInt(row.position), runId: row.runId }));
  }
}
