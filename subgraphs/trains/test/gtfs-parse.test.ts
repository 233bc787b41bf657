import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDemoNetwork } from '../src/demo/network.js';
import { DEMO_CONSISTS, demoGtfsFeeds } from '../src/demo/gtfs.js';
import { DEFAULT_CONSIST_RULES, parseConsistRules } from '../src/gtfs/consists.js';
import { GtfsFeedError, parseCsv } from '../src/gtfs/csv.js';
import { parseGtfsFeed, trainIdForTrip } from '../src/gtfs/parse.js';
import { readGtfsFiles } from '../src/gtfs/source.js';
import { isTrainId } from '../src/timetable/run-id.js';
import { basicFeed, BASIC_FEED_DIR } from './gtfs-fixture.js';
import { SEED_DAY } from './helpers.js';

const consists = parseConsistRules(DEFAULT_CONSIST_RULES);
const scratch = await mkdtemp(path.join(tmpdir(), 'trains-gtfs-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('GTFS text files', () => {
  it('reads quoted fields with commas, quotes and line breaks, a byte-order mark and CRLF line ends', () => {
    const table = parseCsv('stops.txt', '\uFEFFstop_id,stop_name\r\n1,"Brussels, ""Midi""\nsouth"\r\n\r\n2,Plain\r\n');
    expect(table.columns).toEqual(['stop_id', 'stop_name']);
    const rows = [...table.rows()].map((r) => [r.line, r.get('stop_id'), r.get('stop_name')]);
    expect(rows).toEqual([
      [2, '1', 'Brussels, "Midi"\nsouth'],
      [5, '2', 'Plain'],
    ]);
  });

  it('names the file and line of a row with the wrong number of fields or an unclosed quote', () => {
    expect(() => [...parseCsv('trips.txt', 'a,b\n1,2\n1,2,3\n').rows()]).toThrow('trips.txt line 3: expected 2 fields');
    expect(() => [...parseCsv('trips.txt', 'a,b\n1,"2\n').rows()]).toThrow('trips.txt line 2: a quoted field');
  });
});

describe('reading a feed', () => {
  it('reads the same feed from a folder and from a zip, with or without a top folder', async () => {
    const fromFolder = await readGtfsFiles(BASIC_FEED_DIR);
    for (const prefix of ['', 'feed/']) {
      const zip = zipSync(
        Object.fromEntries([...fromFolder].map(([name, text]) => [`${prefix}${name}`, strToU8(text)])),
      );
      const file = path.join(scratch, `feed${prefix ? '-nested' : ''}.zip`);
      await writeFile(file, zip);
      expect(await readGtfsFiles(file)).toEqual(fromFolder);
    }
  });

  it('rejects a file that is not a zip and a path that does not exist', async () => {
    const file = path.join(scratch, 'broken.zip');
    await writeFile(file, 'not a zip');
    await expect(readGtfsFiles(file)).rejects.toThrow(GtfsFeedError);
    await expect(readGtfsFiles(path.join(scratch, 'missing'))).rejects.toThrow('no such file or folder');
  });

  it('gives the same checksum to the same content and another to changed content', () => {
    const a = parseGtfsFeed(basicFeed(), { consists });
    const b = parseGtfsFeed(basicFeed(), { consists });
    const c = parseGtfsFeed(basicFeed({ 'feed_info.txt': 'feed_version\n2026.2\n' }), { consists });
    expect(a.checksum).toBe(b.checksum);
    expect(c.checksum).not.toBe(a.checksum);
    expect([a.id, a.version, c.version]).toEqual(['FXR', '2026.1', '2026.2']);
  });

  it('keeps transfers between stations for connection search', () => {
    expect(parseGtfsFeed(basicFeed(), { consists }).transfers).toEqual([
      { fromStationCode: 'LDN', toStationCode: 'LDN', transferType: 2, minTransferSeconds: 300 },
      { fromStationCode: 'YRK', toStationCode: 'YRK', transferType: 2, minTransferSeconds: 240 },
    ]);
  });

  it('maps trip ids that are not plain tokens to unique train ids', () => {
    const ids = ['IC 501 (Mon-Fri)', 'IC 501 (Mon/Fri)', 'x'.repeat(80), '#12'].map(trainIdForTrip);
    expect(ids.every(isTrainId)).toBe(true);
    expect(new Set(ids).size).toBe(4);
    expect(trainIdForTrip('EC101')).toBe('EC101');
  });

  it('maps route types to consists by configurable rules', () => {
    const rules = parseConsistRules(DEFAULT_CONSIST_RULES, '2=HS-2F8S');
    const feed = parseGtfsFeed(basicFeed(), { consists: rules });
    expect(feed.timetable.trains.find((t) => t.id === 'T1')?.consistId).toBe('HS-2F8S');
    expect(() => parseConsistRules('2=XX-9F9S,*=RE-1F3S')).toThrow('names no known layout');
  });
});

describe('the demo network as GTFS', () => {
  it('is one feed per agency time zone that reads back as the demo network', () => {
    const feeds = demoGtfsFeeds(SEED_DAY);
    expect(feeds.map((f) => f.operator)).toEqual(['demo-london', 'demo-amsterdam']);
    const network = buildDemoNetwork(SEED_DAY);
    const parsed = feeds.map((f) => parseGtfsFeed(f.files, { operator: f.operator, consists: DEMO_CONSISTS }));
    const trains = parsed.flatMap((p) => p.timetable.trains);
    expect(trains.map((t) => t.id).sort()).toEqual(network.trains.map((t) => t.id).sort());
    const byId = new Map(trains.map((t) => [t.id, t]));
    for (const train of network.trains) {
      const read = byId.get(train.id)!;
      expect({ ...read, calendar: { ...read.calendar } }, train.id).toEqual({
        ...train,
        calendar: { ...train.calendar },
      });
    }
    const stations = parsed.flatMap((p) => p.timetable.stations);
    expect(new Set(stations.map((s) => s.code))).toEqual(new Set(network.stations.map((s) => s.code)));
  });
});
