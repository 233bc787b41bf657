import { performance } from 'node:perf_hooks';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphql, startSystem, type RunningSystem } from '../../gateway/test/system.js';

/**
 * Latency of `Journey.fares` for a full results page (20 journeys, both classes, 3
 * passengers) through the gateway, against the same search without fares measured in the
 * same run, requests interleaved so that machine noise falls on every variant alike.
 */
const ROUNDS = 300;
const WARMUP = 30;
const PAGE = 20;
const passengers = [{ type: 'ADULT' }, { type: 'CHILD', age: 7 }, { type: 'SENIOR' }];

const variants = {
  search: 'runId departure arrival distanceKm',
  'search + availability': 'runId departure arrival distanceKm availability { seatClass seatsLeft loadFactor }',
  'search + availability + fares':
    'runId departure arrival distanceKm availability { seatClass seatsLeft loadFactor } ' +
    'fares(passengers: $passengers) { seatClass total { amountMinor currency } breakdown { passenger amount { amountMinor } } expiresAt quoteToken }',
} as const;
type Variant = keyof typeof variants;

const queryOf = (fields: string) =>
  `query Page($from: String!, $to: String!, $date: Date!${fields.includes('$passengers') ? ', $passengers: [PassengerInput!]!' : ''}) {
    searchJourneys(from: $from, to: $to, date: $date, first: ${PAGE}) { ${fields} }
  }`;

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem({ LOG_LEVEL: 'warn' });
});

afterAll(async () => {
  await system?.cleanup();
});

const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

/** The station pair with the most journeys tomorrow, up to a full page. */
async function busiestPair(): Promise<{ from: string; to: string; count: number }> {
  const stations = await graphql<{ stations: Array<{ code: string }> }>(
    system.gatewayUrl,
    '{ stations(first: 100) { code } }',
  );
  const codes = stations.data?.stations.map((s) => s.code) ?? [];
  let best = { from: '', to: '', count: 0 };
  for (const from of codes) {
    for (const to of codes) {
      if (from === to) continue;
      const result = await graphql<{ searchJourneys: unknown[] }>(
        system.gatewayUrl,
        `query($from: String!, $to: String!, $date: Date!) { searchJourneys(from: $from, to: $to, date: $date, first: ${PAGE}) { runId } }`,
        { from, to, date: tomorrow() },
      );
      const count = result.data?.searchJourneys.length ?? 0;
      if (count > best.count) best = { from, to, count };
      if (best.count >= PAGE) return best;
    }
  }
  return best;
}

/** Error lines of every service's log, to tell why a request failed. */
async function serviceErrors(): Promise<string> {
  const dir = path.join(system.dataDir, 'logs');
  const files = await readdir(dir).catch(() => []);
  const lines = await Promise.all(
    files.map(async (file) =>
      (await readFile(path.join(dir, file), 'utf8'))
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line))
        .map((line) => `${file}: ${line}`),
    ),
  );
  return lines.flat().slice(-20).join('\n');
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

it('measures fares for a full results page against the same search without fares', async () => {
  const pair = await busiestPair();
  const variables = { from: pair.from, to: pair.to, date: tomorrow(), passengers };
  const names = Object.keys(variants) as Variant[];
  const once = async (variant: Variant) => {
    const started = performance.now();
    const { passengers: _unused, ...withoutPassengers } = variables;
    const result = await graphql<{ searchJourneys: Array<{ fares?: unknown[] }> }>(
      system.gatewayUrl,
      queryOf(variants[variant]),
      variant.endsWith('fares') ? variables : withoutPassengers,
    );
    const ms = performance.now() - started;
    if (result.errors) process.stdout.write(`${variant} failed; service errors:\n${await serviceErrors()}\n`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.searchJourneys).toHaveLength(pair.count);
    return { ms, result };
  };

  const check = await once('search + availability + fares');
  const offers = check.result.data?.searchJourneys.reduce((n, j) => n + (j.fares?.length ?? 0), 0) ?? 0;
  for (let i = 0; i < WARMUP; i += 1) for (const variant of names) await once(variant);

  const samples: Record<Variant, number[]> = {
    search: [],
    'search + availability': [],
    'search + availability + fares': [],
  };
  for (let i = 0; i < ROUNDS; i += 1) {
    for (const variant of names) samples[variant].push((await once(variant)).ms);
  }
  const stats = Object.fromEntries(
    names.map((variant) => {
      const sorted = [...samples[variant]].sort((a, b) => a - b);
      return [variant, { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length }];
    }),
  ) as Record<Variant, { p50: number; p99: number; n: number }>;
  const base = stats['search + availability'];
  const plain = stats.search;
  const report = {
    pair,
    offersPerPage: offers,
    rounds: ROUNDS,
    stats,
    ratios: Object.fromEntries(
      names.map((variant) => [
        variant,
        {
          p50VsSearch: stats[variant].p50 / plain.p50,
          p99VsSearch: stats[variant].p99 / plain.p99,
          p50VsAvailability: stats[variant].p50 / base.p50,
          p99VsAvailability: stats[variant].p99 / base.p99,
        },
      ]),
    ),
  };
  // Also kept in the temp folder, to copy figures from.
  await writeFile(path.join(os.tmpdir(), 'railgraph-fares-bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
});

it('measures pricing and signing a page of offers inside prices, without the network', async () => {
  const { generateKeyPair } = await import('jose');
  const { createFareOffers, DEFAULT_FARE_RULES } = await import('@railgraph/prices/offers');
  const { privateKey } = await generateKeyPair('ES256');
  const offers = createFareOffers({
    rules: { rulesFor: async () => DEFAULT_FARE_RULES },
    signingKey: { kid: 'bench', privateKey },
    quoteTtlMs: 15 * 60_000,
  });
  const journey = (i: number) => ({
    runId: `IC${500 + i}:2026-12-01`,
    fromStop: 0,
    toStop: 3,
    serviceDate: '2026-12-01',
    distanceKm: 150 + i,
    availability: [
      { seatClass: 'STANDARD' as const, seatsLeft: 50, loadFactor: 0.3 },
      { seatClass: 'FIRST' as const, seatsLeft: 20, loadFactor: 0.6 },
    ],
  });
  const priced = [{ type: 'ADULT' as const }, { type: 'CHILD' as const, age: 7 }, { type: 'SENIOR' as const }];
  const page = () => Promise.all(Array.from({ length: PAGE }, (_, i) => offers.offersFor(journey(i), priced)));
  for (let i = 0; i < WARMUP; i += 1) await page();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const started = performance.now();
    expect((await page()).flat()).toHaveLength(2 * PAGE);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({ inProcessPage: { p50: percentile(samples, 50), p99: percentile(samples, 99), n: samples.length } })}\n`,
  );
});
