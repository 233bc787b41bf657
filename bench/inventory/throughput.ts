// Holds per second of the Redis engine against the raw EVALSHA ceiling of the same Redis,
// measured in the same run (redis-benchmark, and a Node loop with the same client), with the
// CPU each side spends per hold; in-process engine operations per second; Redis memory per run.
//   REDIS_URL=redis://127.0.0.1:6379 node bench/dist/inventory/throughput.js [holds] [concurrency] [runs] [hot runs] [rounds]
// Keys live under a unique prefix and are deleted at the end (no FLUSHDB).
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import {
  createMemoryEngine,
  createRedisEngine,
  type HoldRequest,
  type InventoryEngine,
  type RunLayout,
} from '@railgraph/inventory/engine';
import { redisUrl } from '../lib/env.js';
import { deleteKeysUnder, uniqueKeyPrefix } from '../lib/redis.js';
import { intercityRun, isSoldOut, print, seededRandom } from './common.js';

const url = redisUrl();
const holdsPerRound = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 64);
const prefix = uniqueKeyPrefix('inv');
const runCount = Number(process.argv[4] ?? 40);
const hotRunCount = Number(process.argv[5] ?? 8);
const rounds = Number(process.argv[6] ?? 5);
const stops = 30;
const runs = Array.from({ length: runCount }, (_, i) => intercityRun(`IC${1000 + i}:2026-12-01`, stops));
const now = new Date('2026-12-01T06:00:00Z');

interface Planned {
  layout: RunLayout;
  request: HoldRequest;
}

/** What a measured task reports: operations per second, and for holds how many were SOLD_OUT. */
interface Outcome {
  rate: number;
  soldOut?: number;
}

/** An outcome with the CPU each side spent per operation. */
interface Measured extends Outcome {
  nodeUs: number;
  redisUs: number;
}

interface HoldsMeasured extends Measured {
  soldOut: number;
}

/** A journey of one to eight legs from a random stop (two draws of `random`). */
function randomJourney(random: () => number): { fromStop: number; toStop: number } {
  const fromStop = Math.floor(random() * (stops - 1));
  return { fromStop, toStop: Math.min(stops - 1, fromStop + 1 + Math.floor(random() * 8)) };
}

/** A hold on `journey`: FIRST with probability `firstShare`, else STANDARD; one seat (70 %) or two. */
function randomHold(
  random: () => number,
  holdId: string,
  journey: { fromStop: number; toStop: number },
  firstShare: number,
): HoldRequest {
  return {
    holdId,
    ...journey,
    seatClass: random() < firstShare ? 'FIRST' : 'STANDARD',
    count: random() < 0.7 ? 1 : 2,
    ttlMs: 120_000,
    now,
  };
}

/** The same stream of hold requests for every engine: random run (of the first `spread`), journey, class and party. */
function requests(count: number, seed: number, spread = runCount): Planned[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const journey = randomJourney(random);
    const layout = runs[Math.floor(random() * spread)]!;
    return { layout, request: randomHold(random, `${seed}-${i}`, journey, 0.15) };
  });
}

/** Runs `task(i)` for i < total with `concurrency` in flight; returns operations per second. */
async function drive(total: number, task: (i: number) => Promise<unknown>): Promise<number> {
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

async function rawEvalsha(redis: Redis, sha: string): Promise<number> {
  return drive(holdsPerRound, () => redis.evalsha(sha, 0));
}

async function engineHolds(
  engine: InventoryEngine,
  seed: number,
  spread: number,
): Promise<{ rate: number; soldOut: number }> {
  const stream = requests(holdsPerRound, seed, spread);
  let soldOut = 0;
  const rate = await drive(holdsPerRound, async (i) => {
    const { layout, request } = stream[i]!;
    try {
      await engine.hold(layout, request);
    } catch (error) {
      if (!isSoldOut(error)) throw error;
      soldOut++;
    }
  });
  return { rate, soldOut };
}

/** Redis's CPU seconds so far (user + system). */
async function redisCpu(): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string) => Number(info.match(new RegExp(`${name}:([\\d.]+)`))?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Runs `task` (which returns { rate, ... } or a rate) and adds the CPU per operation on each side. */
async function measured<T extends Outcome>(task: () => Promise<T>): Promise<T & Measured>;
async function measured(task: () => Promise<number>): Promise<Measured>;
async function measured(task: () => Promise<Outcome | number>): Promise<Measured> {
  const redisBefore = await redisCpu();
  const nodeBefore = process.cpuUsage();
  const result = await task();
  const node = process.cpuUsage(nodeBefore);
  const redis = (await redisCpu()) - redisBefore;
  const outcome = typeof result === 'number' ? { rate: result } : result;
  return {
    ...outcome,
    nodeUs: (node.user + node.system) / holdsPerRound,
    redisUs: (redis * 1e6) / holdsPerRound,
  };
}

const BENCHMARK_REQUESTS = 100_000;

/** `redis-benchmark` EVALSHA of the trivial script, 50 clients, one request at a time each (its defaults). */
function redisBenchmark(sha: string): number {
  const { hostname, port } = new URL(url);
  const out = execFileSync(
    'redis-benchmark',
    [
      '-h',
      hostname || '127.0.0.1',
      '-p',
      port || '6379',
      '-q',
      '-n',
      `${BENCHMARK_REQUESTS}`,
      '-c',
      '50',
      'EVALSHA',
      sha,
      '0',
    ],
    { encoding: 'utf8' },
  );
  const rate = Number(/([\d.]+) requests per second/.exec(out.split('\r').at(-1) ?? out)?.[1]);
  if (!Number.isFinite(rate)) throw new Error(`redis-benchmark said: ${out}`);
  return rate;
}

async function memoryUsageOfRun(
  admin: Redis,
  keyPrefix: string,
  runId: string,
  holdIds: readonly string[],
): Promise<{ bytes: number; keys: number; indexBytes: number }> {
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

interface Round {
  bench: number;
  ceiling: Measured;
  spread: HoldsMeasured;
  hot: HoldsMeasured;
}

const admin = new Redis(url);
const raw = new Redis(url, { enableAutoPipelining: true });
try {
  const sha = (await raw.script('LOAD', 'return 1')) as string;
  const info = (await admin.info('server')).match(/redis_version:(\S+)/)?.[1];
  print(
    `Redis ${info} at ${url}; ${holdsPerRound} operations per round, ${concurrency} in flight over ${runCount} runs, one Node process`,
  );

  // A warm-up round, not reported: a serving process has its code compiled and optimised.
  for (const [name, spread] of [
    ['w', runCount],
    ['x', hotRunCount],
  ] as const) {
    const warm = createRedisEngine({ url, keyPrefix: `${prefix}${name}:` });
    await engineHolds(warm, 100 + spread, spread);
    await warm.close();
  }

  // Each round: the ceilings, then the Redis engine on holds spread over every run and on
  // holds crowding a few runs (a rush on some trains), each on fresh keys. CPU per operation
  // is the Node process's own (process.cpuUsage) and Redis's (INFO used_cpu_*), per side.
  // The machine's speed drifts, so each round's engine figures are set against that round's
  // redis-benchmark (the mean of one run before and one after them), and the report gives
  // the median of those ratios.
  const results: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    const redisBefore = await redisCpu();
    const benchBefore = redisBenchmark(sha);
    const benchRedisUs = (((await redisCpu()) - redisBefore) * 1e6) / BENCHMARK_REQUESTS;
    const ceiling = await measured(() => rawEvalsha(raw, sha));
    // Each engine reads its runs first (outside the measurement), as a warm process would have.
    const spreadEngine = createRedisEngine({ url, keyPrefix: `${prefix}s${round}:` });
    await Promise.all(runs.map((layout) => spreadEngine.availability(layout, 0, layout.legCount)));
    const spread = await measured(() => engineHolds(spreadEngine, round + 1, runCount));
    await spreadEngine.close();
    const hotEngine = createRedisEngine({ url, keyPrefix: `${prefix}h${round}:` });
    await Promise.all(runs.slice(0, hotRunCount).map((layout) => hotEngine.availability(layout, 0, layout.legCount)));
    const hot = await measured(() => engineHolds(hotEngine, round + 11, hotRunCount));
    await hotEngine.close();
    const benchAfter = redisBenchmark(sha);
    const bench = (benchBefore + benchAfter) / 2;
    results.push({ bench, ceiling, spread, hot });
    print(
      `round ${round + 1}: redis-benchmark EVALSHA ${bench.toFixed(0)}/s (${benchBefore.toFixed(0)} before the engine runs, ${benchAfter.toFixed(0)} after; ` +
        `${benchRedisUs.toFixed(1)} us Redis CPU per call); Node raw EVALSHA ${ceiling.rate.toFixed(0)}/s ` +
        `(${ceiling.nodeUs.toFixed(1)} us Node + ${ceiling.redisUs.toFixed(1)} us Redis CPU per call)`,
    );
    for (const [name, r] of [
      [`spread over ${runCount} runs`, spread],
      [`crowding ${hotRunCount} runs`, hot],
    ] as const) {
      print(
        `  Redis engine, ${name}: ${r.rate.toFixed(0)} holds/s (${r.soldOut} SOLD_OUT), ` +
          `${r.nodeUs.toFixed(1)} us Node + ${r.redisUs.toFixed(1)} us Redis CPU per hold; ` +
          `/ redis-benchmark ${(r.rate / bench).toFixed(3)}, / Node raw ${(r.rate / ceiling.rate).toFixed(3)}`,
      );
    }
  }
  const mean = (pick: (r: Round) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  const median = (pick: (r: Round) => number) => {
    const sorted = results.map(pick).sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const bench = mean((r) => r.bench);
  const nodeRaw = mean((r) => r.ceiling.rate);
  const best = { rate: mean((r) => r.spread.rate) };
  const sides: ReadonlyArray<readonly [string, (r: Round) => HoldsMeasured]> = [
    ['spread', (r) => r.spread],
    ['crowded', (r) => r.hot],
  ];
  for (const [name, pick] of sides) {
    const rate = mean((r) => pick(r).rate);
    const redisUs = mean((r) => pick(r).redisUs);
    const ratios = results.map((r) => (pick(r).rate / r.bench).toFixed(3)).join(' / ');
    print(
      `${name}: median of the rounds' ratios to redis-benchmark ${median((r) => pick(r).rate / r.bench).toFixed(3)} (rounds ${ratios})`,
    );
    print(
      `  mean ${rate.toFixed(0)} holds/s = ${(rate / bench).toFixed(3)} of redis-benchmark's mean (${bench.toFixed(0)}/s), ` +
        `${(rate / nodeRaw).toFixed(3)} of Node raw (${nodeRaw.toFixed(0)}/s); Node CPU ${mean((r) => pick(r).nodeUs).toFixed(1)} us/hold, ` +
        `Redis CPU ${redisUs.toFixed(1)} us/hold (a Redis kept busy by more inventory processes would serve up to ` +
        `${(1e6 / redisUs).toFixed(0)} holds/s)`,
    );
  }

  // In-process engine on the same request stream, one at a time (it is synchronous inside).
  const memory = createMemoryEngine();
  await Promise.all(runs.map((layout) => memory.availability(layout, 0, layout.legCount)));
  const stream = requests(holdsPerRound, 9);
  let started = process.hrtime.bigint();
  for (const { layout, request } of stream) {
    try {
      await memory.hold(layout, request);
    } catch (error) {
      if (!isSoldOut(error)) throw error;
    }
  }
  const memoryHolds = holdsPerRound / (Number(process.hrtime.bigint() - started) / 1e9);
  started = process.hrtime.bigint();
  for (const { layout, request } of stream) await memory.availability(layout, request.fromStop, request.toStop);
  const memoryAvailability = holdsPerRound / (Number(process.hrtime.bigint() - started) / 1e9);
  print(
    `in-process engine: ${memoryHolds.toFixed(0)} holds/s, ${memoryAvailability.toFixed(0)} availability look-ups/s ` +
      `(${(memoryHolds / best.rate).toFixed(2)}x the Redis engine's mean holds/s spread over runs)`,
  );

  // Memory per run: one 12-coach, 30-stop run, empty and then sold to about 80 %.
  const memPrefix = `${prefix}mem:`;
  const engine = createRedisEngine({ url, keyPrefix: memPrefix });
  const layout = intercityRun('IC2000:2026-12-01', stops);
  await engine.availability(layout, 0, layout.legCount);
  const empty = await memoryUsageOfRun(admin, memPrefix, layout.runId, []);
  const random = seededRandom(42);
  const held: string[] = [];
  for (let i = 0; held.length < 100_000; i++) {
    const journey = randomJourney(random);
    try {
      const hold = await engine.hold(layout, randomHold(random, `m${i}`, journey, 0.12));
      held.push(hold.holdId);
      if (held.length % 2 === 0) await engine.confirm(hold.holdId);
    } catch (error) {
      if (!isSoldOut(error)) throw error;
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
  await deleteKeysUnder(admin, prefix);
  admin.disconnect();
  raw.disconnect();
}
