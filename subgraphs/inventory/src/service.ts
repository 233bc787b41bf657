import { createTokenVerifier, principalOfRequest, type TokenVerifier } from '@railgraph/auth';
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
  tokens?: TokenVerifier;
}

export async function startInventory(
  env: InventoryEnv,
  { log, metrics }: { log: Logger; metrics: ServiceMetrics },
  overrides: InventoryOverrides = {},
): Promise<InventoryService> {
  const engine = overrides.engine ?? createMemoryEngine();
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
    layouts: overrides.layouts ?? trainsLayoutSource(env.trainsUrl),
    metrics,
    defaultHoldTtlSeconds: env.holdTtlSeconds,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  });
  const tokens = overrides.tokens ?? createTokenVerifier(env.auth);
  const running = await startSubgraph<InventoryContext>({
    service: 'inventory',
    settings: env,
    log,
    metrics,
    typeDefs: loadSchemaFile(new URL('../schema.graphql', import.meta.url)),
    resolvers,
    buildContext: async (base) => ({
      ...base,
      principal: await principalOfRequest(tokens, base.authorization),
      inventory,
    }),
    readiness: [{ name: 'engine', check: () => engine.ready() }],
    close: () => engine.close(),
  });
  return { ...running, engine };
}
