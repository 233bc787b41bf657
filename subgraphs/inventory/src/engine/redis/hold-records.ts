import type { Hold, HoldStatus } from '../engine.js';
import type { HoldRecord } from '../hold-plan.js';
import type { SeatClass } from '../layout.js';
import type { RedisConnection } from './connection.js';
import type { RedisKeys } from './keys.js';

/**
 * A hold as stored in `holds`, after its status letter: short keys, since a sold run keeps
 * thousands, and no hold id (it is the hash field). `c` class, `f`/`t` stops, `i` seat
 * indexes, `s` [coach, label] pairs, `a`/`e` created/expires (ms), `p` request fingerprint,
 * `r` seat ids `releaseSeats` returned (absent when none). The Lua scripts read `c`, `f`,
 * `t` and `i`; `releaseSeats` rewrites `i`, `s` and `r`. The hold script writes a new one
 * with HSETNX (so a hold id is taken once); the hold look-ups (`Phold:<holdId>`, keys.ts)
 * are read and written with one MGET and one MSET per combined call.
 */
interface StoredHold {
  c: SeatClass;
  f: number;
  t: number;
  i: number[];
  s: Array<[number, string]>;
  a: number;
  e: number;
  p: string;
  r?: string[];
}

/** A stored hold: its record and the hold with its current status. */
export interface StoredRecord {
  record: HoldRecord;
  hold: Hold;
}

const STATUS_LETTERS: Record<HoldStatus, string> = { HELD: 'H', CONFIRMED: 'C', RELEASED: 'R' };
const STATUSES: Record<string, HoldStatus> = { H: 'HELD', C: 'CONFIRMED', R: 'RELEASED' };

/** The status letter and the JSON of `StoredHold`, written out directly (one string per hold made). */
export function encodeRecord(record: HoldRecord, status: HoldStatus): string {
  const { hold } = record;
  const seats = hold.seats.map((seat) => `[${seat.coach},${JSON.stringify(seat.label)}]`).join(',');
  const released = record.releasedSeats.length > 0 ? `,"r":${JSON.stringify(record.releasedSeats)}` : '';
  return (
    `${STATUS_LETTERS[status]}{"c":"${hold.seatClass}","f":${hold.fromStop},"t":${hold.toStop},` +
    `"i":[${record.seatIndexes.join(',')}],"s":[${seats}],"a":${hold.createdAt.getTime()},` +
    `"e":${hold.expiresAt.getTime()},"p":${JSON.stringify(record.fingerprint)}${released}}`
  );
}

/** Reads a hold's stored string (status letter and JSON): its record and the hold with its current status. */
export function decodeRecord(runId: string, holdId: string, value: string): StoredRecord {
  const status = STATUSES[value.charAt(0)];
  if (!status) throw new Error(`hold ${holdId} of run ${runId} is stored in an unknown form`);
  const stored = JSON.parse(value.slice(1)) as StoredHold;
  const record: HoldRecord = {
    hold: {
      holdId,
      runId,
      fromStop: stored.f,
      toStop: stored.t,
      seatClass: stored.c,
      status: 'HELD',
      seats: stored.s.map(([coach, label]) => ({ coach, label, seatClass: stored.c })),
      createdAt: new Date(stored.a),
      expiresAt: new Date(stored.e),
    },
    seatIndexes: stored.i,
    fingerprint: stored.p,
    releasedSeats: Array.isArray(stored.r) ? stored.r : [],
  };
  return { record, hold: { ...record.hold, status } };
}

/** Reads of stored holds: the run a hold id belongs to, and a run's stored hold. */
export class HoldLookups {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: RedisKeys,
  ) {}

  async runOf(holdId: string): Promise<string | null> {
    return this.connection.send('GET', [this.keys.holdIndex(holdId)]) as Promise<string | null>;
  }

  /** A hold of a run as stored: its record and the hold with its status; null when the run has none of that id. */
  async stored(runId: string, holdId: string): Promise<StoredRecord | null> {
    const stored = await this.connection.send('HGET', [this.keys.run(runId).holds, holdId]);
    return typeof stored === 'string' ? decodeRecord(runId, holdId, stored) : null;
  }
}
