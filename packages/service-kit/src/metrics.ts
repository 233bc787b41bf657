import { Registry, Histogram, Counter, Gauge, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import { answeredCodes } from './answered-codes.js';
import { Kind, type OperationDefinitionNode } from 'graphql';

export interface ServiceMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  graphqlOperationDuration: Histogram<'operation' | 'type' | 'outcome'>;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  /**
   * A gauge read when Prometheus scrapes, e.g. a queue's length. A failed read keeps the
   * last value, so one slow store does not fail the whole scrape.
   */
  observedGauge(name: string, help: string, read: () => Promise<number>): Gauge;
  /** A histogram of seconds (or another unit) with the given bucket bounds. */
  histogram<L extends string>(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames?: readonly L[],
  ): Histogram<L>;
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One registry per process: prom-client defaults plus HTTP and GraphQL histograms. */
export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  const graphqlOperationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation duration by operation name, type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  return {
    registry,
    httpRequestDuration,
    graphqlOperationDuration,
    counter: (name, help, labelNames) =>
      new Counter({ name, help, labelNames: labelNames ?? [], registers: [registry] }),
    observedGauge: (name, help, read) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          const value = await read().catch(() => undefined);
          if (value !== undefined) this.set(value);
        },
      }),
    histogram: (name, help, buckets, labelNames) =>
      new Histogram({ name, help, buckets: [...buckets], labelNames: labelNames ?? [], registers: [registry] }),
  };
}

/** The `operation` label of a request whose operation is not one the service names. */
export const OTHER_OPERATION = 'other';

/**
 * The `operation` label of `graphql_operation_duration_seconds`. Its values must be a bounded
 * set whatever names clients choose (design §9): a function of the resolved operation (set only
 * once the document parsed and validated) and its name.
 */
export type OperationLabel = (operation: OperationDefinitionNode | undefined, operationName: string | null) => string;

/**
 * A subgraph's label: the one root field the operation selects besides `__typename` (a name
 * from the service's own schema, aliases ignored), or `other` when it selects several, a
 * fragment, or none. The operation names callers choose (the gateway generates one per fetch)
 * never become labels.
 */
export const rootFieldLabel: OperationLabel = (operation) => {
  if (!operation) return OTHER_OPERATION;
  const names = new Set(
    operation.selectionSet.selections
      .map((selection) => (selection.kind === Kind.FIELD ? selection.name.value : null))
      .filter((name) => name !== '__typename'),
  );
  const [only] = names;
  return names.size === 1 && typeof only === 'string' ? only : OTHER_OPERATION;
};

/** A label for the operation names in `known` (e.g. the gateway's trusted documents); `other` for the rest. */
export const knownNameLabel =
  (known: ReadonlySet<string>): OperationLabel =>
  (operation, operationName) =>
    operation && operationName && known.has(operationName) ? operationName : OTHER_OPERATION;

/** Times each operation; outcome is `success`, `client_error` or `internal_error`. */
export function operationMetricsPlugin(
  metrics: ServiceMetrics,
  labelOf: OperationLabel = rootFieldLabel,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const endTimer = metrics.graphqlOperationDuration.startTimer();
      return {
        async willSendResponse(ctx) {
          const codes = answeredCodes(ctx.response);
          const internal = codes.includes('INTERNAL_SERVER_ERROR');
          endTimer({
            operation: labelOf(ctx.operation, ctx.operationName ?? null),
            type: ctx.operation?.operation ?? 'unknown',
            outcome: codes.length === 0 ? 'success' : internal ? 'internal_error' : 'client_error',
          });
        },
      };
    },
  };
}
