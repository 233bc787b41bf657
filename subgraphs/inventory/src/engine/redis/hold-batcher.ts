import { DomainError } from '@railgraph/service-kit';
import type { SeatAllocator } from '../allocate.js';
import { setSeat } from '../bitmap.js';
import type { Hold, HoldRequest } from '../engine.js';
import { chooseSeats, newHoldRecord, otherRequest } from '../hold-plan.js';
import type { RunLayout } from '../layout.js';
import { assertSameLayout, type ClassCopies } from './class-copies.js';
import { HEADER_BITS, strideOf } from './class-string.js';
import type { RedisConnection } from './connection.js';
import type { ExpiryNotices } from './expiry-notices.js';
import { HoldCalls } from './hold-calls.js';
import { encodeRecord, type HoldLookups } from './hold-records.js';
import { HoldQueue, MAX_BATCH, type PendingHold, type PreparedBatch } from './hold-queue.js';
import type { RedisKeys } from './keys.js';
import type { RunStore } from './run-store.js';

/**
 * A combined hold call goes once its batches hold this many requests, so Redis works on one
 * call while Node prepares the next (fewer make more calls, each with its own overhead).
 */
const HOLDS_PER_CALL = 32;

export interface HoldBatcherOptions {
  connection: RedisConnection;
  keys: RedisKeys;
  copies: ClassCopies;
  runs: RunStore;
  notices: ExpiryNotices;
  lookups: HoldLookups;
  allocate: SeatAllocator;
}

/**
 * Holds wait per run and class (hold-queue.ts). A pump, once per tick, takes the next batch
 * of every run and class that has none at Redis, chooses its seats (one request after
 * another on a working copy of the class, so they never collide with each other) and sends
 * the batches (hold-calls.ts): on one Redis, the batches of many runs in one script call of
 * about HOLDS_PER_CALL holds, so Redis runs one call while this process prepares the next.
 */
export class HoldBatcher {
  private readonly queue = new HoldQueue(() => this.pump());
  private readonly calls: HoldCalls;
  private readonly connection: RedisConnection;
  private readonly keys: RedisKeys;
  private readonly copies: ClassCopies;
  private readonly runs: RunStore;
  private readonly notices: ExpiryNotices;
  private readonly lookups: HoldLookups;
  private readonly allocate: SeatAllocator;

  constructor(options: HoldBatcherOptions) {
    this.connection = options.connection;
    this.keys = options.keys;
    this.copies = options.copies;
    this.runs = options.runs;
    this.notices = options.notices;
    this.lookups = options.lookups;
    this.allocate = options.allocate;
    this.calls = new HoldCalls(this.connection, this.keys, this.copies, this.runs, this.notices, this.queue);
  }

  /** Queues a checked hold request for its run and class's next batch. */
  hold(layout: RunLayout, request: HoldRequest): Promise<Hold> {
    return this.queue.enqueue(layout, request);
  }

  private pump(): void {
    let group: PreparedBatch[] = [];
    let holds = 0;
    this.queue.takeDue((key) => {
      const batch = this.prepareBatch(key);
      if (!batch) return;
      if (this.connection.clustered) this.calls.sendClustered(batch);
      else {
        group.push(batch);
        holds += batch.chosen.length;
        if (holds >= HOLDS_PER_CALL) {
          this.calls.sendHoldRuns(group);
          group = [];
          holds = 0;
        }
      }
    });
    if (group.length > 0) this.calls.sendHoldRuns(group);
  }

  /** Reads the run's state for the key's next batch (restoring the run if Redis has none), then lets it go. */
  private readForBatch(key: string, layout: RunLayout): void {
    const queue = this.queue;
    queue.busy.add(key);
    this.runs.current(layout).then(
      () => {
        queue.freshlyRead.add(key);
        queue.finish(key);
      },
      (error: unknown) => {
        queue.rejectNext(key, error);
        queue.finish(key);
      },
    );
  }

  /** A request refused on current state, unless it is a retry of a hold that took its seats itself. */
  private refuse(item: PendingHold, error: DomainError): void {
    const { holdId } = item.request;
    this.lookups
      .stored(item.layout.runId, holdId)
      .then((existing) => {
        if (!existing) return item.reject(error);
        if (existing.record.fingerprint !== item.fingerprint) return item.reject(otherRequest(holdId));
        item.resolve(existing.hold);
      })
      .catch(item.reject);
  }

  /**
   * Takes the key's next batch and chooses its seats; null when nothing is to be sent now
   * (every request settled, or the run's state is being read first).
   */
  private prepareBatch(key: string): PreparedBatch | null {
    const queue = this.queue;
    const waiting = queue.pending.get(key);
    if (!waiting || waiting.length === 0) {
      queue.pending.delete(key);
      return null;
    }
    const { layout, request: first } = waiting[0]!;
    const { runId } = layout;
    const seatClass = first.seatClass;
    const snapshot = this.copies.get(runId);
    const classState = snapshot?.classes.get(seatClass);
    const fresh = queue.freshlyRead.delete(key);
    const size = Math.min(waiting.length, MAX_BATCH);
    let stalePending = false;
    for (let i = 0; i < size && !fresh; i++) stalePending ||= waiting[i]!.stale;
    if (!snapshot || !classState || stalePending) {
      this.readForBatch(key, layout);
      return null;
    }
    // The whole queue when it fits in one batch (the usual case), else its head.
    const batch = size === waiting.length ? waiting : waiting.splice(0, size);
    if (batch === waiting) queue.pending.delete(key);
    // Choices go straight into this process's copy: the reply either confirms it is Redis's
    // state, or replaces it; on an error the copy is dropped.
    const working = classState.occupancy;
    const chosen: PreparedBatch['chosen'] = [];
    const stale: PendingHold[] = [];
    for (const item of batch) {
      try {
        assertSameLayout(snapshot, item.layout);
        const seats = chooseSeats(item.layout, working, item.request, this.allocate);
        const record = newHoldRecord(runId, item.request, seats, item.fingerprint);
        for (const seat of seats) setSeat(working, seat.index, item.request.fromStop, item.request.toStop, true);
        chosen.push({ item, record });
      } catch (error) {
        if (!(error instanceof DomainError)) item.reject(error);
        // Another process may have freed seats since this copy was taken: refuse only on current state.
        else if (!fresh) {
          item.stale = true;
          stale.push(item);
        } else this.refuse(item, error);
      }
    }
    if (stale.length > 0) {
      this.copies.forget(runId);
      queue.retry(stale);
    }
    if (chosen.length === 0) {
      queue.markDue(key);
      return null;
    }
    const keys = this.keys.run(runId);
    const args: Array<string | number> = [classState.gen, classState.version];
    const stride = strideOf(layout.legCount);
    let latest = 0;
    for (const { item, record } of chosen) {
      const { holdId, fromStop, toStop } = item.request;
      const expiresAt = record.hold.expiresAt.getTime();
      latest = Math.max(latest, expiresAt);
      args.push(holdId, expiresAt, encodeRecord(record, 'HELD'), fromStop, toStop, record.seatIndexes.length);
      for (const seat of record.seatIndexes) args.push(HEADER_BITS + seat * stride + fromStop);
    }
    queue.busy.add(key);
    return {
      key,
      layout,
      seatClass,
      working,
      gen: classState.gen,
      chosen,
      indexKeys: chosen.map(({ item }) => this.keys.holdIndex(item.request.holdId)),
      keys: [keys.seats(seatClass), keys.holds, keys.expiry],
      args,
      notice: this.notices.notice(runId, latest),
    };
  }
}
