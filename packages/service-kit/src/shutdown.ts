import type { Logger } from './logger.js';

/**
 * Graceful shutdown on SIGTERM/SIGINT: run each step in order (stop the HTTP server and
 * drain it first, then close stores), then exit 0. A second signal, or a step hanging past
 * the deadline, exits 1.
 */
export function onShutdown(log: Logger, steps: Array<() => Promise<void>>, deadlineMs = 10_000): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown deadline passed, exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    try {
      for (const step of steps) await step();
      log.info('stopped cleanly');
      log.flush();
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
  // Started by the launcher with an IPC channel: when the launcher dies, however it dies,
  // the channel closes and this process stops too, so no orphan is left behind.
  if (process.connected) process.once('disconnect', () => void stop('SIGTERM'));
}

/** Entry-point wrapper: a start-up failure is logged and exits 1. */
export function runMain(log: Logger, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    log.fatal({ err: error }, 'failed to start');
    log.flush();
    process.exit(1);
  });
}
