import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const required = process.env['REQUIRE_REAL_STORES'] === '1' || process.env['REQUIRE_REAL_STORES'] === 'true';

interface PinnedTool {
  name: string;
  installer: string;
  pkg: string;
  version: string;
}

/** tools.versions: one tool a line, `name installer package version`; `#` starts a comment. */
function pinnedTools(): PinnedTool[] {
  return readFileSync(path.join(repoRoot, 'tools.versions'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const [name = '', installer = '', pkg = '', version = '', ...rest] = line.split(/\s+/);
      expect(rest, `tools.versions: "${line}" has more than four columns`).toEqual([]);
      return { name, installer, pkg, version };
    });
}

describe('tools.versions', () => {
  const tools = pinnedTools();

  it('pins helm, the load tool and stripe-mock, each at an exact version', () => {
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['helm', 'locust', 'stripe-mock']));
    for (const tool of tools) {
      expect(['go', 'pip'], `${tool.name}: installer`).toContain(tool.installer);
      // go install wants a tag (v1.2.3), pip an exact release (1.2.3): nothing floating.
      expect(tool.version, `${tool.name}: version`).toMatch(
        tool.installer === 'go' ? /^v\d+\.\d+\.\d+$/ : /^\d+\.\d+\.\d+$/,
      );
    }
  });

  // What `npm run tools` installed reports the pinned version (CI installs them first).
  it.each(tools.map((tool) => [tool.name, tool]))('.tools/bin/%s reports its pinned version', (_name, tool) => {
    const binary = path.join(repoRoot, '.tools', 'bin', tool.name);
    if (!existsSync(binary)) {
      if (required) throw new Error(`${binary} is missing and REQUIRE_REAL_STORES=1: run npm run tools`);
      process.stderr.write(`${binary} is missing (npm run tools installs it): not checked\n`);
      return;
    }
    const args = tool.name === 'helm' ? ['version', '--short'] : ['--version'];
    const reported = execFileSync(binary, args, { encoding: 'utf8' });
    expect(reported).toContain(tool.installer === 'go' ? tool.version : ` ${tool.version}`);
  });
});

describe('npm run services', () => {
  const services = path.join(repoRoot, 'scripts', 'services.sh');

  it('status names each server that does not answer, and fails', () => {
    // Ports nothing listens on (below the kernel's range for outgoing connections).
    const result = spawnSync('bash', [services, 'status'], {
      encoding: 'utf8',
      env: { ...process.env, SERVICES_PG_PORT: '9', SERVICES_REDIS_PORT: '7' },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/PostgreSQL\s+DOWN: nothing accepts connections on 127\.0\.0\.1:9/);
    expect(result.stdout).toMatch(/Redis\s+DOWN: nothing answers PING on 127\.0\.0\.1:7/);
  });

  it('an unknown command is refused with the usage', () => {
    const result = spawnSync('bash', [services, 'restart-everything'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: npm run services');
  });

  it('status reports both servers answering where they run', () => {
    const result = spawnSync('bash', [services, 'status'], { encoding: 'utf8' });
    if (result.status !== 0 && !required) {
      process.stderr.write('PostgreSQL or Redis is not running (npm run services): not checked\n');
      return;
    }
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/PostgreSQL\s+answers on 127\.0\.0\.1:5432 \(PostgreSQL 15\./);
    expect(result.stdout).toMatch(/Redis\s+answers on 127\.0\.0\.1:6379 \(Redis 7\./);
  });
});
