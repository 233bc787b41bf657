// Start-up time and memory of `npm start` (after `npm run build`).
//
//   node bench/dist/startup/run.js [--rounds 3]
//
// Starts the launcher the way `npm start` does, on free ports, three ways per round:
//   baseline  a bare `node -e ""` process, start to exit (what any process costs here)
//   cold      a fresh data folder: the embedded PostgreSQL cluster made, migrations, demo
//             network and fare rules seeded, keys made; then 1,000 confirmed bookings
//   warm      the same folder again: what a restart costs
// and reports the launcher's own "ready in" figure, the wall time to ready, both as a multiple
// of the baseline, and the memory of every process of the system (the embedded PostgreSQL
// server and all its processes included) after the bookings and after the warm start, against
// the issue "footprint"'s budgets: cold start at most 10 s, warm at most 5 s, and at most
// 600 MB for all processes together after a cold start and 1,000 bookings.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { passableTempDir } from '@railgraph/database/embedded';
import os from 'node:os';
import { freePortBlock, graphql, SYSTEM_TEST_RATE_LIMITS, type GraphQLResponse } from '@railgraph/launcher/system';
import { BOOK_JOURNEY, failureOf, signUpTraveller, standardQuotes, TEST_PAYMENT_METHOD } from '../lib/journeys.js';
import { memoryOf, processesOf } from '../lib/proc.js';
import { launchSystem, PORT_BLOCK, portVariables } from '../lib/system.js';
import { median } from '../lib/median.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;

/** The budgets. */
const BUDGET = { coldMs: 10_000, warmMs: 5_000, memoryMb: 600 };
const BOOKINGS = 1_000;
const IN_FLIGHT = 16;
/** How long the system is left alone before its memory is read: pools idle, garbage collected. */
const SETTLE_MS = 5_000;

/** The processes of one name (`postgres`: the server and every process it started) and their memory. */
interface ProcessMemory {
  name: string;
  count: number;
  rssKb: number;
  pssKb: number;
}

interface Bookings {
  confirmed: number;
  /** Failed attempts by error code (or HTTP status). */
  failed: Record<string, number>;
  journeys: number;
  seconds: number;
}

interface Start {
  readyIn: number;
  wallMs: number;
  memory: ProcessMemory[];
  bookings?: Bookings;
}

function baselineMs(): number {
  const started = performance.now();
  execFileSync(process.execPath, ['-e', '']);
  return performance.now() - started;
}

/** The memory of every process of the system started on this DATA_DIR, added up by name. */
async function systemMemory(dataDir: string): Promise<ProcessMemory[]> {
  const byName = new Map<string, ProcessMemory>();
  for (const { pid, name } of await processesOf(dataDir)) {
    const use = await memoryOf(pid);
    if (!use) continue; // the process ended meanwhile (a backend whose connection closed)
    const row = byName.get(name) ?? { name, count: 0, rssKb: 0, pssKb: 0 };
    row.count += 1;
    row.rssKb += use.rssKb;
    row.pssKb += use.pssKb;
    byName.set(name, row);
  }
  return [...byName.values()];
}

/**
 * `BOOKINGS` single-adult STANDARD bookings by one traveller through the gateway, `IN_FLIGHT` at
 * a time, spread round-robin over the journeys of several lines tomorrow so none sells out.
 */
async function book(gatewayUrl: string): Promise<Bookings> {
  const authorization = await signUpTraveller(gatewayUrl, `startup-${randomBytes(4).toString('hex')}@example.com`);
  const quotes = await standardQuotes(gatewayUrl, authorization);
  const result: Bookings = { confirmed: 0, failed: {}, journeys: quotes.length, seconds: 0 };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < BOOKINGS; i = next++) {
        const answer: GraphQLResponse<{ bookJourney: { status: string } | null }> = await graphql<{
          bookJourney: { status: string } | null;
        }>(
          gatewayUrl,
          BOOK_JOURNEY,
          {
            input: {
              quoteToken: quotes[i % quotes.length]!.token,
              passengers: [{ type: 'ADULT', name: 'Ada Lovelace' }],
              idempotencyKey: `startup-${i}-${randomBytes(4).toString('hex')}`,
              paymentMethod: TEST_PAYMENT_METHOD,
            },
          },
          { authorization },
        ).catch((error: unknown) => ({
          status: 0,
          errors: [{ message: String(error), extensions: { code: 'NETWORK' } }],
        }));
        if (answer.data?.bookJourney?.status === 'CONFIRMED') result.confirmed += 1;
        else {
          const why = failureOf(answer);
          result.failed[why] = (result.failed[why] ?? 0) + 1;
        }
      }
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  if (result.confirmed < BOOKINGS) {
    throw new Error(
      `only ${result.confirmed} of ${BOOKINGS} bookings confirmed; failures: ${JSON.stringify(result.failed)}`,
    );
  }
  return result;
}

async function startOnce(dataDir: string, withBookings: boolean): Promise<Start> {
  // The ports of `npm start`'s processes and the web app's, all free.
  const base = await freePortBlock(PORT_BLOCK + 1);
  const started = performance.now();
  const system = launchSystem({
    DATA_DIR: dataDir,
    ...portVariables(base),
    WEB_PORT: String(base + PORT_BLOCK),
    // One traveller makes all the bookings, from one address: far over the default per-minute limits.
    ...SYSTEM_TEST_RATE_LIMITS,
  });
  try {
    await system.ready;
    const wallMs = performance.now() - started;
    const readyIn = Number(/ready in ([\d.]+) s/.exec(system.output())?.[1]) * 1000;
    const bookings = withBookings ? await book(`http://127.0.0.1:${base}/graphql`) : undefined;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const memory = await systemMemory(dataDir);
    return { readyIn, wallMs, memory, ...(bookings ? { bookings } : {}) };
  } finally {
    await system.stop();
  }
}

const results: { baseline: number[]; cold: Start[]; warm: Start[] } = { baseline: [], cold: [], warm: [] };
for (let round = 0; round < rounds; round += 1) {
  const dataDir = await passableTempDir('railgraph-startup-');
  try {
    results.baseline.push(baselineMs());
    results.cold.push(await startOnce(dataDir, true));
    results.warm.push(await startOnce(dataDir, false));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const mb = (kb: number) => Math.round(kb / 1024);
const baseline = median(results.baseline);
const coldWall = median(results.cold.map((r) => r.wallMs));
const warmWall = median(results.warm.map((r) => r.wallMs));
const line = (label: string, runs: readonly Start[]) => {
  const ready = median(runs.map((r) => r.readyIn));
  const wall = median(runs.map((r) => r.wallMs));
  return `${label.padEnd(6)} ready in ${(ready / 1000).toFixed(1)} s (${(ready / baseline).toFixed(0)}× baseline), wall ${(wall / 1000).toFixed(1)} s`;
};
/** Prints one memory table (RSS and PSS per name, and totals); returns the totals in kB. */
const table = (title: string, memory: readonly ProcessMemory[]) => {
  console.log(`${title}:`);
  console.log(`  ${'process'.padEnd(26)} ${'RSS'.padStart(7)} ${'PSS'.padStart(7)}`);
  const total = { rssKb: 0, pssKb: 0, count: 0 };
  for (const { name, count, rssKb, pssKb } of memory) {
    total.rssKb += rssKb;
    total.pssKb += pssKb;
    total.count += count;
    const label = count > 1 ? `${name} (${count} processes)` : name;
    console.log(`  ${label.padEnd(26)} ${String(mb(rssKb)).padStart(4)} MB ${String(mb(pssKb)).padStart(4)} MB`);
  }
  const label = `total (${total.count} processes)`;
  console.log(
    `  ${label.padEnd(26)} ${String(mb(total.rssKb)).padStart(4)} MB ${String(mb(total.pssKb)).padStart(4)} MB`,
  );
  return total;
};

const lastCold = results.cold.at(-1)!;
const bookings = lastCold.bookings!;
console.log(`rounds: ${rounds}, cores: ${os.cpus().length}, load average: ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`baseline: bare node process ${baseline.toFixed(0)} ms`);
console.log(line('cold', results.cold));
console.log(line('warm', results.warm));
console.log(
  `bookings after the cold start: ${bookings.confirmed} confirmed, ` +
    `${Object.values(bookings.failed).reduce((a, b) => a + b, 0)} failed ${JSON.stringify(bookings.failed)}, ` +
    `in ${bookings.seconds.toFixed(1)} s (${(bookings.confirmed / bookings.seconds).toFixed(0)}/s, ` +
    `${IN_FLIGHT} in flight, over ${bookings.journeys} journeys)`,
);
// RSS counts a page shared by several processes (node's code, PostgreSQL's shared buffers) once
// for each of them; PSS divides it among them, so PSS adds up to what they use together.
const afterBookings = table(
  `memory ${SETTLE_MS / 1000} s after a cold start and ${BOOKINGS} bookings`,
  lastCold.memory,
);
table('memory after a warm start', results.warm.at(-1)!.memory);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
console.log(
  `budgets: cold start ≤ ${BUDGET.coldMs / 1000} s ${verdict(coldWall <= BUDGET.coldMs)} (wall ${(coldWall / 1000).toFixed(1)} s); ` +
    `warm ≤ ${BUDGET.warmMs / 1000} s ${verdict(warmWall <= BUDGET.warmMs)} (wall ${(warmWall / 1000).toFixed(1)} s); ` +
    `all processes ≤ ${BUDGET.memoryMb} MB after the bookings ${verdict(mb(afterBookings.pssKb) <= BUDGET.memoryMb)} ` +
    `(PSS ${mb(afterBookings.pssKb)} MB; RSS summed ${mb(afterBookings.rssKb)} MB)`,
);
