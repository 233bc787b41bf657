// Bookings per second, layer by layer, in one run on this machine:
//   1. `bookJourney` end to end through the gateway (the whole system as `npm start` runs it),
//   1b. the same for trips with a change of train (two legs held, sold and confirmed per booking),
//   2. the same mutation sent to tickets directly (no gateway),
//   3. `holdSeats` sent to inventory directly with tickets' service token (no tickets),
//   4. holds (each followed by the release of an older one) on the inventory engine inside this process (in-process engine, and the
//      Redis engine when REDIS_URL is set), with no HTTP at all.
// Each HTTP phase runs `concurrency` requests in flight for `seconds`, and reports rate, p50/p99
// and each process's CPU share over the phase (from /proc/<pid>/stat), and CPU per booking. A
// booking phase lasts until the last of its confirmation emails is out (none waits in tickets'
// database), so its rate and CPU are what the system sustains, emails included. First, a
// warm-up that is not counted: WARM_UP_SECONDS of bookings at the same concurrency on trains of
// another day, so that the phases measure the services as they run after their first minute
// (V8's optimised code, its young generation grown to its size), not their first seconds.
// Runs back to back: leave ~45 s between them. A run ends by deleting its data folder (some
// 20,000 email files), and on this machine's ext4 (no journal) making a file then passes over
// each inode deleted in the last ~30 s: the next run's emails cost tickets ~0.3 ms more CPU
// each, in the kernel (perf), and the rate ~10 % (bench/RESULTS.md).
// Tickets keeps its bookings on the embedded PostgreSQL server (as `npm start` runs it) unless
// TICKETS_DATABASE_URL is set. With tickets on that PostgreSQL, pgbench's TPC-B-like run (8
// clients, scale 8) on the same server comes first, in the same run: the end-to-end rate is
// reported as a ratio of its tps.
//
//   npm run build
//   node bench/dist/tickets/booking.js [seconds=20] [concurrency=32] [e2e: the end-to-end phase only]
//   REDIS_URL=redis://127.0.0.1:6379 TICKETS_DATABASE_URL=postgresql://... node bench/dist/tickets/booking.js
// REDIS_URL and *_DATABASE_URL are handed to the system as `npm start` would take them; Redis
// keys live under a unique prefix and are deleted at the end.
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { openDatabase, type DatabaseSettings } from '@railgraph/database';
import { passableTempDir } from '@railgraph/database/embedded';
import os from 'node:os';
import { Redis } from 'ioredis';
import { createMemoryEngine, createRedisEngine, type InventoryEngine } from '@railgraph/inventory/engine';
import { mailSettledWithin } from '@railgraph/invariants';
import { graphql, startSystem, type RunningSystem } from '@railgraph/launcher/system';
import { postgresAdminUrl, redisUrlIfSet, ticketsDatabaseUrlIfSet, ticketsDatabaseUrlSet } from '../lib/env.js';
import {
  BOOK_JOURNEY,
  failureOf,
  signUpTraveller,
  dayAfter,
  standardQuotes,
  TEST_PAYMENT_METHOD,
  tripQuotes,
  type Quoted,
} from '../lib/journeys.js';
import { pgbenchTps } from '../lib/pgbench.js';
import { cpuMsOf, parentOf, processesOf, treeCpuMsOf } from '../lib/proc.js';
import { deleteKeysUnder, uniqueKeyPrefix } from '../lib/redis.js';
import { intercityRun, isSoldOut, print, seededRandom } from '../inventory/common.js';
import { median } from '../lib/median.js';

const seconds = Number(process.argv[2] ?? 20);
const concurrency = Number(process.argv[3] ?? 32);
const endToEndOnly = process.argv[4] === 'e2e';
/** The uncounted warm-up's length: the first phase gained ~15 % once the services had run this long. */
const WARM_UP_SECONDS = 10;
const redisUrl = redisUrlIfSet();
const redisPrefix = uniqueKeyPrefix('booking');

/**
 * Process ids by name: the system's processes, and this one as `bench`. A name may have several
 * (`postgres`: the embedded server and its backends), whose CPU is added up.
 */
type Pids = Record<string, number[]>;

/**
 * Names measured as a whole process tree: the process, every live descendant and the
 * descendants that ended (a PostgreSQL server whose backends come and go with the pools).
 */
const POSTGRES_SERVER = 'postgres (server)';

/** CPU ms so far of each process, by pid (0 for one that has ended); a server with its whole tree. */
async function cpuSnapshot(pids: Pids): Promise<Map<number, number>> {
  const all = Object.entries(pids).flatMap(([name, members]) => members.map((pid) => ({ name, pid })));
  return new Map(
    await Promise.all(
      all.map(
        async ({ name, pid }) => [pid, name === POSTGRES_SERVER ? await treeCpuMsOf(pid) : await cpuMsOf(pid)] as const,
      ),
    ),
  );
}

/** CPU ms each name used between two snapshots; a process that ended meanwhile counts for nothing. */
function cpuUsed(pids: Pids, before: Map<number, number>, after: Map<number, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(pids).map(([name, members]) => [
      name,
      members.reduce((sum, pid) => {
        const [from, to] = [before.get(pid) ?? 0, after.get(pid) ?? 0];
        return to >= from ? sum + to - from : sum;
      }, 0),
    ]),
  );
}

/**
 * The stores' own processes on this machine, so their CPU per booking is counted too: the
 * PostgreSQL server of tickets' database (its postmaster and every process it runs, so it
 * counts whatever else that server serves meanwhile) and the Redis server. Only when they are
 * given by URL (a server of this machine); the embedded server's processes are already among
 * the system's.
 */
async function storeProcesses(): Promise<Pids> {
  const found: Pids = {};
  const databaseUrl = ticketsDatabaseUrlIfSet();
  if (databaseUrl) {
    const db = await openDatabase({ url: databaseUrl, poolSize: 1 });
    try {
      const [row] = await db.sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // A backend's parent is the postmaster.
      const postmaster = row ? await parentOf(row.pid) : undefined;
      if (postmaster) found[POSTGRES_SERVER] = [postmaster];
    } finally {
      await db.close();
    }
  }
  if (redisUrl) {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const info = await redis.info('server');
      const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
      if (Number.isInteger(pid)) found['redis'] = [pid];
    } finally {
      redis.disconnect();
    }
  }
  return found;
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

/**
 * Closed loop: `concurrency` workers call `task` until `seconds` pass; `task` answers 'ok' or
 * why not. `drained`, when given, waits for the work the answers left behind (a booking's
 * email), and the phase (its rate and CPU) lasts until it resolves.
 */
async function phase(
  name: string,
  pids: Pids,
  task: (i: number) => Promise<string>,
  duration = seconds,
  drained?: () => Promise<void>,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const before = await cpuSnapshot(pids);
  const started = performance.now();
  const deadline = started + duration * 1000;
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
  const loaded = performance.now();
  await drained?.();
  const drainSeconds = (performance.now() - loaded) / 1000;
  const wall = (performance.now() - started) / 1000;
  const used = cpuUsed(pids, before, await cpuSnapshot(pids));
  latencies.sort((a, b) => a - b);
  const cpu = Object.entries(used)
    .map(([proc, ms]): [string, number] => [proc, (ms / 1000 / wall) * 100])
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
      `outcomes ${JSON.stringify(outcomes)}${drained ? `, emails out ${drainSeconds.toFixed(1)} s after the last answer` : ''}; ` +
      `CPU (% of one core) ${cpuList(cpu)}`,
  );
  return result;
}

/** Longest a booking phase waits for its emails before the bench gives up on the system. */
const EMAILS_OUT_MAX_MS = 120_000;

/**
 * Resolves once no booking email waits in tickets' database, published or not (the invariants'
 * own reading); throws after EMAILS_OUT_MAX_MS.
 */
async function emailsOut(settings: DatabaseSettings): Promise<void> {
  const db = await openDatabase(settings);
  try {
    if (!(await mailSettledWithin(db.sql, EMAILS_OUT_MAX_MS, 100)))
      throw new Error(`booking emails still waiting after ${EMAILS_OUT_MAX_MS} ms`);
  } finally {
    await db.close();
  }
}

/** The yardstick's line: the end-to-end rate as a ratio of pgbench's TPC-B tps. */
const ratioToPgbench = (e2e: PhaseResult, tpcb: number): string =>
  `end to end ${e2e.rate.toFixed(1)} confirmed bookings/s = ${(e2e.rate / tpcb).toFixed(3)} × pgbench TPC-B ${tpcb.toFixed(0)} tps`;

async function loadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}

const dataDir = await passableTempDir('railgraph-bench-booking-');
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
  // Node's own memory settings, as a container runs the services: this bench measures throughput.
  system = await startSystem({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    INVENTORY_REDIS_KEY_PREFIX: redisPrefix,
    PROCESS_MEMORY: 'fast',
  });
  const { ports, serviceSecrets: secrets, gatewayUrl } = system;
  const ticketsUrl = `http://127.0.0.1:${ports.tickets}/graphql`;
  const inventoryUrl = `http://127.0.0.1:${ports.inventory}/graphql`;
  const authorization = await signUpTraveller(gatewayUrl, 'bench@example.com');

  // Single-adult STANDARD quotes over many runs and journeys, so no journey sells out.
  const quotes: Quoted[] = await standardQuotes(gatewayUrl, authorization);
  print(
    `Railgraph booking bench: ${seconds} s per phase, ${concurrency} in flight, ${quotes.length} journeys; ` +
      `inventory ${redisUrl ? 'Redis engine' : 'in-process engine'}, tickets ${ticketsDatabaseUrlSet() ? 'PostgreSQL (TICKETS_DATABASE_URL)' : 'the embedded PostgreSQL server'}; ` +
      `load average ${await loadAverage()}; node ${process.version}, ${os.cpus().length} cores`,
  );

  // The rounds comparing trips with direct journeys book on days of their own, so neither
  // sells out after the phases before them.
  const roundDays = [2, 3, 4].map(dayAfter);
  const roundJourneys = (
    await Promise.all(roundDays.slice(0, 2).map((day) => standardQuotes(gatewayUrl, authorization, day)))
  ).flat();
  const trips = (await Promise.all(roundDays.map((day) => tripQuotes(gatewayUrl, authorization, day)))).flat();
  const quoteFor = (i: number): Quoted => quotes[i % quotes.length]!;
  const booking =
    (url: string, tokenFor: (i: number) => string = (i) => quoteFor(i).token) =>
    async (i: number) => {
      const answer = await graphql<{ bookJourney: { status: string } | null }>(
        url,
        BOOK_JOURNEY,
        {
          input: {
            quoteToken: tokenFor(i),
            passengers: [{ type: 'ADULT', name: 'Ada Lovelace' }],
            idempotencyKey: `bench-${url.length}-${i}-${randomBytes(4).toString('hex')}`,
            paymentMethod: TEST_PAYMENT_METHOD,
          },
        },
        { authorization },
      );
      return answer.data?.bookJourney?.status === 'CONFIRMED' ? 'ok' : failureOf(answer);
    };

  // Warm-up: JIT, JWKS caches, layouts of every run in inventory (the rounds' runs too).
  await Promise.all(Array.from({ length: quotes.length }, (_, i) => booking(gatewayUrl)(i)));
  const roundJourney = (i: number) => roundJourneys[i % roundJourneys.length]!.token;
  const roundTrip = (i: number) => trips[i % trips.length]!;
  await Promise.all(Array.from({ length: roundJourneys.length }, (_, i) => booking(gatewayUrl, roundJourney)(i)));
  await Promise.all(Array.from({ length: trips.length }, (_, i) => booking(gatewayUrl, roundTrip)(i)));
  // Tickets' database, where each booking phase sees its emails go out; the warm-up's go first.
  const ticketsUrlSet = ticketsDatabaseUrlIfSet();
  const ticketsDatabase: DatabaseSettings = ticketsUrlSet
    ? { url: ticketsUrlSet }
    : { embedded: { dataDir, name: 'tickets' } };
  const emails = () => emailsOut(ticketsDatabase);
  await emails();
  // Listed after the warm-up, once the services' pools have opened their PostgreSQL connections.
  const pids: Pids = { bench: [process.pid] };
  for (const { name, pid } of await processesOf(dataDir)) pids[name] = [...(pids[name] ?? []), pid];
  Object.assign(pids, await storeProcesses());

  // The uncounted warm-up (see the top), on a day no phase books; its emails are out before pgbench.
  const warmUpJourneys = await standardQuotes(gatewayUrl, authorization, dayAfter(5));
  const warmUpJourney = (i: number) => warmUpJourneys[i % warmUpJourneys.length]!.token;
  await phase('warm-up (not counted)', pids, booking(gatewayUrl, warmUpJourney), WARM_UP_SECONDS, emails);

  // The yardstick: the same PostgreSQL server's TPC-B-like throughput, just before.
  const tpcb = ticketsDatabaseUrlSet() ? await pgbenchTps(postgresAdminUrl(), seconds) : undefined;
  if (tpcb !== undefined) print(`pgbench TPC-B-like, 8 clients, scale 8: ${tpcb.toFixed(0)} tps`);

  const results: PhaseResult[] = [];
  results.push(
    await phase('gateway -> tickets -> inventory (bookJourney)', pids, booking(gatewayUrl), seconds, emails),
  );
  // `e2e`: the end-to-end phase alone, the yardstick's ratio, and nothing after it.
  if (endToEndOnly) {
    const e2e = results[0]!;
    if (tpcb !== undefined) print(ratioToPgbench(e2e, tpcb));
  } else {
    results.push(await phase('tickets directly (bookJourney)', pids, booking(ticketsUrl), seconds, emails));

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
      return phase(name, { bench: [process.pid] }, async (i) => {
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

    // Trips with a change beside direct journeys, end to end, alternating in three rounds (the
    // machine drifts within minutes): the median of the per-round ratios.
    const roundSeconds = Math.max(5, Math.round(seconds / 3));
    const rounds: Array<{ direct: PhaseResult; trip: PhaseResult }> = [];
    for (let round = 1; round <= 3; round += 1) {
      const direct = () =>
        phase(`round ${round}: direct journeys`, pids, booking(gatewayUrl, roundJourney), roundSeconds, emails);
      const trip = () =>
        phase(`round ${round}: trips with a change`, pids, booking(gatewayUrl, roundTrip), roundSeconds, emails);
      if (round % 2 === 1) {
        const d = await direct();
        rounds.push({ direct: d, trip: await trip() });
      } else {
        const t = await trip();
        rounds.push({ direct: await direct(), trip: t });
      }
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
    print('');
    // The system's processes only: the bench's own share is the load it generates.
    const cpuPerBooking = (r: PhaseResult) =>
      r.cpu.filter(([name]) => name !== 'bench').reduce((sum, [, share]) => sum + (share * 10) / r.rate, 0);
    print('| round | direct ok/s | trip ok/s | trip ÷ direct | CPU ms per booking, direct | trip | trip ÷ direct |');
    print('| --- | --- | --- | --- | --- | --- | --- |');
    rounds.forEach(({ direct, trip }, i) =>
      print(
        `| ${i + 1} | ${direct.rate.toFixed(1)} | ${trip.rate.toFixed(1)} | ${(trip.rate / direct.rate).toFixed(2)} | ` +
          `${cpuPerBooking(direct).toFixed(1)} | ${cpuPerBooking(trip).toFixed(1)} | ${(cpuPerBooking(trip) / cpuPerBooking(direct)).toFixed(2)} |`,
      ),
    );
    print(
      `trips with a change (two legs) ÷ direct journeys, median of ${rounds.length} rounds: ` +
        `${median(rounds.map((r) => r.trip.rate / r.direct.rate)).toFixed(2)} × the bookings/s, ` +
        `${median(rounds.map((r) => cpuPerBooking(r.trip) / cpuPerBooking(r.direct))).toFixed(2)} × the CPU per booking`,
    );
    if (tpcb !== undefined) {
      print('');
      print(ratioToPgbench(e2e, tpcb));
    }
  }
} finally {
  await stop();
}
