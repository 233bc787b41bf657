import {
  createServiceTokenSource,
  createTokenVerifier,
  principalOfRequest,
  SERVICE_SCOPES,
  type TokenVerifier,
} from '@railgraph/auth';
import { loadSchemaFile, startSubgraph, type RunningSubgraph, type SubgraphStartOptions } from '@railgraph/service-kit';
import { ticketsBookingsOverHttp, type TicketsBookings } from './bookings/tickets-bookings.js';
import type { InventoryContext } from './context.js';
import type { InventoryEngine, RunRecovery } from './engine/engine.js';
import { createMemoryEngine } from './engine/memory.js';
import type { InventoryEnv } from './env.js';
import { createReaper, type Reaper } from './inventory/reaper.js';
import { createPastRuns } from './inventory/past-runs.js';
import { createSeatInventory } from './inventory/seat-inventory.js';
import { trainsLayoutSource, type RunLayoutSource } from './layouts/trains-layouts.js';
import { resolvers } from './resolvers/index.js';

const typeDefs = loadSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface RunningInventory extends RunningSubgraph {
  engine: InventoryEngine;
  reaper: Reaper;
}

/** Stores and peers a test may substitute. */
export interface InventoryOverrides {
  engine?: InventoryEngine;
  layouts?: RunLayoutSource;
  /** tickets' look-ups; null to run without them. */
  bookings?: TicketsBookings | null;
  clock?: () => Date;
  tokens?: TokenVerifier;
}

/** How often runs past their service day are looked for. */
const PAST_RUNS_INTERVAL_MS = 3_600_000;

/** Opens the seat engine (Redis, or in process), starts the reaper and serves the subgraph. */
export function startInventory({
  overrides = {},
  ...options
}: SubgraphStartOptions<InventoryEnv, InventoryOverrides>): Promise<RunningInventory> {
  return startSubgraph(options, {
    name: 'inventory',
    typeDefs,
    resolvers,
    setup: async ({ env, log, metrics, onClose }) => {
      const layouts = overrides.layouts ?? trainsLayoutSource(env.trainsUrl);
      const bookings =
        overrides.bookings !== undefined
          ? overrides.bookings
          : env.serviceClient
            ? ticketsBookingsOverHttp(
                env.ticketsUrl,
                createServiceTokenSource({ ...env.serviceClient, scope: SERVICE_SCOPES.bookingsInternal }),
              )
            : null;
      if (!bookings) {
        log.warn(
          'no INVENTORY_CLIENT_SECRET: tickets cannot be asked, so expired holds stay held and runs lost with the store start empty',
        );
      }
      const recovery: RunRecovery | undefined = bookings
        ? {
            confirmedSeats: (runId) => bookings.confirmedSeats(runId),
            layoutOf: (runId) => layouts.layoutOf(runId, 'inventory-rebuild'),
          }
        : undefined;
      const engine =
        overrides.engine ??
        (env.redis
          ? // Loaded only when configured: the embedded default has no Redis and keeps its memory.
            (await import('./engine/redis.js')).createRedisEngine({
              ...env.redis,
              ...(recovery ? { recovery } : {}),
              onConnectionError: (error) => log.warn({ err: error }, 'Redis connection error'),
            })
          : createMemoryEngine(recovery ? { recovery } : {}));
      onClose(() => engine.close());
      log.info({ engine: env.redis && !overrides.engine ? 'redis' : 'in-process' }, 'seat inventory engine');
      const reaper = createReaper({
        engine,
        bookings,
        log,
        metrics,
        intervalMs: env.reaperIntervalMs,
        ...(overrides.clock ? { clock: overrides.clock } : {}),
      });
      const pastRuns = createPastRuns({
        engine,
        log,
        metrics,
        retentionDays: env.runRetentionDays,
        intervalMs: PAST_RUNS_INTERVAL_MS,
        ...(overrides.clock ? { clock: overrides.clock } : {}),
      });
      const clock = overrides.clock ?? (() => new Date());
      metrics.observedGauge(
        'inventory_expired_hold_age_seconds',
        'How long the oldest expired, unconfirmed hold has waited for the reaper to release it (0 when none)',
        async () => {
          const now = clock();
          const [oldest] = await engine.expiredHolds(now, 1);
          return oldest ? Math.max(0, (now.getTime() - oldest.expiresAt.getTime()) / 1000) : 0;
        },
      );
      const inventory = createSeatInventory({
        engine,
        layouts,
        metrics,
        defaultHoldTtlSeconds: env.holdTtlSeconds,
        ...(overrides.clock ? { clock: overrides.clock } : {}),
      });
      const tokens = overrides.tokens ?? createTokenVerifier(env.auth);
      return {
        buildContext: async (base): Promise<InventoryContext> => ({
          ...base,
          principal: await principalOfRequest(tokens, base.authorization),
          inventory,
        }),
        readiness: [{ name: env.redis ? 'redis' : 'engine', check: () => engine.ready() }],
        tasks: [reaper, pastRuns],
        expose: { engine, reaper },
      };
    },
  });
}
