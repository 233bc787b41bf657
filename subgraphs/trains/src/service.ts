import { fileURLToPath } from 'node:url';
import { createTokenVerifier, type TokenVerifier } from '@railgraph/auth';

import { openServiceDatabase, type SqlClient } from '@railgraph/database';
import {
  loadSchemaFile,
  repeatEvery,
  startSubgraph,
  type Logger,
  type RunningSubgraph,
  type SubgraphStartOptions,
} from '@railgraph/service-kit';
import { PrismaClient } from './__generated__/prisma/client.js';
import { CancelledRuns } from './cancellations/cancelled-runs.js';
import { RunCancellations } from './cancellations/run-cancellations.js';
import { RunCancellationStore } from './cancellations/store.js';
import { trainsContextFactory } from './context.js';
import type { TrainsEnv } from './env.js';
import { mountTripUpdatesEndpoint } from './realtime/endpoint.js';
import type { TripUpdatesFeed } from './realtime/feed-message.js';
import { pollTripUpdates } from './realtime/poller.js';
import { applyTripUpdates } from './realtime/trip-updates.js';
import { resolvers } from './resolvers/index.js';
import { seedDemoNetworkOnce } from './store/seed.js';
import { TimetableStore } from './store/timetable-store.js';
import { loadTimetableSnapshot } from './store/snapshot.js';
import { NetworkIndex } from './timetable/network-index.js';
import { Timetable } from './timetable/timetable.js';

export const migrationsDir = fileURLToPath(new URL('../../../prisma/trains/migrations', import.meta.url));
const typeDefs = loadSchemaFile(new URL('../schema.graphql', import.meta.url));

/**
 * How often a process reads the cancellations other processes recorded, so that every trains
 * process stops offering a cancelled run within a few seconds.
 */
const CANCELLATIONS_REFRESH_MS = 5_000;

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
  cancellations: RunCancellations;
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
      // Cancelled runs are kept beside the timetable, not in it: they outlive its reloads.
      const cancellationStore = new RunCancellationStore(db.sql);
      const cancelledRuns = new CancelledRuns();
      await cancelledRuns.catchUp(cancellationStore);
      log.info({ cancelledRuns: cancelledRuns.size }, 'cancelled runs loaded');
      const timetable = new Timetable(
        await loadIndex(),
        (found) => searches.inc({ result: found > 0 ? 'found' : 'empty' }),
        { minChangeMinutes: env.minChangeMinutes },
        cancelledRuns,
      );
      const cancelledTotal = metrics.counter('trains_run_cancellations_total', 'Runs cancelled, by source', [
        'source',
      ] as const);
      const cancellations = new RunCancellations({
        store: cancellationStore,
        cancelled: cancelledRuns,
        timetable,
        clock: () => new Date(),
        log,
        onCancelled: (source) => cancelledTotal.inc({ source }),
      });
      const tokens = overrides.tokens ?? createTokenVerifier(env.auth);
      // Pushed (POST /realtime/trip-updates) or polled, a feed is acted on the same way.
      const applyFeed = (feed: TripUpdatesFeed, feedLog: Logger) => applyTripUpdates(feed, cancellations, feedLog);

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
      // Other trains processes record cancellations too; theirs are read here.
      const refreshCancelled = repeatEvery(
        CANCELLATIONS_REFRESH_MS,
        async () => {
          const added = await cancelledRuns.catchUp(cancellationStore);
          if (added > 0) log.info({ added, cancelledRuns: cancelledRuns.size }, 'cancelled runs refreshed');
        },
        (error) => log.error({ err: error }, 'reading cancelled runs failed; searching with those known so far'),
      );
      const poller = env.realtime.tripUpdatesUrl
        ? pollTripUpdates({ url: env.realtime.tripUpdatesUrl, intervalMs: env.realtime.pollMs, apply: applyFeed, log })
        : null;

      return {
        buildContext: trainsContextFactory({ store, timetable, cancellationStore, cancellations, tokens }),
        readiness: [{ name: 'database', check: () => db.ping() }],
        routes: (app) => mountTripUpdatesEndpoint(app, { tokens, apply: applyFeed, log }),
        tasks: [...(env.reloadSeconds > 0 ? [reload] : []), refreshCancelled, ...(poller ? [poller] : [])],
        expose: { store, sql: db.sql, timetable, cancellations },
      };
    },
  });
}
