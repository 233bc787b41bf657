import {
  badInput,
  DomainError,
  ErrorCode,
  isRequestId,
  type Logger,
  type ServiceMetrics,
} from '@railgraph/service-kit';
import {
  MAX_SEATS_PER_HOLD,
  type ClassAvailability,
  type Hold,
  type InventoryEngine,
  type SeatMapEntry,
} from '../engine/engine.js';
import type { SeatPreference } from '../engine/allocate.js';
import type { SeatClass } from '../engine/layout.js';
import type { JourneyModel, TrainRunModel } from '../layouts/representation.js';
import type { RunLayoutSource } from '../layouts/trains-layouts.js';
import { failedOutcome, heldOutcome, type HoldOutcome } from './hold-outcome.js';

/** One coach of a seat map. */
export interface SeatMapCoach {
  number: number;
  seatClass: SeatClass;
  seats: SeatMapEntry[];
}

export interface HoldSeatsCommand {
  holdId: string;
  runId: string;
  fromStop: number;
  toStop: number;
  seatClass: SeatClass;
  count?: number | null | undefined;
  seats?: readonly string[] | null | undefined;
  ttlSeconds?: number | null | undefined;
  preference?: SeatPreference | null | undefined;
  /** The booking's request id, when it is not the call's (holds of several bookings in one call). */
  requestId?: string | null | undefined;
}

/** What the resolvers call: the engine plus layouts, input checks and business counters. */
export interface SeatInventory {
  availability(journey: JourneyModel): Promise<ClassAvailability[]>;
  seatMap(run: TrainRunModel, fromStop: number, toStop: number, seatClass: SeatClass | null): Promise<SeatMapCoach[]>;
  holdSeats(command: HoldSeatsCommand, requestId: string): Promise<Hold>;
  /**
   * Holds each command on its own, as `holdSeats` would: a command's typed error, or a failure
   * of its own (logged on `log`), is its outcome and never touches the others.
   */
  holdSeatsBatch(commands: readonly HoldSeatsCommand[], requestId: string, log: Logger): Promise<HoldOutcome[]>;
  confirmHold(holdId: string): Promise<Hold>;
  /** Confirms each hold on its own; a hold's typed error is its outcome, a store failure fails the call. */
  confirmHolds(holdIds: readonly string[]): Promise<HoldConfirmation[]>;
  releaseHold(holdId: string): Promise<Hold>;
  releaseHoldSeats(holdId: string, seats: readonly string[]): Promise<Hold>;
}

export interface SeatInventoryDeps {
  engine: InventoryEngine;
  layouts: RunLayoutSource;
  metrics: ServiceMetrics;
  defaultHoldTtlSeconds: number;
  clock?: () => Date;
}

/** One hold's outcome in `confirmHolds`. */
export interface HoldConfirmation {
  holdId: string;
  confirmed: boolean;
  code: string | null;
  message: string | null;
}

/** Most holds one `confirmHolds` call confirms. */
export const MAX_HOLDS_PER_CONFIRMATION = 100;
/** Most inputs one `holdSeatsBatch` call holds. */
export const MAX_HOLDS_PER_BATCH = 100;

const MAX_HOLD_TTL_SECONDS = 3600;
const holdIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export function createSeatInventory(deps: SeatInventoryDeps): SeatInventory {
  const { engine, layouts } = deps;
  const clock = deps.clock ?? (() => new Date());
  const holdsTotal = deps.metrics.counter('inventory_holds_total', 'Seat hold attempts by outcome', [
    'outcome',
  ] as const);
  const soldOutTotal = deps.metrics.counter(
    'inventory_sold_out_total',
    'Holds refused because too few seats were free',
  );

  /** One hold, the path of `holdSeats` and of each input of `holdSeatsBatch`. */
  async function holdOne(command: HoldSeatsCommand, callRequestId: string): Promise<Hold> {
    try {
      if (!holdIdPattern.test(command.holdId)) throw badInput('holdId must be 1-128 letters, digits or . _ : -');
      // A hold's request id goes on to trains in `x-request-id`: only one the servers take.
      if (command.requestId != null && !isRequestId(command.requestId))
        throw badInput('requestId must be 1-128 letters, digits or . _ : -');
      const requestId = command.requestId ?? callRequestId;
      const ttlSeconds = command.ttlSeconds ?? deps.defaultHoldTtlSeconds;
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_HOLD_TTL_SECONDS) {
        throw badInput(`ttlSeconds must be 1-${MAX_HOLD_TTL_SECONDS}; got ${ttlSeconds}`);
      }
      const layout = await layouts.layoutOf(command.runId, requestId).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND)
          throw badInput(`Unknown train run ${command.runId}`, { runId: command.runId });
        throw error;
      });
      const hold = await engine.hold(layout, {
        holdId: command.holdId,
        fromStop: command.fromStop,
        toStop: command.toStop,
        seatClass: command.seatClass,
        count: command.count ?? undefined,
        seats: command.seats ?? undefined,
        preference: command.preference ?? undefined,
        ttlMs: ttlSeconds * 1000,
        now: clock(),
      });
      holdsTotal.inc({ outcome: 'held' });
      return hold;
    } catch (error) {
      const outcome = outcomeOf(error);
      holdsTotal.inc({ outcome });
      if (outcome === 'sold_out') soldOutTotal.inc();
      throw error;
    }
  }

  return {
    async availability(journey) {
      if (!journey.capacity) throw badInput('Journey.availability needs the run layout in the representation');
      return engine.availability(journey.capacity, journey.fromStop, journey.toStop);
    },

    async seatMap(run, fromStop, toStop, seatClass) {
      if (!run.layout) throw badInput('TrainRun.seatMap needs the run layout in the representation');
      const entries = await engine.seatMap(run.layout, fromStop, toStop);
      return run.layout.coaches
        .filter((coach) => seatClass === null || coach.seatClass === seatClass)
        .map((coach) => ({
          number: coach.number,
          seatClass: coach.seatClass,
          seats: entries.filter((entry) => entry.coach === coach.number),
        }));
    },

    holdSeats: (command, requestId) => holdOne(command, requestId),

    async holdSeatsBatch(commands, requestId, log) {
      if (commands.length < 1 || commands.length > MAX_HOLDS_PER_BATCH)
        throw badInput(`Hold between 1 and ${MAX_HOLDS_PER_BATCH} inputs at once; got ${commands.length}`);
      // All at once: the engines decide concurrent holds together (the Redis engine in one
      // script call per tick), each on its own, so one input's refusal cannot undo another.
      const settled = await Promise.allSettled(commands.map((command) => holdOne(command, requestId)));
      return settled.map((result, i): HoldOutcome => {
        const command = commands[i]!;
        if (result.status === 'fulfilled') return heldOutcome(result.value);
        const { outcome, internal } = failedOutcome(command.holdId, result.reason);
        if (internal) {
          log.error(
            { err: result.reason, holdId: command.holdId, holdRequestId: command.requestId ?? requestId },
            'a hold of holdSeatsBatch failed',
          );
        }
        return outcome;
      });
    },

    confirmHold: (holdId) => engine.confirm(holdId),
    confirmHolds: async (holdIds) => {
      if (holdIds.length < 1 || holdIds.length > MAX_HOLDS_PER_CONFIRMATION)
        throw badInput(`Confirm between 1 and ${MAX_HOLDS_PER_CONFIRMATION} holds at once`);
      const outcomes = await Promise.allSettled(holdIds.map((holdId) => engine.confirm(holdId)));
      return outcomes.map((outcome, i): HoldConfirmation => {
        const holdId = holdIds[i]!;
        if (outcome.status === 'fulfilled') return { holdId, confirmed: true, code: null, message: null };
        const error: unknown = outcome.reason;
        // The store failing is not one hold's answer: the whole call fails, typed, and is retried.
        if (!(error instanceof DomainError)) throw error;
        return { holdId, confirmed: false, code: error.code, message: error.message };
      });
    },
    releaseHold: (holdId) => engine.release(holdId),
    releaseHoldSeats: async (holdId, seats) => {
      // No hold has more seats: a longer list is a mistake, refused before the engine.
      if (seats.length > MAX_SEATS_PER_HOLD) throw badInput(`Release at most ${MAX_SEATS_PER_HOLD} seats at once`);
      return engine.releaseSeats(holdId, seats);
    },
  };
}

function outcomeOf(error: unknown): string {
  if (!(error instanceof DomainError)) return 'failed';
  if (error.code === ErrorCode.SOLD_OUT) return 'sold_out';
  if (error.code === ErrorCode.SEAT_TAKEN) return 'seat_taken';
  return 'rejected';
}
