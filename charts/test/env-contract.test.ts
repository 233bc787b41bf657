import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartDir, filesUnder } from './support.js';

// Names the chart sets that no service reads yet: they belong to work merged separately
// (service clients and tokens, Redis for inventory and login throttling, the key that
// encrypts signing keys). Remove a name here once its service reads it.
const readByWorkInProgress = new Set([
  'USERS_TOKEN_URL',
  'TICKETS_CLIENT_ID',
  'TICKETS_CLIENT_SECRET',
  'INVENTORY_CLIENT_ID',
  'INVENTORY_CLIENT_SECRET',
  'REDIS_URL',
  'USERS_KEY_ENCRYPTION_KEY',
]);
// Only interpolated into other values by Kubernetes ($(DATABASE_PASSWORD) in the URL), or read
// by Node itself.
const interpolationOnly = new Set(['DATABASE_PASSWORD', 'REDIS_PASSWORD', 'NODE_OPTIONS']);

const template = (name: string) => readFileSync(path.join(chartDir, 'templates', name), 'utf8');

function namesTheChartSets(): Set<string> {
  const names = new Set<string>();
  for (const [, name] of template('configmap.yaml').matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)) names.add(name!);
  const envEntries = /name: ([A-Z][A-Z0-9_]+)|"name" "([A-Z][A-Z0-9_]+)"/g;
  for (const file of ['deployment.yaml', 'migration-job.yaml', '_helpers.tpl']) {
    for (const [, plain, quoted] of template(file).matchAll(envEntries)) names.add((plain ?? quoted)!);
  }
  // `{{ upper $name }}_HOST`-style names, for every service.
  const services = ['GATEWAY', 'USERS', 'TRAINS', 'INVENTORY', 'PRICES', 'TICKETS'];
  for (const [, suffix] of template('configmap.yaml').matchAll(/\{\{ upper \$name \}\}_([A-Z_]+):/g)) {
    for (const service of services) names.add(`${service}_${suffix}`);
  }
  for (const [, suffix] of template('configmap.yaml').matchAll(/\{\{ upper \$subgraph \}\}_([A-Z_]+):/g)) {
    for (const service of services.slice(1)) names.add(`${service}_${suffix}`);
  }
  for (const service of ['USERS', 'TRAINS', 'PRICES', 'TICKETS']) names.add(`${service}_DATABASE_URL`);
  return names;
}

function namesTheServicesRead(): Set<string> {
  const names = new Set<string>();
  // Each service's env.ts, and the modules whose settings it merges (the gateway's rate limits
  // and budgets, service-kit's operation limits).
  const envFiles = [
    ...filesUnder('subgraphs', /^env\.ts$/, ['test', 'dist']),
    ...filesUnder('gateway/src', /\.ts$/),
    ...filesUnder('packages/service-kit/src', /\.ts$/),
  ];
  for (const file of envFiles) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)) names.add(name!);
  }
  return names;
}

describe('environment the chart gives the services', () => {
  it('sets only variables some service reads (or that work in progress will read)', () => {
    const read = namesTheServicesRead();
    const unread = [...namesTheChartSets()].filter(
      (name) => !read.has(name) && !readByWorkInProgress.has(name) && !interpolationOnly.has(name),
    );
    expect(unread.sort()).toEqual([]);
  });

  it('finds the names it compares', () => {
    const set = namesTheChartSets();
    for (const name of ['TICKETS_HOST', 'USERS_DATABASE_URL', 'INVENTORY_URL', 'HOLD_TTL_SECONDS', 'CORS_ORIGINS']) {
      expect(set.has(name), name).toBe(true);
    }
    expect(namesTheServicesRead().has('OUTBOX_RELAY_INTERVAL_MS')).toBe(true);
  });
});
