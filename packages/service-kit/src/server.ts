import http from 'node:http';
import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { GraphQLSchema } from 'graphql';
import { answeredCodes } from './answered-codes.js';
import type { Logger } from './logger.js';
import type { OperationLabel, ServiceMetrics } from './metrics.js';
import { operationMetricsPlugin } from './metrics.js';
import { maskInternalError, isClientError } from './errors.js';
import type { RequestContext } from './context.js';
import { operationLimitsFor, type OperationLimitsOptions } from './limits/index.js';
import { graphqlPost, type ContextRequest } from './graphql-http.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether `value` is a request id this server takes from `x-request-id` (and so passes on in it). */
export const isRequestId = (value: string): boolean => requestIdPattern.test(value);

/** A named dependency `/readyz` checks, e.g. the database or a peer service. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface GraphQLServiceOptions<TContext extends RequestContext> {
  service: string;
  host: string;
  port: number;
  log: Logger;
  metrics: ServiceMetrics;
  /** A federated subgraph schema, or an Apollo gateway. */
  graph: { schema: GraphQLSchema } | { gateway: GatewayInterface };
  buildContext: (base: RequestContext, req: ContextRequest) => Promise<TContext> | TContext;
  readiness?: ReadinessCheck[];
  /** Landing page, introspection and field suggestions in errors: on outside production. */
  development: boolean;
  plugins?: ApolloServerPlugin<TContext>[];
  /** Extra routes mounted before `/graphql` (e.g. JWKS, OAuth token endpoint, CORS). */
  routes?: (app: Express) => void;
  /** Largest accepted JSON body, in bytes (default DEFAULT_BODY_LIMIT_BYTES). */
  bodyLimitBytes?: number;
  /**
   * Which POST /graphql requests Node's server hands straight to Apollo (`graphql-http.ts`), and
   * what is done to each first (the gateway's CORS headers); the others go through express and
   * the `routes` mounted on `/graphql` (the gateway's large-request gate). Default: every one,
   * nothing first: the subgraphs mount nothing on `/graphql`.
   */
  directGraphQL?: {
    accepts: (req: http.IncomingMessage) => boolean;
    prepare?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  };
  /** Operation limits checked before planning or execution (design §11); defaults when absent. */
  limits?: OperationLimitsOptions;
  /** The metrics' `operation` label (default: the operation's one root field, else `other`). */
  operationLabel?: OperationLabel;
}

export interface RunningService {
  url: string;
  port: number;
  httpServer: http.Server;
  /** Stop accepting, drain in-flight requests, stop Apollo. Stores are closed by the caller. */
  stop: () => Promise<void>;
}

/** 1 MiB, express.json()'s `1mb`. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && isRequestId(given) ? given : randomUUID();
}

/** What every request gets before it is served: its id (answered in `x-request-id`), its logger and its HTTP timer. */
function requestScope(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  log: Logger,
  metrics: ServiceMetrics,
  route: () => string,
): { requestId: string; log: Logger } {
  const requestId = requestIdOf(req);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  const endTimer = metrics.httpRequestDuration.startTimer({ method: req.method ?? 'GET' });
  res.on('finish', () => {
    endTimer({ route: route(), status: String(res.statusCode) });
  });
  return { requestId, log: log.child({ requestId }) };
}

/**
 * One log line per operation (name, type, outcome, duration) under the request's id, and each
 * error that is not part of the contract logged in full before it is masked.
 */
function operationLogPlugin<TContext extends RequestContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse(ctx) {
          // Below info (a rush's load runs at warn), no line: nothing to gather for one.
          if (!ctx.contextValue.log?.isLevelEnabled('info')) return;
          const codes = answeredCodes(ctx.response);
          ctx.contextValue.log.info(
            {
              operation: ctx.operationName ?? null,
              type: ctx.operation?.operation ?? null,
              outcome: codes[0] ?? 'success',
              durationMs: Math.round((performance.now() - started) * 10) / 10,
            },
            'graphql operation',
          );
        },
        async didEncounterErrors(ctx) {
          for (const error of ctx.errors) {
            const code = error.extensions?.['code'];
            if (!isClientError({ message: error.message, extensions: { code } })) {
              ctx.contextValue.log.error(
                { err: error.originalError ?? error, path: error.path },
                'internal error while executing operation',
              );
            }
          }
        },
      };
    },
  };
}

/** What `noStorePlugin` answers: a GraphQL answer is about one caller at one instant. */
const NO_STORE = 'no-store';
const noStoreListener = {
  async willSendResponse({ response }: { response: { http: { headers: Map<string, string> } } }) {
    response.http.headers.set('cache-control', NO_STORE);
  },
};

/**
 * Every GraphQL answer says `Cache-Control: no-store`, as Apollo's cache-control plugin said of
 * answers without cache hints, and no schema here gives any (bookings, holds and fares are
 * each caller's own, and change by the second). That plugin is switched off: it hooked every
 * resolved field of every operation to gather hints nobody sets, about 3 KB of garbage and
 * the CPU to make it per booking in tickets, per field in inventory and at the gateway.
 */
const noStorePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return noStoreListener;
  },
};

/** How long an idle kept-alive connection stays open. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** How long a started request may take to send its headers. */
export const HEADERS_TIMEOUT_MS = 20_000;
/** How long a started request may take to arrive whole, headers and body (design §11). */
export const REQUEST_TIMEOUT_MS = 30_000;

export async function startGraphQLService<TContext extends RequestContext>(
  options: GraphQLServiceOptions<TContext>,
): Promise<RunningService> {
  const { log, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  // No ETag: express would hash every answer to make one, and GraphQL answers (POSTs) are never
  // revalidated; the health, metrics and key-set answers are small and read afresh.
  app.set('etag', false);
  // Its request handler is added once Apollo has started, below.
  const httpServer = http.createServer();
  // Kept-alive connections stay open longer than clients and proxies keep theirs idle (Node's
  // default is 5 s; Kong keeps upstream connections 60 s, the gateway's agent 30 s): otherwise a
  // client that reuses a connection just as the server drops it sees a transport error instead
  // of an answer. The client side must always be the one to close an idle connection first.
  httpServer.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node (18+) starts the header and request clocks at a request's first byte, not while a
  // kept-alive connection idles, so they need not exceed the idle timeout. A body at the 1 MB
  // limit arrives in 30 s at 35 KB/s; Node's default of 300 s let a slow sender hold a socket
  // for five minutes.
  httpServer.headersTimeout = HEADERS_TIMEOUT_MS;
  httpServer.requestTimeout = REQUEST_TIMEOUT_MS;

  const limits = operationLimitsFor(options.limits, 'schema' in options.graph ? options.graph.schema : undefined);
  const apollo = new ApolloServer<TContext>({
    ...('schema' in options.graph ? { schema: options.graph.schema } : { gateway: options.graph.gateway }),
    introspection: options.development,
    // No "Did you mean ..." in validation errors: they would list the schema to a prober.
    hideSchemaDetailsFromClientErrors: !options.development,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => maskInternalError(limits.formatError(formatted, error), error),
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    csrfPrevention: true,
    // Signals belong to onShutdown, which drains and then closes the stores in order.
    stopOnTerminationSignals: false,
    logger: log,
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin as ApolloServerPlugin<TContext>,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      operationMetricsPlugin(metrics, options.operationLabel) as ApolloServerPlugin<TContext>,
      operationLogPlugin<TContext>(),
      options.development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageProductionDefault({ footer: false }),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  const scoped: RequestHandler = (req, res, next) => {
    const scope = requestScope(req, res, log, metrics, () => routeOf(req.originalUrl.split('?')[0] ?? ''));
    res.locals['requestId'] = scope.requestId;
    res.locals['log'] = scope.log;
    next();
  };
  app.use(scoped);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.service });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.all(
      (options.readiness ?? []).map(async ({ name, check }) => {
        try {
          await check();
          return { name, ok: true };
        } catch (error) {
          log.warn({ err: error, check: name }, 'readiness check failed');
          return { name, ok: false };
        }
      }),
    );
    const ready = checks.every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  options.routes?.(app);

  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const post = graphqlPost(apollo, {
    bodyLimitBytes,
    onUnexpected: (error) => log.error({ err: error }, 'unhandled HTTP error'),
  });
  const direct = options.directGraphQL;
  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const isGraphQLPost = req.method === 'POST' && (req.url === '/graphql' || req.url?.startsWith('/graphql?'));
    // A compressed body goes through express's body parser, which inflates it.
    const encoding = req.headers['content-encoding'];
    const compressed = encoding !== undefined && encoding.toLowerCase() !== 'identity';
    if (!isGraphQLPost || compressed || (direct && !direct.accepts(req))) {
      app(req, res);
      return;
    }
    const { requestId, log: requestLog } = requestScope(req, res, log, metrics, () => '/graphql');
    direct?.prepare?.(req, res);
    void post(req, res, async (request) =>
      options.buildContext({ requestId, log: requestLog, authorization: request.header('authorization') }, request),
    );
  });
  app.use(
    '/graphql',
    express.json({ limit: bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const base: RequestContext = {
          requestId: res.locals['requestId'] as string,
          log: res.locals['log'] as Logger,
          authorization: req.header('authorization') ?? undefined,
        };
        return options.buildContext(base, req);
      },
    }),
  );

  // Body-parser failures (malformed JSON, too large) get a typed JSON answer, not an HTML 500.
  app.use(((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status >= 500) log.error({ err: error }, 'unhandled HTTP error');
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    res.status(status).json({
      errors: [{ message: status < 500 ? String(error.message) : 'Internal server error', extensions: { code } }],
    });
  }) as express.ErrorRequestHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host}:${port}`;
  log.info({ url: `${url}/graphql` }, `${options.service} listening`);

  return {
    url,
    port,
    httpServer,
    stop: async () => {
      await apollo.stop();
    },
  };
}

function routeOf(path: string): string {
  return ['/graphql', '/healthz', '/readyz', '/metrics', '/.well-known/jwks.json', '/oauth/token'].includes(path)
    ? path
    : 'other';
}

export type { BaseContext };
