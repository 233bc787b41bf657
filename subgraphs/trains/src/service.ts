import { fileURLToPath } from 'node:url';
import { createTokenVerifier, type TokenVerifier } from '@railgraph/auth';
import { openDatabase } from '@railgraph/database';
import {
  loadSchemaFile,
  startSubgraph,
  type Logger,
  type RunningService,
  type ServiceMetrics,
} from '@railgraph/service-kit';
import { PrismaClient } from './__generated__/prisma/client.js';
import { trainsContextFactory, type TrainsContext } from './context.js';
import type { TrainsEnv } from './env.js';
import { resolvers } from './resolvers/index.js';
import { seedDemoNetworkOnce } from './store/seed.js';
import { TimetableStore } from './store/timetable-store.js';
import { Timetable } from './timetable/timetable.js';

const migrationsDir = fileURLToPath(new URL('../../../prisma/trains/migrations', import.meta.url));
const typeDefs = loadSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface TrainsOptions {
  /** The clock the demo network's calendars start from; the real one by default. */
  now?: () => Date;
  /** Verifies bearer tokens; by default against users' published JWKS. */
  tokens?: TokenVerifier;
}

export interface RunningTrains extends RunningService {
  store: TimetableStore;
  timetable: Timetable;
}

export async function startTrains(
  env: TrainsEnv,
  { log, metrics }: { log: Logger; metrics: ServiceMetrics },
  options: TrainsOptions = {},
): Promise<RunningTrains> {
  const db = await openDatabase(env.database);
  const migration = await db.migrate(migrationsDir);
  if (migration.applied.length > 0) log.info({ applied: migration.applied }, 'migrations applied');
  const prisma = new PrismaClient({ adapter: db.adapter });
  const store = new TimetableStore(prisma);
  const today = (options.now?.() ?? new Date()).toISOString().slice(0, 10);
  await seedDemoNetworkOnce(store, today, log);

  const searches = metrics.counter('trains_journey_searches_total', 'Journey searches by result', ['result'] as const);
  const timetable = new Timetable(store, (found) => searches.inc({ result: found > 0 ? 'found' : 'empty' }));

  const service = await startSubgraph<TrainsContext>({
    service: 'trains',
    settings: env,
    log,
    metrics,
    typeDefs,
    resolvers,
    buildContext: trainsContextFactory(store, timetable, options.tokens ?? createTokenVerifier(env.auth)),
    readiness: [{ name: 'database', check: () => db.ping() }],
    close: async () => {
      await prisma.$disconnect();
      await db.close();
    },
  });
  return { ...service, store, timetable };
}
