import { badInput, notFound } from '@railgraph/service-kit';
import { allocateSeats as defaultAllocator, type SeatAllocator } from './allocate.js';
import {
  countTaken,
  emptyBitmap,
  freeFlags,
  freeSeat,
  isTaken,
  legMask,
  takeSeat,
  takenSeats,
  type SeatBitmap,
} from './bitmap.js';
import {
  DEFAULT_HOLD_TTL_MS,
  MAX_SEATS_PER_HOLD,
  seatTaken,
  soldOut,
  type ClassAvailability,
  type Hold,
  type HoldRequest,
  type InventoryEngine,
  type RunOccupancy,
  type SeatMapEntry,
} from './engine.js';
import {
  assertStops,
  classCapacities,
  classSeats,
  SEAT_CLASSES,
  type ClassSeats,
  type IndexedSeat,
  type RunCapacity,
  type RunLayout,
  type SeatClass,
} from './layout.js';

interface ClassState {
  capacity: number;
  /** One bitmap per leg. */
  legs: SeatBitmap[];
}

interface RunState {
  runId: string;
  legCount: number;
  classes: Map<SeatClass, ClassState>;
}

interface HoldRecord {
  hold: Hold;
  /** Seat indexes within the hold's class. */
  seatIndexes: number[];
  /** The request that made it, to tell a retry from a different request under the same id. */
  fingerprint: string;
}

export interface MemoryEngineOptions {
  allocate?: SeatAllocator;
}

/**
 * The in-process engine: bitmaps in memory, each operation synchronous inside its
 * promise, so it is atomic on Node's single thread. It is the embedded default and the
 * model the Redis engine is tested against.
 */
export function createMemoryEngine(options: MemoryEngineOptions = {}): InventoryEngine {
  const allocate = options.allocate ?? defaultAllocator;
  const runs = new Map<string, RunState>();
  const holds = new Map<string, HoldRecord>();
  const seatIndexes = new Map<string, ClassSeats[]>();
  let closed = false;

  function runState(layout: RunCapacity): RunState {
    const capacities = classCapacities(layout);
    const existing = runs.get(layout.runId);
    if (existing) {
      const same =
        existing.legCount === layout.legCount &&
        capacities.every((c) => existing.classes.get(c.seatClass)?.capacity === c.capacity);
      if (!same) throw new Error(`run ${layout.runId} was initialised with another layout than ${layout.consistId}`);
      return existing;
    }
    const state: RunState = {
      runId: layout.runId,
      legCount: layout.legCount,
      classes: new Map(
        capacities.map((c) => [
          c.seatClass,
          { capacity: c.capacity, legs: Array.from({ length: layout.legCount }, () => emptyBitmap(c.capacity)) },
        ]),
      ),
    };
    runs.set(layout.runId, state);
    return state;
  }

  /** Seats by class for a layout; consists never change under an id, so this is cached. */
  function seatsOf(layout: RunLayout): ClassSeats[] {
    let seats = seatIndexes.get(layout.consistId);
    if (!seats) {
      seats = classSeats(layout);
      seatIndexes.set(layout.consistId, seats);
    }
    return seats;
  }

  function classOf(run: RunState, seatClass: SeatClass): ClassState {
    const state = run.classes.get(seatClass);
    if (!state) throw new Error(`run ${run.runId} has no state for ${seatClass}`);
    return state;
  }

  function holdRecord(holdId: string): HoldRecord {
    const record = holds.get(holdId);
    if (!record) throw notFound('Hold', holdId);
    return record;
  }

  return {
    async availability(layout, fromStop, toStop) {
      assertStops(layout, fromStop, toStop);
      const run = runState(layout);
      return SEAT_CLASSES.map((seatClass): ClassAvailability => {
        const { capacity, legs } = classOf(run, seatClass);
        const taken = countTaken(legMask(legs, fromStop, toStop, capacity));
        let takenSeatLegs = 0;
        for (let leg = fromStop; leg < toStop; leg++) takenSeatLegs += countTaken(legs[leg]!);
        const offeredSeatLegs = capacity * (toStop - fromStop);
        const loadFactor = offeredSeatLegs === 0 ? 0 : takenSeatLegs / offeredSeatLegs;
        return { seatClass, seatsLeft: capacity - taken, capacity, loadFactor };
      });
    },

    async seatMap(layout, fromStop, toStop) {
      assertStops(layout, fromStop, toStop);
      const run = runState(layout);
      const freeBySeat = new Map<string, boolean>();
      for (const cls of seatsOf(layout)) {
        const { capacity, legs } = classOf(run, cls.seatClass);
        const mask = legMask(legs, fromStop, toStop, capacity);
        for (const seat of cls.seats) freeBySeat.set(seat.seatId, !isTaken(mask, seat.index));
      }
      return layout.coaches.flatMap((coach) =>
        coach.seats.map((seat): SeatMapEntry => {
          const seatId = `${coach.number}-${seat.label}`;
          return {
            coach: coach.number,
            seatClass: coach.seatClass,
            label: seat.label,
            position: seat.position,
            seatId,
            free: freeBySeat.get(seatId) ?? false,
          };
        }),
      );
    },

    async hold(layout, request) {
      const fingerprint = fingerprintOf(layout.runId, request);
      const existing = holds.get(request.holdId);
      if (existing) {
        if (existing.fingerprint !== fingerprint) {
          throw badInput(`Hold ${request.holdId} already exists for another request`, { holdId: request.holdId });
        }
        return copyHold(existing.hold);
      }
      assertStops(layout, request.fromStop, request.toStop);
      const wanted = requestedCount(request);
      const ttlMs = request.ttlMs > 0 ? request.ttlMs : DEFAULT_HOLD_TTL_MS;

      const cls = seatsOf(layout).find((c) => c.seatClass === request.seatClass);
      if (!cls) throw badInput(`Unknown seat class ${request.seatClass}`);
      const state = classOf(runState(layout), request.seatClass);
      const mask = legMask(state.legs, request.fromStop, request.toStop, state.capacity);

      let chosen: IndexedSeat[];
      if (request.seats && request.seats.length > 0) {
        chosen = namedSeats(cls, request.seats, layout);
        const taken = chosen.filter((seat) => isTaken(mask, seat.index)).map((seat) => seat.seatId);
        if (taken.length > 0) throw seatTaken(taken);
      } else {
        const indexes = allocate(freeFlags(mask, state.capacity), cls.coaches, wanted);
        if (!indexes) throw soldOut(request.seatClass, wanted, state.capacity - countTaken(mask));
        chosen = indexes.map((index) => {
          const seat = cls.seats[index];
          if (!seat) throw new Error(`allocator chose seat ${index} outside ${request.seatClass}`);
          return seat;
        });
      }

      for (let leg = request.fromStop; leg < request.toStop; leg++) {
        const map = state.legs[leg];
        if (!map) throw new Error(`no bitmap for leg ${leg}`);
        for (const seat of chosen) takeSeat(map, seat.index);
      }
      const hold: Hold = {
        holdId: request.holdId,
        runId: layout.runId,
        fromStop: request.fromStop,
        toStop: request.toStop,
        seatClass: request.seatClass,
        status: 'HELD',
        seats: chosen.map((seat) => ({ coach: seat.coach, label: seat.label, seatClass: seat.seatClass })),
        createdAt: request.now,
        expiresAt: new Date(request.now.getTime() + ttlMs),
      };
      holds.set(request.holdId, { hold, seatIndexes: chosen.map((s) => s.index), fingerprint });
      return copyHold(hold);
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
      const { hold } = record;
      if (hold.status !== 'RELEASED') {
        const run = runs.get(hold.runId);
        if (!run) throw new Error(`hold ${holdId} refers to run ${hold.runId} that has no state`);
        const state = classOf(run, hold.seatClass);
        for (let leg = hold.fromStop; leg < hold.toStop; leg++) {
          const map = state.legs[leg];
          if (!map) throw new Error(`no bitmap for leg ${leg}`);
          for (const index of record.seatIndexes) freeSeat(map, index);
        }
        hold.status = 'RELEASED';
      }
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
        .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
        .slice(0, limit)
        .map(copyHold);
    },

    async occupancy(runId): Promise<RunOccupancy | null> {
      const run = runs.get(runId);
      if (!run) return null;
      return {
        runId,
        legCount: run.legCount,
        classes: SEAT_CLASSES.map((seatClass) => {
          const { capacity, legs } = classOf(run, seatClass);
          return { seatClass, capacity, takenByLeg: legs.map((map) => takenSeats(map, capacity)) };
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

function requestedCount(request: HoldRequest): number {
  const named = request.seats?.length ?? 0;
  if (named > 0) {
    if (request.count != null && request.count !== named) {
      throw badInput(`count ${request.count} does not match the ${named} seats named`);
    }
    if (named > MAX_SEATS_PER_HOLD) throw badInput(`At most ${MAX_SEATS_PER_HOLD} seats per hold`);
    return named;
  }
  const count = request.count;
  if (count == null) throw badInput('Give either count or seats');
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEATS_PER_HOLD) {
    throw badInput(`count must be 1-${MAX_SEATS_PER_HOLD}; got ${count}`);
  }
  return count;
}

function namedSeats(cls: ClassSeats, seatIds: readonly string[], layout: RunLayout): IndexedSeat[] {
  if (new Set(seatIds).size !== seatIds.length) throw badInput('A seat is named twice', { seats: seatIds });
  return seatIds.map((seatId) => {
    const seat = cls.byId.get(seatId);
    if (seat) return seat;
    const elsewhere = layout.coaches.find((c) => c.seats.some((s) => `${c.number}-${s.label}` === seatId));
    throw badInput(
      elsewhere
        ? `Seat ${seatId} is ${elsewhere.seatClass}, not ${cls.seatClass}`
        : `Seat ${seatId} does not exist on run ${layout.runId}; seats are named <coach>-<label>, e.g. 3-12A`,
      { seat: seatId },
    );
  });
}

function fingerprintOf(runId: string, request: HoldRequest): string {
  const seats = request.seats && request.seats.length > 0 ? [...request.seats].sort() : null;
  return JSON.stringify([runId, request.fromStop, request.toStop, request.seatClass, seats ?? request.count ?? null]);
}

function copyHold(hold: Hold): Hold {
  return {
    ...hold,
    seats: hold.seats.map((seat) => ({ ...seat })),
    createdAt: new Date(hold.createdAt),
    expiresAt: new Date(hold.expiresAt),
  };
}
