import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './system.js';

describe('a service started with bad settings', () => {
  it.each([
    ['gateway', 'gateway/dist/index.js', { GATEWAY_PORT: 'eighty', LOG_LEVEL: 'loud', TRAINS_URL: 'nowhere' }],
    [
      'tickets',
      'subgraphs/tickets/dist/index.js',
      { TICKETS_PORT: '-1', HOLD_TTL_SECONDS: 'soon', TICKETS_DATABASE_URL: 'mysql://db/tickets' },
    ],
  ])('%s exits 1 naming every bad variable', (_name, entry, env) => {
    const result = spawnSync(process.execPath, [path.join(repoRoot, entry)], {
      env: { PATH: process.env['PATH'], ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    for (const variable of Object.keys(env)) expect(result.stderr).toContain(variable);
  });
});
