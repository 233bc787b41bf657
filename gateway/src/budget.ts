import type { GraphQLError } from 'graphql';
import {
  DEFAULT_SUBGRAPH_BUDGET_MS,
  DomainError,
  ErrorCode,
  operationTimeout,
  z,
  type GraphQLServiceOptions,
  type OperationBudget,
  type RequestContext,
} from '@railgraph/service-kit';
import { HeavyOperations, MAX_QUEUED_HEAVY_OPERATIONS } from './heavy-operations.js';

/**
 * Bounded work per operation at the gateway (design §11): a time budget from the request's
 * start to its answer, and a bound on the answer's size. The operation runs in an
 * `OperationScope` that the subgraph fetcher (`subgraph-fetch.ts`) reads: stopping the scope
 * aborts every subgraph fetch still running for it, and the fetcher counts the bytes the
 * subgraphs send back against the scope's bound.
 *
 * The scope reaches the fetcher by the operation's context: the data source finds it there
 * (`scopeOfContext`) and names it in a header of its own (`OPERATION_SCOPE_HEADER`), which the
 * fetcher takes off the call before sending it (`takeCallScope`). Not by an `AsyncLocalStorage`:
 * on Node 20 one store makes every promise of the process run async hooks, about a tenth of
 * the gateway's CPU at a rush.
 */

/** Ten times the slowest operation the web app sends (a booking under load, p99 under 1 s). */
export const DEFAULT_OPERATION_BUDGET_MS = 10_000;
/** Twenty times the largest answer the web app asks for (50 journeys with fares for 9 passengers). */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

const milliseconds = (fallback: number) => z.coerce.number().int().min(100).max(300_000).default(fallback);

/** The gateway's settings for bounded work, spread into its env schema (`env.ts`). */
export const budgetEnvFields = {
  GRAPHQL_OPERATION_BUDGET_MS: milliseconds(DEFAULT_OPERATION_BUDGET_MS),
  SUBGRAPH_TIMEOUT_MS: milliseconds(DEFAULT_SUBGRAPH_BUDGET_MS),
  GRAPHQL_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_MAX_RESPONSE_BYTES),
};

export interface BudgetSettings {
  operationBudgetMs: number;
  subgraphTimeoutMs: number;
  maxResponseBytes: number;
}

export const budgetSettingsOf = (env: {
  GRAPHQL_OPERATION_BUDGET_MS: number;
  SUBGRAPH_TIMEOUT_MS: number;
  GRAPHQL_MAX_RESPONSE_BYTES: number;
}): BudgetSettings => ({
  operationBudgetMs: env.GRAPHQL_OPERATION_BUDGET_MS,
  subgraphTimeoutMs: env.SUBGRAPH_TIMEOUT_MS,
  maxResponseBytes: env.GRAPHQL_MAX_RESPONSE_BYTES,
});

type GatewayInterface = Extract<GraphQLServiceOptions<RequestContext>['graph'], { gateway: unknown }>['gateway'];
type GatewayLoadResult = Awaited<ReturnType<GatewayInterface['load']>>;
type GatewayExecutor = NonNullable<GatewayLoadResult['executor']>;
type GatewayExecutionResult = Awaited<ReturnType<GatewayExecutor>>;

export const responseTooLarge = (maxBytes: number): DomainError =>
  new DomainError(
    ErrorCode.RESPONSE_TOO_LARGE,
    `The answer would be larger than ${maxBytes} bytes; ask for fewer items or fields`,
    { maxBytes },
  );

/**
 * Subgraph answers carry keys and `@requires` inputs the client never sees, so an operation may
 * receive more than it answers; past this multiple of the response bound it cannot fit.
 */
const RECEIVED_BYTES_FACTOR = 2;

/** One operation's work at the gateway: the signal that stops it, and the bytes received for it. */
export class OperationScope {
  /** Unique in this process: what a subgraph call names its operation by. */
  readonly id = String((lastScopeId += 1));
  private readonly controller = new AbortController();
  private received = 0;

  constructor(readonly maxResponseBytes: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The typed error the operation was stopped with, once it was. */
  get stoppedWith(): GraphQLError | undefined {
    return this.signal.aborted ? (this.signal.reason as GraphQLError) : undefined;
  }

  /** Stops the operation: every subgraph fetch of it still running is aborted with `reason`. */
  stop(reason: GraphQLError): void {
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  /** Bytes the subgraphs have sent for this operation so far. */
  get receivedBytes(): number {
    return this.received;
  }

  /** Counts bytes a subgraph sent; stops the operation with RESPONSE_TOO_LARGE once past the bound. */
  receive(bytes: number): void {
    this.received += bytes;
    if (this.received > this.maxResponseBytes * RECEIVED_BYTES_FACTOR)
      this.stop(responseTooLarge(this.maxResponseBytes));
  }
}

let lastScopeId = 0;

/**
 * The header a subgraph call of an operation carries its scope's id in, from the data source to
 * the fetcher, which removes it: it never leaves the gateway.
 */
export const OPERATION_SCOPE_HEADER = 'x-railgraph-operation-scope';

/** Each running operation's scope, by its context object (what data sources are handed). */
const scopesByContext = new WeakMap<object, OperationScope>();
/**
 * Each operation's scope by id, from its start until its execution settles: an operation
 * stopped at its deadline answers at once, but its execution may still be sending calls,
 * which must meet the stopped scope and be aborted at once.
 */
const scopesById = new Map<string, OperationScope>();

/** The scope of the operation whose context this is, if any (schema loading and health checks have none). */
export const scopeOfContext = (context: unknown): OperationScope | undefined =>
  typeof context === 'object' && context !== null ? scopesByContext.get(context) : undefined;

/**
 * The scope a subgraph call names (`OPERATION_SCOPE_HEADER`), if its operation is still
 * executing; the header is removed from `headers` either way.
 */
export function takeCallScope(headers: Record<string, string> | undefined): OperationScope | undefined {
  const id = headers?.[OPERATION_SCOPE_HEADER];
  if (id === undefined) return undefined;
  delete headers![OPERATION_SCOPE_HEADER];
  return scopesById.get(id);
}

export interface BoundedGatewayOptions {
  /** The service-kit budget whose plugin is installed on the same server (it starts the clock). */
  budget: Pick<OperationBudget<RequestContext>, 'budgetMs' | 'remainingMs'>;
  /** Largest answer, in bytes of JSON; a larger one is replaced by RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
  /**
   * Operation texts that never take a heavy turn: the web app's trusted documents, whose size
   * the limits bound and whose largest answers (a search of 50 journeys with fares for a
   * party) are ordinary traffic that must not wait behind each other.
   */
  neverHeavy?: (queryHash: string) => boolean;
}

interface RunOptions extends BoundedGatewayOptions {
  /** Where heavy operation texts are remembered, and their turns. */
  heavy: HeavyOperations;
}

/**
 * Wraps a gateway so that each operation's execution (query planning and subgraph fetches) runs
 * in an `OperationScope` bounded by the rest of the operation's time budget. At the deadline
 * the subgraph fetches are aborted and the answer is OPERATION_TIMEOUT; an operation already
 * past it (parsing and validation took it all) is not planned at all. A heavy operation
 * (`heavy-operations.ts`) first waits for its turn, within the same budget.
 */
export function boundedGateway(inner: GatewayInterface, bounds: BoundedGatewayOptions): GatewayInterface {
  const options: RunOptions = { ...bounds, heavy: new HeavyOperations() };
  return {
    onSchemaLoadOrUpdate: (callback) => inner.onSchemaLoadOrUpdate(callback),
    stop: () => inner.stop(),
    async load(loadOptions) {
      const loaded = await inner.load(loadOptions);
      const { executor } = loaded;
      if (!executor) return loaded;
      return { ...loaded, executor: (requestContext) => runBounded(executor, requestContext, options) };
    },
  };
}

async function runBounded(
  executor: GatewayExecutor,
  requestContext: Parameters<GatewayExecutor>[0],
  options: RunOptions,
): Promise<GatewayExecutionResult> {
  const { budget, heavy } = options;
  const context = requestContext.context as Partial<RequestContext>;
  // Made only when needed: an error captures a stack, which every operation would otherwise pay for.
  const timedOut = () => operationTimeout(budget.budgetMs);
  // `data: null` marks an execution error (HTTP 200, as for any field error), not a refused request.
  const { queryHash } = requestContext;
  let endTurn: (() => void) | undefined;
  const mayBeHeavy = !options.neverHeavy?.(queryHash);
  if (mayBeHeavy && heavy.isHeavy(queryHash)) {
    if (heavy.turns.queued >= MAX_QUEUED_HEAVY_OPERATIONS) {
      context.log?.warn({ queued: heavy.turns.queued }, 'heavy operation refused: too many waiting');
      return { data: null, errors: [new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The service is busy; try again')] };
    }
    endTurn = await heavy.turns.take(budget.remainingMs(requestContext.context));
    if (!endTurn) {
      context.log?.warn({ budgetMs: budget.budgetMs }, 'heavy operation got no turn within its time budget');
      return { data: null, errors: [timedOut()] };
    }
  }
  const scope = new OperationScope(options.maxResponseBytes);
  try {
    const { result, answeredBytes } = await runInScope(executor, requestContext, scope, options);
    if (mayBeHeavy) heavy.record(queryHash, Math.max(answeredBytes, scope.receivedBytes));
    return result;
  } finally {
    endTurn?.();
  }
}

async function runInScope(
  executor: GatewayExecutor,
  requestContext: Parameters<GatewayExecutor>[0],
  scope: OperationScope,
  { budget, maxResponseBytes }: BoundedGatewayOptions,
): Promise<{ result: GatewayExecutionResult; answeredBytes: number }> {
  const context = requestContext.context as Partial<RequestContext>;
  // Made only when needed: an error captures a stack, which every operation would otherwise pay for.
  const timedOut = () => operationTimeout(budget.budgetMs);
  const remainingMs = budget.remainingMs(requestContext.context);
  if (remainingMs <= 0) {
    context.log?.warn({ budgetMs: budget.budgetMs }, 'operation past its time budget before planning');
    return { result: { data: null, errors: [timedOut()] }, answeredBytes: 0 };
  }
  const timer = setTimeout(() => scope.stop(timedOut()), remainingMs);
  const stopped = new Promise<void>((resolve) => scope.signal.addEventListener('abort', () => resolve()));
  try {
    scopesByContext.set(requestContext.context, scope);
    scopesById.set(scope.id, scope);
    const executing = executor(requestContext);
    const forget = () => void scopesById.delete(scope.id);
    void executing.then(forget, forget);
    const result = await Promise.race([executing, stopped]);
    const stoppedWith = scope.stoppedWith;
    if (stoppedWith || !result) {
      context.log?.warn({ code: stoppedWith?.extensions['code'] }, 'operation stopped');
      return { result: { data: null, errors: [stoppedWith ?? timedOut()] }, answeredBytes: 0 };
    }
    // The exact size of the data as it will be sent; its cost is one more serialization.
    const bytes = result.data ? Buffer.byteLength(JSON.stringify(result.data)) : 0;
    if (bytes > maxResponseBytes) {
      context.log?.warn({ bytes, maxResponseBytes }, 'answer larger than the response bound');
      return { result: { data: null, errors: [responseTooLarge(maxResponseBytes)] }, answeredBytes: bytes };
    }
    return { result, answeredBytes: bytes };
  } finally {
    clearTimeout(timer);
  }
}
