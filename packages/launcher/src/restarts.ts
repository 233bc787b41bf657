/**
 * When the launcher starts a crashed process again: at once the first time (after a second),
 * then waiting twice as long after each crash within the window, and never more than
 * `maxCrashes` times within it. A process that keeps crashing (a bad setting, a store that
 * refuses it) stops the system instead, with its log's last lines, rather than churning.
 */
export interface RestartPolicyOptions {
  /** Crashes of one process within `windowMs` after which the launcher gives up. */
  maxCrashes: number;
  windowMs: number;
  /** The wait before the first restart; doubled for each crash within the window. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  maxCrashes: 5,
  windowMs: 60_000,
  firstDelayMs: 1_000,
  maxDelayMs: 16_000,
};

export type RestartDecision =
  { restart: true; delayMs: number; crashesInWindow: number } | { restart: false; crashesInWindow: number };

export class RestartPolicy {
  private readonly crashes = new Map<string, number[]>();

  constructor(private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Records a crash of the process `name` at `now` (ms) and says whether and when to start it again. */
  crashed(name: string, now: number): RestartDecision {
    const recent = [...(this.crashes.get(name) ?? []), now].filter((t) => now - t < this.options.windowMs);
    this.crashes.set(name, recent);
    const crashesInWindow = recent.length;
    if (crashesInWindow > this.options.maxCrashes) return { restart: false, crashesInWindow };
    const delayMs = Math.min(this.options.firstDelayMs * 2 ** (crashesInWindow - 1), this.options.maxDelayMs);
    return { restart: true, delayMs, crashesInWindow };
  }
}
