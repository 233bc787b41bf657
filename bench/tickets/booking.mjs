// Bookings per second, layer by layer, in one run on this machine:
//   1. `bookJourney` end to end through the gateway (all six processes as `npm start` runs them),
//   2. the same mutation sent to tickets directly (no gateway),
//   3. `holdSeats` sent to inventory directly with tickets' service token (no tickets),
//   4. holds (each followed by the release of an older one) on the inventory engine inside this process (in-process engine, and the
//      Redis engine when REDIS_URL is set), with no HTTP at all.
// Each HTTP phase runs `concurrency` requests in flight for `seconds`, and reports rate, p50/p99
// and each process's CPU share over the phase (from /proc/<pid>/stat).
//
//   npm run build
//   node bench/tickets/booking.mjs [seconds=20] [concurrency=32]
//   REDIS_URL=redis://127.0.0.1:6379 TICKETS_DATABASE_URL=postgresql://... node bench/tickets/booking.mjs
// REDIS_URL and *_DATABASE_URL are handed to the system as `npm start` would take them; Redis
// keys live under a unique prefix and are deleted at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createMemoryEngine } from '../../subgraphs/inventory/dist/engine/memory.js';
import { createRedisEngine } from '../../subgraphs/inventory/dist/engine/redis.js';
import { intercityRun, print, seededRandom } from '../inventory/common.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const seconds = Number(process.argv[2] ?? 20);
const concurrency = Number(process.argv[3] ?? 32);
const redisUrl = process.env.REDIS_URL;
const redisPrefix = `bench:booking:${randomBytes(4).toString('hex')}:`;
const clockTicks = 100; // USER_HZ on Linux

const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

async function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePortBlock(count) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portIsFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free block of ports');
}

async function graphql(url, query, variables = {}, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...(await response.json()) };
}

/** The system's processes (each carries DATA_DIR in its environment), by service name. */
async function processesOf(dataDir) {
  const found = {};
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (!environ.split('\0').includes(`DATA_DIR=${dataDir}`)) continue;
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'latin1').catch(() => '')).split('\0').join(' ');
    const name =
      /subgraphs\/(\w+)\/dist/.exec(cmdline)?.[1] ??
      (cmdline.includes('gateway/dist') ? 'gateway' : cmdline.includes('launcher') ? 'launcher' : `pid ${entry}`);
    found[name] = Number(entry);
  }
  found.bench = process.pid;
  return found;
}

async function cpuTicks(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'latin1').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime + stime
}

async function cpuSnapshot(pids) {
  return Object.fromEntries(await Promise.all(Object.entries(pids).map(async ([n, p]) => [n, await cpuTicks(p)])));
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Closed loop: `concurrency` workers call `task` until `seconds` pass. */
async function phase(name, pids, task) {
  const latencies = [];
  const outcomes = {};
  const before = await cpuSnapshot(pids);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const i = n++;
        const t0 = performance.now();
        let outcome;
        try {
          outcome = await task(i);
        } catch (error) {
          outcome = `error ${error?.message ?? error}`;
        }
        latencies.push(performance.now() - t0);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const after = await cpuSnapshot(pids);
  latencies.sort((a, b) => a - b);
  const ok = outcomes.ok ?? 0;
  const cpu = Object.entries(after)
    .map(([proc, ticks]) => [proc, ((ticks - (before[proc] ?? ticks)) / clockTicks / wall) * 100])
    .filter(([, share]) => share >= 0.5)
    .sort((a, b) => b[1] - a[1]);
  const result = {
    name,
    rate: ok / wall,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    outcomes,
    cpu,
  };
  print(
    `${name}: ${result.rate.toFixed(1)}/s ok, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ` +
      `outcomes ${JSON.stringify(outcomes)}; CPU (% of one core) ${cpu.map(([p, s]) => `${p} ${s.toFixed(0)}`).join(', ')}`,
  );
  return result;
}

async function loadAverage() {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}

const base = await freePortBlock(7);
const ports = {
  gateway: base,
  users: base + 1,
  trains: base + 2,
  inventory: base + 3,
  prices: base + 4,
  tickets: base + 5,
};
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'railgraph-bench-booking-'));
const secrets = { tickets: randomBytes(32).toString('base64url'), inventory: randomBytes(32).toString('base64url') };
const launcher = spawn(process.execPath, [path.join(repoRoot, 'packages/launcher/dist/main.js')], {
  cwd: repoRoot,
  env: {
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    GATEWAY_PORT: String(ports.gateway),
    USERS_PORT: String(ports.users),
    TRAINS_PORT: String(ports.trains),
    INVENTORY_PORT: String(ports.inventory),
    PRICES_PORT: String(ports.prices),
    TICKETS_PORT: String(ports.tickets),
    WEB_PORT: String(base + 6),
    TICKETS_CLIENT_SECRET: secrets.tickets,
    INVENTORY_CLIENT_SECRET: secrets.inventory,
    INVENTORY_REDIS_KEY_PREFIX: redisPrefix,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
launcher.stdout.on('data', (c) => (output += c));
launcher.stderr.on('data', (c) => (output += c));

async function stop() {
  launcher.kill('SIGTERM');
  await new Promise((resolve) => (launcher.exitCode !== null ? resolve() : launcher.once('exit', resolve)));
  await rm(dataDir, { recursive: true, force: true });
  if (redisUrl) {
    const admin = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
    admin.disconnect();
  }
}

try {
  const startedAt = Date.now();
  while (!output.includes('Railgraph is ready')) {
    if (launcher.exitCode !== null) throw new Error(`launcher exited:\n${output}`);
    if (Date.now() - startedAt > 300_000) throw new Error('system not ready in 300 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
  const ticketsUrl = `http://127.0.0.1:${ports.tickets}/graphql`;
  const inventoryUrl = `http://127.0.0.1:${ports.inventory}/graphql`;
  const signUp = await graphql(gatewayUrl, 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }', {
    input: { email: 'bench@example.com', password: 'correct horse battery staple', name: 'Bench' },
  });
  const authorization = `Bearer ${signUp.data.signUp.accessToken}`;

  // Single-adult STANDARD quotes over many runs and journeys, so no journey sells out.
  const quotes = [];
  for (const [from, to] of [
    ['KGX', 'EDB'],
    ['KGX', 'YRK'],
    ['EUS', 'MAN'],
    ['PAD', 'CDF'],
    ['BMI', 'AMS'],
    ['DHG', 'AHM'],
  ]) {
    const found = await graphql(
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
  const pids = await processesOf(dataDir);
  print(
    `Railgraph booking bench: ${seconds} s per phase, ${concurrency} in flight, ${quotes.length} journeys; ` +
      `inventory ${redisUrl ? 'Redis engine' : 'in-process engine'}, tickets ${process.env.TICKETS_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; ` +
      `load average ${await loadAverage()}; node ${process.version}, ${os.cpus().length} cores`,
  );

  const BOOK =
    'mutation($input: BookJourneyInput!) { bookJourney(input: $input) { id status tickets { coach seat } } }';
  const booking = (url) => async (i) => {
    const quote = quotes[i % quotes.length];
    const answer = await graphql(
      url,
      BOOK,
      {
        input: {
          quoteToken: quote.token,
          passengers: [{ type: 'ADULT' }],
          idempotencyKey: `bench-${url.length}-${i}-${randomBytes(4).toString('hex')}`,
        },
      },
      { authorization },
    );
    if (answer.data?.bookJourney?.status === 'CONFIRMED') return 'ok';
    return answer.errors?.[0]?.extensions?.code ?? `HTTP ${answer.status}`;
  };

  // Warm-up: JIT, JWKS caches, layouts of every run in inventory.
  await Promise.all(Array.from({ length: quotes.length }, (_, i) => booking(gatewayUrl)(i)));

  const results = [];
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
  const serviceToken = `Bearer ${(await tokenAnswer.json()).access_token}`;
  const HOLD = 'mutation($input: HoldSeatsInput!) { holdSeats(input: $input) { holdId } }';
  results.push(
    await phase('inventory directly (holdSeats)', pids, async (i) => {
      const quote = quotes[i % quotes.length];
      const answer = await graphql(
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
      return answer.data?.holdSeats ? 'ok' : (answer.errors?.[0]?.extensions?.code ?? `HTTP ${answer.status}`);
    }),
  );

  // The engine alone, in this process: single-seat holds on 40 runs of a 30-stop intercity train.
  const runs = Array.from({ length: 40 }, (_, i) => intercityRun(`IC${1000 + i}:2026-12-01`, 30));
  const engineHolds = async (name, engine) => {
    await Promise.all(runs.map((layout) => engine.availability(layout, 0, layout.legCount)));
    const random = seededRandom(7);
    return phase(name, { bench: process.pid }, async (i) => {
      const fromStop = Math.floor(random() * 28);
      try {
        await engine.hold(runs[i % runs.length], {
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
        if (error?.extensions?.code === 'SOLD_OUT') return 'SOLD_OUT';
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

  const [e2e] = results;
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
  print('| phase | CPU % of one core per process |');
  print('| --- | --- |');
  for (const r of results.slice(0, 3)) {
    print(`| ${r.name} | ${r.cpu.map(([p, s]) => `${p} ${s.toFixed(0)}`).join(', ')} |`);
  }
} finally {
  await stop();
}
