import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { WindowCounters } from './windows.js';

/**
 * Limits on requests that create something for anyone who asks (design §11): sign-ups per
 * client address, and token requests per client id and per address. Every request counts,
 * whatever its answer, so a refused one cannot be used to probe (a taken email, a secret).
 */
export interface RequestLimitSettings {
  signUpsPerAddress: number;
  signUpWindowSeconds: number;
  tokenRequestsPerClient: number;
  tokenRequestsPerAddress: number;
  tokenWindowSeconds: number;
}

export type LimitedRequest = 'signup' | 'token_client' | 'token_address';

export interface RequestLimits {
  /** RATE_LIMITED (with `retryAfterSeconds`) past the address's sign-ups in the window. */
  signUp(address: string | undefined, now: Date): Promise<void>;
  /** Seconds to wait before the token endpoint answers this address again; 0 when it may. */
  tokenRequestFrom(address: string | undefined, now: Date): Promise<number>;
  /** Seconds to wait before this client may ask for a token again; 0 when it may. */
  tokenRequestFor(clientId: string, now: Date): Promise<number>;
}

export function createRequestLimits(
  counters: WindowCounters,
  settings: RequestLimitSettings,
  onRefused: (what: LimitedRequest) => void = () => undefined,
): RequestLimits {
  const waitFor = async (what: LimitedRequest, key: string, limit: number, windowSeconds: number, now: Date) => {
    const taken = await counters.take(key, windowSeconds, now);
    if (taken.count <= limit) return 0;
    onRefused(what);
    return taken.retryAfterSeconds;
  };
  return {
    async signUp(address, now) {
      if (!address) return;
      const wait = await waitFor(
        'signup',
        `signup:${address}`,
        settings.signUpsPerAddress,
        settings.signUpWindowSeconds,
        now,
      );
      if (wait > 0) {
        throw new DomainError(ErrorCode.RATE_LIMITED, `Too many sign-ups from this address: try again in ${wait} s`, {
          retryAfterSeconds: wait,
        });
      }
    },
    tokenRequestFrom: async (address, now) =>
      address
        ? waitFor(
            'token_address',
            `token-address:${address}`,
            settings.tokenRequestsPerAddress,
            settings.tokenWindowSeconds,
            now,
          )
        : 0,
    tokenRequestFor: (clientId, now) =>
      waitFor(
        'token_client',
        `token-client:${clientId}`,
        settings.tokenRequestsPerClient,
        settings.tokenWindowSeconds,
        now,
      ),
  };
}
