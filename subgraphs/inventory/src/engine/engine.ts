import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { SeatPreference } from './allocate.js';
import type { RunCapacity, RunLayout, SeatClass, SeatPosition } from './layout.js';

/**
 * Seat inventory per run, class and leg (docs/design.md §6), implemented in process (memory.ts)
 * and in Redis (redis.ts, one Lua script per operation, keys under `{run:<id>}`); the
 * model-based test checks that both give the same results.
 *
 * A run is initialised lazily from the first layout it is used with: from the confirmed
 * seats `tickets` lists when a recovery source is configured (the run may have been sold
 * before the store lost it), else empty. Every method is atomic: concurrent calls never
 * see each other half done.
 */
export interface InventoryEngine {
  /** Per class, seats free on every leg from `fromStop` to `toStop`. */
  availability(layout: RunCapacity, fromStop: number, toStop: number): Promise<ClassAvailability[]>;
  /** Every seat in layout order with whether it is free on every leg of the journey. */
  seatMap(layout: RunLayout, fromStop: number, toStop: number): Promise<SeatMapEntry[]>;
  /**
   * Holds seats all-or-nothing. The same `holdId` with the same request returns the
   * existing hold; with a different request it is BAD_USER_INPUT. SOLD_OUT when too few
   * seats are free on every leg, SEAT_TAKEN when a named seat is taken on any leg,
   * BAD_USER_INPUT for unknown seats or stops.
   */
  hold(layout: RunLayout, request: HoldRequest): Promise<Hold>;
  /** Sells a hold's seats. Idempotent; NOT_FOUND for an unknown hold. */
  confirm(holdId: string): Promise<Hold>;
  /**
   * Returns a hold's seats to sale, held or confirmed (a cancellation). Idempotent;
   * NOT_FOUND for an unknown hold.
   */
  release(holdId: string): Promise<Hold>;
  /**
   * Returns some of a hold's seats (`<coach>-<label>`) to sale, held or confirmed (single
   * tickets cancelled); the hold keeps the others and is RELEASED once none is left. Seats
   * this hold already returned are ignored, so a retry changes nothing. BAD_USER_INPUT for
   * a seat the hold never had (nothing changes), NOT_FOUND for an unknown hold.
   */
  releaseSeats(holdId: string, seats: readonly string[]): Promise<Hold>;
  /**
   * Replaces a run's state with these confirmed seats (from `tickets`): every other hold
   * of the run is forgotten, the listed ones become CONFIRMED holds created at `now`.
   */
  rebuild(layout: RunLayout, confirmed: readonly ConfirmedSeat[], now: Date): Promise<void>;
  /** A hold by id, or null. */
  getHold(holdId: string): Promise<Hold | null>;
  /**
   * Unconfirmed holds past their expiry, oldest first. They still keep their seats: the
   * reaper releases one only after `tickets` says no booking owns it.
   */
  expiredHolds(now: Date, limit: number): Promise<Hold[]>;
  /**
   * Forgets runs whose service day (the `YYYY-MM-DD` ending a run id) is before `day`: their
   * seats, holds and hold look-ups. At most `limit` runs a call; returns their ids. Runs whose
   * id ends in no date are kept.
   */
  dropRunsBefore(day: string, limit: number): Promise<string[]>;
  /** Taken seats per class and leg of a run, or null when the run was never used. */
  occupancy(runId: string): Promise<RunOccupancy | null>;
  /** Resolves when the engine can serve; rejects when it cannot. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface ClassAvailability {
  seatClass: SeatClass;
  seatsLeft: number;
  capacity: number;
  /** Seat-legs taken (sold or held) over seat-legs offered on the journey's legs, 0..1. */
  loadFactor: number;
}

export interface SeatMapEntry {
  coach: number;
  seatClass: SeatClass;
  label: string;
  position: SeatPosition;
  seatId: string;
  free: boolean;
}

export interface HoldRequest {
  holdId: string;
  fromStop: number;
  toStop: number;
  seatClass: SeatClass;
  /** How many seats, when `seats` is absent. */
  count?: number | undefined;
  /** Explicit seats `<coach>-<label>`. */
  seats?: readonly string[] | undefined;
  /** Window or aisle, for seats the engine chooses. */
  preference?: SeatPreference | undefined;
  ttlMs: number;
  now: Date;
}

export type HoldStatus = 'HELD' | 'CONFIRMED' | 'RELEASED';

export interface HeldSeat {
  coach: number;
  label: string;
  seatClass: SeatClass;
}

export interface Hold {
  holdId: string;
  runId: string;
  fromStop: number;
  toStop: number;
  seatClass: SeatClass;
  status: HoldStatus;
  seats: HeldSeat[];
  createdAt: Date;
  expiresAt: Date;
}

export interface RunOccupancy {
  runId: string;
  legCount: number;
  classes: Array<{ seatClass: SeatClass; capacity: number; takenByLeg: number[][] }>;
}

/** One seat of a confirmed booking, as `tickets` lists them to rebuild a run. */
export interface ConfirmedSeat {
  holdId: string;
  coach: number;
  label: string;
  fromStop: number;
  toStop: number;
}

/**
 * Where a run's sold seats come from when the engine has no state for it: `tickets`'
 * confirmed tickets, and the run's layout to place them. Rejects when either cannot be
 * asked; the run then does not serve, rather than sell seats already sold.
 */
export interface RunRecovery {
  confirmedSeats(runId: string): Promise<ConfirmedSeat[]>;
  layoutOf(runId: string): Promise<RunLayout>;
}

/** Most seats one hold may take: a booking seats at most nine passengers. */
export const MAX_SEATS_PER_HOLD = 9;
export const DEFAULT_HOLD_TTL_MS = 120_000;

export const soldOut = (seatClass: SeatClass, wanted: number, left: number) =>
  new DomainError(ErrorCode.SOLD_OUT, `Only ${left} ${seatClass} seats are left on this journey; ${wanted} wanted`, {
    seatClass,
    seatsLeft: left,
  });

export const seatTaken = (seatIds: string[]) =>
  new DomainError(ErrorCode.SEAT_TAKEN, `Seat ${seatIds.join(', ')} is taken on part of this journey`, {
    seats: seatIds,
  });

/** The service day a run id ends in (`IC100:2026-12-01` runs on 2026-12-01), or null. */
export function serviceDayOf(runId: string): string | null {
  const day = /:(\d{4}-\d{2}-\d{2})$/.exec(runId)?.[1];
  return day && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ? day : null;
}

/** Oldest expiry first, then hold id: the order both engines list expired holds in. */
export const byExpiry = (a: Hold, b: Hold): number =>
  a.expiresAt.getTime() - b.expiresAt.getTime() || (a.holdId < b.holdId ? -1 : a.holdId > b.holdId ? 1 : 0);
