// `npm run monitor`: a local Prometheus (Debian's `prometheus` package) scraping what
// `npm start` runs, with the chart's alerting rules, data under <DATA_DIR>/prometheus.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvError } from '@railgraph/service-kit/env';
import { readMonitorEnv } from './env.js';
import { prometheusArgs, prometheusConfig } from './monitor.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rulesFile = path.join(repoRoot, 'charts', 'railgraph', 'files', 'prometheus-rules.yaml');
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let env;
  try {
    env = readMonitorEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`monitor: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const dir = path.resolve(repoRoot, env.DATA_DIR, 'prometheus');
  const configFile = path.join(dir, 'prometheus.yml');
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(configFile, `${JSON.stringify(prometheusConfig(repoRoot, env, rulesFile), null, 2)}\n`);

  const prometheus = spawn(env.PROMETHEUS_BIN, prometheusArgs(configFile, path.join(dir, 'data'), env), {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => prometheus.kill('SIGTERM'));
  process.once('exit', () => prometheus.kill('SIGTERM'));
  // `npm run` may be stopped without passing the signal on; an orphaned monitor stops too.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && prometheus.kill('SIGTERM'), 1_000).unref();
  return new Promise<number>((resolve) => {
    prometheus.once('spawn', () => {
      out(`Prometheus   http://127.0.0.1:${env.PROMETHEUS_PORT}  (config ${path.relative(repoRoot, configFile)})`);
      out(`  targets    http://127.0.0.1:${env.PROMETHEUS_PORT}/targets   alerts: /alerts`);
    });
    prometheus.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        process.stderr.write(
          `monitor: ${env.PROMETHEUS_BIN} was not found. Install Debian's Prometheus ` +
            '(apt-get install --no-install-recommends prometheus) or set PROMETHEUS_BIN.\n',
        );
      } else {
        process.stderr.write(`monitor: ${error.message}\n`);
      }
      resolve(1);
    });
    prometheus.once('exit', (code, signal) => resolve(signal ? 0 : (code ?? 1)));
  });
}

process.exitCode = await main();
