// Trains benchmark: the CPU a search with changes (searchTrips) costs next to a direct search
// (searchJourneys), in process over the service's index, on the same synthetic network.
//
//   npm run build && node --max-old-space-size=4096 bench/dist/trains/trips.js [--scale 100] [--queries 1000]
//
// Generates the feed of generate-feed.ts at the scale (100: 5,000 stations, 50,000 trains,
// 500,000 stop times a day), parses it and builds the index as the service does (timing the
// build), then runs three kinds of searches, each asked both ways one after the other so both
// see the same machine: between two calls of one line (a direct train exists), between two
// hubs (many lines), and between stations of two different lines (only trips with a change
// reach). The CPU time of each search is the process's own user+system time around it; on a
// shared machine the wall clock also counts time the process was not running.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { seededRandom } from '@railgraph/database/seeded-random';
import {
  DEFAULT_CONSIST_RULES,
  NetworkIndex,
  parseConsistRules,
  parseGtfsFeed,
  Timetable,
  type GtfsFiles,
} from '@railgraph/trains/timetable';
import { generateFeed, type GeneratedFeed } from './generate-feed.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '100' },
    queries: { type: 'string', default: '1000' },
  },
});
const scale = Number(values.scale);
const queryCount = Number(values.queries);
const WARM_UP = 100;
const log = (line: string) => process.stderr.write(`${line}\n`);
const start = new Date().toISOString().slice(0, 10);
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

type Kind = 'line' | 'hub' | 'crossLine';
interface Search {
  kind: Kind;
  from: string;
  to: string;
  date: string;
}

/** The first Tuesday at least two days into the feed: every train runs, no calendar exception. */
function searchDate(): string {
  let date = addDays(start, 2);
  while (new Date(`${date}T00:00:00Z`).getUTCDay() !== 2) date = addDays(date, 1);
  return date;
}

function plan(feed: GeneratedFeed, count: number): Search[] {
  const rand = seededRandom(11);
  const date = searchDate();
  const station = (line: number[]) => line[Math.floor(rand() * line.length)]!;
  const nonHub = (line: number[]) => line.filter((s) => s >= feed.hubCount);
  return Array.from({ length: count }, (_, n): Search => {
    const kind: Kind = n % 10 === 9 ? 'hub' : n % 2 === 0 ? 'line' : 'crossLine';
    if (kind === 'hub') {
      const a = Math.floor(rand() * feed.hubCount);
      const b = (a + 1 + Math.floor(rand() * (feed.hubCount - 1))) % feed.hubCount;
      return { kind, from: `S${a}`, to: `S${b}`, date };
    }
    const line = feed.lines[Math.floor(rand() * feed.lines.length)]!;
    if (kind === 'line') {
      const i = Math.floor(rand() * (line.length - 1));
      const j = i + 1 + Math.floor(rand() * (line.length - 1 - i));
      const [from, to] = rand() < 0.5 ? [line[i], line[j]] : [line[j], line[i]];
      return { kind, from: `S${from}`, to: `S${to}`, date };
    }
    // Two stations (not hubs) of different lines: no train runs through; lines meet at hubs.
    let other = feed.lines[Math.floor(rand() * feed.lines.length)]!;
    while (other === line) other = feed.lines[Math.floor(rand() * feed.lines.length)]!;
    return { kind, from: `S${station(nonHub(line))}`, to: `S${station(nonHub(other))}`, date };
  });
}

function cpuMs<T>(work: () => T): { ms: number; result: T } {
  const before = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, result };
}

interface Figures {
  p50: number;
  p99: number;
  mean: number;
  meanFound: number;
}

function figures(samples: ReadonlyArray<{ ms: number; found: number }>): Figures {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  return {
    p50: +at(50).toFixed(3),
    p99: +at(99).toFixed(3),
    mean: +mean.toFixed(3),
    meanFound: +(samples.reduce((sum, s) => sum + s.found, 0) / samples.length).toFixed(1),
  };
}

const feed = generateFeed(scale, start);
log(`${scale}x: ${feed.stations} stations, ${feed.trains} trains, ${feed.stopTimes} stop times a day`);
const parsed = parseGtfsFeed(new Map(Object.entries(feed.files)) as GtfsFiles, {
  consists: parseConsistRules(DEFAULT_CONSIST_RULES),
});
const built = performance.now();
const index = new NetworkIndex(parsed.timetable.stations, parsed.timetable.trains, parsed.transfers);
const indexBuildSeconds = +((performance.now() - built) / 1000).toFixed(2);
const timetable = new Timetable(index);
log(`index (direct pairs and routes) built in ${indexBuildSeconds} s; ${index.routing.index.routes.length} routes`);

const loadAverageAtStart = os.loadavg()[0]!.toFixed(1);
const samples = new Map<string, Array<{ ms: number; found: number }>>();
const record = (name: string, ms: number, found: number) => {
  let list = samples.get(name);
  if (!list) samples.set(name, (list = []));
  list.push({ ms, found });
};
for (const [n, search] of plan(feed, WARM_UP + queryCount).entries()) {
  const ask = {
    direct: () => timetable.searchJourneys({ ...search, first: 50 }).length,
    trips: () => timetable.searchTrips({ ...search, first: 10 }).length,
    trips2: () => timetable.searchTrips({ ...search, first: 10, maxChanges: 2 }).length,
  };
  // Alternate the order so neither search always runs on a warmer cache.
  const order = n % 2 === 0 ? (['direct', 'trips', 'trips2'] as const) : (['trips2', 'trips', 'direct'] as const);
  for (const name of order) {
    const { ms, result } = cpuMs(ask[name]);
    if (n >= WARM_UP) {
      record(`${search.kind}/${name}`, ms, result);
      record(`all/${name}`, ms, result);
    }
  }
}

const results: Record<string, unknown> = {};
for (const kind of ['all', 'line', 'hub', 'crossLine']) {
  const direct = figures(samples.get(`${kind}/direct`)!);
  const trips = figures(samples.get(`${kind}/trips`)!);
  const trips2 = figures(samples.get(`${kind}/trips2`)!);
  results[kind] = {
    searches: samples.get(`${kind}/direct`)!.length,
    searchJourneysCpuMs: direct,
    searchTripsCpuMs: trips,
    searchTripsMaxChanges2CpuMs: trips2,
    tripsOverJourneys: { p50: +(trips.p50 / direct.p50).toFixed(1), mean: +(trips.mean / direct.mean).toFixed(1) },
    trips2OverJourneys: { p50: +(trips2.p50 / direct.p50).toFixed(1), mean: +(trips2.mean / direct.mean).toFixed(1) },
  };
  log(`${kind}: ${JSON.stringify(results[kind])}`);
}
process.stdout.write(
  `${JSON.stringify(
    {
      start,
      scale,
      queries: queryCount,
      stations: feed.stations,
      trains: feed.trains,
      stopTimesPerDay: feed.stopTimes,
      indexBuildSeconds,
      routes: index.routing.index.routes.length,
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg()[0]!.toFixed(1),
      results,
    },
    null,
    2,
  )}\n`,
);
