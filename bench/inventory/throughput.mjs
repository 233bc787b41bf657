// Holds per second of the Redis engine against the raw EVALSHA ceiling of the same Redis,
// measured in the same run; in-process engine operations per second; Redis memory per run.
//   REDIS_URL=redis://127.0.0.1:6379 node bench/inventory/throughput.mjs [holds] [concurrency] [runs]
// Keys live under a unique prefix and are deleted at the end (no FLUSHDB).
import { randomBytes } from 'node:crypto';
import { Command, Redis } from 'ioredis';
import { createMemoryEngine } from '../../subgraphs/inventory/dist/engine/memory.js';
import { createRedisEngine } from '../../subgraphs/inventory/dist/engine/redis.js';
import { intercityRun, print, seededRandom } from './common.mjs';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const holdsPerRound = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 64);
const prefix = `bench:inv:${randomBytes(4).toString('hex')}:`;
const runCount = Number(process.argv[4] ?? 40);
const stops = 30;
const runs = Array.from({ length: runCount }, (_, i) => intercityRun(`IC${1000 + i}:2026-12-01`, stops));
const now = new Date('2026-12-01T06:00:00Z');

/** The same stream of hold requests for every engine: random run, journey, class and party. */
function requests(count, seed) {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const fromStop = Math.floor(random() * (stops - 1));
    const toStop = Math.min(stops - 1, fromStop + 1 + Math.floor(random() * 8));
    return {
      layout: runs[Math.floor(random() * runCount)],
      request: {
        holdId: `${seed}-${i}`,
        fromStop,
        toStop,
        seatClass: random() < 0.15 ? 'FIRST' : 'STANDARD',
        count: random() < 0.7 ? 1 : 2,
        ttlMs: 120_000,
        now,
      },
    };
  });
}

/** Runs `task(i)` for i < total with `concurrency` in flight; returns operations per second. */
async function drive(total, task) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await task(i);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return total / seconds;
}

async function rawEvalsha(redis, sha) {
  return drive(holdsPerRound, () => redis.evalsha(sha, 0));
}

async function rawEvalshaUnpipelined(redis, sha) {
  return drive(holdsPerRound, () => redis.sendCommand(new Command('EVALSHA', [sha, 0], { replyEncoding: null })));
}

async function engineHolds(engine, seed) {
  const stream = requests(holdsPerRound, seed);
  let soldOut = 0;
  const rate = await drive(holdsPerRound, async (i) => {
    const { layout, request } = stream[i];
    try {
      await engine.hold(layout, request);
    } catch (error) {
      if (error?.extensions?.code !== 'SOLD_OUT') throw error;
      soldOut++;
    }
  });
  return { rate, soldOut };
}

async function memoryUsageOfRun(admin, keyPrefix, runId, holdIds) {
  let cursor = '0';
  let bytes = 0;
  let keys = 0;
  do {
    const [nextCursor, found] = await admin.scan(cursor, 'MATCH', `${keyPrefix}{run:${runId}}*`, 'COUNT', 1000);
    cursor = nextCursor;
    for (const key of found) {
      bytes += (await admin.memory('USAGE', key, 'SAMPLES', '0')) ?? 0;
      keys++;
    }
  } while (cursor !== '0');
  let indexBytes = 0;
  for (const holdId of holdIds) indexBytes += (await admin.memory('USAGE', `${keyPrefix}hold:${holdId}`)) ?? 0;
  return { bytes, keys, indexBytes };
}

async function deleteKeys(admin) {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== '0');
}

const admin = new Redis(url);
const raw = new Redis(url, { enableAutoPipelining: true });
try {
  const sha = await raw.script('LOAD', 'return 1');
  const info = (await admin.info('server')).match(/redis_version:(\S+)/)?.[1];
  print(
    `Redis ${info} at ${url}; ${holdsPerRound} operations per round, ${concurrency} in flight over ${runCount} runs, one Node process`,
  );

  // Redis engine: rounds alternate with the raw ceiling, each on fresh runs (a new key prefix).
  const results = [];
  for (let round = 0; round < 3; round++) {
    const ceiling = await rawEvalsha(raw, sha);
    const unpipelined = await rawEvalshaUnpipelined(raw, sha);
    const engine = createRedisEngine({ url, keyPrefix: `${prefix}r${round}:` });
    await Promise.all(runs.map((layout) => engine.availability(layout, 0, layout.legCount)));
    const { rate, soldOut } = await engineHolds(engine, round + 1);
    await engine.close();
    results.push({ ceiling, unpipelined, rate, soldOut });
    print(
      `round ${round + 1}: raw EVALSHA ${ceiling.toFixed(0)}/s (auto-pipelined), ${unpipelined.toFixed(0)}/s (one command a write); ` +
        `Redis engine ${rate.toFixed(0)} holds/s (${soldOut} SOLD_OUT); ratio ${(rate / ceiling).toFixed(3)}`,
    );
  }
  const mean = (pick) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  const best = { rate: mean((r) => r.rate), ceiling: mean((r) => r.ceiling) };
  print(
    `mean over rounds: Redis engine ${best.rate.toFixed(0)} holds/s, raw EVALSHA ${best.ceiling.toFixed(0)}/s, ratio ${(best.rate / best.ceiling).toFixed(3)}`,
  );

  // In-process engine on the same request stream, one at a time (it is synchronous inside).
  const memory = createMemoryEngine();
  await Promise.all(runs.map((layout) => memory.availability(layout, 0, layout.legCount)));
  const stream = requests(holdsPerRound, 9);
  let started = process.hrtime.bigint();
  for (const { layout, request } of stream) {
    try {
      await memory.hold(layout, request);
    } catch (error) {
      if (error?.extensions?.code !== 'SOLD_OUT') throw error;
    }
  }
  const memoryHolds = holdsPerRound / (Number(process.hrtime.bigint() - started) / 1e9);
  started = process.hrtime.bigint();
  for (const { layout, request } of stream) await memory.availability(layout, request.fromStop, request.toStop);
  const memoryAvailability = holdsPerRound / (Number(process.hrtime.bigint() - started) / 1e9);
  print(
    `in-process engine: ${memoryHolds.toFixed(0)} holds/s, ${memoryAvailability.toFixed(0)} availability look-ups/s ` +
      `(${(memoryHolds / best.rate).toFixed(2)}x the Redis engine's mean holds/s)`,
  );

  // Memory per run: one 12-coach, 30-stop run, empty and then sold to about 80 %.
  const memPrefix = `${prefix}mem:`;
  const engine = createRedisEngine({ url, keyPrefix: memPrefix });
  const layout = intercityRun('IC2000:2026-12-01', stops);
  await engine.availability(layout, 0, layout.legCount);
  const empty = await memoryUsageOfRun(admin, memPrefix, layout.runId, []);
  const random = seededRandom(42);
  const held = [];
  for (let i = 0; held.length < 100_000; i++) {
    const fromStop = Math.floor(random() * (stops - 1));
    const toStop = Math.min(stops - 1, fromStop + 1 + Math.floor(random() * 8));
    try {
      const hold = await engine.hold(layout, {
        holdId: `m${i}`,
        fromStop,
        toStop,
        seatClass: random() < 0.12 ? 'FIRST' : 'STANDARD',
        count: random() < 0.7 ? 1 : 2,
        ttlMs: 120_000,
        now,
      });
      held.push(hold.holdId);
      if (held.length % 2 === 0) await engine.confirm(hold.holdId);
    } catch (error) {
      if (error?.extensions?.code !== 'SOLD_OUT') throw error;
    }
    const availability = await engine.availability(layout, 0, layout.legCount);
    const load = availability.reduce((sum, a) => sum + a.loadFactor * a.capacity, 0) / 816;
    if (load >= 0.8) break;
  }
  const sold = await memoryUsageOfRun(admin, memPrefix, layout.runId, held);
  await engine.close();
  print(
    `MEMORY USAGE per run (12 coaches, 816 seats, ${stops} stops): empty ${empty.bytes} B in ${empty.keys} keys; ` +
      `80 % sold with ${held.length} holds: ${sold.bytes} B in ${sold.keys} keys + ${sold.indexBytes} B of hold index ` +
      `(${((sold.bytes + sold.indexBytes) / held.length).toFixed(0)} B per hold)`,
  );
} finally {
  await deleteKeys(admin);
  admin.disconnect();
  raw.disconnect();
}
