import { badInput, notFound } from '@railgraph/service-kit';
import { bestFitAllocator, type SeatAllocator } from './allocate.js';
import { emptySeatLegs, setSeat, takenOnLeg, type SeatLegs } from './bitmap.js';
import { byExpiry, serviceDayOf, type InventoryEngine, type RunOccupancy, type RunRecovery } from './engine.js';
import {
  checkHoldRequest,
  chooseSeats,
  confirmedHolds,
  copyHold,
  fingerprintOf,
  newHoldRecord,
  otherRequest,
  seatsToRelease,
  type HoldRecord,
} from './hold-plan.js';
import {
  assertStops,
  classCapacities,
  hasSeatLabels,
  SEAT_CLASSES,
  seatIdOf,
  type RunCapacity,
  type SeatClass,
} from './layout.js';
import { classAvailability, seatMapOf } from './views.js';

interface RunState {
  runId: string;
  legCount: number;
  classes: Map<SeatClass, SeatLegs>;
}

export interface MemoryEngineOptions {
  allocate?: SeatAllocator;
  /** Rebuilds a run the engine has no state for (after a restart) from `tickets`. */
  recovery?: RunRecovery;
  clock?: () => Date;
}

/**
 * The in-process engine: bitmaps in memory, each operation synchronous once the run is
 * loaded, so it is atomic on Node's single thread. It is the embedded default and the
 * model the Redis engine is tested against.
 */
export function createMemoryEngine(options: MemoryEngineOptions = {}): InventoryEngine {
  const allocate = options.allocate ?? bestFitAllocator;
  const clock = options.clock ?? (() => new Date());
  const runs = new Map<string, RunState>();
  const holds = new Map<string, HoldRecord>();
  const loading = new Map<string, Promise<void>>();
  let closed = false;

  function emptyRun(layout: RunCapacity): RunState {
    return {
      runId: layout.runId,
      legCount: layout.legCount,
      classes: new Map(classCapacities(layout).map((c) => [c.seatClass, emptySeatLegs(c.capacity, layout.legCount)])),
    };
  }

  function replaceRun(layout: RunCapacity, records: readonly HoldRecord[]): void {
    for (const [holdId, record] of holds) if (record.hold.runId === layout.runId) holds.delete(holdId);
    const state = emptyRun(layout);
    for (const record of records) {
      const cls = classOf(state, record.hold.seatClass);
      for (const index of record.seatIndexes) setSeat(cls, index, record.hold.fromStop, record.hold.toStop, true);
      holds.set(record.hold.holdId, record);
    }
    runs.set(layout.runId, state);
  }

  async function load(layout: RunCapacity): Promise<void> {
    const recovery = options.recovery;
    const confirmed = recovery ? await recovery.confirmedSeats(layout.runId) : [];
    if (runs.has(layout.runId)) return;
    if (confirmed.length === 0) {
      runs.set(layout.runId, emptyRun(layout));
      return;
    }
    const full = hasSeatLabels(layout) ? layout : await recovery!.layoutOf(layout.runId);
    if (runs.has(layout.runId)) return;
    replaceRun(layout, confirmedHolds(full, confirmed, clock()));
  }

  /** The run's state, loading it (from `tickets` when configured) the first time. */
  async function runState(layout: RunCapacity): Promise<RunState> {
    if (!runs.has(layout.runId)) {
      let pending = loading.get(layout.runId);
      if (!pending) {
        pending = load(layout).finally(() => loading.delete(layout.runId));
        loading.set(layout.runId, pending);
      }
      await pending;
    }
    const state = runs.get(layout.runId)!;
    const same =
      state.legCount === layout.legCount &&
      classCapacities(layout).every((c) => state.classes.get(c.seatClass)?.capacity === c.capacity);
    if (!same) throw new Error(`run ${layout.runId} was initialised with another layout than ${layout.consistId}`);
    return state;
  }

  function classOf(run: RunState, seatClass: SeatClass): SeatLegs {
    const state = run.classes.get(seatClass);
    if (!state) throw new Error(`run ${run.runId} has no state for ${seatClass}`);
    return state;
  }

  /** Clears seats of a hold on every leg of its journey. */
  function freeSeats(record: HoldRecord, seatIndexes: readonly number[]): void {
    const { hold } = record;
    const run = runs.get(hold.runId);
    if (!run) throw new Error(`hold ${hold.holdId} refers to run ${hold.runId} that has no state`);
    const state = classOf(run, hold.seatClass);
    for (const index of seatIndexes) setSeat(state, index, hold.fromStop, hold.toStop, false);
  }

  function holdRecord(holdId: string): HoldRecord {
    const record = holds.get(holdId);
    if (!record) throw notFound('Hold', holdId);
    return record;
  }

  return {
    async availability(layout, fromStop, toStop) {
      assertStops(layout, fromStop, toStop);
      const run = await runState(layout);
      return SEAT_CLASSES.map((seatClass) => classAvailability(seatClass, classOf(run, seatClass), fromStop, toStop));
    },

    async seatMap(layout, fromStop, toStop) {
      assertStops(layout, fromStop, toStop);
      const run = await runState(layout);
      return seatMapOf(layout, (seatClass) => classOf(run, seatClass), fromStop, toStop);
    },

    async hold(layout, request) {
      checkHoldRequest(layout, request);
      const run = await runState(layout);
      const existing = holds.get(request.holdId);
      if (existing) {
        if (existing.hold.runId !== layout.runId || existing.fingerprint !== fingerprintOf(request)) {
          throw otherRequest(request.holdId);
        }
        return copyHold(existing.hold);
      }
      const state = classOf(run, request.seatClass);
      const chosen = chooseSeats(layout, state, request, allocate);
      for (const seat of chosen) setSeat(state, seat.index, request.fromStop, request.toStop, true);
      const record = newHoldRecord(layout.runId, request, chosen);
      holds.set(request.holdId, record);
      return copyHold(record.hold);
    },

    async rebuild(layout, confirmed, now) {
      replaceRun(layout, confirmedHolds(layout, confirmed, now));
    },

    async confirm(holdId) {
      const record = holdRecord(holdId);
      if (record.hold.status === 'RELEASED') {
        throw badInput(`Hold ${holdId} was released; its seats are no longer held`, { holdId, status: 'RELEASED' });
      }
      record.hold.status = 'CONFIRMED';
      return copyHold(record.hold);
    },

    async release(holdId) {
      const record = holdRecord(holdId);
      if (record.hold.status !== 'RELEASED') {
        freeSeats(record, record.seatIndexes);
        record.hold.status = 'RELEASED';
      }
      return copyHold(record.hold);
    },

    async releaseSeats(holdId, seatIds) {
      const record = holdRecord(holdId);
      const { hold } = record;
      const positions = seatsToRelease(record, seatIds);
      if (hold.status === 'RELEASED' || positions.length === 0) return copyHold(hold);
      freeSeats(
        record,
        positions.map((position) => record.seatIndexes[position]!),
      );
      if (positions.length === hold.seats.length) {
        hold.status = 'RELEASED';
        return copyHold(hold);
      }
      const picked = new Set(positions);
      record.releasedSeats.push(...positions.map((p) => seatIdOf(hold.seats[p]!.coach, hold.seats[p]!.label)));
      hold.seats = hold.seats.filter((_, position) => !picked.has(position));
      record.seatIndexes = record.seatIndexes.filter((_, position) => !picked.has(position));
      return copyHold(hold);
    },

    async getHold(holdId) {
      const record = holds.get(holdId);
      return record ? copyHold(record.hold) : null;
    },

    async expiredHolds(now, limit) {
      return [...holds.values()]
        .map((r) => r.hold)
        .filter((h) => h.status === 'HELD' && h.expiresAt.getTime() <= now.getTime())
        .sort(byExpiry)
        .slice(0, limit)
        .map(copyHold);
    },

    async dropRunsBefore(day, limit) {
      const dropped: string[] = [];
      for (const runId of runs.keys()) {
        if (dropped.length >= limit) break;
        const runDay = serviceDayOf(runId);
        if (runDay !== null && runDay < day) dropped.push(runId);
      }
      const gone = new Set(dropped);
      for (const runId of dropped) runs.delete(runId);
      for (const [holdId, record] of holds) if (gone.has(record.hold.runId)) holds.delete(holdId);
      return dropped;
    },

    async occupancy(runId): Promise<RunOccupancy | null> {
      const run = runs.get(runId);
      if (!run) return null;
      return {
        runId,
        legCount: run.legCount,
        classes: SEAT_CLASSES.map((seatClass) => {
          const occupancy = classOf(run, seatClass);
          return {
            seatClass,
            capacity: occupancy.capacity,
            takenByLeg: Array.from({ length: run.legCount }, (_, leg) => takenOnLeg(occupancy, leg)),
          };
        }),
      };
    },

    async ready() {
      if (closed) throw new Error('inventory engine is closed');
    },

    async close() {
      closed = true;
    },
  };
}
