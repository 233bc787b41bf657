import { badInput } from '@railgraph/service-kit';
import type { SeatAllocator } from './allocate.js';
import { countFree, isTakenOn, type SeatLegs } from './bitmap.js';
import {
  DEFAULT_HOLD_TTL_MS,
  MAX_SEATS_PER_HOLD,
  seatTaken,
  soldOut,
  type ConfirmedSeat,
  type Hold,
  type HoldRequest,
} from './engine.js';
import {
  assertStops,
  classSeats,
  seatIdOf,
  type ClassSeats,
  type IndexedSeat,
  type RunLayout,
  type SeatClass,
} from './layout.js';

/**
 * The engine-independent half of a hold: checking the request, choosing seats on a
 * snapshot of the class's leg bitmaps, and the hold it makes. Both engines run exactly
 * this, so they choose the same seats from the same bitmaps.
 */

/** A hold and the class seat indexes it takes. */
export interface HoldRecord {
  hold: Hold;
  seatIndexes: number[];
  /** The request that made it, to tell a retry from a different request under the same id. */
  fingerprint: string;
  /** Seats (`<coach>-<label>`) `releaseSeats` already returned, so a retry is recognised. */
  releasedSeats: string[];
}

const seatsByConsist = new Map<string, ClassSeats[]>();

/** Seats by class for a layout; a consist never changes under its id, so this is cached. */
export function seatsOf(layout: RunLayout): ClassSeats[] {
  let seats = seatsByConsist.get(layout.consistId);
  if (!seats) {
    seats = classSeats(layout);
    if (seatsByConsist.size >= 1_000) seatsByConsist.clear();
    seatsByConsist.set(layout.consistId, seats);
  }
  return seats;
}

export function classSeatsOf(layout: RunLayout, seatClass: SeatClass): ClassSeats {
  const cls = seatsOf(layout).find((c) => c.seatClass === seatClass);
  if (!cls) throw badInput(`Unknown seat class ${seatClass}`);
  return cls;
}

/** Checks what can be checked without the run's state; returns how many seats are wanted. */
export function checkHoldRequest(layout: RunLayout, request: HoldRequest): number {
  assertStops(layout, request.fromStop, request.toStop);
  const named = request.seats?.length ?? 0;
  if (named > 0) {
    if (request.count != null && request.count !== named) {
      throw badInput(`count ${request.count} does not match the ${named} seats named`);
    }
    if (named > MAX_SEATS_PER_HOLD) throw badInput(`At most ${MAX_SEATS_PER_HOLD} seats per hold`);
    namedSeats(classSeatsOf(layout, request.seatClass), request.seats ?? [], layout);
    return named;
  }
  const count = request.count;
  if (count == null) throw badInput('Give either count or seats');
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEATS_PER_HOLD) {
    throw badInput(`count must be 1-${MAX_SEATS_PER_HOLD}; got ${count}`);
  }
  return count;
}

export function namedSeats(cls: ClassSeats, seatIds: readonly string[], layout: RunLayout): IndexedSeat[] {
  if (new Set(seatIds).size !== seatIds.length) throw badInput('A seat is named twice', { seats: seatIds });
  return seatIds.map((seatId) => {
    const seat = cls.byId.get(seatId);
    if (seat) return seat;
    const elsewhere = layout.coaches.find((c) => c.seats.some((s) => seatIdOf(c.number, s.label) === seatId));
    throw badInput(
      elsewhere
        ? `Seat ${seatId} is ${elsewhere.seatClass}, not ${cls.seatClass}`
        : `Seat ${seatId} does not exist on run ${layout.runId}; seats are named <coach>-<label>, e.g. 3-12A`,
      { seat: seatId },
    );
  });
}

/**
 * The seats a hold takes given the class's occupancy: the named ones (SEAT_TAKEN when any
 * is taken on a leg of the journey) or the allocator's choice (SOLD_OUT when too few are
 * free). `checkHoldRequest` must have passed.
 */
export function chooseSeats(
  layout: RunLayout,
  occupancy: SeatLegs,
  request: HoldRequest,
  allocate: SeatAllocator,
): IndexedSeat[] {
  const cls = classSeatsOf(layout, request.seatClass);
  const { fromStop, toStop } = request;
  if (request.seats && request.seats.length > 0) {
    const chosen = namedSeats(cls, request.seats, layout);
    const taken = chosen.filter((seat) => isTakenOn(occupancy, seat.index, fromStop, toStop)).map((s) => s.seatId);
    if (taken.length > 0) throw seatTaken(taken);
    return chosen;
  }
  const wanted = request.count ?? 0;
  const indexes = allocate(
    { seats: cls, occupancy },
    { fromLeg: fromStop, toLeg: toStop, count: wanted, preference: request.preference },
  );
  if (!indexes) throw soldOut(request.seatClass, wanted, countFree(occupancy, fromStop, toStop));
  return indexes.map((index) => {
    const seat = cls.seats[index];
    if (!seat) throw new Error(`allocator chose seat ${index} outside ${request.seatClass}`);
    return seat;
  });
}

/** The hold a request makes with the seats chosen for it (`fingerprint` when already known). */
export function newHoldRecord(
  runId: string,
  request: HoldRequest,
  chosen: readonly IndexedSeat[],
  fingerprint = fingerprintOf(request),
): HoldRecord {
  const ttlMs = request.ttlMs > 0 ? request.ttlMs : DEFAULT_HOLD_TTL_MS;
  return {
    hold: {
      holdId: request.holdId,
      runId,
      fromStop: request.fromStop,
      toStop: request.toStop,
      seatClass: request.seatClass,
      status: 'HELD',
      seats: chosen.map((seat) => ({ coach: seat.coach, label: seat.label, seatClass: seat.seatClass })),
      createdAt: request.now,
      expiresAt: new Date(request.now.getTime() + ttlMs),
    },
    seatIndexes: chosen.map((seat) => seat.index),
    fingerprint,
    releasedSeats: [],
  };
}

/**
 * What a hold request asks for on its run, written out in a few characters (stored with
 * every hold), e.g. `2-7-S-3-W` for three STANDARD seats from stop 2 to 7 at a window, or
 * `0-4-F-1-3A,1-3B` for two named FIRST seats: equal exactly when the requests are.
 */
export function fingerprintOf(request: HoldRequest): string {
  const named = request.seats && request.seats.length > 0 ? [...request.seats].sort().join(',') : null;
  return [
    request.fromStop,
    request.toStop,
    request.seatClass === 'FIRST' ? 'F' : 'S',
    named ?? request.count ?? '',
    request.preference?.[0] ?? '',
  ].join('-');
}

export const otherRequest = (holdId: string) =>
  badInput(`Hold ${holdId} already exists for another request`, { holdId });

/**
 * The CONFIRMED holds a run is rebuilt with, one per hold id of `tickets`' confirmed seats.
 * A seat the layout does not have is an error: the run cannot be rebuilt faithfully.
 */
export function confirmedHolds(layout: RunLayout, confirmed: readonly ConfirmedSeat[], now: Date): HoldRecord[] {
  const byHold = new Map<string, ConfirmedSeat[]>();
  for (const seat of confirmed) byHold.set(seat.holdId, [...(byHold.get(seat.holdId) ?? []), seat]);
  const seatById = new Map(seatsOf(layout).flatMap((cls) => cls.seats.map((seat) => [seat.seatId, seat] as const)));
  return [...byHold].map(([holdId, seats]) => {
    const first = seats[0]!;
    assertStops(layout, first.fromStop, first.toStop);
    const chosen = seats.map((s) => {
      const seat = seatById.get(seatIdOf(s.coach, s.label));
      if (!seat)
        throw new Error(`confirmed seat ${s.coach}-${s.label} of hold ${holdId} is not on run ${layout.runId}`);
      if (s.fromStop !== first.fromStop || s.toStop !== first.toStop)
        throw new Error(`confirmed seats of hold ${holdId} are for different journeys`);
      return seat;
    });
    const seatClass = chosen[0]!.seatClass;
    if (chosen.some((seat) => seat.seatClass !== seatClass))
      throw new Error(`confirmed seats of hold ${holdId} are in different classes`);
    return {
      hold: {
        holdId,
        runId: layout.runId,
        fromStop: first.fromStop,
        toStop: first.toStop,
        seatClass,
        status: 'CONFIRMED',
        seats: chosen.map((seat) => ({ coach: seat.coach, label: seat.label, seatClass: seat.seatClass })),
        createdAt: now,
        expiresAt: now,
      },
      seatIndexes: chosen.map((seat) => seat.index),
      fingerprint: JSON.stringify(['rebuilt', holdId]),
      releasedSeats: [],
    };
  });
}

/**
 * Which of a hold's seats (positions in `hold.seats`) `releaseSeats` returns: the named
 * ones it still takes; seats it returned before are ignored. BAD_USER_INPUT when a named
 * seat was never the hold's, or none is named.
 */
export function seatsToRelease(record: HoldRecord, seatIds: readonly string[]): number[] {
  if (seatIds.length === 0) throw badInput('Name at least one seat to release');
  const positions = new Map(record.hold.seats.map((seat, position) => [seatIdOf(seat.coach, seat.label), position]));
  const released = new Set(record.releasedSeats);
  const picked = new Set<number>();
  for (const seatId of seatIds) {
    const position = positions.get(seatId);
    if (position !== undefined) picked.add(position);
    else if (!released.has(seatId)) {
      throw badInput(`Seat ${seatId} is not in hold ${record.hold.holdId}`, {
        holdId: record.hold.holdId,
        seat: seatId,
      });
    }
  }
  return [...picked].sort((a, b) => a - b);
}

export function copyHold(hold: Hold): Hold {
  return {
    ...hold,
    seats: hold.seats.map((seat) => ({ ...seat })),
    createdAt: new Date(hold.createdAt),
    expiresAt: new Date(hold.expiresAt),
  };
}
