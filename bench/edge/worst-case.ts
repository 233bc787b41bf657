// Edge benchmark (design §11): a small query's latency with the system idle, then while
// `workers` worst-case requests run against it continuously, in one run on this machine.
//
//   npm run build && node bench/dist/edge/worst-case.js [--seconds 30] [--workers 4]
//
// It starts the whole system as `npm start` does (launcher, fresh data folder and ports), finds
// the station pair with the most journeys tomorrow, and runs three phases of `seconds` each:
//   idle       the small query `{ station(code: …) { name } }`, one request at a time;
//   attack     the same, while `workers` clients each send, back to back, a body just under the
//              1 MB limit made of aliased `searchJourneys(first: 50) { … fares(9 passengers) }`;
//   expensive  the same, while they send the most expensive operation the gateway still
//              accepts: the most aliases (of 100, 50, 20, 10, 5, 2, 1) of `searchJourneys(first:
//              50)` with every journey field, stops, availability and fares for 9 passengers
//              that is not refused before execution.
// The worst-case clients run in a process of their own (load-worker.ts), the probe in this one.
// Per phase: the small query's p50/p99 and their ratio to idle, its outcomes (and, sent in turn
// with it, the same query to trains directly: where the wait is), the worst-case
// requests' outcomes and latency, and each process's RSS before, at peak (sampled every
// 500 ms) and after. Last, the cost of the response bound's extra serialization: the time to
// JSON.stringify the largest accepted answer's data, in this process.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { graphql, startSystem, type RunningSystem } from '@railgraph/launcher/system';
import { processesOf } from '../lib/proc.js';
import { send, type Outcome } from './send.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    workers: { type: 'string', default: '4' },
  },
});
const seconds = Number(values.seconds);
const workers = Number(values.workers);
const log = (line: string) => process.stderr.write(`${line}\n`);
const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const count = (outcomes: ReadonlyArray<Pick<Outcome, 'outcome'>>): Record<string, number> =>
  outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.outcome]: (acc[o.outcome] ?? 0) + 1 }), {});

/** Resident set size of each process of the system, in MB, by name. */
async function memory(dataDir: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const { pid, name } of await processesOf(dataDir)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    let key = name;
    for (let n = 2; key in result; n += 1) key = `${name}#${n}`;
    result[key] = Math.round(kb / 1024);
  }
  return result;
}

const workerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'load-worker.js');

/** Runs `workers` clients sending `body` back to back for `seconds`, in a process of their own. */
async function runWorkers(
  url: string,
  body: string,
  forSeconds: number,
): Promise<Array<Pick<Outcome, 'ms' | 'outcome'>>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'edge-bench-'));
  const bodyFile = path.join(dir, 'body.json');
  await writeFile(bodyFile, body);
  try {
    const child = spawn(process.execPath, [workerScript, url, bodyFile, String(workers), String(forSeconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`load worker exited with ${code}`);
    return JSON.parse(output) as Array<Pick<Outcome, 'ms' | 'outcome'>>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface PhaseResult {
  name: string;
  small: { count: number; p50: number; p99: number; max: number; outcomes: Record<string, number> };
  /** The same query sent to trains directly, alternating with the one through the gateway. */
  direct: { p50: number; p99: number };
  load?: { count: number; p50: number; max: number; outcomes: Record<string, number> };
  /** The small query once the load has stopped. */
  smallAfter: string;
  rss: { before: Record<string, number>; peak: Record<string, number>; after: Record<string, number> };
}

async function phase(
  system: RunningSystem,
  name: string,
  small: string,
  load: string | undefined,
): Promise<PhaseResult> {
  log(`phase ${name}: ${seconds} s${load ? `, ${workers} workers, ${load.length} bytes each` : ''}`);
  const before = await memory(system.dataDir);
  const peak = { ...before };
  const sampler = setInterval(() => {
    void memory(system.dataDir).then((now) => {
      for (const [process, mb] of Object.entries(now)) peak[process] = Math.max(peak[process] ?? 0, mb);
    });
  }, 500);
  const stopAt = Date.now() + seconds * 1000;
  const loading = load ? runWorkers(system.gatewayUrl, load, seconds) : Promise.resolve([]);
  if (load) await sleep(1_000); // the worst-case requests are in flight before the first probe
  const probes: Outcome[] = [];
  const direct: number[] = [];
  const trainsUrl = `http://127.0.0.1:${system.ports.trains}/graphql`;
  while (Date.now() < stopAt) {
    probes.push(await send(system.gatewayUrl, small));
    direct.push((await send(trainsUrl, small)).ms);
  }
  direct.sort((a, b) => a - b);
  const loadOutcomes = await loading;
  clearInterval(sampler);
  const smallAfter = (await send(system.gatewayUrl, small)).outcome;
  const after = await memory(system.dataDir);
  const sorted = probes.map((p) => p.ms).sort((a, b) => a - b);
  const loadSorted = loadOutcomes.map((p) => p.ms).sort((a, b) => a - b);
  return {
    name,
    direct: { p50: +percentile(direct, 50).toFixed(1), p99: +percentile(direct, 99).toFixed(1) },
    small: {
      count: probes.length,
      p50: +percentile(sorted, 50).toFixed(1),
      p99: +percentile(sorted, 99).toFixed(1),
      max: +(sorted.at(-1) ?? NaN).toFixed(1),
      outcomes: count(probes),
    },
    ...(load
      ? {
          load: {
            count: loadOutcomes.length,
            p50: +percentile(loadSorted, 50).toFixed(0),
            max: +(loadSorted.at(-1) ?? NaN).toFixed(0),
            outcomes: count(loadOutcomes),
          },
        }
      : {}),
    smallAfter,
    rss: { before, peak, after },
  };
}

const passengers = Array.from({ length: 9 }, (_, i) =>
  i % 3 === 0 ? { type: 'ADULT' } : { type: i % 3 === 1 ? 'CHILD' : 'YOUTH', age: i % 3 === 1 ? 8 : 20 },
);
const FARES =
  'fares(passengers: $passengers) { seatClass quoteToken expiresAt total { amountMinor currency } breakdown { passenger age amount { amountMinor currency } } }';
const JOURNEY = `runId fromStop toStop departure arrival durationMinutes distanceKm
  train { id number operator } origin { code name timeZone latitude longitude } destination { code name timeZone }
  availability { seatClass seatsLeft capacity loadFactor }
  run { id serviceDate legCount stops { index arrival departure distanceKm boarding alighting station { code name } } }
  ${FARES}`;
const VARIABLES = '$from: String!, $to: String!, $date: Date!, $passengers: [PassengerInput!]!';

/** `aliases` copies of searchJourneys(first: 50) selecting `selection`, as a JSON request body. */
function searchBody(aliases: number, selection: string, route: { from: string; to: string }): string {
  const fields = Array.from(
    { length: aliases },
    (_, i) => `j${i}: searchJourneys(from: $from, to: $to, date: $date, first: 50) { ${selection} }`,
  ).join('\n');
  return JSON.stringify({
    query: `query WorstCase(${VARIABLES}) {\n${fields}\n}`,
    variables: { ...route, date: tomorrow, passengers },
  });
}

/** The old attack: as many aliases of `searchJourneys { fares }` as fit just under the 1 MB body limit. */
function attackBody(route: { from: string; to: string }): { body: string; aliases: number } {
  const selection = `runId departure arrival ${FARES}`;
  const one = searchBody(1, selection, route).length;
  const perAlias = searchBody(2, selection, route).length - one;
  const aliases = Math.floor((1_000_000 - 2_000 - one) / perAlias);
  return { body: searchBody(aliases, selection, route), aliases };
}

/** Refusals before execution: the operation is not accepted. */
const REFUSED = new Set(['OPERATION_TOO_COMPLEX', 'PAYLOAD_TOO_LARGE', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

async function mostExpensiveAccepted(system: RunningSystem, route: { from: string; to: string }) {
  for (const aliases of [100, 50, 20, 10, 5, 2, 1]) {
    const body = searchBody(aliases, JOURNEY, route);
    const answer = await send(system.gatewayUrl, body);
    log(
      `  ${aliases} aliases of the full journey: ${answer.outcome} in ${answer.ms.toFixed(0)} ms, ${answer.bytes} bytes`,
    );
    if (!REFUSED.has(answer.outcome)) return { aliases, body, answer };
  }
  throw new Error('not even one full searchJourneys is accepted');
}

/** The station pair (from the first station) with the most journeys tomorrow. */
async function busiestRoute(system: RunningSystem): Promise<{ from: string; to: string; journeys: number }> {
  const stations = await graphql<{ stations: Array<{ code: string }> }>(
    system.gatewayUrl,
    '{ stations(first: 100) { code } }',
  );
  const codes = stations.data?.stations.map((s) => s.code) ?? [];
  let best = { from: '', to: '', journeys: -1 };
  for (const from of codes.slice(0, 3)) {
    for (const to of codes.filter((c) => c !== from).slice(0, 15)) {
      const found = await graphql<{ searchJourneys: unknown[] }>(
        system.gatewayUrl,
        'query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: 50) { runId } }',
        { from, to, date: tomorrow },
      );
      const journeys = found.data?.searchJourneys.length ?? 0;
      if (journeys > best.journeys) best = { from, to, journeys };
    }
  }
  if (best.journeys <= 0) throw new Error('no journey tomorrow');
  return best;
}

const ratio = (value: number, base: number) => `${(value / base).toFixed(1)}×`;
const outcomes = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

// The rate limits are set out of the way: this measures how the work is bounded, not throttling
// (from one address, four clients would otherwise be refused after the anonymous limit).
const loadAverageAtStart = os.loadavg()[0]!.toFixed(1);
const system = await startSystem({ LOG_LEVEL: 'warn', GATEWAY_RATE_LIMIT_ANONYMOUS: '1000000' });
try {
  const route = await busiestRoute(system);
  const code = route.from;
  const small = JSON.stringify({ query: `{ station(code: "${code}") { name } }` });
  log(`route ${route.from} → ${route.to}: ${route.journeys} journeys tomorrow; small query on ${code}`);
  const attack = attackBody(route);
  const attackProbe = await send(system.gatewayUrl, attack.body);
  log(
    `attack: ${attack.aliases} aliases, ${attack.body.length} bytes: ${attackProbe.outcome} in ${attackProbe.ms.toFixed(0)} ms`,
  );
  const expensive = await mostExpensiveAccepted(system, route);
  // The response bound's extra cost: one more JSON.stringify of the answer's data.
  const stringifyMs: number[] = [];
  for (let i = 0; i < 21; i += 1) {
    const started = performance.now();
    JSON.stringify(expensive.answer.data);
    stringifyMs.push(performance.now() - started);
  }
  stringifyMs.sort((a, b) => a - b);

  const idle = await phase(system, 'idle', small, undefined);
  const underAttack = await phase(system, 'attack', small, attack.body);
  const underExpensive = await phase(system, 'expensive', small, expensive.body);

  const rows = [idle, underAttack, underExpensive];
  const lines = [
    `load average ${loadAverageAtStart} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end`,
    `small query \`{ station(code: "${code}") { name } }\`; ${workers} workers; ${seconds} s per phase; route ${route.from} → ${route.to} (${route.journeys} journeys)`,
    `attack: ${attack.aliases} aliases, ${attack.body.length} bytes (alone: ${attackProbe.outcome}, ${attackProbe.ms.toFixed(0)} ms)`,
    `expensive: ${expensive.aliases} alias(es) of the full journey with fares for 9 passengers, ${expensive.body.length} bytes (alone: ${expensive.answer.outcome}, ${expensive.answer.ms.toFixed(0)} ms, ${expensive.answer.bytes} bytes answered; stringify of its data ${percentile(stringifyMs, 50).toFixed(2)} ms)`,
    '',
    '| load | small p50 ms | small p99 ms | × idle p50 | × idle p99 | small max ms | small outcomes | small after | load requests | load p50 ms | load max ms | load outcomes | trains directly p50/p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.small.p50} | ${r.small.p99} | ${ratio(r.small.p50, idle.small.p50)} | ${ratio(r.small.p99, idle.small.p99)} | ${r.small.max} | ${outcomes(r.small.outcomes)} | ${r.smallAfter} | ${r.load?.count ?? '-'} | ${r.load?.p50 ?? '-'} | ${r.load?.max ?? '-'} | ${r.load ? outcomes(r.load.outcomes) : '-'} | ${r.direct.p50} / ${r.direct.p99} |`,
    ),
    '',
    '| process | RSS idle MB | attack peak | after attack | expensive peak | after expensive |',
    '| --- | --- | --- | --- | --- | --- |',
    ...Object.keys(idle.rss.before).map(
      (p) =>
        `| ${p} | ${idle.rss.before[p]} | ${underAttack.rss.peak[p] ?? '-'} | ${underAttack.rss.after[p] ?? '-'} | ${underExpensive.rss.peak[p] ?? '-'} | ${underExpensive.rss.after[p] ?? '-'} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ route, attack: attackProbe.outcome, rows }, null, 2)}\n`);
} finally {
  await system.cleanup();
  await rm(system.dataDir, { recursive: true, force: true });
}
