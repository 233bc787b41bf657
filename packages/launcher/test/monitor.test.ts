import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMonitorEnv } from '../src/env.js';
import { prometheusArgs, prometheusConfig } from '../src/monitor.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const rulesFile = path.join(repoRoot, 'charts', 'railgraph', 'files', 'prometheus-rules.yaml');

function promtool(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim() || null;
  } catch {
    if (process.env['REQUIRE_REAL_STORES'] === '1') throw new Error('promtool is missing and REQUIRE_REAL_STORES=1');
    process.stderr.write("promtool is not installed (Debian's prometheus package): skipping the config check\n");
    return null;
  }
}
const promtoolPath = promtool();

describe('npm run monitor', () => {
  it('scrapes every process npm start runs, on the ports npm start gives them', () => {
    const config = prometheusConfig(
      repoRoot,
      readMonitorEnv({ TICKETS_PORT: '5105', GATEWAY_PORT: '5100' }),
      rulesFile,
    );
    const targets = config.scrape_configs[0]!.static_configs.map((c) => [c.labels.service, c.targets[0]]);
    expect(targets).toEqual([
      ['users', '127.0.0.1:4001'],
      ['trains', '127.0.0.1:4002'],
      ['inventory', '127.0.0.1:4003'],
      ['prices', '127.0.0.1:4004'],
      ['tickets', '127.0.0.1:5105'],
      ['gateway', '127.0.0.1:5100'],
    ]);
    expect(config.rule_files).toEqual([rulesFile]);
  });

  it('keeps Prometheus on loopback with its data under the data folder', () => {
    const env = readMonitorEnv({ PROMETHEUS_PORT: '9191' });
    expect(prometheusArgs('/x/prometheus.yml', '/x/data', env)).toContain('--web.listen-address=127.0.0.1:9191');
    expect(prometheusArgs('/x/prometheus.yml', '/x/data', env)).toContain('--storage.tsdb.path=/x/data');
  });

  it.skipIf(!promtoolPath)('writes a configuration promtool accepts, rules included', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rg-monitor-'));
    try {
      const file = path.join(dir, 'prometheus.yml');
      await writeFile(file, JSON.stringify(prometheusConfig(repoRoot, readMonitorEnv({}), rulesFile), null, 2));
      const output = execFileSync(promtoolPath!, ['check', 'config', file], { encoding: 'utf8' });
      expect(output).toContain('SUCCESS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
