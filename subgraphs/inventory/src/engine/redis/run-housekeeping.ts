import { byExpiry, type Hold } from '../engine.js';
import type { ClassCopies } from './class-copies.js';
import { text, type RedisConnection } from './connection.js';
import type { ExpiryNotices } from './expiry-notices.js';
import { decodeRecord } from './hold-records.js';
import { dayNumber, type RedisKeys } from './keys.js';

/** A run drops out of the reaper's list this long after its last hold expired, so no new hold can be missed. */
const FORGET_RUN_AFTER_MS = 3_600_000;

/**
 * What the reaper and the past-run dropper ask: expired holds over the runs on the reaper's
 * list (`runs-with-holds`, which forgets runs long without holds), and dropping runs whose
 * service day is past with their hold look-ups.
 */
export class RunHousekeeping {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly copies: ClassCopies,
    private readonly notices: ExpiryNotices,
  ) {}

  async expiredHolds(now: Date, limit: number): Promise<Hold[]> {
    const { connection } = this;
    const runsWithHoldsKey = this.keys.runsWithHolds;
    const listed = await connection.redis.zrange(runsWithHoldsKey, '0', '4999', 'WITHSCORES');
    const runs: Array<{ runId: string; score: string }> = [];
    for (let i = 0; i + 1 < listed.length; i += 2) runs.push({ runId: listed[i]!, score: listed[i + 1]! });
    const replies = await Promise.all(
      runs.map(({ runId }) => {
        const keys = this.keys.run(runId);
        return connection.evalScript('expired', [keys.expiry, keys.holds], [now.getTime(), limit]);
      }),
    );
    const holds: Hold[] = [];
    await Promise.all(
      runs.map(async ({ runId, score }, i) => {
        const reply = replies[i];
        if (!Array.isArray(reply)) return;
        for (let k = 1; k + 1 < reply.length; k += 2) {
          const stored = text(reply[k + 1]);
          if (stored !== '') holds.push(decodeRecord(runId, text(reply[k]), stored).hold);
        }
        const stillHeld = reply[0];
        if (Number(stillHeld) === 0 && Number(score) < now.getTime() - FORGET_RUN_AFTER_MS) {
          await connection.evalScript('forgetRun', [runsWithHoldsKey], [runId, score]);
        }
      }),
    );
    return holds.sort(byExpiry).slice(0, limit);
  }

  async dropRunsBefore(day: string, limit: number): Promise<string[]> {
    const { connection } = this;
    const { redis } = connection;
    const due = await redis.zrangebyscore(this.keys.runsByDay, '-inf', `(${dayNumber(day)}`, 'LIMIT', 0, limit);
    for (const runId of due) {
      const keys = this.keys.run(runId);
      const holdIds = await connection.evalScript(
        'dropRun',
        [keys.seats('STANDARD'), keys.seats('FIRST'), keys.holds, keys.expiry],
        [],
      );
      this.copies.forget(runId);
      this.notices.forget(runId);
      await Promise.all(
        (Array.isArray(holdIds) ? holdIds : []).map((holdId) =>
          connection.evalScript('forgetHoldIndex', [this.keys.holdIndex(text(holdId))], [runId]),
        ),
      );
      await Promise.all([redis.zrem(this.keys.runsWithHolds, runId), redis.zrem(this.keys.runsByDay, runId)]);
    }
    return due;
  }
}
