import type { SeatClass } from '../layout.js';

/**
 * The Redis engine's key names (docs/internals/seat-inventory.md, "Redis keys"), `P` the key
 * prefix:
 *
 * - `P{run:<id>}:seats:<class>` string: the class's header and seats (class-string.ts).
 * - `P{run:<id>}:holds` hash holdId → the hold: its status letter (H held, C confirmed,
 *   R released) then its JSON record (with its seat indexes; hold-records.ts);
 *   `P{run:<id>}:expiry` sorted set of held holdIds by expiry (ms).
 * - `Phold:<holdId>` string → run id: confirm and release come with a hold id only.
 * - `Pruns-with-holds` sorted set of run ids by their latest hold expiry: what the reaper visits.
 * - `Pruns-by-day` sorted set of run ids by service day (days since 1970-01-01 UTC), for
 *   dropping runs whose trains have run (`dropRunsBefore`).
 *
 * A run's keys share the hash tag `{run:<id>}`, so every script runs on one Cluster node.
 */
export interface RunKeys {
  seats: (seatClass: SeatClass) => string;
  holds: string;
  expiry: string;
}

export class RedisKeys {
  readonly runsWithHolds: string;
  readonly runsByDay: string;

  constructor(private readonly prefix: string) {
    this.runsWithHolds = `${prefix}runs-with-holds`;
    this.runsByDay = `${prefix}runs-by-day`;
  }

  run(runId: string): RunKeys {
    const tag = `${this.prefix}{run:${runId}}`;
    return {
      seats: (seatClass: SeatClass) => `${tag}:seats:${seatClass}`,
      holds: `${tag}:holds`,
      expiry: `${tag}:expiry`,
    };
  }

  /** The hold look-up: the run a hold id belongs to. */
  holdIndex(holdId: string): string {
    return `${this.prefix}hold:${holdId}`;
  }

  /** The KEYS of the release and releaseSeats scripts. */
  release(runId: string): string[] {
    const keys = this.run(runId);
    return [keys.holds, keys.expiry, keys.seats('STANDARD'), keys.seats('FIRST')];
  }
}

/** Days from 1970-01-01 to a `YYYY-MM-DD` day: a run's score in `runs-by-day`. */
export const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 86_400_000;
