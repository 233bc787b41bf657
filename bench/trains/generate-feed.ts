// Synthetic national-network GTFS feeds for the trains benchmarks.
//
//   node bench/dist/trains/generate-feed.js --scale 10 --out /tmp/feed-10x [--start 2026-11-25]
//
// Scale 1 is a network a little larger than the shipped demo: 50 stations, 10 lines of 10
// calls, 25 trains each way per line and day, 5,000 stop times a day. Scale k has k times
// the stations, lines and trains (scale 100: 5,000 stations, 50,000 trains, 500,000 stop
// times a day), so the trains between two stations of one line stay about the same while
// the network grows. Every line also calls at two of a small set of hubs, whose pairs see
// many more trains. Deterministic for a given scale and start date.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '@railgraph/database/seeded-random';

export const STATIONS_PER_UNIT = 50;
export const LINES_PER_UNIT = 10;
export const CALLS_PER_LINE = 10;
export const TRAINS_PER_DIRECTION = 25;
export const VALIDITY_DAYS = 90;

/** A generated feed: its files' text, and what the benchmark needs to pick searches. */
export interface GeneratedFeed {
  /** GTFS file name to its text. */
  files: Record<string, string>;
  /** Each line's calls, as station numbers (station `S<n>`), in the order trains run one way. */
  lines: number[][];
  /** Stations `S0` to `S<hubCount - 1>` are the hubs. */
  hubCount: number;
  /** Stop times a day, at most (some trains run on weekdays only). */
  stopTimes: number;
  trains: number;
  stations: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const time = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;
const compact = (date: string) => date.replaceAll('-', '');
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The feed as text files, plus what the benchmark needs to pick searches. */
export function generateFeed(scale: number, start: string): GeneratedFeed {
  const rand = seededRandom(20261125 + scale);
  const stationCount = STATIONS_PER_UNIT * scale;
  const hubCount = Math.max(4, Math.round(2 * Math.sqrt(scale)));
  const stations = Array.from({ length: stationCount }, (_, i) => {
    const lat = 44 + 12 * rand();
    const lon = -6 + 22 * rand();
    return {
      id: `S${i}`,
      name: `Station ${i}${i < hubCount ? ' Hub' : ''}`,
      lat,
      lon,
      zone: lon < 2 ? 'Europe/London' : '',
    };
  });
  const lines: number[][] = [];
  for (let l = 0; l < LINES_PER_UNIT * scale; l += 1) {
    const calls = new Set<number>();
    while (calls.size < 2) calls.add(Math.floor(rand() * hubCount));
    while (calls.size < CALLS_PER_LINE) calls.add(hubCount + Math.floor(rand() * (stationCount - hubCount)));
    lines.push([...calls].sort(() => rand() - 0.5));
  }
  const stopsTxt = ['stop_id,stop_code,stop_name,stop_lat,stop_lon,stop_timezone'];
  for (const s of stations)
    stopsTxt.push(`${s.id},${s.id},${s.name},${s.lat.toFixed(5)},${s.lon.toFixed(5)},${s.zone}`);
  const routesTxt = ['route_id,agency_id,route_short_name,route_type'];
  const tripsTxt = ['route_id,service_id,trip_id,trip_short_name'];
  const stopTimesTxt = ['trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type'];
  let trainNumber = 1;
  let stopTimes = 0;
  lines.forEach((calls, l) => {
    const routeType = [101, 102, 106][l % 3];
    routesTxt.push(`L${l},BENCH,L${l},${routeType}`);
    for (const direction of [calls, [...calls].reverse()]) {
      const firstDeparture = 5 * 60 + Math.floor(rand() * 60);
      for (let k = 0; k < TRAINS_PER_DIRECTION; k += 1) {
        const id = `B${trainNumber}`;
        const service = k % 5 === 4 ? 'WEEKDAYS' : 'DAILY';
        tripsTxt.push(`L${l},${service},${id},BX ${trainNumber}`);
        trainNumber += 1;
        let minutes = firstDeparture + k * 40;
        direction.forEach((station, sequence) => {
          const arrival = minutes;
          const departure = sequence === 0 || sequence === direction.length - 1 ? arrival : arrival + 2;
          stopTimesTxt.push(`${id},${time(arrival)},${time(departure)},S${station},${sequence + 1},0,0`);
          minutes = departure + 8 + Math.floor(rand() * 25);
          stopTimes += 1;
        });
      }
    }
  });
  const end = addDays(start, VALIDITY_DAYS - 1);
  const files = {
    'agency.txt': `agency_id,agency_name,agency_url,agency_timezone\nBENCH,Bench Rail ${scale}x,https://bench.example,Europe/Berlin\n`,
    'stops.txt': stopsTxt.join('\n') + '\n',
    'routes.txt': routesTxt.join('\n') + '\n',
    'trips.txt': tripsTxt.join('\n') + '\n',
    'stop_times.txt': stopTimesTxt.join('\n') + '\n',
    'calendar.txt': `service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nDAILY,1,1,1,1,1,1,1,${compact(start)},${compact(end)}\nWEEKDAYS,1,1,1,1,1,0,0,${compact(start)},${compact(end)}\n`,
    'calendar_dates.txt': `service_id,date,exception_type\nDAILY,${compact(addDays(start, 30))},2\nWEEKDAYS,${compact(addDays(start, 40))},1\n`,
    'feed_info.txt': `feed_publisher_name,feed_publisher_url,feed_lang,feed_version\nBench,https://bench.example,en,${scale}x-${start}\n`,
  };
  return { files, lines, hubCount, stopTimes, trains: trainNumber - 1, stations: stationCount };
}

export async function writeFeed(feed: GeneratedFeed, out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  for (const [name, text] of Object.entries(feed.files)) await writeFile(path.join(out, name), text);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { scale: { type: 'string', default: '1' }, out: { type: 'string' }, start: { type: 'string' } },
  });
  if (!values.out) {
    process.stderr.write('usage: node bench/dist/trains/generate-feed.js --scale N --out DIR [--start YYYY-MM-DD]\n');
    process.exit(2);
  }
  const feed = generateFeed(Number(values.scale), values.start ?? new Date().toISOString().slice(0, 10));
  await writeFeed(feed, values.out);
  process.stdout.write(
    `${values.out}: ${feed.stations} stations, ${feed.trains} trains, ${feed.stopTimes} stop times a day (at most)\n`,
  );
}
