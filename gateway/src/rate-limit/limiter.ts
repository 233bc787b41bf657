import type { Principal } from '@railgraph/auth';
import type { Logger, ServiceMetrics } from '@railgraph/service-kit';
import { clientAddresses, trustedProxyList, type ClientAddresses } from './client-address.js';
import type { RateLimitState } from './headers.js';
import { budgetFor, type Budget } from './policy.js';
import { redisWindowStore } from './redis-store.js';
import type { RateLimitSettings } from './settings.js';
import { memoryWindowStore, type WindowStore } from './window-store.js';

export interface RateLimitDecision extends RateLimitState {
  budget: Budget;
}

export interface RateLimiter {
  addresses: ClientAddresses;
  /** Counts the operation against its caller's budget; never throws. */
  admit(principal: Principal | null, clientAddress: string, operationType: string): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** A store failure is logged at most this often, so an outage does not flood the log. */
const WARN_INTERVAL_MS = 10_000;

/**
 * The gateway's limiter (design §11): counters in Redis when `REDIS_URL` is set, in process
 * otherwise. When Redis fails (down, slow, unreachable) the operation is counted in process
 * instead, with a warning and `gateway_rate_limit_store_failures_total`: each replica then
 * limits on its own, which bounds callers at the limit times the replicas, rather than
 * refusing everyone (an outage of a counter must not become an outage of the API) or
 * admitting everyone (the limits would vanish exactly when something is already wrong).
 */
export async function createRateLimiter(
  settings: RateLimitSettings,
  log: Logger,
  metrics: ServiceMetrics,
): Promise<RateLimiter> {
  const refused = metrics.counter('gateway_rate_limited_total', 'Operations refused by the rate limits', [
    'kind',
    'class',
  ] as const);
  const storeFailures = metrics.counter(
    'gateway_rate_limit_store_failures_total',
    'Rate-limit counts that Redis did not take and were counted in process instead',
  );
  let lastWarning = 0;
  const warn = (error: unknown, message: string) => {
    if (Date.now() - lastWarning < WARN_INTERVAL_MS) return;
    lastWarning = Date.now();
    log.warn({ err: error }, message);
  };

  const local = memoryWindowStore();
  const shared: WindowStore | undefined = settings.redisUrl
    ? await redisWindowStore({
        url: settings.redisUrl,
        keyPrefix: settings.keyPrefix,
        onConnectionError: (error) => warn(error, 'rate-limit Redis connection failed; counting in process'),
      })
    : undefined;

  const count = async (key: string) => {
    if (shared) {
      try {
        return await shared.hit(key, settings.windowSeconds);
      } catch (error) {
        storeFailures.inc();
        warn(error, 'rate-limit Redis did not answer; counting in process');
      }
    }
    return local.hit(key, settings.windowSeconds);
  };

  return {
    addresses: clientAddresses(trustedProxyList(settings.trustedProxies)),
    async admit(principal, clientAddress, operationType) {
      const budget = budgetFor(principal, clientAddress, operationType, settings);
      const { count: used, resetSeconds } = await count(budget.key);
      const admitted = used <= budget.limit;
      if (!admitted) refused.inc({ kind: budget.kind, class: budget.operationClass });
      return {
        budget,
        policy: budget.policy,
        limit: budget.limit,
        windowSeconds: settings.windowSeconds,
        remaining: Math.max(0, budget.limit - used),
        resetSeconds,
        admitted,
      };
    },
    async close() {
      await Promise.all([local.close(), shared?.close()]);
    },
  };
}
