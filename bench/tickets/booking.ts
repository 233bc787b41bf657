// Bookings per second, layer by layer, in one run on this machine:
//   1. `bookJourney` end to end through the gateway (all six processes as `npm start` runs them),
//   2. the same mutation sent to tickets directly (no gateway),
//   3. `holdSeats` sent to inventory directly with tickets' service token (no tickets),
//   4. holds (each followed by the release of an older one) on the inventory engine inside this process (in-process engine, and the
//      Redis engine when REDIS_URL is set), with no HTTP at all.
// Each HTTP phase runs `concurrency` requests in flight for `seconds`, and reports rate, p50/p99
// and each process's CPU share over the phase (from /proc/<pid>/stat), and CPU per booking.
// With tickets on PostgreSQL, pgbench's TPC-B-like run (8 clients, scale 8) on the same server
// comes first, in the same run: the end-to-end rate is reported as a ratio of its tps.
//
//   npm run build
//   node bench/dist/tickets/booking.js [seconds=20] [concurrency=32]
//   REDIS_URL=redis://127.0.0.1:6379 TICKETS_DATABASE_URL=postgresql://... node bench/dist/tickets/booking.js
// REDIS_URL and *_DATABASE_URL are handed to the system as `npm start` would take them; Redis
// keys live under a unique prefix and are deleted at the end.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createMemoryEngine, createRedisEngine, type InventoryEngine } from '@railgraph/inventory/engine';
import { graphql, startSystem, type GraphQLResponse, type RunningSystem } from '@railgraph/launcher/system';
import { postgresAdminUrl, redisUrlIfSet, ticketsOnPostgres } from '../lib/env.js';
import { pgbenchTps } from '../lib/pgbench.js';
import { cpuMsOf, processesOf } from '../lib/proc.js';
import { deleteKeysUnder, uniqueKeyPrefix } from '../lib/redis.js';
import { intercityRun, isSoldOut, print, seededRandom } from '../inventory/common.js';

const seconds = Number(process.argv[2] ?? 20);
const concurrency = Number(process.argv[3] ?? 32);
const redisUrl = redisUrlIfSet();
const redisPrefix = uniqueKeyPrefix('booking');

const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

/** Why an answer is not what a phase wanted: its first error's code, else its HTTP status. */
const failureOf = (answer: GraphQLResponse<unknown>): string =>
  answer.errors?.[0]?.extensions?.code ?? `HTTP ${answer.status}`;

/** Process ids by name: the system's processes, and this one as `bench`. */
type Pids = Record<string, number>;

async function cpuSnapshot(pids: Pids): Promise<Record<string, number>> {
  return Object.fromEntries(
    await Promise.all(Object.entries(pids).map(async ([name, pid]) => [name, await cpuMsOf(pid)] as const)),
  );
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface PhaseResult {
  name: string;
  /** Successful operations per second. */
  rate: number;
  p50: number;
  p99: number;
  outcomes: Record<string, number>;
  /** Each process's CPU over the phase, in % of one core, busiest first (those at 0.5 % or more). */
  cpu: Array<[string, number]>;
}

const cpuList = (cpu: PhaseResult['cpu']): string =>
  cpu.map(([name, share]) => `${name} ${share.toFixed(0)}`).join(', ');

/** Closed loop: `concurrency` workers call `task` until `seconds` pass; `task` answers 'ok' or why not. */
async function phase(name: string, pids: Pids, task: (i: number) => Promise<string>): Promise<PhaseResult> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const before = await cpuSnapshot(pids);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const i = n++;
        const t0 = performance.now();
        let outcome: string;
        try {
          outcome = await task(i);
        } catch (error) {
          outcome = `error ${error instanceof Error ? error.message : String(error)}`;
        }
        latencies.push(performance.now() - t0);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const after = await cpuSnapshot(pids);
  latencies.sort((a, b) => a - b);
  const cpu = Object.entries(after)
    .map(([proc, ms]): [string, number] => [proc, ((ms - (before[proc] ?? ms)) / 1000 / wall) * 100])
    .filter(([, share]) => share >= 0.5)
    .sort((a, b) => b[1] - a[1]);
  const result: PhaseResult = {
    name,
    rate: (outcomes['ok'] ?? 0) / wall,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    outcomes,
    cpu,
  };
  print(
    `${name}: ${result.rate.toFixed(1)}/s ok, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ` +
      `outcomes ${JSON.stringify(outcomes)}; CPU (% of one core) ${cpuList(cpu)}`,
  );
  return result;
}

async function loadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}

interface Journey {
  runId: string;
  fromStop: number;
  toStop: number;
  fares: Array<{ seatClass: string; quoteToken: string }>;
}

/** A journey found and a single-adult STANDARD quote for it. */
interface Quoted extends Journey {
  token: string;
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'railgraph-bench-booking-'));
let system: RunningSystem | undefined;

async function stop(): Promise<void> {
  if (system) {
    // Stops the launcher (which stops its processes), then leaves no process and no data folder behind.
    system.launcher.kill('SIGTERM');
    await system.exited;
    await system.cleanup();
  } else {
    await rm(dataDir, { recursive: true, force: true });
  }
  if (redisUrl) {
    const admin = new Redis(redisUrl);
    await deleteKeysUnder(admin, redisPrefix);
    admin.disconnect();
  }
}

try {
  // On free ports, with service-client secrets of its own (the inventory phase uses tickets').
  system = await startSystem({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', INVENTORY_REDIS_KEY_PREFIX: redisPrefix });
  const { ports, serviceSecrets: secrets, gatewayUrl } = system;
  const ticketsUrl = `http://127.0.0.1:${ports.tickets}/graphql`;
  const inventoryUrl = `http://127.0.0.1:${ports.inventory}/graphql`;
  const signUp = await graphql<{ signUp: { accessToken: string } }>(
    gatewayUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    { input: { email: 'bench@example.com', password: 'correct horse battery staple', name: 'Bench' } },
  );
  if (!signUp.data) throw new Error(`sign-up failed: ${JSON.stringify(signUp)}`);
  const authorization = `Bearer ${signUp.data.signUp.accessToken}`;

  // Single-adult STANDARD quotes over many runs and journeys, so no journey sells out.
  const quotes: Quoted[] = [];
  for (const [from, to] of [
    ['KGX', 'EDB'],
    ['KGX', 'YRK'],
    ['EUS', 'MAN'],
    ['PAD', 'CDF'],
    ['BMI', 'AMS'],
    ['DHG', 'AHM'],
  ]) {
    const found = await graphql<{ searchJourneys: Journey[] }>(
      gatewayUrl,
      'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 20) { runId fromStop toStop fares(passengers: [{ type: ADULT }]) { seatClass quoteToken } } }',
      { from, to, date: tomorrow },
      { authorization },
    );
    for (const journey of found.data?.searchJourneys ?? []) {
      const offer = journey.fares.find((f) => f.seatClass === 'STANDARD');
      if (offer) quotes.push({ ...journey, token: offer.quoteToken });
    }
  }
  if (quotes.length === 0) throw new Error('no STANDARD quote found on any of the lines');
  const pids: Pids = Object.fromEntries((await processesOf(dataDir)).map(({ name, pid }) => [name, pid]));
  pids['bench'] = process.pid;
  print(
    `Railgraph booking bench: ${seconds} s per phase, ${concurrency} in flight, ${quotes.length} journeys; ` +
      `inventory ${redisUrl ? 'Redis engine' : 'in-process engine'}, tickets ${ticketsOnPostgres() ? 'PostgreSQL' : 'PGlite'}; ` +
      `load average ${await loadAverage()}; node ${process.version}, ${os.cpus().length} cores`,
  );

  const quoteFor = (i: number): Quoted => quotes[i % quotes.length]!;
  const BOOK =
    'mutation($input: BookJourneyInput!) { bookJourney(input: $input) { id status tickets { coach seat } } }';
  const booking = (url: string) => async (i: number) => {
    const answer = await graphql<{ bookJourney: { status: string } | null }>(
      url,
      BOOK,
      {
        input: {
          quoteToken: quoteFor(i).token,
          passengers: [{ type: 'ADULT' }],
          idempotencyKey: `bench-${url.length}-${i}-${randomBytes(4).toString('hex')}`,
        },
      },
      { authorization },
    );
    return answer.data?.bookJourney?.status === 'CONFIRMED' ? 'ok' : failureOf(answer);
  };

  // Warm-up: JIT, JWKS caches, layouts of every run in inventory.
  await Promise.all(Array.from({ length: quotes.length }, (_, i) => booking(gatewayUrl)(i)));

  // The yardstick: the same PostgreSQL server's TPC-B-like throughput, just before.
  const tpcb = ticketsOnPostgres() ? await pgbenchTps(postgresAdminUrl(), seconds) : undefined;
  if (tpcb !== undefined) print(`pgbench TPC-B-like, 8 clients, scale 8: ${tpcb.toFixed(0)} tps`);

  const results: PhaseResult[] = [];
  results.push(await phase('gateway -> tickets -> inventory (bookJourney)', pids, booking(gatewayUrl)));
  results.push(await phase('tickets directly (bookJourney)', pids, booking(ticketsUrl)));

  // inventory directly: holdSeats with tickets' own service token, on the same journeys.
  const tokenAnswer = await fetch(`http://127.0.0.1:${ports.users}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`tickets:${secrets.tickets}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'inventory:internal' }).toString(),
  });
  const serviceToken = `Bearer ${((await tokenAnswer.json()) as { access_token: string }).access_token}`;
  const HOLD = 'mutation($input: HoldSeatsInput!) { holdSeats(input: $input) { holdId } }';
  results.push(
    await phase('inventory directly (holdSeats)', pids, async (i) => {
      const quote = quoteFor(i);
      const answer = await graphql<{ holdSeats: { holdId: string } | null }>(
        inventoryUrl,
        HOLD,
        {
          input: {
            holdId: `bench-hold-${i}-${randomBytes(4).toString('hex')}`,
            runId: quote.runId,
            fromStop: quote.fromStop,
            toStop: quote.toStop,
            seatClass: 'STANDARD',
            count: 1,
            ttlSeconds: 5,
          },
        },
        { authorization: serviceToken },
      );
      return answer.data?.holdSeats ? 'ok' : failureOf(answer);
    }),
  );

  // The engine alone, in this process: single-seat holds on 40 runs of a 30-stop intercity train.
  const runs = Array.from({ length: 40 }, (_, i) => intercityRun(`IC${1000 + i}:2026-12-01`, 30));
  const engineHolds = async (name: string, engine: InventoryEngine) => {
    await Promise.all(runs.map((layout) => engine.availability(layout, 0, layout.legCount)));
    const random = seededRandom(7);
    return phase(name, { bench: process.pid }, async (i) => {
      const fromStop = Math.floor(random() * 28);
      try {
        await engine.hold(runs[i % runs.length]!, {
          holdId: `engine-${i}`,
          fromStop,
          toStop: fromStop + 1 + Math.floor(random() * Math.min(8, 29 - fromStop - 1)),
          seatClass: 'STANDARD',
          count: 1,
          ttlMs: 120_000,
          now: new Date(),
        });
        // Keep about 4000 holds live, so the runs never sell out however long the phase.
        if (i >= 4000) await engine.release(`engine-${i - 4000}`).catch(() => undefined);
        return 'ok';
      } catch (error) {
        if (isSoldOut(error)) return 'SOLD_OUT';
        throw error;
      }
    });
  };
  results.push(await engineHolds('in-process engine (hold + release of an older hold)', createMemoryEngine()));
  if (redisUrl) {
    const engine = createRedisEngine({ url: redisUrl, keyPrefix: `${redisPrefix}engine:` });
    results.push(await engineHolds('Redis engine (hold + release of an older hold)', engine));
    await engine.close();
  }

  const e2e = results[0]!;
  print('');
  print(`load average at the end ${await loadAverage()}`);
  print('| layer | ok/s | × end to end | p50 ms | p99 ms |');
  print('| --- | --- | --- | --- | --- |');
  for (const r of results) {
    print(
      `| ${r.name} | ${r.rate.toFixed(1)} | ${(r.rate / e2e.rate).toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
    );
  }
  print('');
  print('| phase | CPU % of one core per process | CPU ms per ok answer per process |');
  print('| --- | --- | --- |');
  for (const r of results.slice(0, 3)) {
    const perAnswer = r.cpu.map(([name, share]) => `${name} ${((share * 10) / r.rate).toFixed(1)}`).join(', ');
    print(`| ${r.name} | ${cpuList(r.cpu)} | ${perAnswer} |`);
  }
  if (tpcb !== undefined) {
    print('');
    print(
      `end to end ${e2e.rate.toFixed(1)} confirmed bookings/s = ${(e2e.rate / tpcb).toFixed(3)} × pgbench TPC-B ${tpcb.toFixed(0)} tps`,
    );
  }
} finally {
  await stop();
}
