import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { locustEnvironment } from './env.js';
import type { LocustScenario } from './options.js';

export interface LocustRun {
  scenario: LocustScenario;
  host: string;
  users: number;
  spawnRate: number;
  duration: string;
  smoke: boolean;
  /** The run's report folder: stats CSV and JSON, the HTML report, outcomes, thresholds, the log. */
  out: string;
}

/** `.tools/bin/locust`, installed by `npm run tools` (tools.versions pins it). */
export function locustBinary(repoRoot: string): string {
  const bin = path.join(repoRoot, '.tools', 'bin', 'locust');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run tools\` first`);
  return bin;
}

export function locustArgs(run: LocustRun, locustfiles: string): string[] {
  return [
    '-f',
    path.join(locustfiles, `${run.scenario}.py`),
    '--headless',
    '--host',
    run.host,
    '--users',
    String(run.users),
    '--spawn-rate',
    String(run.spawnRate),
    '--run-time',
    run.duration,
    '--stop-timeout',
    '30',
    '--only-summary',
    '--csv',
    path.join(run.out, 'stats'),
    // Each operation's series, not only the total, for the run's chart.
    '--csv-full-history',
    '--json-file',
    path.join(run.out, 'stats'),
    '--html',
    path.join(run.out, 'report.html'),
    // A smoke fails on any failed request; a full run on the error budget (load/slo.json).
    '--exit-code-on-error',
    run.smoke ? '1' : '0',
  ];
}

/** Runs Locust, its output to the console and to `locust.log`; resolves with its exit code. */
export function runLocust(binary: string, run: LocustRun, locustfiles: string): Promise<number> {
  const log = createWriteStream(path.join(run.out, 'locust.log'));
  const child = spawn(binary, locustArgs(run, locustfiles), {
    env: locustEnvironment(run.out, run.smoke),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      log.write(chunk);
    });
  }
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      log.end();
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
