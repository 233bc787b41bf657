import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import type { Express } from 'express';
import type { ContextRequest } from './graphql-http.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type ServiceMetrics } from './metrics.js';
import type { RepeatingTask } from './repeat.js';
import { startGraphQLService, type ReadinessCheck, type RunningService } from './server.js';
import type { RequestContext } from './context.js';
import { DEFAULT_SUBGRAPH_BUDGET_MS, operationBudget } from './budget.js';
import type { OperationLimits } from './limits/config.js';

/** Settings every subgraph's env schema provides. */
export interface SubgraphSettings {
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  nodeEnv: 'development' | 'test' | 'production';
  /** Operation limits for direct calls (design §11); the defaults when absent. */
  operationLimits?: OperationLimits;
  /** Time budget per operation (`DEFAULT_SUBGRAPH_BUDGET_MS` when absent; design §11). */
  operationBudgetMs?: number;
}

/**
 * What every subgraph's `start<Name>(options)` takes: its validated environment, the logger
 * and metrics to use (made with `serviceBasics` when absent), and what a test substitutes.
 */
export interface SubgraphStartOptions<
  TEnv extends SubgraphSettings = SubgraphSettings,
  TOverrides extends object = Record<never, never>,
> {
  env: TEnv;
  log?: Logger;
  metrics?: ServiceMetrics;
  /** Stores, peers and clocks a test substitutes; each defaults to the real one. */
  overrides?: TOverrides;
}

/**
 * A running subgraph, whichever it is: every `start<Name>` resolves to this shape, plus the
 * parts that subgraph exposes to its caller (stores, engines; see each `Running<Name>`).
 */
export interface RunningSubgraph extends RunningService {
  /** The service's name, e.g. `trains`. */
  name: string;
  /**
   * Stops accepting, drains in-flight requests, stops the background tasks (last started
   * first), then closes what the service opened (last opened first). Calling it again waits
   * for the same stop.
   */
  stop: () => Promise<void>;
}

/** Every subgraph's start function. */
export type SubgraphStarter<
  TEnv extends SubgraphSettings,
  TOverrides extends object = Record<never, never>,
  TRunning extends RunningSubgraph = RunningSubgraph,
> = (options: SubgraphStartOptions<TEnv, TOverrides>) => Promise<TRunning>;

/** What a subgraph's `setup` gets: its settings and basics, and where to register what it opens. */
export interface SubgraphScope<TEnv extends SubgraphSettings> {
  env: TEnv;
  log: Logger;
  metrics: ServiceMetrics;
  /**
   * Registers how to close something just opened (a database, a client, an engine). It is
   * closed when the subgraph stops, after the server has drained and the tasks have stopped,
   * or at once when the start fails; what was registered last is closed first.
   */
  onClose(close: () => Promise<unknown> | unknown): void;
}

/** A subgraph's own parts, which its `setup` builds once its stores are open. */
export interface SubgraphParts<TContext extends RequestContext, TExposed extends object> {
  buildContext: (base: RequestContext, req: ContextRequest) => Promise<TContext> | TContext;
  /** Dependencies `/readyz` checks. */
  readiness?: ReadinessCheck[];
  /** Extra routes mounted before `/graphql` (e.g. JWKS, the OAuth token endpoint). */
  routes?: (app: Express) => void;
  /** Background work, started once the server listens and stopped (last first) before the stores close. */
  tasks?: RepeatingTask[];
  /** What the running subgraph hands its caller besides the common shape. */
  expose?: TExposed;
}

/** One subgraph: its name, schema and resolvers, and how its parts are built. */
export interface SubgraphDefinition<
  TEnv extends SubgraphSettings,
  TContext extends RequestContext,
  TExposed extends object,
> {
  name: string;
  typeDefs: DocumentNode;
  // Codegen's resolver types are stricter than @apollo/subgraph's map; both describe the same object.
  resolvers: unknown;
  setup: (scope: SubgraphScope<TEnv>) => Promise<SubgraphParts<TContext, TExposed>>;
}

/** The logger and metrics a subgraph creates first, before opening its stores. */
export function serviceBasics(service: string, settings: Pick<SubgraphSettings, 'logLevel'>) {
  return { log: createLogger(service, settings.logLevel), metrics: createMetrics(service) };
}

/** Runs every closer, last registered first, even when one fails; then throws the first failure. */
async function closeInReverse(closers: Array<() => Promise<unknown> | unknown>): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const close of closers.splice(0).reverse()) {
    try {
      await close();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}

/**
 * Starts a federated subgraph: builds its parts (`setup` opens the stores and registers
 * their closing), serves its schema on `env.host:env.port`, then starts its background
 * tasks. A start that fails closes whatever was opened. The entry point wires `stop` to
 * signals (`runSubgraph`); tests call it directly.
 */
export async function startSubgraph<
  TEnv extends SubgraphSettings,
  TContext extends RequestContext,
  TExposed extends object = Record<never, never>,
>(
  options: SubgraphStartOptions<TEnv, object>,
  definition: SubgraphDefinition<TEnv, TContext, TExposed>,
): Promise<RunningSubgraph & TExposed> {
  const { env } = options;
  const { name } = definition;
  const log = options.log ?? createLogger(name, env.logLevel);
  const metrics = options.metrics ?? createMetrics(name);
  const closers: Array<() => Promise<unknown> | unknown> = [];
  let server: RunningService | undefined;
  try {
    const parts = await definition.setup({ env, log, metrics, onClose: (close) => void closers.push(close) });
    const schema = buildSubgraphSchema([
      { typeDefs: definition.typeDefs, resolvers: definition.resolvers as GraphQLResolverMap<TContext> },
    ]);
    const running = await startGraphQLService<TContext>({
      service: name,
      host: env.host,
      port: env.port,
      log,
      metrics,
      graph: { schema },
      buildContext: parts.buildContext,
      development: env.nodeEnv !== 'production',
      ...(env.operationLimits ? { limits: { limits: env.operationLimits } } : {}),
      ...(parts.readiness ? { readiness: parts.readiness } : {}),
      ...(parts.routes ? { routes: parts.routes } : {}),
      plugins: [
        operationBudget<TContext>({ budgetMs: env.operationBudgetMs ?? DEFAULT_SUBGRAPH_BUDGET_MS, stopFields: true })
          .plugin,
      ],
    });
    server = running;
    const tasks = [...(parts.tasks ?? [])];
    for (const task of tasks) task.start();
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await running.stop();
        for (const task of tasks.reverse()) await task.stop();
        await closeInReverse(closers);
      })());
    return {
      ...(parts.expose ?? ({} as TExposed)),
      name,
      url: running.url,
      port: running.port,
      httpServer: running.httpServer,
      stop,
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await closeInReverse(closers).catch((closeError: unknown) =>
      log.error({ err: closeError }, `closing ${name}'s stores after a failed start failed`),
    );
    throw error;
  }
}

/** Reads a subgraph's `schema.graphql` (next to `dist/`) as a document. */
export { loadSchemaFile } from './schema-file.js';
