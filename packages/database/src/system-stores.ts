import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deleteKeys, redisTestUrl, uniquePrefix } from './redis-testing.js';
import { createTestDatabase, postgresAdminUrl } from './testing.js';

/** The services that keep a database of their own. */
const storeServices = ['users', 'trains', 'prices', 'tickets'] as const;

export interface SystemStores {
  /** The environment that puts a whole system on these stores, its data folder included. */
  env: Record<string, string>;
  dataDir: string;
  /** Tickets' PostgreSQL database, on real stores; unset on the embedded PGlite. */
  ticketsDatabaseUrl: string | undefined;
  /** Inventory's Redis key prefix, on real stores. */
  redisPrefix: string | undefined;
  /** Removes the data folder, the databases and the Redis keys. */
  drop(): Promise<void>;
}

export interface SystemStoresOptions {
  /** The PostgreSQL server the databases are made on; TEST_POSTGRES_URL's by default. */
  adminUrl?: string;
  /** The Redis inventory uses; TEST_REDIS_URL's by default. */
  redisUrl?: string;
}

/**
 * Stores for one whole system (the system tests, a load run): a fresh data folder and, for
 * `real`, a fresh PostgreSQL database per service and a Redis key prefix of its own (`label`
 * names them), all removed by `drop()`.
 */
export async function systemStores(
  stores: 'embedded' | 'real',
  label: string,
  options: SystemStoresOptions = {},
): Promise<SystemStores> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `railgraph-${label}-`));
  if (stores === 'embedded') {
    return {
      env: { DATA_DIR: dataDir },
      dataDir,
      ticketsDatabaseUrl: undefined,
      redisPrefix: undefined,
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = options.adminUrl ?? postgresAdminUrl();
  const redisUrl = options.redisUrl ?? redisTestUrl();
  const databases = await Promise.all(
    storeServices.map((service) => createTestDatabase(`${label}_${service}`, adminUrl)),
  );
  const urls = Object.fromEntries(
    databases.map((db, i) => [`${storeServices[i]!.toUpperCase()}_DATABASE_URL`, db.url]),
  );
  const redisPrefix = uniquePrefix(label);
  return {
    env: {
      ...urls,
      REDIS_URL: redisUrl,
      INVENTORY_REDIS_KEY_PREFIX: redisPrefix,
      // The gateway's and users' rate-limit counters, under the same prefix so drop() removes them.
      GATEWAY_RATE_LIMIT_KEY_PREFIX: `${redisPrefix}gw:`,
      USERS_REDIS_KEY_PREFIX: `${redisPrefix}users:`,
      DATA_DIR: dataDir,
    },
    dataDir,
    ticketsDatabaseUrl: urls['TICKETS_DATABASE_URL'],
    redisPrefix,
    drop: async () => {
      await rm(dataDir, { recursive: true, force: true });
      for (const db of databases) await db.drop();
      await deleteKeys(redisUrl, redisPrefix);
    },
  };
}
