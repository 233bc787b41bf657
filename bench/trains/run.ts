// Trains benchmark: GTFS import throughput and journey-search latency at several network sizes.
//
//   npm run build && node bench/dist/trains/run.js --scales 1,10,100 [--queries 300] [--no-embedded]
//
// Per scale: generates a synthetic feed (generate-feed.ts), times the search in this
// process over the service's index, and imports the feed into a fresh database on an
// embedded PostgreSQL server (the one `npm start` runs, with its small-memory settings;
// started once for all scales) and into a fresh database on TEST_POSTGRES_URL's server
// (stop times per second). Then one trains subgraph per
// scale is started on its PostgreSQL timetable, all at once, and searchJourneys is timed
// one request at a time, round-robin over the scales, so every size sees the same machine
// noise. Last, the whole system (launcher) is started on the largest timetable and each
// search is sent to the subgraph and through the gateway in turn. Everything it creates
// is removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase, type DatabaseSettings } from '@railgraph/database';
import { passableTempDir, startEmbeddedPostgres, type EmbeddedPostgres } from '@railgraph/database/embedded';
import { freePortBlock } from '@railgraph/launcher/system';
import {
  DEFAULT_CONSIST_RULES,
  importGtfs,
  migrationsDir,
  NetworkIndex,
  parseConsistRules,
  parseGtfsFeed,
  Timetable,
  type GtfsFiles,
} from '@railgraph/trains/timetable';
import { childEnv, postgresAdminUrl } from '../lib/env.js';
import { repoRoot } from '../lib/paths.js';
import { cpuMsOf } from '../lib/proc.js';
import { launchSystem, portVariables } from '../lib/system.js';
import { generateFeed, writeFeed, type GeneratedFeed } from './generate-feed.js';

const { values } = parseArgs({
  options: {
    scales: { type: 'string', default: '1,10,100' },
    queries: { type: 'string', default: '300' },
    'no-embedded': { type: 'boolean', default: false },
    'base-port': { type: 'string', default: '47300' },
  },
});
const scales = values.scales.split(',').map(Number);
const queryCount = Number(values.queries);
const adminUrl = postgresAdminUrl();
const consists = parseConsistRules(DEFAULT_CONSIST_RULES);
const log = (line: string) => process.stderr.write(`${line}\n`);
const start = new Date().toISOString().slice(0, 10);
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

interface Sample {
  ms: number;
  found: number;
}

interface Summary {
  p50: number;
  p99: number;
  meanFound: number;
}

/** One scale's figures, reported in this order. */
interface Row {
  scale: number;
  stations: number;
  trains: number;
  stopTimesPerDay: number;
  loadAverageAtStart: string;
  indexBuildSeconds?: number;
  inProcess?: Summary;
  inProcessCpu?: Summary;
  embeddedImport?: { seconds: number; stopTimesPerSecond: number };
  postgresImport?: { seconds: number; stopTimesPerSecond: number };
  reimportUnchanged?: { outcome: string; seconds: number };
  /** Where its timetable is; removed before the report. */
  databaseUrl?: string;
  subgraph?: Summary & { cpuMsPerRequest?: number };
  systemStartSeconds?: number;
  gatewayComparison?: { subgraph: Summary; gateway: Summary };
  loadAverageAtEnd?: string;
}

interface Search {
  from: string;
  to: string;
  date: string;
}

/** The first Tuesday at least two days into the feed: every train runs, no calendar exception. */
function searchDate(): string {
  let date = addDays(start, 2);
  while (new Date(`${date}T00:00:00Z`).getUTCDay() !== 2) date = addDays(date, 1);
  return date;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function timedImport(settings: DatabaseSettings, feedDir: string) {
  const db = await openDatabase(settings);
  try {
    await db.migrate(migrationsDir);
    const report = await importGtfs(db.sql, feedDir, { consists });
    return { ...report, perSecond: Math.round(report.stopTimes / (report.milliseconds / 1000)) };
  } finally {
    await db.close();
  }
}

const SEARCH =
  'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 50) { runId departure arrival } }';

async function timeSearch(url: string, variables: Search): Promise<Sample> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: SEARCH, variables }),
  });
  const body = (await response.json()) as { data: { searchJourneys: unknown[] }; errors?: unknown };
  const ms = performance.now() - started;
  if (body.errors) throw new Error(`${url}: ${JSON.stringify(body.errors)}`);
  return { ms, found: body.data.searchJourneys.length };
}

function searches(feed: GeneratedFeed, count: number): Search[] {
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const date = searchDate();
  return Array.from({ length: count }, (_, n) => {
    if (n % 10 === 9) {
      // One in ten between two hubs, which many lines serve.
      const a = Math.floor(rand() * feed.hubCount);
      const b = (a + 1 + Math.floor(rand() * (feed.hubCount - 1))) % feed.hubCount;
      return { from: `S${a}`, to: `S${b}`, date };
    }
    const line = feed.lines[Math.floor(rand() * feed.lines.length)]!;
    const i = Math.floor(rand() * (line.length - 1));
    const j = i + 1 + Math.floor(rand() * (line.length - 1 - i));
    const [from, to] = rand() < 0.5 ? [line[i], line[j]] : [line[j], line[i]];
    return { from: `S${from}`, to: `S${to}`, date };
  });
}

function summary(samples: readonly Sample[]): Summary {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    p50: +percentile(sorted, 50).toFixed(3),
    p99: +percentile(sorted, 99).toFixed(3),
    meanFound: +(samples.reduce((sum, s) => sum + s.found, 0) / samples.length).toFixed(1),
  };
}

/** The embedded PostgreSQL server, in a scratch folder, with a database for each scale. */
async function startEmbedded(): Promise<{ server: EmbeddedPostgres; dir: string }> {
  const dir = await passableTempDir('trains-bench-embedded-');
  let output = '';
  try {
    const server = await startEmbeddedPostgres({
      dir: path.join(dir, 'postgres'),
      port: await freePortBlock(1),
      databases: scales.map(embeddedDatabase),
      log: (chunk) => (output = (output + chunk.toString()).slice(-4_000)),
    });
    return { server, dir };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${output}`, { cause: error });
  }
}

/** A scale's database on the embedded server. */
function embeddedDatabase(scale: number): string {
  return `trains_${scale}x`;
}

const results: Row[] = [];
const databases: string[] = [];
const feeds: GeneratedFeed[] = [];
const embedded = values['no-embedded'] ? undefined : await startEmbedded();
try {
  for (const scale of scales) {
    const scratch = await mkdtemp(path.join(tmpdir(), `trains-bench-${scale}x-`));
    const database = `rg_bench_trains_${scale}x_${process.pid}`;
    const feed = generateFeed(scale, start);
    const row: Row = {
      scale,
      stations: feed.stations,
      trains: feed.trains,
      stopTimesPerDay: feed.stopTimes,
      loadAverageAtStart: os.loadavg()[0]!.toFixed(1),
    };
    try {
      await writeFeed(feed, path.join(scratch, 'feed'));
      log(`${scale}x: ${feed.stations} stations, ${feed.trains} trains, ${feed.stopTimes} stop times a day`);
      {
        // The search itself, in this process, over the index the service builds: no HTTP, no GraphQL.
        const parsed = parseGtfsFeed(new Map(Object.entries(feed.files)) as GtfsFiles, { consists });
        const built = performance.now();
        const index = new NetworkIndex(parsed.timetable.stations, parsed.timetable.trains);
        row.indexBuildSeconds = +((performance.now() - built) / 1000).toFixed(2);
        const timetable = new Timetable(index);
        const plan = searches(feed, 1000 + 100);
        const samples = plan.map((variables, n) => {
          const cpu = process.cpuUsage();
          const started = performance.now();
          const found = timetable.searchJourneys({ ...variables, first: 50 }).length;
          const ms = performance.now() - started;
          const used = process.cpuUsage(cpu);
          return { ms, cpuMs: (used.user + used.system) / 1000, found, warmUp: n < 100 };
        });
        const measured = samples.filter((s) => !s.warmUp);
        // On a machine shared with other work the wall clock includes time the process was not
        // running at all; the CPU time it used is the search's own cost.
        row.inProcess = summary(measured);
        row.inProcessCpu = summary(measured.map((s) => ({ ms: s.cpuMs, found: s.found })));
        log(
          `  in-process search wall ${JSON.stringify(row.inProcess)} cpu ${JSON.stringify(row.inProcessCpu)}, index built in ${row.indexBuildSeconds} s`,
        );
      }
      if (embedded) {
        const url = embedded.server.url(embeddedDatabase(scale));
        const timed = await timedImport({ url }, path.join(scratch, 'feed'));
        row.embeddedImport = { seconds: timed.milliseconds / 1000, stopTimesPerSecond: timed.perSecond };
        log(`  embedded PostgreSQL import: ${timed.milliseconds} ms, ${timed.perSecond} stop times/s`);
      }
      await withAdmin((c) => c.query(`CREATE DATABASE "${database}"`));
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      const postgres = await timedImport({ url: url.toString() }, path.join(scratch, 'feed'));
      row.postgresImport = { seconds: postgres.milliseconds / 1000, stopTimesPerSecond: postgres.perSecond };
      log(`  PostgreSQL import: ${postgres.milliseconds} ms, ${postgres.perSecond} stop times/s`);
      const again = await timedImport({ url: url.toString() }, path.join(scratch, 'feed'));
      row.reimportUnchanged = { outcome: again.outcome, seconds: again.milliseconds / 1000 };

      row.databaseUrl = url.toString();
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    databases.push(database);
    feeds.push(feed);
    results.push(row);
  }
} finally {
  // Only the import is timed on it: the subgraphs below run on the PostgreSQL timetables.
  if (embedded) {
    await embedded.server.stop();
    await rm(embedded.dir, { recursive: true, force: true });
  }
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not ready in 240 s`);
}

const children: ChildProcess[] = [];
try {
  // One trains subgraph per scale, side by side, each as `npm start -w @railgraph/trains` runs it.
  const subgraphs = results.map((row, position) => {
    const port = Number(values['base-port']) + 20 + position;
    const child = spawn(process.execPath, [path.join(repoRoot, 'subgraphs/trains/dist/index.js')], {
      cwd: repoRoot,
      env: childEnv({ TRAINS_PORT: String(port), TRAINS_DATABASE_URL: row.databaseUrl!, LOG_LEVEL: 'warn' }),
      stdio: 'ignore',
    });
    children.push(child);
    return { row, pid: child.pid!, url: `http://127.0.0.1:${port}/graphql`, ready: `http://127.0.0.1:${port}/readyz` };
  });
  for (const subgraph of subgraphs) await until(async () => (await fetch(subgraph.ready)).ok, subgraph.url);
  log(`subgraphs ready; ${queryCount} searches per scale, round-robin`);
  const plans = feeds.map((feed) => searches(feed, queryCount + 30));
  const samples = subgraphs.map((): Sample[] => []);
  const cpuBefore: number[] = [];
  for (let round = 0; round < queryCount + 30; round += 1) {
    if (round === 30) for (const subgraph of subgraphs) cpuBefore.push(await cpuMsOf(subgraph.pid));
    for (const [k, subgraph] of subgraphs.entries()) {
      const sample = await timeSearch(subgraph.url, plans[k]![round]!);
      if (round >= 30) samples[k]!.push(sample);
    }
  }
  const cpuAfter = await Promise.all(subgraphs.map((subgraph) => cpuMsOf(subgraph.pid)));
  subgraphs.forEach((subgraph, k) => {
    const figures: Summary & { cpuMsPerRequest?: number } = summary(samples[k]!);
    subgraph.row.subgraph = figures;
    // The subgraph's own CPU per search request (HTTP, GraphQL, search), whatever the load.
    figures.cpuMsPerRequest = +((cpuAfter[k]! - cpuBefore[k]!) / queryCount).toFixed(2);
    log(`  ${subgraph.row.scale}x subgraph ${JSON.stringify(subgraph.row.subgraph)}`);
  });
  for (const child of children.splice(0)) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  // The gateway's share, on the largest timetable.
  const largest = results.at(-1)!;
  const base = Number(values['base-port']);
  // The other services' databases are on its embedded server.
  const scratch = await passableTempDir('trains-bench-system-');
  const system = launchSystem(
    { ...portVariables(base), DATA_DIR: scratch, TRAINS_DATABASE_URL: largest.databaseUrl!, LOG_LEVEL: 'warn' },
    240_000,
  );
  try {
    const launchedAt = performance.now();
    await system.ready;
    largest.systemStartSeconds = +((performance.now() - launchedAt) / 1000).toFixed(1);
    const plan = searches(feeds.at(-1)!, queryCount + 30);
    const direct: Sample[] = [];
    const gateway: Sample[] = [];
    for (const [round, variables] of plan.entries()) {
      const d = await timeSearch(`http://127.0.0.1:${base + 2}/graphql`, variables);
      const g = await timeSearch(`http://127.0.0.1:${base}/graphql`, variables);
      if (round >= 30) {
        direct.push(d);
        gateway.push(g);
      }
    }
    largest.gatewayComparison = { subgraph: summary(direct), gateway: summary(gateway) };
    log(`  ${largest.scale}x in the whole system: ${JSON.stringify(largest.gatewayComparison)}`);
  } finally {
    await system.stop();
    await rm(scratch, { recursive: true, force: true });
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  for (const database of databases) {
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).catch(() => undefined);
  }
}
for (const row of results) delete row.databaseUrl;
results.at(-1)!.loadAverageAtEnd = os.loadavg()[0]!.toFixed(1);
process.stdout.write(`${JSON.stringify({ start, queries: queryCount, results }, null, 2)}\n`);
