import {
  loadSchemaFile,
  startSubgraph,
  type Logger,
  type RunningService,
  type ServiceMetrics,
} from '@railgraph/service-kit';
import type { InventoryContext } from './context.js';
import type { InventoryEngine } from './engine/engine.js';
import { createMemoryEngine } from './engine/memory.js';
import { createRedisEngine } from './engine/redis.js';
import type { InventoryEnv } from './env.js';
import { createSeatInventory } from './inventory/seat-inventory.js';
import { trainsLayoutSource, type RunLayoutSource } from './layouts/trains-layouts.js';
import { resolvers } from './resolvers/index.js';

export interface InventoryService extends RunningService {
  engine: InventoryEngine;
}

/** Stores and peers a test may substitute. */
export interface InventoryOverrides {
  engine?: InventoryEngine;
  layouts?: RunLayoutSource;
  clock?: () => Date;
}

export async function startInventory(
  env: InventoryEnv,
  { log, metrics }: { log: Logger; metrics: ServiceMetrics },
  overrides: InventoryOverrides = {},
): Promise<InventoryService> {
  const engine =
    overrides.engine ??
    (env.redis
      ? createRedisEngine({
          ...env.redis,
          onConnectionError: (error) => log.warn({ err: error }, 'Redis connection error'),
        })
      : createMemoryEngine());
  log.info({ engine: env.redis && !overrides.engine ? 'redis' : 'in-process' }, 'seat inventory engine');
  const inventory = createSeatInventory({
    engine,
    layouts: overrides.layouts ?? trainsLayoutSource(env.trainsUrl),
    metrics,
    defaultHoldTtlSeconds: env.holdTtlSeconds,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  });
  const running = await startSubgraph<InventoryContext>({
    service: 'inventory',
    settings: env,
    log,
    metrics,
    typeDefs: loadSchemaFile(new URL('../schema.graphql', import.meta.url)),
    resolvers,
    buildContext: (base) => ({ ...base, inventory }),
    readiness: [{ name: env.redis ? 'redis' : 'engine', check: () => engine.ready() }],
    close: () => engine.close(),
  });
  return { ...running, engine };
}
