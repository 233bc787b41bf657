import type { SystemStores } from '@railgraph/database/system-stores';
import { systemStores } from '@railgraph/database/system-stores';
import { openDatabase, type DatabaseSettings } from '@railgraph/database';
import { mailSettledWithin, readTicketsStore, type TicketsStore } from '@railgraph/invariants';
import { startSystem, type RunningSystem } from '@railgraph/launcher/system';
import type { LoadOptions } from './options.js';

/** The system a load run drives: one it started on the stores asked for, or a running one. */
export interface LoadTarget {
  /** The started system's data folder (its processes carry it); undefined for a running one. */
  dataDir: string | undefined;
  /** The gateway's origin, Locust's host. */
  host: string;
  gatewayUrl: string;
  /**
   * Waits until the saga has settled: tickets' outbox is empty and, where its store can be read
   * (a started system's, or a running one's given its URL), no attempt is PENDING (one a killed
   * process left expires within the bound); or until `ms` passes. Only then do inventory's seats
   * equal the tickets sold.
   */
  settle(ms: number): Promise<boolean>;
  /**
   * Stops a started system and reads tickets' store: after the stop on real stores, so that
   * nothing moves after the read; just before it on the embedded PostgreSQL server, which stops
   * with the system. Reads a running system's store by URL; undefined when there is no way to
   * read it.
   */
  stopAndReadStore(): Promise<TicketsStore | undefined>;
  /** Tickets' store read while the system still runs, else undefined (a running system without its URL). */
  readStoreLive(): Promise<TicketsStore | undefined>;
  /** Stops what was started and drops the run's databases, keys and data folder. */
  close(): Promise<void>;
  /** What the started system's processes wrote (its logs); empty for a running one. */
  output(): string;
}

/**
 * The started system's settings (`docs/design.md` §4): a hold lives 30 s (a saga takes well under
 * a second, so this only bounds how long an attempt a crash left PENDING keeps its seats) and
 * the sweeper runs every second, so nothing stays PENDING past 31 s (invariant 5).
 */
export const LOAD_SYSTEM_ENV = { LOG_LEVEL: 'warn', HOLD_TTL_SECONDS: '30', OUTBOX_RELAY_INTERVAL_MS: '1000' };
export const PENDING_BOUND_MS = 31_000;

/** How many processes tickets, inventory and the gateway run as (the launcher's `<SERVICE>_REPLICAS`). */
export const replicaEnv = (replicas: number): Record<string, string> => ({
  TICKETS_REPLICAS: String(replicas),
  INVENTORY_REPLICAS: String(replicas),
  GATEWAY_REPLICAS: String(replicas),
});

export async function startTarget(options: LoadOptions, label: string): Promise<LoadTarget> {
  if (options.gateway) return runningTarget(options.gateway, options.ticketsDatabaseUrl);
  const stores = await systemStores(options.stores, label, {
    adminUrl: options.postgresUrl,
    redisUrl: options.redisUrl,
  });
  let system: RunningSystem;
  try {
    system = await startSystem({ ...stores.env, ...LOAD_SYSTEM_ENV, ...replicaEnv(options.replicas) });
  } catch (error) {
    await stores.drop();
    throw error;
  }
  return startedTarget(system, stores);
}

function startedTarget(system: RunningSystem, stores: SystemStores): LoadTarget {
  // On the embedded default, tickets' database on the system's own embedded server (readable while it runs).
  const storeSettings: DatabaseSettings = stores.ticketsDatabase;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    system.launcher.kill('SIGTERM');
    await system.exited;
  };
  return {
    dataDir: system.dataDir,
    host: system.gatewayUrl.replace(/\/graphql$/, ''),
    gatewayUrl: system.gatewayUrl,
    settle: async (ms) => {
      const deadline = Date.now() + ms;
      if (!(await outboxEmpty(`http://127.0.0.1:${system.ports.tickets}/metrics`, ms))) return false;
      if (!(await nothingPending(storeSettings, deadline - Date.now()))) return false;
      // The emails usually follow within a second; invariant 5 allows them its own, longer bound
      // (a message claimed by a killed replica waits for the claim to lapse), so this only waits a little.
      await mailSettled(storeSettings, MAIL_SETTLE_WAIT_MS);
      return true;
    },
    readStoreLive: () => readTicketsStore(storeSettings),
    stopAndReadStore: async () => {
      if (!stores.ticketsDatabaseUrl) {
        const store = await readTicketsStore(storeSettings);
        await stop();
        return store;
      }
      await stop();
      return readTicketsStore(storeSettings);
    },
    close: async () => {
      await stop();
      await system.cleanup();
      await stores.drop();
    },
    output: () => system.output(),
  };
}

function runningTarget(origin: string, ticketsDatabaseUrl: string | undefined): LoadTarget {
  const read = async () => (ticketsDatabaseUrl ? readTicketsStore({ url: ticketsDatabaseUrl }) : undefined);
  return {
    dataDir: undefined,
    host: origin,
    gatewayUrl: `${origin}/graphql`,
    // Without tickets' metrics, its database says when the saga has settled.
    settle: async (ms) => (ticketsDatabaseUrl ? nothingPending({ url: ticketsDatabaseUrl }, ms) : true),
    readStoreLive: read,
    stopAndReadStore: read,
    close: async () => undefined,
    output: () => '',
  };
}

/** Polls tickets' `tickets_outbox_backlog` until it reads 0 twice in a row. */
async function outboxEmpty(metricsUrl: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  let zeros = 0;
  while (Date.now() < deadline) {
    const text = await fetch(metricsUrl)
      .then((r) => r.text())
      .catch(() => '');
    const line = text.split('\n').find((l) => l.startsWith('tickets_outbox_backlog'));
    zeros = line && Number(line.split(/\s+/)[1]) === 0 ? zeros + 1 : 0;
    if (zeros >= 2) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** How long `settle` waits for the booking emails before the invariants are read. */
const MAIL_SETTLE_WAIT_MS = 10_000;

/**
 * Polls tickets' database until no email waits, published or not (the invariants' own reading of
 * what waits, so a run ends when invariant 5 has nothing left to judge); false if `ms` passes first.
 */
async function mailSettled(settings: DatabaseSettings, ms: number): Promise<boolean> {
  const db = await openDatabase(settings);
  try {
    return await mailSettledWithin(db.sql, ms);
  } finally {
    await db.close();
  }
}

/** Polls tickets' database until no booking is PENDING and no outbox row is left. */
async function nothingPending(settings: DatabaseSettings, ms: number): Promise<boolean> {
  const db = await openDatabase(settings);
  try {
    const deadline = Date.now() + Math.max(ms, 0);
    do {
      const [row] = await db.sql.query<{ pending: number; outbox: number }>(
        `SELECT (SELECT count(*)::int FROM "Booking" WHERE "status" = 'PENDING') AS pending,
                (SELECT count(*)::int FROM "OutboxMessage") AS outbox`,
      );
      if (row && row.pending === 0 && row.outbox === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } while (Date.now() < deadline);
    return false;
  } finally {
    await db.close();
  }
}
