/** Runs whose latest hold expiry this process sent to the reaper's list less than this long ago are not sent again. */
const EXPIRY_NOTICE_MS = 60_000;

/** Per run, the latest hold expiry this process put on the reaper's list (`runs-with-holds`). */
export class ExpiryNotices {
  private readonly noticed = new Map<string, number>();

  constructor(private readonly maxRuns: number) {}

  /**
   * The expiry to put the run on the reaper's list with (ZADD GT, so the list only moves
   * forward), or null when this process sent one for the run at most a minute older: the
   * reaper forgets a run an hour after its listed expiry, so nothing is missed.
   */
  notice(runId: string, expiresAtMs: number): number | null {
    const noticed = this.noticed.get(runId);
    if (noticed !== undefined && expiresAtMs <= noticed + EXPIRY_NOTICE_MS) return null;
    if (this.noticed.size >= this.maxRuns) this.noticed.clear();
    this.noticed.set(runId, expiresAtMs);
    return expiresAtMs;
  }

  /** A notice whose call failed: sent again with the run's next hold (unless a later one replaced it). */
  withdraw(runId: string, notice: number | null): void {
    if (notice !== null && this.noticed.get(runId) === notice) this.noticed.delete(runId);
  }

  forget(runId: string): void {
    this.noticed.delete(runId);
  }
}
