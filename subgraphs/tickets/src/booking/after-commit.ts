import type { Logger, RepeatingTask } from '@railgraph/service-kit';

/**
 * Step 6 of the saga (docs/design.md §4), run once the booking's answer is on its way: the
 * commit made the sale durable and queued every step after it in the outbox, so nothing the
 * traveller is told waits on inventory's confirmation, the capture or the publishing of events.
 * Each piece of work starts at once; one that fails is logged, and the relay (or the events
 * publisher) does it on its next pass. A task of the service: stopping waits for the work under
 * way, so it ends before the stores it uses close.
 */
export class AfterCommit implements RepeatingTask {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Starts `work` now, without waiting for it. */
  run(work: () => Promise<unknown>, context: Record<string, unknown>): void {
    const done: Promise<void> = Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => {
          this.log.warn({ err: error, ...context }, 'work after a commit failed; the outbox relay finishes it');
        },
      )
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Work started and not finished yet. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Resolves once every piece of work started so far (and any started meanwhile) has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  start(): void {}

  stop(): Promise<void> {
    return this.settled();
  }
}
