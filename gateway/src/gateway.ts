import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError, parse } from 'graphql';
import { createTokenVerifier, type Principal, type TokenVerifier } from '@railgraph/auth';
import {
  DomainError,
  fanOutFieldsOf,
  operationBudget,
  REQUEST_ID_HEADER,
  startGraphQLService,
  type Logger,
  type RequestContext,
  type RunningService,
  type ServiceMetrics,
} from '@railgraph/service-kit';
import type { GatewayEnv } from './env.js';
import { corsOf } from './cors.js';
import { operationResolutionPlugin } from './operation-resolution.js';
import { subgraphNames, type SubgraphName } from './subgraphs.js';
import { createRateLimiter } from './rate-limit/limiter.js';
import { rateLimitPlugin } from './rate-limit/plugin.js';
import { loadOperationAdmission } from './trusted-operations.js';
import { boundedGateway, OPERATION_SCOPE_HEADER, scopeOfContext } from './budget.js';
import { isLargeRequest, largeRequestGate } from './large-requests.js';
import { subgraphAgent, subgraphFailure, subgraphFetcher } from './subgraph-fetch.js';

export interface GatewayContext extends RequestContext {
  principal: Principal | null;
  /** X-Forwarded-For as users should see it: what arrived, ending with the client's address. */
  forwardedFor: string | undefined;
  /** The caller's address, through trusted proxies only (design §11), for the rate limits. */
  clientAddress: string;
}

/** Passes the caller's token and the request id on to every subgraph call. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly subgraph: string,
    config: NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0]>,
  ) {
    super(config);
  }

  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    if (!('requestId' in context)) return; // health checks and schema loading carry no request
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    // For the fetcher, which takes it off the call (budget.ts).
    const operation = scopeOfContext(context);
    if (operation) request.http?.headers.set(OPERATION_SCOPE_HEADER, operation.id);
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    // users throttles sign-ins per client address: the last hop is the one the gateway saw.
    if (context.forwardedFor) request.http?.headers.set('x-forwarded-for', context.forwardedFor);
  }

  /** A failed call (refused, timed out, not GraphQL JSON) is typed, never an internal error (design §10). */
  override didEncounterError(error: Error, _request: unknown, _response: unknown, context?: GatewayContext): never {
    throw subgraphFailure(
      error,
      this.subgraph,
      context && 'log' in context ? context.log : undefined,
      scopeOfContext(context),
    );
  }

  /**
   * A subgraph answers a request it refuses (an argument value its scalar rejects, a bad
   * token) with a 4xx and GraphQL errors in the body. Those errors reach the client with their
   * own code rather than as an opaque failure, and never with the subgraph's URL or body.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => null);
    const first = typeof body === 'object' && body !== null ? (body as SubgraphErrorBody).errors?.[0] : undefined;
    const code = first?.extensions?.code;
    if (response.status < 500 && first?.message && typeof code === 'string') {
      // The gateway already validated the operation against the supergraph, so a subgraph's
      // validation failure can only be an argument value its own scalar rejected.
      const clientCode = code === 'GRAPHQL_VALIDATION_FAILED' ? 'BAD_USER_INPUT' : code;
      return new GraphQLError(first.message, { extensions: { code: clientCode } });
    }
    const fallback =
      response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : 'SERVICE_UNAVAILABLE';
    return new GraphQLError(fallback === 'SERVICE_UNAVAILABLE' ? 'A service is unavailable; try again' : fallback, {
      extensions: { code: fallback },
    });
  }
}

type FetcherResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];

interface SubgraphErrorBody {
  errors?: Array<{ message?: string; extensions?: { code?: unknown } }>;
}

export interface GatewayOptions {
  env: GatewayEnv;
  log: Logger;
  metrics: ServiceMetrics;
  supergraphFile: string;
  tokenVerifier?: TokenVerifier;
}

export async function startGateway({
  env,
  log,
  metrics,
  supergraphFile,
  tokenVerifier,
}: GatewayOptions): Promise<RunningService> {
  const supergraphSdl = await readFile(supergraphFile, 'utf8');
  const verifier = tokenVerifier ?? createTokenVerifier(env.auth);
  // Bounded work per operation and per subgraph call (design §11).
  const budget = operationBudget<GatewayContext>({ budgetMs: env.budget.operationBudgetMs, stopFields: false });
  const agent = subgraphAgent();
  const fetcher = subgraphFetcher({ timeoutMs: env.budget.subgraphTimeoutMs, dispatcher: agent });
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: log,
    buildService: ({ name }) =>
      new ForwardingDataSource(name, { url: env.subgraphUrls[name as SubgraphName], fetcher }),
  });

  const admission = await loadOperationAdmission<GatewayContext>(env, log);
  const limiter = await createRateLimiter(env.rateLimits, log, metrics);
  const cors = corsOf(env.corsOrigins);
  const service = await startGraphQLService<GatewayContext>({
    service: 'gateway',
    host: env.host,
    port: env.port,
    log,
    metrics,
    graph: {
      gateway: boundedGateway(gateway, {
        budget,
        maxResponseBytes: env.budget.maxResponseBytes,
        neverHeavy: admission.isTrusted,
      }),
    },
    // Checked before planning; fares, availability and seat maps cost more (design §11).
    limits: { limits: env.operationLimits, fanOutFields: fanOutFieldsOf(parse(supergraphSdl)) },
    development: env.nodeEnv !== 'production',
    routes: (app) => {
      app.use((req, res, next) => void (cors(req, res) || next()));
      app.use('/graphql', largeRequestGate({ maxWaitMs: env.budget.operationBudgetMs, log }));
    },
    plugins: [
      operationResolutionPlugin<GatewayContext>(),
      budget.plugin,
      admission.plugin,
      rateLimitPlugin<GatewayContext>(limiter),
    ],
    operationLabel: admission.operationLabel,
    // Large POSTs wait at the gate (express, `routes` above); the rest go straight to Apollo
    // with the same CORS headers express gives every other answer.
    directGraphQL: { accepts: (req) => !isLargeRequest(req), prepare: (req, res) => void cors(req, res) },
    // The bearer token is checked once here, before planning: a bad token never reaches a subgraph.
    buildContext: async (base, req) => {
      const caller = limiter.addresses.resolve(req.socket.remoteAddress, req.header('x-forwarded-for'));
      const forwardedFor = caller.forwardedFor;
      let principal: Principal | null;
      try {
        principal = await verifier.principalOf(base.authorization);
      } catch (error) {
        if (error instanceof DomainError) {
          throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
        }
        throw error;
      }
      // Then the operation: trusted documents only, but for partners and in development (design §11).
      admission.admit(req, principal);
      return { ...base, forwardedFor, clientAddress: caller.address, principal };
    },
    readiness: subgraphNames.map((name) => ({
      name,
      check: async () => {
        const url = new URL('/readyz', env.subgraphUrls[name]);
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (!response.ok) throw new Error(`${name} answered ${response.status}`);
      },
    })),
  });
  return {
    ...service,
    stop: async () => {
      await service.stop();
      await limiter.close();
      await agent.close();
    },
  };
}
