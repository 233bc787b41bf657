import { describe, expect, it } from 'vitest';
// Seeded, so a failure names the network and query that broke.
import { seededRandom } from '@railgraph/database/seeded-random';
import { gtfsFilesFromText, type GtfsFiles } from '../src/gtfs/source.js';
import { findTrips } from '../src/timetable/trips.js';
import { referenceTrips } from './trips-reference.js';
import { timetableOf } from './trips-fixture.js';

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;

interface Network {
  files: GtfsFiles;
  stations: string[];
  offsetMinutes: number;
  timeZone: string;
}

/**
 * A small random network: 6-8 stations, 3-5 lines of 3-5 stations, each run both ways by
 * trains of two speeds (so some overtake), some running or leaving past midnight,
 * some on weekdays only, with a day removed and added; random pick-up/set-down restrictions
 * random station transfer rules (timed, minimum time, not possible) and guaranteed changes
 * between particular trips.
 */
function randomNetwork(seed: number): Network {
  const rand = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const [timeZone, offsetMinutes] = pick([
    ['UTC', 0],
    ['Asia/Tokyo', 540],
  ] as const);
  const stations = Array.from({ length: 6 + Math.floor(rand() * 3) }, (_, i) => `S${i}`);
  const trips: string[] = [];
  const stopTimes: string[] = [];
  const routes: string[] = [];
  const lineCount = 3 + Math.floor(rand() * 3);
  let tripNumber = 0;
  for (let l = 0; l < lineCount; l += 1) {
    routes.push(`L${l},RR,L${l},2`);
    const calls = [...stations].sort(() => rand() - 0.5).slice(0, 3 + Math.floor(rand() * 3));
    for (const direction of [calls, [...calls].reverse()]) {
      // Running times per section; some trains run faster and overtake the others.
      const sections = direction.map(() => 5 + Math.floor(rand() * 50));
      const count = 3 + Math.floor(rand() * 4);
      for (let k = 0; k < count; k += 1) {
        const fast = rand() < 0.25;
        const id = `T${(tripNumber += 1)}`;
        trips.push(`L${l},${rand() < 0.2 ? 'WEEKDAYS' : 'DAILY'},${id},RR ${tripNumber}`);
        // Mostly daytime, some late evening trains running past midnight, and a few leaving
        // after midnight on the previous service date's times (past 24:00), so that a route's
        // trains of one date may overlap the next date's.
        const roll = rand();
        let minutes =
          roll < 0.15
            ? 22 * 60 + Math.floor(rand() * 120)
            : roll < 0.35
              ? 27 * 60 + Math.floor(rand() * 4 * 60)
              : 5 * 60 + Math.floor(rand() * 16 * 60);
        direction.forEach((stop, sequence) => {
          const dwell = sequence === 0 || sequence === direction.length - 1 ? 0 : Math.floor(rand() * 3);
          const pickup = sequence < direction.length - 1 && rand() < 0.03 ? 1 : 0;
          const dropOff = sequence > 0 && rand() < 0.03 ? 1 : 0;
          stopTimes.push(
            `${id},${clock(minutes)},${clock(minutes + dwell)},${stop},${sequence + 1},${pickup},${dropOff}`,
          );
          minutes += dwell + (fast ? Math.ceil(sections[sequence]! / 2) : sections[sequence]!);
        });
      }
    }
  }
  // Guaranteed changes between two trips at a station the first calls at (not first) and
  // the second leaves from (not last): timed (1) or in-seat (4). Some onto existing trips,
  // some onto connecting trains added to leave a minute or two after the arrival, too soon
  // for the station's own rule, so that the guarantee decides.
  const calls = stopTimes.map((line) => line.split(',') as [string, string, string, string]);
  const tripIds = [...new Set(calls.map(([trip]) => trip))];
  const tripTransfers: string[] = [];
  for (let k = 0; k < 8; k += 1) {
    const from = pick(tripIds);
    const [, arrival, , station] = pick(calls.filter(([trip], i) => trip === from && calls[i - 1]?.[0] === from));
    const onward = tripIds.filter(
      (t) =>
        t !== from && calls.some(([trip, , , stop], i) => trip === t && stop === station && calls[i + 1]?.[0] === t),
    );
    const type = rand() < 0.7 ? 1 : 4;
    if (k % 2 === 0 && onward.length > 0) {
      tripTransfers.push(`${station},${station},${type},,${from},${pick(onward)}`);
      continue;
    }
    const id = `G${k}`;
    const [h, m] = arrival.split(':').map(Number) as [number, number];
    let minutes = h * 60 + m + Math.floor(rand() * 3);
    const service = trips.find((t) => t.split(',')[2] === from)!.split(',')[1];
    routes.push(`R${id},RR,${id},2`);
    trips.push(`R${id},${service},${id},RR ${id}`);
    const onwardStations = [
      station,
      ...stations
        .filter((x) => x !== station)
        .sort(() => rand() - 0.5)
        .slice(0, 2),
    ];
    onwardStations.forEach((stop, sequence) => {
      stopTimes.push(`${id},${clock(minutes)},${clock(minutes)},${stop},${sequence + 1},0,0`);
      minutes += 10 + Math.floor(rand() * 30);
    });
    tripTransfers.push(`${station},${station},${type},,${from},${id}`);
  }
  const transfers = stations.flatMap((station) => {
    const roll = rand();
    if (roll < 0.15) return [`${station},${station},1,,,`];
    if (roll < 0.4) return [`${station},${station},2,${60 * (1 + Math.floor(rand() * 12))},,`];
    if (roll < 0.5) return [`${station},${station},3,,,`];
    if (roll < 0.6) return [`${station},${station},0,,,`];
    return [];
  });
  const files = gtfsFilesFromText({
    'agency.txt': `agency_id,agency_name,agency_url,agency_timezone\nRR,Random Rail,https://random.example,${timeZone}\n`,
    'stops.txt': [
      'stop_id,stop_name,stop_lat,stop_lon',
      ...stations.map((s, i) => `${s},Station ${s},${40 + i},${i}`),
    ].join('\n'),
    'routes.txt': ['route_id,agency_id,route_short_name,route_type', ...routes].join('\n'),
    'trips.txt': ['route_id,service_id,trip_id,trip_short_name', ...trips].join('\n'),
    'stop_times.txt': [
      'trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type',
      ...stopTimes,
    ].join('\n'),
    'calendar.txt': [
      'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date',
      'DAILY,1,1,1,1,1,1,1,20260501,20260731',
      'WEEKDAYS,1,1,1,1,1,0,0,20260501,20260731',
    ].join('\n'),
    // Wednesday 3 June without the daily trains, Saturday 6 June with the weekday ones.
    'calendar_dates.txt': 'service_id,date,exception_type\nDAILY,20260603,2\nWEEKDAYS,20260606,1',
    'transfers.txt': [
      'from_stop_id,to_stop_id,transfer_type,min_transfer_time,from_trip_id,to_trip_id',
      ...transfers,
      ...tripTransfers,
    ].join('\n'),
  });
  return { files, stations, offsetMinutes, timeZone };
}

const DATES = ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-06', '2026-06-07'];

describe('searchTrips against a brute-force reference', () => {
  it('finds exactly the non-dominated trips of random networks, for random queries', () => {
    let compared = 0;
    let withChanges = 0;
    let overlappingRoutes = 0;
    let guaranteedChanges = 0;
    for (let seed = 1; seed <= 12; seed += 1) {
      const network = randomNetwork(seed);
      const rand = seededRandom(1000 + seed);
      const defaultChangeMinutes = [0, 2, 5, 10][seed % 4]!;
      const timetable = timetableOf(network.files, { minChangeMinutes: defaultChangeMinutes });
      const laterDays = 2;
      overlappingRoutes += timetable.network.routing.index.routes.filter((r) => !r.dayOrdered).length;
      for (let q = 0; q < 25; q += 1) {
        const from = network.stations[Math.floor(rand() * network.stations.length)]!;
        let to = from;
        while (to === from) to = network.stations[Math.floor(rand() * network.stations.length)]!;
        const date = DATES[Math.floor(rand() * DATES.length)]!;
        const maxChanges = Math.floor(rand() * 3);
        const dayStart = Date.parse(`${date}T00:00:00Z`) - network.offsetMinutes * 60_000;
        const after = rand() < 0.3 ? dayStart + Math.floor(rand() * 20 * 60) * 60_000 : undefined;
        const context = `seed ${seed} ${network.timeZone}: ${from}->${to} ${date} maxChanges ${maxChanges} after ${after === undefined ? '-' : new Date(after).toISOString()}`;
        const expected = referenceTrips(network.files, {
          from,
          to,
          date,
          after,
          first: 50,
          maxChanges,
          defaultChangeMinutes,
          offsetMinutes: network.offsetMinutes,
          laterDays,
        });
        const found = timetable.searchTrips({
          from,
          to,
          date,
          after: after === undefined ? undefined : new Date(after),
          first: 50,
          maxChanges,
        });
        const criteria = (list: Array<{ departure: Date | number; arrival: Date | number; changes: number }>) =>
          list.map((t) => ({ departure: Number(t.departure), arrival: Number(t.arrival), changes: t.changes }));
        expect(criteria(found), context).toEqual(criteria(expected.trips));
        // A busy station's search widens its horizon until the page is settled: forced here
        // with a one-hour first horizon on every station and a small page, it must agree too.
        const first = 1 + Math.floor(rand() * 4);
        const index = timetable.network;
        const paged = findTrips(
          index.routing,
          {
            from: index.stationsByCode.get(from)!,
            to: index.stationsByCode.get(to)!,
            date,
            after: after === undefined ? undefined : new Date(after),
            first,
            maxChanges,
            defaultChangeMinutes,
          },
          index.maxRunDays,
          { wholeDayDepartures: 0, firstHorizonHours: 1 },
        );
        expect(criteria(paged), `${context} first ${first}`).toEqual(criteria(expected.trips.slice(0, first)));
        for (const trip of found) {
          const legs = trip.legs.map(
            (j) => `${j.run.id} ${j.run.stops[j.fromStop]!.stationCode}-${j.run.stops[j.toStop]!.stationCode}`,
          );
          // Each trip is a real chain of rides with the changes the rules allow.
          expect(expected.feasible.has(legs.join(' / ')), `${context}: ${legs.join(' / ')}`).toBe(true);
          expect(trip.legs[0]!.departure).toEqual(trip.departure);
          expect(trip.legs.at(-1)!.arrival).toEqual(trip.arrival);
        }
        compared += 1;
        if (expected.trips.some((t) => t.changes > 0)) withChanges += 1;
        guaranteedChanges += expected.trips.filter((t) => t.guaranteed).length;
      }
    }
    // The random networks must exercise changes, not only direct trains.
    expect(compared).toBe(300);
    expect(withChanges).toBeGreaterThan(100);
    // ...and routes whose trains of one date overlap the next date's (searched date by date).
    expect(overlappingRoutes).toBeGreaterThan(5);
    // ...and answers that hold only thanks to a guaranteed change between two trips.
    expect(guaranteedChanges).toBeGreaterThan(10);
  }, 120_000);
});
