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
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePortBlock } from '@railgraph/launcher/system';
import { processesOf } from '../lib/proc.js';
import { launchSystem, portVariables } from '../lib/system.js';

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

function baselineMs(): number {
  const started = performance.now();
  execFileSync(process.execPath, ['-e', '']);
  return performance.now() - started;
}

/** Resident memory (MB) of each process whose environment carries this DATA_DIR. */
async function memoryOf(dataDir: string): Promise<ProcessMemory[]> {
  const rows: ProcessMemory[] = [];
  for (const { pid, name } of await processesOf(dataDir)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
    if (status === undefined) continue; // the process ended meanwhile
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    rows.push({ name, rssMb: Math.round(Number(rss) / 1024) });
  }
  return rows;
}

async function startOnce(dataDir: string): Promise<Start> {
  const base = await freePortBlock(6);
  const started = performance.now();
  const system = launchSystem({ DATA_DIR: dataDir, ...portVariables(base) });
  try {
    await system.ready;
    const wallMs = performance.now() - started;
    const readyIn = Number(/ready in ([\d.]+) s/.exec(system.output())?.[1]) * 1000;
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // let start-up garbage settle
    const memory = await memoryOf(dataDir);
    return { readyIn, wallMs, memory };
  } finally {
    await system.stop();
  }
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
