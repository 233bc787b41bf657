import { GraphQLError } from 'graphql';
import type { Principal } from '@railgraph/auth';
import { ErrorCode, type GraphQLServiceOptions, type RequestContext } from '@railgraph/service-kit';
import { rateLimitHeaders } from './headers.js';
import type { RateLimitDecision, RateLimiter } from './limiter.js';

interface RateLimitedContext extends RequestContext {
  principal: Principal | null;
  clientAddress: string;
}

type Plugin<TContext extends RequestContext> = NonNullable<GraphQLServiceOptions<TContext>['plugins']>[number];

/**
 * Counts each operation once it is parsed, validated and resolved, before the gateway plans
 * it (design §11): a refused operation reaches no subgraph. Refused: RATE_LIMITED with
 * `retryAfterSeconds`, HTTP 429 and Retry-After. Every counted answer carries the RateLimit
 * headers. A request that never resolves to an operation (unparseable, invalid) is not counted.
 */
export function rateLimitPlugin<TContext extends RateLimitedContext>(limiter: RateLimiter): Plugin<TContext> {
  return {
    async requestDidStart() {
      let decision: RateLimitDecision | undefined;
      return {
        async didResolveOperation({ contextValue, operation }) {
          const operationType = operation?.operation ?? 'query';
          decision = await limiter.admit(contextValue.principal, contextValue.clientAddress, operationType);
          if (decision.admitted) return;
          const retryAfterSeconds = decision.resetSeconds;
          throw new GraphQLError(`Too many requests: try again in ${retryAfterSeconds} s`, {
            extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds, http: { status: 429 } },
          });
        },
        async willSendResponse({ response }) {
          if (!decision) return;
          for (const [name, value] of rateLimitHeaders(decision)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
