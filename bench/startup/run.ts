// Start-up time and memory of `npm start` (after `npm run build`).
//
//   node bench/dist/startup/run.js [--rounds 3]
//
// Starts the launcher the way `npm start` does, on free ports, three ways per round:
//   baseline  a bare `node -e ""` process, start to exit (what any process costs here)
//   cold      a fresh data folder: migrations, demo network and fare rules seeded, keys made
//   warm      the same folder again: what a restart costs
// and reports the launcher's own "ready in" figure, the wall time to ready, both as a
// multiple of the baseline, and the resident memory of every process once ready.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { childEnv } from '../lib/env.js';
import { repoRoot } from '../lib/paths.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;

interface ProcessMemory {
  name: string;
  rssMb: number;
}

interface Start {
  readyIn: number;
  wallMs: number;
  memory: ProcessMemory[];
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

async function freePortBlock(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await Promise.all([0, 1, 2, 3, 4, 5].map((i) => portFree(base + i)))).every(Boolean)) return base;
  }
}

function baselineMs(): number {
  const started = performance.now();
  execFileSync(process.execPath, ['-e', '']);
  return performance.now() - started;
}

/** Resident memory (MB) of each process whose environment carries this DATA_DIR. */
function memoryOf(dataDir: string): ProcessMemory[] {
  const rows: ProcessMemory[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      if (!environ.includes(`DATA_DIR=${dataDir}`)) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[1] ?? '';
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      const name = /(subgraphs|packages)\/([a-z-]+)\//.exec(cmd)?.[2] ?? (cmd.includes('gateway') ? 'gateway' : cmd);
      rows.push({ name, rssMb: Math.round(Number(rss) / 1024) });
    } catch {
      // the process ended meanwhile
    }
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

async function startOnce(dataDir: string): Promise<Start> {
  const base = await freePortBlock();
  const env = childEnv({
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(base),
    USERS_PORT: String(base + 1),
    TRAINS_PORT: String(base + 2),
    INVENTORY_PORT: String(base + 3),
    PRICES_PORT: String(base + 4),
    TICKETS_PORT: String(base + 5),
  });
  const started = performance.now();
  const launcher = spawn(process.execPath, [path.join(repoRoot, 'packages/launcher/dist/main.js')], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  launcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  launcher.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const readyIn = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /ready in ([\d.]+) s/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]) * 1000);
      }
    }, 20);
    launcher.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`launcher exited ${code}:\n${output}`));
    });
  });
  const wallMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // let start-up garbage settle
  const memory = memoryOf(dataDir);
  const exited = new Promise((resolve) => launcher.once('exit', resolve));
  launcher.kill('SIGTERM');
  await exited;
  return { readyIn, wallMs, memory };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: { baseline: number[]; cold: Start[]; warm: Start[]; memory: ProcessMemory[] | null } = {
  baseline: [],
  cold: [],
  warm: [],
  memory: null,
};
for (let round = 0; round < rounds; round += 1) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'railgraph-startup-'));
  try {
    results.baseline.push(baselineMs());
    const cold = await startOnce(dataDir);
    const warm = await startOnce(dataDir);
    results.cold.push(cold);
    results.warm.push(warm);
    results.memory = warm.memory;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const baseline = median(results.baseline);
const line = (label: string, runs: readonly Start[]) => {
  const ready = median(runs.map((r) => r.readyIn));
  const wall = median(runs.map((r) => r.wallMs));
  return `${label.padEnd(6)} ready in ${(ready / 1000).toFixed(1)} s (${(ready / baseline).toFixed(0)}× baseline), wall ${(wall / 1000).toFixed(1)} s`;
};
console.log(`rounds: ${rounds}, cores: ${os.cpus().length}, load average: ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`baseline: bare node process ${baseline.toFixed(0)} ms`);
console.log(line('cold', results.cold));
console.log(line('warm', results.warm));
console.log('memory after a warm start (RSS):');
let total = 0;
for (const { name, rssMb } of results.memory ?? []) {
  total += rssMb;
  console.log(`  ${name.padEnd(10)} ${String(rssMb).padStart(5)} MB`);
}
console.log(`  ${'total'.padEnd(10)} ${String(total).padStart(5)} MB`);
