// Shared by the benchmarks that use a Redis others use too: their keys live under a prefix of
// their own, deleted at the end (never FLUSHDB).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A key prefix no other run uses: `bench:<label>:<random>:`. */
export const uniqueKeyPrefix = (label: string): string => `bench:${label}:${randomBytes(4).toString('hex')}:`;

/** Deletes every key under `prefix`. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) {
    const batch = keys as string[];
    if (batch.length > 0) await redis.del(...batch);
  }
}
