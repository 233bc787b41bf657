// `npm run fuzz -- [--duration 30s] [--seed N] [--gateway-url URL]`: starts the system (or uses
// a running gateway), sends generated valid and invalid operations as an anonymous caller, a
// traveller and a partner at once, and fails on any HTTP 5xx, INTERNAL_SERVER_ERROR or error
// outside the contract (design §10), a process that died or restarted, a process whose RSS
// passed its bound, or a broken booking invariant (design §5). Writes .data/fuzz/<time>-<seed>/.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkInvariants, readRunClassState, type RunClassState } from '@railgraph/invariants';
import { readLoadEnv } from '../env.js';
import { PENDING_BOUND_MS } from '../target.js';
import { FUZZ_USAGE, FuzzUsageError, parseFuzzArgs, type FuzzOptions } from './options.js';
import { ProcessWatch } from './processes.js';
import { createPrng, randomSeed } from './prng.js';
import { reproduction, writeFuzzReport, type FuzzReport } from './report.js';
import { runFuzz } from './run.js';
import { readApiSchema } from './schema.js';
import { startFuzzTarget } from './target.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RSS_SAMPLE_MS = 2_000;

async function main(): Promise<number> {
  let options: FuzzOptions;
  try {
    options = parseFuzzArgs(process.argv.slice(2), readLoadEnv());
  } catch (error) {
    if (!(error instanceof FuzzUsageError)) throw error;
    console.error(`${error.message}\n\n${FUZZ_USAGE}`);
    return 2;
  }
  const seed = options.seed ?? randomSeed();
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const out = path.resolve(options.out ?? path.join(repoRoot, '.data', 'fuzz', `${stamp}-${seed}`));
  const command = `npm run fuzz -- ${[...process.argv.slice(2).filter((a, i, all) => a !== '--seed' && all[i - 1] !== '--seed'), '--seed', String(seed)].join(' ')}`;
  console.log(`fuzz: seed ${seed} (repeat with: ${command})`);
  const schema = await readApiSchema(path.join(repoRoot, 'gateway', 'supergraph.graphql'));
  const target = await startFuzzTarget(options, `fuzz_${stamp.toLowerCase()}`);
  let report: FuzzReport;
  try {
    const watch = target.dataDir ? new ProcessWatch(target.dataDir) : undefined;
    await watch?.start(RSS_SAMPLE_MS);
    let died = false;
    let stopping = false;
    const exited = target.exited?.then((code) => {
      if (stopping) return;
      died = true;
      console.error(`fuzz: the launcher exited (code ${code}) during the run`);
    });
    const tally = await runFuzz({
      gatewayUrl: target.gatewayUrl,
      schema,
      rng: createPrng(seed),
      seed,
      seconds: options.seconds,
      concurrency: options.concurrency,
      sessions: target.sessions,
      ...(exited ? { died: exited } : {}),
      log: (line) => console.log(line),
    });
    const processes = await watch?.stop();
    const processProblems = [...(watch?.problems ?? []), ...(died ? ['the launcher exited during the run'] : [])];
    let invariants;
    let invariantsSkipped: string | undefined;
    if (!died) {
      if (!(await target.settle(PENDING_BOUND_MS + 10_000)))
        console.error('fuzz: the outbox did not drain within the bound');
      // Every run class booked is read from inventory: those the run saw quotes of, and any other
      // the store holds (a quote can reach a booking in a shape the tally does not parse).
      const runClasses = new Set(tally.runClasses);
      for (const booking of (await target.readStore())?.bookings ?? [])
        for (const leg of booking.legs) runClasses.add(`${leg.runId}\t${booking.seatClass}`);
      const inventory: RunClassState[] = [];
      for (const pair of runClasses) {
        const [runId, seatClass] = pair.split('\t') as [string, string];
        inventory.push(await readRunClassState(target.gatewayUrl, runId, seatClass));
      }
      stopping = true;
      const store = await target.stopAndReadStore();
      if (store) invariants = checkInvariants({ store, inventory, pendingBoundMs: PENDING_BOUND_MS, now: new Date() });
      else invariantsSkipped = 'a running gateway: no store to read';
    } else invariantsSkipped = 'the system died during the run';
    const ok =
      tally.failures.length === 0 && processProblems.length === 0 && (invariants ?? []).every((r) => r.ok) && !died;
    report = {
      command,
      seed,
      target: options.gatewayUrl ?? `a started system (${options.stores} stores)`,
      startedAt: startedAt.toISOString(),
      seconds: options.seconds,
      tally,
      processes,
      processProblems,
      invariants,
      ...(invariantsSkipped ? { invariantsSkipped } : {}),
      ok,
    };
  } finally {
    await target.close();
  }
  await writeFuzzReport(out, report, target.gatewayUrl);
  // The system's warnings and errors (LOG_LEVEL warn), with the request ids the fuzzer set.
  await writeFile(path.join(out, 'system.log'), target.output());
  const t = report.tally;
  console.log(
    `fuzz: ${t.sent} requests (${Object.entries(t.byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}); ` +
      `HTTP 5xx ${t.http5xx}, INTERNAL_SERVER_ERROR ${t.internalErrors}, failures ${t.failures.length}`,
  );
  for (const [name, p] of Object.entries(report.processes ?? {})) {
    console.log(`fuzz: ${name} pid ${p.pid} RSS ${p.startRssMiB} → max ${p.maxRssMiB} MiB (bound ${p.limitMiB})`);
  }
  for (const problem of report.processProblems) console.log(`fuzz: PROCESS ${problem}`);
  for (const r of report.invariants ?? [])
    console.log(`invariant ${r.invariant} ${r.ok ? 'ok    ' : 'BROKEN'} ${r.title}: ${r.checked}`);
  for (const f of t.failures.slice(0, 5)) {
    console.log(
      `fuzz: failing case ${f.caseId} (seed ${seed}) as ${f.caller}: ${f.problem}\n  ${reproduction(f, target.gatewayUrl)}`,
    );
  }
  console.log(
    `fuzz: ${report.ok ? 'passed' : 'FAILED'} (seed ${seed}); report in ${path.relative(process.cwd(), out) || out}/summary.md`,
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
