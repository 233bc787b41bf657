import { DomainError, ErrorCode, repeatEvery, type Logger, type ServiceMetrics } from '@railgraph/service-kit';
import type { Hold, InventoryEngine } from '../engine/engine.js';
import type { TicketsBookings } from '../bookings/tickets-bookings.js';

/** Booking states that no longer need their hold's seats. */
const finishedWithoutSeats = new Set(['FAILED', 'EXPIRED', 'CANCELLED', 'REFUNDED']);

export interface ReaperDeps {
  engine: InventoryEngine;
  /** Null without service credentials: nothing can be asked, so nothing is released. */
  bookings: Pick<TicketsBookings, 'holdOwnership'> | null;
  log: Logger;
  metrics: ServiceMetrics;
  intervalMs: number;
  clock?: () => Date;
  batchSize?: number;
}

export interface ReapResult {
  released: number;
  confirmed: number;
  kept: number;
}

export interface Reaper {
  /** One pass over the expired holds. */
  reapOnce(): Promise<ReapResult>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * A hold someone else settled between this pass's listing and its change: another replica's
 * reaper or tickets' outbox released it (confirming it then is refused), or its run was dropped.
 */
const settledElsewhere = (error: unknown) =>
  error instanceof DomainError && (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.BAD_USER_INPUT);

/**
 * Releases expired holds (docs/design.md §4) only after `tickets` says no booking needs them: no
 * booking owns the hold, or its booking failed, expired or was cancelled. A confirmed
 * booking's hold is confirmed (its confirmation was lost); a pending one's is kept. When
 * `tickets` cannot be asked, every seat stays held: under-selling for a while, never
 * overselling.
 *
 * Every inventory replica runs a reaper over the same store (design §12, "Several
 * instances"): two may list the same expired hold and both act on it. Both then act on what
 * `tickets` says of one booking, whose status only moves forward, and the engine's release and
 * confirm are idempotent (a released hold's seats are cleared once), so the second changes
 * nothing; a hold another reaper or the outbox settled first is skipped, not a failed pass.
 */
export function createReaper(deps: ReaperDeps): Reaper {
  const clock = deps.clock ?? (() => new Date());
  const batchSize = deps.batchSize ?? 100;
  const outcomes = deps.metrics.counter(
    'inventory_reaper_holds_total',
    'Expired holds the reaper handled, by outcome',
    ['outcome'] as const,
  );
  const kept = deps.metrics.counter(
    'inventory_reaper_holds_kept_total',
    'Expired holds kept held, by why (no_credentials, tickets_unreachable, booking_pending)',
    ['reason'] as const,
  );

  function keep(holds: readonly Hold[], reason: string): ReapResult {
    kept.inc({ reason }, holds.length);
    outcomes.inc({ outcome: 'kept' }, holds.length);
    return { released: 0, confirmed: 0, kept: holds.length };
  }

  /** Runs one change; false when someone else settled the hold first. */
  async function settle(change: () => Promise<unknown>): Promise<boolean> {
    try {
      await change();
      return true;
    } catch (error) {
      if (!settledElsewhere(error)) throw error;
      deps.log.debug({ err: error }, 'expired hold already settled elsewhere');
      return false;
    }
  }

  async function reapOnce(): Promise<ReapResult> {
    const expired = await deps.engine.expiredHolds(clock(), batchSize);
    if (expired.length === 0) return { released: 0, confirmed: 0, kept: 0 };
    if (!deps.bookings) {
      deps.log.warn({ holds: expired.length }, 'expired holds kept: no service credentials to ask tickets');
      return keep(expired, 'no_credentials');
    }
    let owners;
    try {
      owners = await deps.bookings.holdOwnership(expired.map((h) => h.holdId));
    } catch (error) {
      deps.log.warn({ err: error, holds: expired.length }, 'expired holds kept: tickets cannot be asked');
      return keep(expired, 'tickets_unreachable');
    }
    const byHold = new Map(owners.map((o) => [o.holdId, o]));
    const result: ReapResult = { released: 0, confirmed: 0, kept: 0 };
    for (const hold of expired) {
      const owner = byHold.get(hold.holdId);
      if (!owner) {
        result.kept += keep([hold], 'tickets_unreachable').kept;
      } else if (!owner.owned || finishedWithoutSeats.has(owner.bookingStatus ?? '')) {
        if (!(await settle(() => deps.engine.release(hold.holdId)))) continue;
        outcomes.inc({ outcome: 'released' });
        result.released++;
      } else if (owner.bookingStatus === 'CONFIRMED') {
        if (!(await settle(() => deps.engine.confirm(hold.holdId)))) continue;
        outcomes.inc({ outcome: 'confirmed' });
        result.confirmed++;
      } else {
        result.kept += keep([hold], 'booking_pending').kept;
      }
    }
    if (result.released + result.confirmed > 0) deps.log.info(result, 'expired holds reaped');
    return result;
  }

  const schedule = repeatEvery(deps.intervalMs, reapOnce, (error) =>
    deps.log.error({ err: error }, 'reaper pass failed'),
  );
  return {
    reapOnce,
    start() {
      if (!deps.bookings) {
        deps.log.warn('no INVENTORY_CLIENT_SECRET: the reaper cannot ask tickets, so expired holds stay held');
      }
      schedule.start();
    },
    stop: () => schedule.stop(),
  };
}
