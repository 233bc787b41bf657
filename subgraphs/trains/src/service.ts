import { fileURLToPath } from 'node:url';
import { createTokenVerifier, type TokenVerifier } from '@railgraph/auth';

import { openServiceDatabase, type SqlClient } from '@railgraph/database';
import {
  loadSchemaFile,
  repeatEvery,
  startSubgraph,
  type RunningSubgraph,
  type SubgraphStartOptions,
} from '@railgraph/service-kit';
import { PrismaClient } from './__generated__/prisma/client.js';
import { trainsContextFactory } from './context.js';
import type { TrainsEnv } from './env.js';
import { resolvers } from './resolvers/index.js';
import { seedDemoNetworkOnce } from './store/seed.js';
import { TimetableStore } from './store/timetable-store.js';
import { loadTimetableSnapshot } from './store/snapshot.js';
import { NetworkIndex } from './timetable/network-index.js';
import { Timetable } from './timetable/timetable.js';

export const migrationsDir = fileURLToPath(new URL('../../../prisma/trains/migrations', import.meta.url));
const typeDefs = loadSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface TrainsOverrides {
  /** The clock the demo network's calendars start from; the real one by default. */
  clock?: () => Date;
  /** Verifies bearer tokens; by default against users' published JWKS. */
  tokens?: TokenVerifier;
}

export interface RunningTrains extends RunningSubgraph {
  store: TimetableStore;
  /** The database's SQL client, e.g. for imports while running. */
  sql: SqlClient;
  timetable: Timetable;
}

/** Opens and migrates the trains database, seeds the demo network once, loads the timetable and serves the subgraph. */
export function startTrains({
  overrides = {},
  ...options
}: SubgraphStartOptions<TrainsEnv, TrainsOverrides>): Promise<RunningTrains> {
  return startSubgraph(options, {
    name: 'trains',
    typeDefs,
    resolvers,
    setup: async ({ env, log, metrics, onClose }) => {
      const { db, prisma } = await openServiceDatabase(PrismaClient, env.database, { migrationsDir, log, onClose });
      const store = new TimetableStore(prisma);
      const today = (overrides.clock?.() ?? new Date()).toISOString().slice(0, 10);
      await seedDemoNetworkOnce(store, db.sql, today, log);

      const loadIndex = async () => {
        const started = performance.now();
        const snapshot = await loadTimetableSnapshot(db.sql);
        const index = new NetworkIndex(snapshot.stations, snapshot.trains, snapshot.transfers, snapshot.trainTransfers);
        log.info(
          {
            stations: snapshot.stations.length,
            trains: index.trainCount,
            stopTimes: index.stopTimeCount,
            ms: Math.round(performance.now() - started),
          },
          'timetable loaded',
        );
        return index;
      };
      const feedsVersion = async () =>
        JSON.stringify(await db.sql.query('SELECT id, checksum FROM "Feed" ORDER BY id'));
      let loadedVersion = await feedsVersion();
      const searches = metrics.counter('trains_journey_searches_total', 'Journey searches by result', [
        'result',
      ] as const);
      const timetable = new Timetable(
        await loadIndex(),
        (found) => searches.inc({ result: found > 0 ? 'found' : 'empty' }),
        { minChangeMinutes: env.minChangeMinutes },
      );

      // An import by `npm run import:gtfs` is picked up without a restart: the feeds' checksums
      // are compared now and then, and a changed timetable is loaded and swapped in whole.
      const reload = repeatEvery(
        env.reloadSeconds * 1000,
        async () => {
          const version = await feedsVersion();
          if (version === loadedVersion) return;
          timetable.replace(await loadIndex());
          loadedVersion = version;
        },
        (error) => log.error({ err: error }, 'timetable reload failed; serving the previous one'),
      );

      return {
        buildContext: trainsContextFactory(store, timetable, overrides.tokens ?? createTokenVerifier(env.auth)),
        readiness: [{ name: 'database', check: () => db.ping() }],
        tasks: env.reloadSeconds > 0 ? [reload] : [],
        expose: { store, sql: db.sql, timetable },
      };
    },
  });
}
