/** Background work a service repeats until it stops: an outbox relay, a reaper, a sweeper. */
export interface RepeatingTask {
  start(): void;
  /** Stops scheduling and waits for a pass in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs`, one pass at a time: the next is scheduled only when the
 * previous one has finished, so a slow pass never overlaps itself. A pass that throws is
 * reported to `onError` and the schedule goes on.
 */
export function repeatEvery(
  intervalMs: number,
  pass: () => Promise<unknown>,
  onError: (error: unknown) => void,
): RepeatingTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  const schedule = () => {
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  const tick = () => {
    running = pass()
      .then(() => undefined)
      .catch(onError)
      .finally(() => {
        running = undefined;
        if (!stopped) schedule();
      });
  };
  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
