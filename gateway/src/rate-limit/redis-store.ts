import type { Redis } from 'ioredis';
import type { WindowStore } from './window-store.js';

/**
 * One script, so the count and the window's end are set together: INCR, and on the first hit
 * PEXPIRE. Redis keeps the time, so every gateway replica sees the same window whatever its
 * own clock says. A key left without an expiry (it cannot happen through this script) is
 * given one rather than counting forever.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type RateRedis = Redis & { rateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  /** A command not answered within this is a failure (the caller then counts in process). */
  commandTimeoutMs?: number;
  onConnectionError?: (error: Error) => void;
}

/** Counters in Redis, shared by every gateway replica. */
export async function redisWindowStore(options: RedisStoreOptions): Promise<WindowStore> {
  // Loaded only when configured: the embedded default has no Redis and keeps its memory.
  const { Redis } = await import('ioredis');
  const redis = new Redis(options.url, {
    // Fail at once while Redis is away rather than queue: the caller counts in process meanwhile.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    // The hits of requests arriving together go to Redis in one write (and come back in one
    // read): at a rush every operation counts, and a round trip each costs both processes.
    enableAutoPipelining: true,
  }) as RateRedis;
  redis.on('error', (error: Error) => options.onConnectionError?.(error));
  redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });

  return {
    async hit(key, windowSeconds) {
      const [count, ttlMs] = await redis.rateLimitHit(options.keyPrefix + key, windowSeconds * 1000);
      return { count, resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
