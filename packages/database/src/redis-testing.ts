import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { realStoresRequired } from './testing.js';

/**
 * Real-Redis test helpers. Suites use their own key prefix; the ones that must flush use a
 * logical database they reserve for themselves (never database 0, which others share).
 */
export const redisTestUrl = (env: Record<string, string | undefined> = process.env): string =>
  env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Whether the real-Redis suites run: fails under REQUIRE_REAL_STORES=1 when Redis is unreachable. */
export async function redisForTests(url = redisTestUrl()): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    const message = `Redis is not reachable at ${url}`;
    if (realStoresRequired()) throw new Error(`${message} and REQUIRE_REAL_STORES=1: the real-store suites must run`);
    process.stderr.write(`${message}: skipping the real-Redis suites (set TEST_REDIS_URL to run them)\n`);
    return false;
  } finally {
    client.disconnect();
  }
}

export const uniquePrefix = (label: string) => `test:${label}:${randomBytes(4).toString('hex')}:`;

/** Deletes every key under a prefix. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export interface ReservedDatabase {
  url: string;
  index: number;
  release(): Promise<void>;
}

/**
 * A logical database this test may flush: an empty one from 15 down to 1, reserved by a
 * lock key in database 0 that expires on its own if the test dies.
 */
export async function reserveDatabase(url = redisTestUrl()): Promise<ReservedDatabase> {
  const admin = new Redis(url);
  const token = randomBytes(8).toString('hex');
  try {
    for (let index = 15; index >= 1; index--) {
      const lock = `test:redis-db-lock:${index}`;
      if ((await admin.set(lock, token, 'EX', 600, 'NX')) !== 'OK') continue;
      const probe = new Redis(`${url}/${index}`);
      const size = await probe.dbsize();
      probe.disconnect();
      if (size > 0) {
        await admin.del(lock);
        continue;
      }
      return {
        url: `${url}/${index}`,
        index,
        release: async () => {
          const client = new Redis(url);
          try {
            const flusher = new Redis(`${url}/${index}`);
            await flusher.flushdb();
            flusher.disconnect();
            if ((await client.get(lock)) === token) await client.del(lock);
          } finally {
            client.disconnect();
          }
        },
      };
    }
    throw new Error('no free logical Redis database (1-15) to reserve');
  } finally {
    admin.disconnect();
  }
}
