import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import type { Request, Express } from 'express';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type ServiceMetrics } from './metrics.js';
import { startGraphQLService, type ReadinessCheck, type RunningService } from './server.js';
import type { RequestContext } from './context.js';

/** Settings every subgraph's env schema provides. */
export interface SubgraphSettings {
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  nodeEnv: 'development' | 'test' | 'production';
}

export interface SubgraphOptions<TContext extends RequestContext> {
  service: string;
  settings: SubgraphSettings;
  log: Logger;
  metrics: ServiceMetrics;
  typeDefs: DocumentNode;
  // Codegen's resolver types are stricter than @apollo/subgraph's map; both describe the same object.
  resolvers: unknown;
  buildContext: (base: RequestContext, req: Request) => Promise<TContext> | TContext;
  readiness?: ReadinessCheck[];
  routes?: (app: Express) => void;
  /** Closes the service's stores, after the HTTP server has drained. */
  close?: () => Promise<void>;
}

/** The logger and metrics a subgraph creates first, before opening its stores. */
export function serviceBasics(service: string, settings: Pick<SubgraphSettings, 'logLevel'>) {
  return { log: createLogger(service, settings.logLevel), metrics: createMetrics(service) };
}

/**
 * Starts a federated subgraph. `stop()` stops accepting, drains in-flight requests, then
 * closes the service's stores. The entry point wires `stop` to signals with `onShutdown`;
 * tests call it directly.
 */
export async function startSubgraph<TContext extends RequestContext>(
  options: SubgraphOptions<TContext>,
): Promise<RunningService> {
  const schema = buildSubgraphSchema([
    { typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<TContext> },
  ]);
  const running = await startGraphQLService<TContext>({
    service: options.service,
    host: options.settings.host,
    port: options.settings.port,
    log: options.log,
    metrics: options.metrics,
    graph: { schema },
    buildContext: options.buildContext,
    development: options.settings.nodeEnv !== 'production',
    ...(options.readiness ? { readiness: options.readiness } : {}),
    ...(options.routes ? { routes: options.routes } : {}),
  });
  return {
    ...running,
    stop: async () => {
      await running.stop();
      await options.close?.();
    },
  };
}

/** Reads a subgraph's `schema.graphql` (next to `dist/`) as a document. */
export { loadSchemaFile } from './schema-file.js';
