import { DomainError, ErrorCode } from '@railgraph/service-kit';

/**
 * The admission gate in front of the booking saga (docs/design.md §4, "The queue at a rush"):
 * at most `concurrency` sagas run at once; further requests wait in one first-come-first-served
 * queue of at most `queueLimit`, each for at most `maxWaitMs`. A request that finds the queue
 * full, or waits past the bound, is refused with RATE_LIMITED and `retryAfterSeconds` before
 * its task ran, so it wrote nothing and a retry with the same idempotency key starts afresh.
 *
 * A finishing task hands its place to the oldest waiter directly, so a newcomer never passes
 * someone waiting. A task that throws gives its place back like one that returns.
 */

export interface AdmissionLimits {
  /** Most tasks running at once (at least 1). */
  concurrency: number;
  /** Most requests waiting (0: none wait, a request finding every place taken is refused). */
  queueLimit: number;
  /** Longest a request waits before it is refused. */
  maxWaitMs: number;
}

export type RejectionReason = 'full' | 'timeout';

/** What the gate reports as it goes, for metrics. */
export interface AdmissionObserver {
  /** A request left the queue (admitted, refused after the bound, or called off), or never had to wait (0). */
  waited?(seconds: number): void;
  rejected?(reason: RejectionReason): void;
}

export interface AdmissionOptions {
  observer?: AdmissionObserver;
  /** Milliseconds now, monotonic; `performance.now` unless a test sets one. */
  now?: () => number;
}

/** Bounds of `retryAfterSeconds`. */
export const MIN_RETRY_AFTER_SECONDS = 1;
export const MAX_RETRY_AFTER_SECONDS = 30;
/** The window the completion rate is measured over, in one-second buckets. */
const RATE_WINDOW_SECONDS = 10;

export const bookingQueueBusy = (retryAfterSeconds: number) =>
  new DomainError(
    ErrorCode.RATE_LIMITED,
    `Many travellers are booking right now: try again in ${retryAfterSeconds} s (with the same idempotency key)`,
    { retryAfterSeconds },
  );

interface Waiter {
  enqueuedAt: number;
  admit(): void;
  refuse(error: unknown): void;
}

export class AdmissionGate {
  private readonly observer: AdmissionObserver;
  private readonly now: () => number;
  private running = 0;
  /** In arrival order (a Set keeps insertion order and removes from the middle cheaply). */
  private readonly waiting = new Set<Waiter>();
  private readonly completions = new CompletionRate(RATE_WINDOW_SECONDS);

  constructor(
    private readonly limits: AdmissionLimits,
    { observer = {}, now = () => performance.now() }: AdmissionOptions = {},
  ) {
    if (!(limits.concurrency >= 1)) throw new Error('an admission gate needs a concurrency of at least 1');
    this.observer = observer;
    this.now = now;
  }

  /** Tasks running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Requests waiting now. */
  get queueLength(): number {
    return this.waiting.size;
  }

  /**
   * Runs `task` once a place is free, in arrival order. Rejects with RATE_LIMITED when the queue
   * is full or the wait passes `maxWaitMs`, and with `signal.reason` when `signal` aborts while
   * the request waits (once admitted, the signal no longer matters); `task` has not run then.
   */
  async run<T>(task: () => Promise<T>, { signal }: { signal?: AbortSignal } = {}): Promise<T> {
    signal?.throwIfAborted();
    await this.enter(signal);
    try {
      return await task();
    } finally {
      this.leave();
    }
  }

  /**
   * Seconds a refused request should wait before trying again: the time the queue ahead of it
   * takes to drain at the recent completion rate (the wait bound when nothing completed lately),
   * within 1 to 30 s.
   */
  retryAfterSeconds(): number {
    const perSecond = this.completions.perSecond(this.now());
    const seconds = perSecond > 0 ? (this.waiting.size + 1) / perSecond : this.limits.maxWaitMs / 1000;
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(MIN_RETRY_AFTER_SECONDS, Math.ceil(seconds)));
  }

  private enter(signal: AbortSignal | undefined): Promise<void> | void {
    if (this.running < this.limits.concurrency && this.waiting.size === 0) {
      this.running += 1;
      this.observer.waited?.(0);
      return;
    }
    if (this.waiting.size >= this.limits.queueLimit) {
      this.observer.rejected?.('full');
      throw bookingQueueBusy(this.retryAfterSeconds());
    }
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiting.delete(waiter);
        this.observer.waited?.((this.now() - waiter.enqueuedAt) / 1000);
      };
      const waiter: Waiter = {
        enqueuedAt: this.now(),
        admit: () => {
          settle();
          resolve();
        },
        refuse: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = () => waiter.refuse(signal?.reason);
      const timer = setTimeout(() => {
        this.observer.rejected?.('timeout');
        // Asked before it leaves: the queue it still stands in is what the estimate is of.
        waiter.refuse(bookingQueueBusy(this.retryAfterSeconds()));
      }, this.limits.maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.add(waiter);
    });
  }

  /** A task finished: its place goes to the oldest waiter, or back to the pool. */
  private leave(): void {
    this.completions.record(this.now());
    const next = this.waiting.values().next();
    if (next.done) this.running -= 1;
    else next.value.admit();
  }
}

/** Completions per second over the last `windowSeconds` (fewer while the gate is younger). */
class CompletionRate {
  private readonly seconds: number[];
  private readonly counts: number[];
  private firstSecond: number | null = null;

  constructor(private readonly windowSeconds: number) {
    this.seconds = new Array<number>(windowSeconds).fill(-1);
    this.counts = new Array<number>(windowSeconds).fill(0);
  }

  record(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    this.firstSecond ??= second;
    const slot = second % this.windowSeconds;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot]! += 1;
  }

  perSecond(nowMs: number): number {
    if (this.firstSecond === null) return 0;
    const second = Math.floor(nowMs / 1000);
    let total = 0;
    for (let i = 0; i < this.windowSeconds; i++) {
      const at = this.seconds[i]!;
      if (at > second - this.windowSeconds && at <= second) total += this.counts[i]!;
    }
    const span = Math.min(this.windowSeconds, second - this.firstSecond + 1);
    return total / Math.max(1, span);
  }
}
