import type { RequestContext } from '@railgraph/service-kit';
import type { Principal, TokenVerifier } from '@railgraph/auth';
import type { Accounts } from './accounts/accounts.js';
import type { Sessions } from './tokens/sessions.js';
import type { SavedPassengers } from './accounts/saved-passengers.js';
import { createLoaders, type UsersLoaders } from './loaders.js';

export interface UsersContext extends RequestContext {
  accounts: Accounts;
  sessions: Sessions;
  savedPassengers: SavedPassengers;
  loaders: UsersLoaders;
  /** The client's address, for sign-in throttling: the hop the gateway appended, else the peer. */
  clientAddress: string | undefined;
  /**
   * The caller, from the bearer token, checked on first use: a stale token must not break
   * `logIn` or `refreshSession`, which do not need one.
   */
  principal(): Promise<Principal | null>;
}

export interface UsersServices {
  accounts: Accounts;
  sessions: Sessions;
  savedPassengers: SavedPassengers;
  verifier: () => TokenVerifier;
}

/** The last X-Forwarded-For entry is the one our gateway (the hop in front of users) added. */
export function clientAddressOf(forwardedFor: string | undefined, peer: string | undefined): string | undefined {
  const hops = (forwardedFor ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops[hops.length - 1] ?? peer;
}

export function buildUsersContext(base: RequestContext, services: UsersServices, clientAddress?: string): UsersContext {
  let principal: Promise<Principal | null> | undefined;
  return {
    ...base,
    accounts: services.accounts,
    sessions: services.sessions,
    savedPassengers: services.savedPassengers,
    loaders: createLoaders(services.accounts),
    clientAddress,
    principal: () => (principal ??= services.verifier().principalOf(base.authorization)),
  };
}
