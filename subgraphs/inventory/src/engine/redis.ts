import type { Cluster, Redis } from 'ioredis';
import { bestFitAllocator, type SeatAllocator } from './allocate.js';
import { takenOnLeg } from './bitmap.js';
import type { InventoryEngine, RunOccupancy, RunRecovery } from './engine.js';
import { checkHoldRequest, confirmedHolds } from './hold-plan.js';
import { assertStops, SEAT_CLASSES } from './layout.js';
import { ClassCopies } from './redis/class-copies.js';
import { RedisConnection, type ConnectionOptions } from './redis/connection.js';
import { ExpiryNotices } from './redis/expiry-notices.js';
import { HoldBatcher } from './redis/hold-batcher.js';
import { HoldChanges } from './redis/hold-changes.js';
import { HoldLookups } from './redis/hold-records.js';
import { RedisKeys } from './redis/keys.js';
import { RunHousekeeping } from './redis/run-housekeeping.js';
import { RunStore } from './redis/run-store.js';
import { classAvailability, seatMapOf } from './views.js';

export interface RedisEngineOptions extends ConnectionOptions {
  /** Put before every key, so several deployments (or tests) can share one Redis. */
  keyPrefix?: string;
  allocate?: SeatAllocator;
  recovery?: RunRecovery;
  clock?: () => Date;
  /** Runs whose occupancy this process keeps to choose seats without reading it first. */
  cachedRuns?: number;
}

/**
 * The Redis engine (docs/design.md §6): one Lua script per operation (redis-scripts.ts),
 * keys under the run's hash tag (redis/keys.ts).
 *
 * Seats are chosen in Node by the same allocator as the in-process engine, on this
 * process's copy of the occupancy (redis/class-copies.ts, kept current from the scripts'
 * replies); the hold script takes them only if each is free on every leg, and otherwise
 * returns the current occupancy to choose again. Holds of one run and class are decided in
 * batches (redis/hold-batcher.ts), one batch at a time from a process, each hold on a copy
 * that already has the batch's earlier choices, so its own holds never collide; other
 * processes' holds can only make it choose again. On one Redis (not a cluster) the batches
 * of many runs go in one script call, with their hold look-ups and the reaper's list
 * (redis/hold-calls.ts).
 *
 * The modules under redis/: keys.ts (key names), connection.ts (the client, EVALSHA with
 * NOSCRIPT reload), class-string.ts (a class's Redis string), class-copies.ts, run-store.ts
 * (reading, writing and restoring a run), hold-queue.ts, hold-batcher.ts, hold-calls.ts,
 * hold-records.ts (stored holds), hold-changes.ts (confirm and release),
 * expiry-notices.ts and run-housekeeping.ts (the reaper's list, expired holds, past runs).
 */
export function createRedisEngine(options: RedisEngineOptions): InventoryEngine & { redis: Redis | Cluster } {
  const maxCachedRuns = options.cachedRuns ?? 2_000;
  const connection = new RedisConnection(options);
  const keys = new RedisKeys(options.keyPrefix ?? '');
  const copies = new ClassCopies(maxCachedRuns);
  const notices = new ExpiryNotices(maxCachedRuns);
  const runs = new RunStore(connection, keys, copies, options.recovery, options.clock ?? (() => new Date()));
  const lookups = new HoldLookups(connection, keys);
  const batcher = new HoldBatcher({
    connection,
    keys,
    copies,
    runs,
    notices,
    lookups,
    allocate: options.allocate ?? bestFitAllocator,
  });
  const changes = new HoldChanges(connection, keys, copies, lookups);
  const housekeeping = new RunHousekeeping(connection, keys, copies, notices);

  return {
    redis: connection.redis,

    async availability(layout, fromStop, toStop) {
      assertStops(layout, fromStop, toStop);
      const run = await runs.current(layout);
      return SEAT_CLASSES.map((seatClass) =>
        classAvailability(seatClass, run.classes.get(seatClass)!.occupancy, fromStop, toStop),
      );
    },

    async seatMap(layout, fromStop, toStop) {
      assertStops(layout, fromStop, toStop);
      const run = await runs.current(layout);
      return seatMapOf(layout, (seatClass) => run.classes.get(seatClass)!.occupancy, fromStop, toStop);
    },

    async hold(layout, request) {
      checkHoldRequest(layout, request);
      return batcher.hold(layout, request);
    },

    confirm: (holdId) => changes.confirm(holdId),
    release: (holdId) => changes.release(holdId),
    releaseSeats: (holdId, seatIds) => changes.releaseSeats(holdId, seatIds),

    async rebuild(layout, confirmed, now) {
      await runs.write('replace', layout, confirmedHolds(layout, confirmed, now));
    },

    getHold: (holdId) => changes.get(holdId),
    expiredHolds: (now, limit) => housekeeping.expiredHolds(now, limit),
    dropRunsBefore: (day, limit) => housekeeping.dropRunsBefore(day, limit),

    async occupancy(runId): Promise<RunOccupancy | null> {
      const run = await runs.read(runId);
      if (!run) return null;
      return {
        runId,
        legCount: run.legCount,
        classes: SEAT_CLASSES.map((seatClass) => {
          const { occupancy } = run.classes.get(seatClass)!;
          return {
            seatClass,
            capacity: occupancy.capacity,
            takenByLeg: Array.from({ length: run.legCount }, (_, leg) => takenOnLeg(occupancy, leg)),
          };
        }),
      };
    },

    ready: () => connection.ready(),

    async close() {
      connection.close();
    },
  };
}
