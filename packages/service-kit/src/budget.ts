import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { RequestContext } from './context.js';
import { DomainError, ErrorCode } from './errors.js';

/**
 * How long a subgraph works on one operation (design §11). The gateway stops waiting for a
 * subgraph after the same time (its `SUBGRAPH_TIMEOUT_MS` defaults to this), so a subgraph
 * does not keep computing an answer nobody reads any more.
 */
export const DEFAULT_SUBGRAPH_BUDGET_MS = 8_000;

/** The typed answer to an operation stopped at its time budget. */
export const operationTimeout = (budgetMs: number): DomainError =>
  new DomainError(
    ErrorCode.OPERATION_TIMEOUT,
    `The operation ran past its time budget of ${budgetMs} ms and was stopped; ask for less, or try again later`,
    { budgetMs },
  );

const formatted = (error: DomainError): GraphQLFormattedError => ({
  message: error.message,
  extensions: error.extensions,
});

export interface OperationBudgetOptions {
  /** Time from the start of a request (its context built, before parsing) to its answer. */
  budgetMs: number;
  /**
   * Fail every field a query resolves after the deadline (the rest of the query is not
   * computed; the answer is one OPERATION_TIMEOUT). Mutations are never cut once running: a
   * started booking finishes, and a retry with its idempotency key gets its result.
   */
  stopFields: boolean;
}

export interface OperationBudget<TContext extends RequestContext> {
  readonly budgetMs: number;
  /** The Apollo Server plugin that measures and enforces the budget. */
  readonly plugin: ApolloServerPlugin<TContext>;
  /** Milliseconds left for the operation of the request with this context (negative once past). */
  remainingMs(context: object): number;
}

/**
 * A time budget per operation (design §11). It starts when the request's context is built:
 * an operation that is already past it once parsed and validated is answered OPERATION_TIMEOUT
 * without being executed, and (with `stopFields`) a query stops resolving fields at the
 * deadline. Synchronous work cannot be interrupted: the budget is checked between steps.
 */
export function operationBudget<TContext extends RequestContext>({
  budgetMs,
  stopFields,
}: OperationBudgetOptions): OperationBudget<TContext> {
  const deadlines = new WeakMap<object, number>();
  const timeout = operationTimeout(budgetMs);
  const timeoutResponse = (): GraphQLResponse => ({
    http: { status: 200, headers: new HeaderMap() },
    body: { kind: 'single', singleResult: { errors: [formatted(timeout)] } },
  });

  const plugin: ApolloServerPlugin<TContext> = {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      const deadline = started + budgetMs;
      deadlines.set(contextValue, deadline);
      let stopped = false;
      const stop = () => {
        if (!stopped) {
          stopped = true;
          contextValue.log?.warn(
            { budgetMs, elapsedMs: Math.round(performance.now() - started) },
            'operation ran past its time budget',
          );
        }
      };
      return {
        async responseForOperation() {
          if (performance.now() <= deadline) return null;
          stop();
          return timeoutResponse();
        },
        async executionDidStart({ operation }) {
          if (!stopFields || operation.operation !== 'query') return;
          return {
            willResolveField() {
              if (stopped || performance.now() > deadline) {
                stop();
                throw timeout;
              }
            },
          };
        },
        async willSendResponse({ response }) {
          // One error for the operation rather than one per field the deadline cut.
          if (stopped && response.body.kind === 'single') {
            response.body.singleResult = { errors: [formatted(timeout)] };
          }
        },
      };
    },
  };

  return {
    budgetMs,
    plugin,
    remainingMs: (context) => (deadlines.get(context) ?? performance.now() + budgetMs) - performance.now(),
  };
}
