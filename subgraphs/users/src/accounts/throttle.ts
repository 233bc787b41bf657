import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { WindowCounters, WindowTake } from '../throttling/windows.js';

/**
 * Sign-in attempts are counted per account and per client address in a fixed window
 * (design §7). Each attempt reserves its place in both counts before the password is checked,
 * in one atomic step per count, so parallel guesses cannot all pass a check made before any of
 * them is recorded: once either count is past its limit, sign-in for that account or from that
 * address answers RATE_LIMITED until the window ends, without checking the password.
 * A wrong password keeps its reservation (it is the failure). A refused attempt gives its
 * places back, so it never counts as a guess. A right password clears the account's count
 * (it starts afresh) and gives back its place in the address's count.
 */
export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowSeconds: number;
}

export interface SignInAttempt {
  /** The password was wrong: the reservation stays as the failure. */
  failed(): Promise<void>;
  succeeded(): Promise<void>;
  /** The attempt ended without an answer on the password (an error): gives its places back. */
  abandoned(): Promise<void>;
}

export interface LoginThrottle {
  /** Reserves the attempt; RATE_LIMITED (with `retryAfterSeconds`) when the account or address is used up. */
  reserve(email: string, address: string | undefined, now: Date): Promise<SignInAttempt>;
}

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;

export const rateLimited = (retryAfterSeconds: number) =>
  new DomainError(
    ErrorCode.RATE_LIMITED,
    `Too many failed sign-ins: try again in ${retryAfterSeconds} s or reset your password`,
    { retryAfterSeconds },
  );

export function createLoginThrottle(counters: WindowCounters, limits: ThrottleLimits): LoginThrottle {
  return {
    async reserve(email, address, now) {
      const places: Array<{ key: string; limit: number; taken: WindowTake }> = [];
      const take = async (key: string, limit: number) =>
        places.push({ key, limit, taken: await counters.take(key, limits.windowSeconds, now) });
      await take(accountKey(email), limits.perAccount);
      if (address) await take(addressKey(address), limits.perAddress);
      const giveBack = async (which: typeof places) => {
        for (const place of which) await counters.giveBack(place.key, place.taken);
      };

      const over = places.filter((place) => place.taken.count > place.limit);
      if (over.length > 0) {
        await giveBack(places);
        throw rateLimited(Math.max(...over.map((place) => place.taken.retryAfterSeconds)));
      }
      return {
        failed: async () => undefined,
        succeeded: async () => {
          await counters.clear(accountKey(email));
          await giveBack(places.slice(1));
        },
        abandoned: () => giveBack(places),
      };
    },
  };
}
