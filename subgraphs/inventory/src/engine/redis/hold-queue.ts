import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { SeatLegs } from '../bitmap.js';
import type { Hold, HoldRequest } from '../engine.js';
import { fingerprintOf, type HoldRecord } from '../hold-plan.js';
import type { RunLayout, SeatClass } from '../layout.js';

/** Seats chosen on an old copy were taken meanwhile by another process: choose again, this often at most. */
const MAX_ATTEMPTS = 50;
/** Most holds one script call takes (Redis runs nothing else meanwhile). */
export const MAX_BATCH = 32;

/** A hold request waiting for its run and class's next batch. */
export interface PendingHold {
  key: string;
  layout: RunLayout;
  request: HoldRequest;
  fingerprint: string;
  /** Batches it was decided in and lost to another process. */
  attempts: number;
  /** Refused on this process's copy, which may be out of date: decide again on state read from Redis. */
  stale: boolean;
  resolve: (hold: Hold) => void;
  reject: (error: unknown) => void;
}

/** A run and class's batch of holds with their seats chosen, ready for the hold script. */
export interface PreparedBatch {
  key: string;
  layout: RunLayout;
  seatClass: SeatClass;
  /** This process's copy of the class, which already has the batch's seats taken, and its generation. */
  working: SeatLegs;
  gen: string;
  chosen: Array<{ item: PendingHold; record: HoldRecord }>;
  /** The hold look-ups (`Phold:<id>`), one per chosen hold. */
  indexKeys: string[];
  /** The class's seats, holds, expiry. */
  keys: string[];
  args: Array<string | number>;
  /** The latest expiry to put on the reaper's list, or null when it is there already. */
  notice: number | null;
}

/**
 * Hold requests waiting per run and class (`<runId>\0<class>`, one batch at Redis at a
 * time each), and which of them the next pump takes a batch of. `pump` runs on the next tick
 * once a run and class becomes due.
 */
export class HoldQueue {
  /** Hold requests by run and class, in order of arrival. */
  readonly pending = new Map<string, PendingHold[]>();
  /** Runs and classes with a batch at Redis, a state read or a pause after a lost race: one at a time. */
  readonly busy = new Set<string>();
  /** Runs and classes whose state was just read from Redis: a request refused on it is refused for good. */
  readonly freshlyRead = new Set<string>();
  /** Runs and classes whose next batch the next pump prepares. */
  private readonly due = new Set<string>();
  private pumpScheduled = false;
  private readonly runPump = (): void => {
    this.pumpScheduled = false;
    this.pump();
  };

  constructor(private readonly pump: () => void) {}

  enqueue(layout: RunLayout, request: HoldRequest): Promise<Hold> {
    return new Promise<Hold>((resolve, reject) => {
      const key = `${layout.runId}\u0000${request.seatClass}`;
      const item: PendingHold = {
        key,
        layout,
        request,
        fingerprint: fingerprintOf(request),
        attempts: 0,
        stale: false,
        resolve,
        reject,
      };
      const waiting = this.pending.get(key);
      if (waiting) waiting.push(item);
      else this.pending.set(key, [item]);
      this.markDue(key);
    });
  }

  markDue(key: string): void {
    if (this.busy.has(key) || !this.pending.has(key)) return;
    this.due.add(key);
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      process.nextTick(this.runPump);
    }
  }

  /**
   * Calls `take` with every due run and class that is not busy, in order, and no longer due;
   * one marked due meanwhile (by `take` too) is taken in the same pass.
   */
  takeDue(take: (key: string) => void): void {
    for (const key of this.due) {
      this.due.delete(key);
      if (this.busy.has(key)) continue;
      take(key);
    }
  }

  /** The key is free for its next batch, at once or after a random pause when its requests lost races. */
  finish(key: string, lostAttempts = 0): void {
    // Processes that lost a race wait a random moment, so the same one does not lose every time.
    if (lostAttempts > 0) setTimeout(() => this.finish(key), Math.random() * Math.min(lostAttempts, 10));
    else {
      this.busy.delete(key);
      this.markDue(key);
    }
  }

  /** Puts items back at the head of their queue, to be decided again (on fresh state when `stale`). */
  retry(items: PendingHold[]): number {
    let most = 0;
    const again: PendingHold[] = [];
    for (const item of items) {
      if (++item.attempts >= MAX_ATTEMPTS) {
        item.reject(
          new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Seats are changing too fast on this train; try again'),
        );
      } else {
        again.push(item);
        most = Math.max(most, item.attempts);
      }
    }
    if (again.length > 0) {
      const key = again[0]!.key;
      this.pending.set(key, [...again, ...(this.pending.get(key) ?? [])]);
    }
    return most;
  }

  /** Rejects the key's next batch of requests (its run could not be read). */
  rejectNext(key: string, error: unknown): void {
    const waiting = this.pending.get(key) ?? [];
    for (const item of waiting.splice(0, MAX_BATCH)) item.reject(error);
    if (waiting.length === 0) this.pending.delete(key);
  }
}
