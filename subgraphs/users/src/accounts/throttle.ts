import type { Redis } from 'ioredis';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { SqlClient } from '@railgraph/database';

/**
 * Failed sign-ins are counted per account and per client address in a fixed window. Once
 * either count reaches its limit, sign-in for that account or from that address answers
 * RATE_LIMITED until the window ends, without checking the password. The counts live in the
 * users database, or in Redis when one is configured, so every instance sees the same ones.
 */
export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowSeconds: number;
}

export interface ThrottleStore {
  /** Seconds until the window of `key` ends if it holds at least `limit` failures; 0 otherwise. */
  blockedFor(key: string, limit: number, now: Date): Promise<number>;
  /** Counts a failure under `key`. */
  recordFailure(key: string, windowSeconds: number, now: Date): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface LoginThrottle {
  /** RATE_LIMITED (with `retryAfterSeconds`) when the account or the address is locked. */
  check(email: string, address: string | undefined, now: Date): Promise<void>;
  failed(email: string, address: string | undefined, now: Date): Promise<void>;
  succeeded(email: string): Promise<void>;
}

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;

export const rateLimited = (retryAfterSeconds: number) =>
  new DomainError(
    ErrorCode.RATE_LIMITED,
    `Too many failed sign-ins: try again in ${retryAfterSeconds} s or reset your password`,
    { retryAfterSeconds },
  );

export function createLoginThrottle(store: ThrottleStore, limits: ThrottleLimits): LoginThrottle {
  return {
    async check(email, address, now) {
      const waits = await Promise.all([
        store.blockedFor(accountKey(email), limits.perAccount, now),
        address ? store.blockedFor(addressKey(address), limits.perAddress, now) : 0,
      ]);
      const wait = Math.max(...waits);
      if (wait > 0) throw rateLimited(wait);
    },
    async failed(email, address, now) {
      await store.recordFailure(accountKey(email), limits.windowSeconds, now);
      if (address) await store.recordFailure(addressKey(address), limits.windowSeconds, now);
    },
    succeeded: (email) => store.clear(accountKey(email)),
  };
}

const secondsUntil = (end: Date, now: Date) => Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));

/** Counts in the `LoginThrottle` table; one upsert per failure, so concurrent instances add up. */
export function databaseThrottleStore(sql: SqlClient): ThrottleStore {
  return {
    async blockedFor(key, limit, now) {
      const [row] = await sql.query<{ failures: number; windowEndsAt: Date }>(
        'SELECT "failures", "windowEndsAt" FROM "LoginThrottle" WHERE "key" = $1',
        [key],
      );
      if (!row) return 0;
      const end = new Date(row.windowEndsAt);
      return row.failures >= limit && end > now ? secondsUntil(end, now) : 0;
    },
    async recordFailure(key, windowSeconds, now) {
      await sql.query(
        `INSERT INTO "LoginThrottle" ("key", "failures", "windowEndsAt") VALUES ($1, 1, $2)
         ON CONFLICT ("key") DO UPDATE SET
           "failures" = CASE WHEN "LoginThrottle"."windowEndsAt" <= $3 THEN 1 ELSE "LoginThrottle"."failures" + 1 END,
           "windowEndsAt" = CASE WHEN "LoginThrottle"."windowEndsAt" <= $3 THEN $2 ELSE "LoginThrottle"."windowEndsAt" END`,
        [key, new Date(now.getTime() + windowSeconds * 1000), now],
      );
    },
    async clear(key) {
      await sql.query('DELETE FROM "LoginThrottle" WHERE "key" = $1', [key]);
    },
  };
}

/**
 * Counts in Redis: INCR, with the window as the key's expiry set by the first failure.
 * Redis keeps its own time, so the service clock does not move these windows.
 */
export function redisThrottleStore(redis: Redis, prefix = 'railgraph:users:login:'): ThrottleStore {
  return {
    async blockedFor(key, limit) {
      const [[, failures], [, ttlMs]] = (await redis
        .multi()
        .get(prefix + key)
        .pttl(prefix + key)
        .exec()) as [[unknown, string | null], [unknown, number]];
      return Number(failures ?? 0) >= limit && ttlMs > 0 ? Math.ceil(ttlMs / 1000) : 0;
    },
    async recordFailure(key, windowSeconds) {
      // NX: only the first failure of a window sets its end.
      await redis
        .multi()
        .incr(prefix + key)
        .expire(prefix + key, windowSeconds, 'NX')
        .exec();
    },
    async clear(key) {
      await redis.del(prefix + key);
    },
  };
}
