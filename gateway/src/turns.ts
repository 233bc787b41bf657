/**
 * Turns for costly work on the gateway's one event loop (design §11): one holder at a time,
 * and after each the next waits as long as the last one took (up to a second), so that the
 * holders together get at most half of the process's time, however many are waiting; work
 * that does not take a turn never waits. At most `maxQueued` wait, each at most the time it
 * asks for.
 */
export class Turns {
  private busy = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly maxQueued: number) {}

  /** How many are waiting now. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Waits for a turn. Resolves with the function that ends it, or with `undefined` when the
   * queue is full, the turn did not come within `waitMs`, or `abandoned` fired meanwhile.
   */
  take(waitMs: number, abandoned?: AbortSignal): Promise<(() => void) | undefined> {
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve(this.holding());
    }
    if (this.waiting.length >= this.maxQueued || waitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const leave = () => {
        clearTimeout(timer);
        abandoned?.removeEventListener('abort', leave);
        const at = this.waiting.indexOf(turn);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(undefined);
      };
      const turn = () => {
        clearTimeout(timer);
        abandoned?.removeEventListener('abort', leave);
        resolve(this.holding());
      };
      const timer = setTimeout(leave, waitMs);
      abandoned?.addEventListener('abort', leave, { once: true });
      this.waiting.push(turn);
    });
  }

  private holding(): () => void {
    const startedAt = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      setTimeout(() => this.handOver(), Math.min(performance.now() - startedAt, 1_000));
    };
  }

  private handOver(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}
