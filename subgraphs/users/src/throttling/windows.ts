import type { Redis } from 'ioredis';
import type { SqlClient } from '@railgraph/database';

/**
 * Fixed-window counters shared by every users instance: the sign-in throttle, the sign-up and
 * token-endpoint limits (design §7, §11). In the users database (the `LoginThrottle` table,
 * whose `failures` column is the window's count whatever is counted), or in Redis when one
 * is configured. Each `take` is one atomic statement, so concurrent attempts never both see
 * room for one.
 */
export interface WindowTake {
  /** Attempts counted in the window, this one included. */
  count: number;
  /** When the window ends: identifies it for `giveBack`. */
  windowEndsAt: Date;
  /** Whole seconds from now until the window ends (at least 1). */
  retryAfterSeconds: number;
}

export interface WindowCounters {
  /** Counts one attempt under `key`, starting a window of `windowSeconds` when none is open. */
  take(key: string, windowSeconds: number, now: Date): Promise<WindowTake>;
  /** Gives back one attempt taken in the window `taken` belongs to; nothing once it ended. */
  giveBack(key: string, taken: WindowTake): Promise<void>;
  clear(key: string): Promise<void>;
  /** Deletes the windows that have ended; how many (0 where the store expires them itself). */
  purge(now: Date): Promise<number>;
}

export const secondsUntil = (end: Date, now: Date) => Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));

/** Counts in the `LoginThrottle` table: an upsert that returns the new count. */
export function databaseWindowCounters(sql: SqlClient): WindowCounters {
  return {
    async take(key, windowSeconds, now) {
      const [row] = await sql.query<{ failures: number; windowEndsAt: Date }>(
        `INSERT INTO "LoginThrottle" ("key", "failures", "windowEndsAt") VALUES ($1, 1, $2)
         ON CONFLICT ("key") DO UPDATE SET
           "failures" = CASE WHEN "LoginThrottle"."windowEndsAt" <= $3 THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
           "windowEndsAt" = CASE WHEN "LoginThrottle"."windowEndsAt" <= $3 THEN $2 ELSE "LoginThrottle"."windowEndsAt" END
         RETURNING "failures", "windowEndsAt"`,
        [key, new Date(now.getTime() + windowSeconds * 1000), now],
      );
      const windowEndsAt = new Date(row!.windowEndsAt);
      return { count: Number(row!.failures), windowEndsAt, retryAfterSeconds: secondsUntil(windowEndsAt, now) };
    },
    async giveBack(key, taken) {
      await sql.query(
        `UPDATE "LoginThrottle" SET "failures" = "failures" - 1
         WHERE "key" = $1 AND "windowEndsAt" = $2 AND "failures" > 0`,
        [key, taken.windowEndsAt],
      );
    },
    async clear(key) {
      await sql.query('DELETE FROM "LoginThrottle" WHERE "key" = $1', [key]);
    },
    async purge(now) {
      const deleted = await sql.query<{ key: string }>(
        'DELETE FROM "LoginThrottle" WHERE "windowEndsAt" <= $1 RETURNING "key"',
        [now],
      );
      return deleted.length;
    },
  };
}

/**
 * Counts in Redis: INCR, with the window as the key's expiry set by the first attempt (NX),
 * in one transaction. Redis keeps its own time and removes ended windows itself.
 */
export function redisWindowCounters(redis: Redis, prefix = 'railgraph:users:login:'): WindowCounters {
  return {
    async take(key, windowSeconds, now) {
      const [[, count], , [, ttlMs]] = (await redis
        .multi()
        .incr(prefix + key)
        .expire(prefix + key, windowSeconds, 'NX')
        .pttl(prefix + key)
        .exec()) as [[unknown, number], [unknown, number], [unknown, number]];
      const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
      return { count, windowEndsAt: new Date(now.getTime() + ttlMs), retryAfterSeconds };
    },
    async giveBack(key) {
      // Only while the window lasts (the key exists) and has something to give back.
      await redis.eval(
        "if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end return 0",
        1,
        prefix + key,
      );
    },
    async clear(key) {
      await redis.del(prefix + key);
    },
    purge: async () => 0,
  };
}
