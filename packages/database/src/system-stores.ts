import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { DatabaseSettings } from './database.js';
import { passableTempDir, startEmbeddedPostgres } from './embedded/index.js';
import { freePort, startTestPostgres, stopServer, type TestPostgres } from './embedded-testing.js';
import { deleteKeys, redisTestUrl, uniquePrefix } from './redis-testing.js';
import { createTestDatabase, postgresAdminUrl, type TestDatabase } from './testing.js';

/** The services that keep a database of their own. */
const storeServices = ['users', 'trains', 'prices', 'tickets'] as const;
export type StoreService = (typeof storeServices)[number];

const urlVariable = (service: StoreService) => `${service.toUpperCase()}_DATABASE_URL`;

export interface SystemStores {
  /** The environment that puts a whole system on these stores, its data folder included. */
  env: Record<string, string>;
  dataDir: string;
  /** Tickets' database URL when these stores have one; unset when the launcher's embedded server serves tickets. */
  ticketsDatabaseUrl: string | undefined;
  /**
   * Where tickets' database is while the system runs: its URL, or the database on the embedded
   * server the launcher runs on `dataDir` (found through the connection file the server writes).
   */
  ticketsDatabase: DatabaseSettings;
  /** Inventory's Redis key prefix, when on Redis. */
  redisPrefix: string | undefined;
  /**
   * `service`'s database once the system has stopped, to read what it left: on the launcher's
   * embedded server (which stopped with the system) the server is started again on `dataDir`
   * until `close()`; otherwise the database stays where it was.
   */
  afterStop(service: StoreService): Promise<StoppedDatabase>;
  /** Removes the data folder, the databases (stopping a server started here) and the Redis keys. */
  drop(): Promise<void>;
}

export interface StoppedDatabase {
  settings: DatabaseSettings;
  close(): Promise<void>;
}

export interface SystemStoresOptions {
  /** The PostgreSQL server the databases are made on for `real`; TEST_POSTGRES_URL's by default. */
  adminUrl?: string;
  /** The Redis inventory uses; TEST_REDIS_URL's by default. */
  redisUrl?: string;
  /**
   * For `embedded`: start an embedded PostgreSQL server here with a database for each service,
   * for a harness that starts the services itself. Without it the system's launcher starts its
   * own embedded server on the data folder (it does for every service given no URL).
   */
  embeddedServer?: boolean;
  /** For `embedded`: put inventory (and the rate-limit counters) on Redis as `real` does. */
  redis?: boolean;
}

/**
 * Stores for one whole system (the system tests, a load run), `label` naming them: a fresh data
 * folder; for `real`, a fresh database per service on a PostgreSQL server and a Redis key prefix
 * of its own; for `embedded`, the embedded PostgreSQL server (the launcher's, or one started here
 * with `embeddedServer`). `drop()` removes it all.
 */
export async function systemStores(
  stores: 'embedded' | 'real',
  label: string,
  options: SystemStoresOptions = {},
): Promise<SystemStores> {
  const dataDir = await passableTempDir(`railgraph-${label}-`);
  const onRedis = stores === 'real' || options.redis === true;
  const redis = onRedis ? redisStores(label, options.redisUrl ?? redisTestUrl()) : undefined;
  let databases: { urls: Record<StoreService, string>; drop(): Promise<void> } | undefined;
  try {
    if (stores === 'real') databases = await realDatabases(label, options.adminUrl ?? postgresAdminUrl());
    else if (options.embeddedServer) databases = await embeddedDatabases(label);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const urls = databases?.urls;
  const ticketsDatabase: DatabaseSettings = urls ? { url: urls.tickets } : { embedded: { dataDir, name: 'tickets' } };
  return {
    env: {
      ...(urls ? Object.fromEntries(storeServices.map((service) => [urlVariable(service), urls[service]])) : {}),
      ...redis?.env,
      DATA_DIR: dataDir,
    },
    dataDir,
    ticketsDatabaseUrl: urls?.tickets,
    ticketsDatabase,
    redisPrefix: redis?.prefix,
    afterStop: (service) =>
      urls
        ? Promise.resolve({ settings: { url: urls[service] }, close: async () => undefined })
        : reopen(dataDir, service),
    drop: async () => {
      await databases?.drop();
      await rm(dataDir, { recursive: true, force: true });
      await redis?.drop();
    },
  };
}

/** A Redis key prefix of its own for inventory, the gateway's and users' counters alike, so drop() removes them all. */
function redisStores(label: string, redisUrl: string) {
  const prefix = uniquePrefix(label);
  return {
    prefix,
    env: {
      REDIS_URL: redisUrl,
      INVENTORY_REDIS_KEY_PREFIX: prefix,
      GATEWAY_RATE_LIMIT_KEY_PREFIX: `${prefix}gw:`,
      USERS_REDIS_KEY_PREFIX: `${prefix}users:`,
    },
    drop: () => deleteKeys(redisUrl, prefix),
  };
}

async function realDatabases(label: string, adminUrl: string) {
  const made: TestDatabase[] = await Promise.all(
    storeServices.map((service) => createTestDatabase(`${label}_${service}`, adminUrl)),
  );
  return {
    urls: Object.fromEntries(storeServices.map((service, i) => [service, made[i]!.url])) as Record<
      StoreService,
      string
    >,
    drop: async () => {
      for (const database of made) await database.drop();
    },
  };
}

async function embeddedDatabases(label: string) {
  const server: TestPostgres = await startTestPostgres(label, storeServices);
  return {
    urls: Object.fromEntries(storeServices.map((service) => [service, server.server.url(service)])) as Record<
      StoreService,
      string
    >,
    drop: () => server.stop(),
  };
}

/** The launcher's embedded server started again on its data folder, after the system stopped. */
async function reopen(dataDir: string, service: StoreService): Promise<StoppedDatabase> {
  const server = await startEmbeddedPostgres({
    dir: path.join(dataDir, 'postgres'),
    port: await freePort(),
    databases: [],
    log: () => undefined,
  });
  return { settings: { url: server.url(service) }, close: () => stopServer(server) };
}
