// `npm run load -- <scenario> [options]`: starts the system (or loads a running one), runs the
// Locust scenario, waits until the saga has settled, checks docs/design.md §5 invariants 1-6
// against the stores and writes the report under .data/load/. Exits non-zero on a broken
// threshold (timings only outside --smoke), a failed check or a broken invariant.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkInvariants, readRunClassState, type RunClassState, type TicketsStore } from '@railgraph/invariants';
import { bookingTimeline, parseHistoryCsv, timelineSvg } from './chart.js';
import { readLoadEnv } from './env.js';
import { faultPlan, faultResults, injectFaults, type FaultResult } from './faults.js';
import { locustBinary, runLocust } from './locust.js';
import { startPrivateStores, type PrivateStores } from './private-stores.js';
import { parseLoadArgs, scenarioShape, USAGE, UsageError, type LocustScenario, type LoadOptions } from './options.js';
import {
  parseStatsCsv,
  readJson,
  writeReport,
  type LoadReport,
  type Outcomes,
  type ScenarioReport,
  type Threshold,
} from './report.js';
import { PENDING_BOUND_MS, startTarget, type LoadTarget } from './target.js';

const loadDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(loadDir, '..');
const locustfiles = path.join(loadDir, 'locustfiles');

/** A Locust run time (`90s`, `5m`, `1h`) in seconds. */
const seconds = (duration: string): number =>
  Number.parseInt(duration, 10) * ({ s: 1, m: 60, h: 3600 }[duration.slice(-1)] ?? 1);

/**
 * A faults run passes when every fault was done (replicas killed, stores restarted), every
 * error in a fault's window was a contract error (no internal error, no bare 500) and the
 * errors stopped within FAULT_RECOVERY_SECONDS of the kill, or of a restarted store answering
 * again; Locust's own failure count is expected to be non-zero.
 */
const FAULT_RECOVERY_SECONDS = 15;
const faultsPassed = (faults: readonly FaultResult[]): boolean =>
  faults.every(
    (f) => f.done && f.untyped === 0 && f.recoveredAfterSeconds <= (f.downSeconds ?? 0) + FAULT_RECOVERY_SECONDS,
  );

/** The smoke runs every scenario briefly, rush last (it sells a train out). */
const SMOKE_ORDER: LocustScenario[] = ['browse', 'book', 'soak', 'rush'];

async function runScenario(
  scenario: LocustScenario,
  options: LoadOptions,
  target: LoadTarget,
  out: string,
  stores: PrivateStores | undefined,
): Promise<ScenarioReport> {
  const shape = scenarioShape(scenario, options);
  const dir = path.join(out, scenario);
  await mkdir(dir, { recursive: true });
  console.log(`load: ${scenario}, ${shape.users} users for up to ${shape.duration} against ${target.host}`);
  const started = Date.now();
  const locust = runLocust(
    locustBinary(repoRoot),
    { scenario, host: target.host, ...shape, smoke: options.smoke, out: dir },
    locustfiles,
  );
  const plan = scenario === 'faults' ? faultPlan(seconds(shape.duration)) : [];
  const injected =
    target.dataDir && plan.length > 0 ? await injectFaults(target.dataDir, plan, stores, console.log) : [];
  const code = await locust;
  const outcomes = await readJson<Outcomes>(path.join(dir, 'outcomes.json'));
  await writeChart(scenario, dir, outcomes);
  const span =
    outcomes?.firstConfirmedAt && outcomes.lastConfirmedAt ? outcomes.lastConfirmedAt - outcomes.firstConfirmedAt : 0;
  const faults =
    scenario === 'faults'
      ? faultResults(injected, outcomes?.answers ?? [], started / 1000, Date.now() / 1000)
      : undefined;
  if (faults) await writeFile(path.join(dir, 'faults.json'), `${JSON.stringify(faults, null, 2)}\n`);
  return {
    ...(faults ? { faults } : {}),
    scenario,
    users: shape.users,
    duration: shape.duration,
    seconds: Math.round((Date.now() - started) / 1000),
    locustExitCode: code,
    operations: parseStatsCsv(await readFile(path.join(dir, 'stats_stats.csv'), 'utf8').catch(() => '')),
    thresholds: (await readJson<{ verdicts: Threshold[] }>(path.join(dir, 'thresholds.json')))?.verdicts ?? [],
    outcomes,
    rush: await readJson<unknown>(path.join(dir, 'rush.json')),
    confirmedPerSecond: outcomes && span > 0 ? (outcomes.confirmedBookings - 1) / span : undefined,
  };
}

/**
 * `timeline.svg`: confirmed bookings per second and bookJourney's latency over the run, from
 * each answer the scenario recorded; for a run without bookings, all requests from Locust's history.
 */
async function writeChart(scenario: LocustScenario, dir: string, outcomes: Outcomes | undefined): Promise<void> {
  const file = path.join(dir, 'timeline.svg');
  const bookings = (outcomes?.answers ?? [])
    .filter(([, , operation]) => operation === 'bookJourney')
    .map(([t, ms, , outcome]): [number, number, string] => [t, ms, outcome]);
  if (bookings.length > 1) {
    const points = bookingTimeline(bookings);
    await writeFile(file, timelineSvg(`${scenario}: bookJourney, ${bookings.length} answers`, points, 'confirmed/s'));
    return;
  }
  const history = await readFile(path.join(dir, 'stats_stats_history.csv'), 'utf8').catch(() => '');
  const points = parseHistoryCsv(history, 'Aggregated');
  if (points.length > 1) await writeFile(file, timelineSvg(`${scenario}: all requests`, points));
}

/** Inventory's seats for every run and class the load booked on (and, on real stores, any with bookings). */
async function readInventory(
  gatewayUrl: string,
  scenarios: ScenarioReport[],
  live: TicketsStore | undefined,
): Promise<RunClassState[]> {
  const pairs = new Set<string>();
  for (const s of scenarios) for (const rc of s.outcomes?.runClasses ?? []) pairs.add(`${rc.runId}\t${rc.seatClass}`);
  for (const b of live?.bookings ?? []) for (const leg of b.legs) pairs.add(`${leg.runId}\t${b.seatClass}`);
  const states: RunClassState[] = [];
  for (const pair of pairs) {
    const [runId, seatClass] = pair.split('\t') as [string, string];
    states.push(await readRunClassState(gatewayUrl, runId, seatClass));
  }
  return states;
}

async function main(): Promise<number> {
  let options: LoadOptions;
  try {
    options = parseLoadArgs(process.argv.slice(2), readLoadEnv());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const out = path.resolve(options.out ?? path.join(repoRoot, '.data', 'load', `${stamp}-${options.scenario}`));
  await mkdir(out, { recursive: true });
  locustBinary(repoRoot);

  // The faults run crashes and restarts its stores: servers of its own, not the shared ones.
  const stores = options.scenario === 'faults' ? await startPrivateStores() : undefined;
  if (stores) console.log(`load: the run's own PostgreSQL at ${stores.postgresUrl}, Redis at ${stores.redisUrl}`);
  let target: LoadTarget;
  try {
    target = await startTarget(
      stores ? { ...options, postgresUrl: stores.postgresUrl, redisUrl: stores.redisUrl } : options,
      `load_${stamp.toLowerCase()}`,
    );
  } catch (error) {
    await stores?.stop();
    throw error;
  }
  const scenarios: ScenarioReport[] = [];
  let report: LoadReport;
  try {
    for (const scenario of options.scenario === 'smoke' ? SMOKE_ORDER : [options.scenario]) {
      scenarios.push(await runScenario(scenario, options, target, out, stores));
    }
    let invariants;
    let invariantsSkipped: string | undefined;
    // An attempt a killed process left PENDING expires within the bound: wait a little past it.
    if (!(await target.settle(PENDING_BOUND_MS + 10_000))) {
      console.error('load: the saga did not settle within the bound (outbox rows or PENDING attempts left)');
    }
    const inventory = await readInventory(target.gatewayUrl, scenarios, await target.readStoreLive());
    const store = await target.stopAndReadStore();
    if (store) {
      invariants = checkInvariants({ store, inventory, pendingBoundMs: PENDING_BOUND_MS, now: new Date() });
    } else {
      invariantsSkipped = 'a running system was loaded without --tickets-database-url';
    }
    // Without a store to read (a running system, no database URL) the report says so; the run
    // is judged on its requests and checks alone.
    const ok =
      scenarios.every((s) => (s.faults ? faultsPassed(s.faults) : s.locustExitCode === 0)) &&
      (invariants ?? []).every((r) => r.ok);
    report = {
      command: `npm run load -- ${process.argv.slice(2).join(' ')}`,
      stores: options.gateway ? `the running system at ${options.gateway}` : options.stores,
      startedAt: startedAt.toISOString(),
      scenarios,
      invariants,
      invariantsSkipped,
      ok,
    };
  } finally {
    await target.close();
    await stores?.stop();
    await writeFile(path.join(out, 'system.log'), target.output());
  }
  await writeReport(out, report);
  for (const r of report.invariants ?? []) {
    console.log(`invariant ${r.invariant} ${r.ok ? 'ok    ' : 'BROKEN'} ${r.title}: ${r.checked}`);
    for (const v of r.violations) console.log(`  ${v}`);
  }
  console.log(
    `load: ${report.ok ? 'passed' : 'FAILED'}; report in ${path.relative(process.cwd(), out) || out}/report.md`,
  );
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
