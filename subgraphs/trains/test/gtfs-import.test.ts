import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceDatabase } from '@railgraph/database';
import { describeEachDatabase } from '@railgraph/database/testing';
import { DEFAULT_CONSIST_RULES, parseConsistRules } from '../src/gtfs/consists.js';
import { GtfsFeedError } from '../src/gtfs/csv.js';
import { importGtfs } from '../src/gtfs/import.js';
import type { GtfsFiles } from '../src/gtfs/source.js';
import { loadTimetableSnapshot } from '../src/store/snapshot.js';
import { NetworkIndex } from '../src/timetable/network-index.js';
import { Timetable } from '../src/timetable/timetable.js';
import { addDays } from '../src/timetable/local-time.js';
import { basicFeed, BASIC_FEED_DIR, dumpTimetable, freshDatabase, otherFeed } from './gtfs-fixture.js';
import { referenceJourneys } from './gtfs-reference.js';

const consists = parseConsistRules(DEFAULT_CONSIST_RULES);

await describeEachDatabase('GTFS import', (database) => {
  let db: ServiceDatabase;

  const importFeed = (files: GtfsFiles | string, operator?: string) =>
    importGtfs(db.sql, files, { operator, consists });
  const timetable = async () => {
    const snapshot = await loadTimetableSnapshot(db.sql);
    return new Timetable(new NetworkIndex(snapshot.stations, snapshot.trains));
  };
  const search = async (from: string, to: string, date: string) =>
    (await timetable()).searchJourneys({ from, to, date, first: 50 }).map((j) => ({
      runId: j.run.id,
      fromStop: j.fromStop,
      toStop: j.toStop,
      departure: j.departure.toISOString(),
      arrival: j.arrival.toISOString(),
    }));
  const rejection = async (files: GtfsFiles): Promise<GtfsFeedError> => {
    const error: unknown = await importFeed(files).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GtfsFeedError);
    return error as GtfsFeedError;
  };

  beforeAll(async () => {
    db = await freshDatabase((await database.settings()).url!);
    const first = await importFeed(BASIC_FEED_DIR);
    expect(first.outcome).toBe('imported');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('turns stops into stations by stop_code, platforms into their station, with the agency or stop time zone', async () => {
    const { stations } = await loadTimetableSnapshot(db.sql);
    expect(stations.map((s) => [s.code, s.name, s.timeZone]).sort()).toEqual([
      ['EDB', 'Edinburgh Waverley', 'Europe/London'],
      ['LDN', 'London Fixture Cross', 'Europe/London'],
      ['LGG', 'Liège-Guillemins', 'Europe/Brussels'],
      ['YRK', 'York', 'Europe/London'],
    ]);
  });

  it('turns trips into trains numbered by trip_short_name, with the default consist of their route type', async () => {
    const { trains } = await loadTimetableSnapshot(db.sql);
    const byId = new Map(trains.map((t) => [t.id, t]));
    expect(byId.get('T1')).toMatchObject({ number: 'FX 1', consistId: 'IC-1F5S', departureMinutes: 480 });
    expect(byId.get('T3')).toMatchObject({ number: 'FH 3', consistId: 'HS-2F8S' });
    expect(byId.get('T1')?.operator).toEqual({ id: 'FXR', name: 'Fixture Rail', timeZone: 'Europe/London' });
    expect(byId.get('T3')?.stops.map((s) => s.stationCode)).toEqual(['LDN', 'YRK', 'EDB']);
  });

  it('finds stations by a prefix of their code, name or a word of the name, ignoring case and accents', async () => {
    const codes = async (search: string) => (await timetable()).stations(search, 10).map((s) => s.code);
    expect(await codes('liege')).toEqual(['LGG']);
    expect(await codes('LIÈGE-GUI')).toEqual(['LGG']);
    expect(await codes('guillemins')).toEqual(['LGG']);
    expect(await codes('yrk')).toEqual(['YRK']);
    expect(await codes('e')).toEqual(['EDB']); // Edinburgh; not York, which only contains an e
    expect(await codes('ondon')).toEqual([]);
  });

  it('reads times past 24:00 as the following day', async () => {
    const found = await search('LDN', 'EDB', '2026-06-16');
    expect(found.find((j) => j.runId === 'T2:2026-06-16')).toEqual({
      runId: 'T2:2026-06-16',
      fromStop: 0,
      toStop: 2,
      departure: '2026-06-16T22:30:00.000Z',
      arrival: '2026-06-17T03:00:00.000Z',
    });
    // York at 25:30 of the 16th is 01:30 BST on the 17th: found on the 17th, as the run of the 16th.
    const fromYork = await search('YRK', 'EDB', '2026-06-17');
    expect(fromYork.map((j) => [j.runId, j.departure])).toContainEqual(['T2:2026-06-16', '2026-06-17T00:32:00.000Z']);
  });

  it('converts times on the spring-forward day (2026-03-29) to UTC', async () => {
    const found = await search('LDN', 'YRK', '2026-03-29');
    expect(found.map((j) => [j.runId, j.departure, j.arrival])).toEqual([
      ['T7:2026-03-29', '2026-03-29T01:30:00.000Z', '2026-03-29T03:30:00.000Z'], // 01:30 does not exist: 02:30 BST
      ['T5:2026-03-29', '2026-03-29T06:00:00.000Z', '2026-03-29T08:00:00.000Z'],
      ['T1:2026-03-29', '2026-03-29T07:00:00.000Z', '2026-03-29T09:00:00.000Z'],
      ['T2:2026-03-29', '2026-03-29T22:30:00.000Z', '2026-03-30T00:30:00.000Z'],
    ]);
    // The night train of the 28th leaves at 23:30 GMT and runs 4 h 30 through the change: 05:00 BST.
    const night = (await search('LDN', 'EDB', '2026-03-28')).find((j) => j.runId === 'T2:2026-03-28');
    expect([night?.departure, night?.arrival]).toEqual(['2026-03-28T23:30:00.000Z', '2026-03-29T04:00:00.000Z']);
  });

  it('converts times on the fall-back day (2026-10-25) to UTC', async () => {
    const found = await search('LDN', 'YRK', '2026-10-25');
    expect(found.map((j) => [j.runId, j.departure])).toEqual([
      ['T7:2026-10-25', '2026-10-25T00:30:00.000Z'], // 01:30 happens twice: the first, still BST
      ['T1:2026-10-25', '2026-10-25T08:00:00.000Z'],
      ['T2:2026-10-25', '2026-10-25T23:30:00.000Z'],
    ]);
    const night = (await search('LDN', 'EDB', '2026-10-24')).find((j) => j.runId === 'T2:2026-10-24');
    expect([night?.departure, night?.arrival]).toEqual(['2026-10-24T22:30:00.000Z', '2026-10-25T03:00:00.000Z']);
  });

  it('follows removed and added calendar dates, and services given only by calendar_dates', async () => {
    const runIds = async (date: string) => (await search('LDN', 'EDB', date)).map((j) => j.runId);
    expect(await runIds('2026-03-27')).toContain('T3:2026-03-27'); // a Friday
    expect(await runIds('2026-03-30')).not.toContain('T3:2026-03-30'); // a Monday, removed
    expect(await runIds('2026-03-28')).toContain('T3:2026-03-28'); // a Saturday, added
    expect(await runIds('2026-03-21')).not.toContain('T3:2026-03-21'); // an ordinary Saturday
    const extra = async (date: string) => (await search('LDN', 'YRK', date)).filter((j) => j.runId.startsWith('T5:'));
    expect(await extra('2026-03-29')).toHaveLength(1);
    expect(await extra('2026-04-05')).toEqual([]);
  });

  it('forbids boarding where pickup_type is 1 and alighting where drop_off_type is 1', async () => {
    const trainsOf = async (from: string, to: string) =>
      (await search(from, to, '2026-06-16')).map((j) => j.runId.split(':')[0]);
    expect(await trainsOf('LDN', 'YRK')).not.toContain('T3'); // T3 does not set down at York
    expect(await trainsOf('LDN', 'EDB')).toContain('T3');
    expect(await trainsOf('YRK', 'LDN')).not.toContain('T4'); // T4 does not pick up at York
    expect(await trainsOf('EDB', 'YRK')).toContain('T4');
  });

  it('takes distances from shape_dist_traveled (metres here), else from the great circle', async () => {
    const { trains } = await loadTimetableSnapshot(db.sql);
    const byId = new Map(trains.map((t) => [t.id, t]));
    expect(byId.get('T6')?.stops.at(-1)?.distanceKm).toBe(382.5);
    const toEdinburgh = byId.get('T1')?.stops.at(-1)?.distanceKm ?? 0;
    expect(toEdinburgh).toBeGreaterThan(500); // KGX-YRK-EDB in straight lines, about 530 km
    expect(toEdinburgh).toBeLessThan(560);
  });

  it('finds exactly the journeys a plain scan of the raw files finds', async () => {
    const codes = ['LDN', 'YRK', 'EDB', 'LGG'];
    const dates = [
      ...Array.from({ length: 5 }, (_, i) => addDays('2026-03-27', i)),
      ...Array.from({ length: 5 }, (_, i) => addDays('2026-10-23', i)),
      '2026-06-16',
    ];
    let compared = 0;
    for (const from of codes) {
      for (const to of codes) {
        if (from === to) continue;
        for (const date of dates) {
          expect(await search(from, to, date), `${from}-${to} ${date}`).toEqual(
            referenceJourneys(BASIC_FEED_DIR, from, to, date),
          );
          compared += 1;
        }
      }
    }
    expect(compared).toBe(132);
  });

  it('changes nothing when the same feed is imported again', async () => {
    const before = await dumpTimetable(db);
    const again = await importFeed(BASIC_FEED_DIR);
    expect(again.outcome).toBe('unchanged');
    expect(await dumpTimetable(db)).toEqual(before);
  });

  it('replaces only its own timetable when a newer version of a feed is imported', async () => {
    expect((await importFeed(otherFeed('1'))).outcome).toBe('imported');
    const basicTrains = (await dumpTimetable(db))['Train']!.filter((t) => (t as { feedId: string }).feedId === 'FXR');
    const replaced = await importFeed(otherFeed('2'));
    expect(replaced).toMatchObject({ feedId: 'OTH', outcome: 'replaced', trains: 2 });
    const after = await dumpTimetable(db);
    expect(after['Train']!.filter((t) => (t as { feedId: string }).feedId === 'FXR')).toEqual(basicTrains);
    const numbers = (await loadTimetableSnapshot(db.sql)).trains
      .filter((t) => t.operator.id === 'OTH')
      .map((t) => t.number);
    expect(numbers.sort()).toEqual(['IC 201', 'IC 202']);
    // A newer version of the first feed without T7 drops T7 and leaves the other operator alone.
    const withoutT7 = basicFeed({
      'trips.txt': basicFeed()
        .get('trips.txt')!
        .replace(/^R1,DAILY,T7.*\n/m, ''),
      'stop_times.txt': basicFeed()
        .get('stop_times.txt')!
        .replace(/^T7,.*\n/gm, ''),
    });
    expect((await importFeed(withoutT7)).outcome).toBe('replaced');
    const snapshot = await loadTimetableSnapshot(db.sql);
    expect(snapshot.trains.map((t) => t.id).sort()).toEqual(['O1', 'O2', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6']);
    expect((await search('BMI', 'LGG', '2026-06-16')).map((j) => j.runId)).toEqual(['O1:2026-06-16']);
  });

  it('rejects a malformed feed naming file, line and reason, and leaves the database as it was', async () => {
    const before = await dumpTimetable(db);
    const stopTimes = basicFeed().get('stop_times.txt')!;
    const cases: Array<[GtfsFiles, string]> = [
      [
        basicFeed({ 'stop_times.txt': stopTimes.replace('T1,10:00:00,10:02:00', 'T1,10:00,10:02:00') }),
        'stop_times.txt line 3: arrival_time must be HH:MM:SS',
      ],
      [
        basicFeed({ 'stop_times.txt': stopTimes.replace('T1,12:30:00,12:30:00,1002', 'T1,12:30:00,12:30:00,9999') }),
        'stop_times.txt line 4: stop_id 9999 is not a stop',
      ],
      [
        basicFeed({ 'trips.txt': basicFeed().get('trips.txt')!.replace('R2,DAILY,T6', 'R9,DAILY,T6') }),
        'trips.txt line 7: route_id R9 is not in routes.txt',
      ],
      [
        basicFeed({ 'calendar.txt': basicFeed().get('calendar.txt')!.replace('20261130\nWK', '2026113\nWK') }),
        'calendar.txt line 2: end_date must be a real YYYYMMDD date',
      ],
      [
        basicFeed({ 'routes.txt': 'route_id,agency_id,route_type\nR1,FXR,2,extra\n' }),
        'routes.txt line 2: expected 3 fields as in the header, found 4',
      ],
      [basicFeed({ 'stops.txt': null }), 'stops.txt: the feed has no such file'],
      [
        basicFeed({ 'stop_times.txt': stopTimes.replace('T4,16:00:00,16:01:00', 'T4,13:00:00,13:01:00') }),
        'stop_times.txt line 12: arrival_time is before the departure from the previous stop',
      ],
      // Version 3 of the other operator's feed reuses a train id of this one: refused in the transaction.
      [
        otherFeed('3')
          .set('trips.txt', 'route_id,service_id,trip_id\nO,A,O1\nO,A,T1\n')
          .set(
            'stop_times.txt',
            'trip_id,arrival_time,departure_time,stop_id,stop_sequence\nO1,07:00:00,07:00:00,BMI,1\nO1,08:00:00,08:00:00,LGG,2\nT1,09:00:00,09:00:00,LGG,1\nT1,10:00:00,10:00:00,BMI,2\n',
          ),
        'train T1 already belongs to feed FXR',
      ],
    ];
    for (const [files, message] of cases) {
      expect((await rejection(files)).message).toContain(message);
      expect(await dumpTimetable(db)).toEqual(before);
    }
  });
});
