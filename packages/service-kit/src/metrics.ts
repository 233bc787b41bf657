import { Registry, Histogram, Counter, Gauge, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';

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

/** Times each operation; outcome is `success`, `client_error` or `internal_error`. */
export function operationMetricsPlugin(metrics: ServiceMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const endTimer = metrics.graphqlOperationDuration.startTimer();
      return {
        async willSendResponse(ctx) {
          const errors = ctx.errors ?? [];
          const internal = errors.some((e) => {
            const code = e.extensions?.['code'];
            return code === undefined || code === 'INTERNAL_SERVER_ERROR';
          });
          endTimer({
            operation: ctx.operationName ?? (ctx.operation ? 'anonymous' : 'unparsed'),
            type: ctx.operation?.operation ?? 'unknown',
            outcome: errors.length === 0 ? 'success' : internal ? 'internal_error' : 'client_error',
          });
        },
      };
    },
  };
}
