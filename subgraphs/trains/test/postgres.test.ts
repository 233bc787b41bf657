import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { describeOnPostgres } from '@railgraph/database/testing';
import { graphql, SEED_DAY, startTestTrains } from './helpers.js';
import { buildDemoNetwork } from '../src/demo/network.js';
import type { RunningTrains } from '../src/service.js';

const SEARCHES = [
  { from: 'KGX', to: 'YRK', date: '2026-03-29' },
  { from: 'NCL', to: 'KGX', date: '2026-03-25' },
  { from: 'STP', to: 'BMI', date: '2026-03-24' },
  { from: 'DHG', to: 'AHM', date: '2026-03-28', first: 50 },
  { from: 'PAD', to: 'NWP', date: '2026-03-28', first: 50 },
  { from: 'SVG', to: 'DON', date: '2026-04-09' },
];
const SEARCH = `query($from: String!, $to: String!, $date: Date!, $first: Int) {
  searchJourneys(from: $from, to: $to, date: $date, first: $first) {
    runId fromStop toStop departure arrival durationMinutes distanceKm origin { code } destination { code }
    run { serviceDate legCount consist { id } }
  }
}`;

async function searchAll(service: RunningTrains): Promise<unknown[]> {
  return Promise.all(SEARCHES.map(async (variables) => (await graphql(service, SEARCH, variables)).data));
}

await describeOnPostgres('trains', (database) => {
  let databaseUrl: string;
  let onPostgres: RunningTrains | undefined;
  let onEmbedded: RunningTrains | undefined;

  beforeAll(async () => {
    databaseUrl = (await database.settings()).url!;
    [onPostgres, onEmbedded] = await Promise.all([startTestTrains(databaseUrl), startTestTrains()]);
  });
  afterAll(async () => {
    await onPostgres?.stop();
    await onEmbedded?.stop();
  });

  it('applies the migrations and records them as Prisma does', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const history = await client.query('SELECT migration_name, finished_at FROM "_prisma_migrations"');
      expect(history.rows.map((r) => r.migration_name).sort()).toEqual([
        '20261125000000_init',
        '20261125130000_gtfs_feeds',
        '20261205030000_train_transfers',
        '20261205080000_run_cancellations',
      ]);
      expect(history.rows.every((r) => r.finished_at !== null)).toBe(true);
      const tables = await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'CalendarException',
        'Consist',
        'Feed',
        'Operator',
        'RunCancellation',
        'Station',
        'Train',
        'TrainStop',
        'TrainTransfer',
        'Transfer',
      ]);
    } finally {
      await client.end();
    }
  });

  it('seeds the same network and finds the same journeys as on the embedded server', async () => {
    const [fromPostgres, fromEmbedded] = await Promise.all([searchAll(onPostgres!), searchAll(onEmbedded!)]);
    expect(fromPostgres).toEqual(fromEmbedded);
    const counts = fromPostgres.map((data) => (data as { searchJourneys: unknown[] }).searchJourneys.length);
    expect(counts).toEqual([16, 15, 4, 34, 29, 0]);
  });

  it('does not seed again on a later start', async () => {
    await onPostgres!.stop();
    onPostgres = await startTestTrains(databaseUrl, new Date('2026-05-01T12:00:00Z'));
    const [train] = await onPostgres.store.trainsByIds(['EC101']);
    expect(train?.calendar.validFrom).toBe('2026-03-19');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT (SELECT count(*) FROM "Train")::int AS trains, (SELECT count(*) FROM "Station")::int AS stations',
      );
      const network = buildDemoNetwork(SEED_DAY);
      expect(rows[0]).toEqual({ trains: network.trains.length, stations: network.stations.length });
    } finally {
      await client.end();
    }
  });
});
