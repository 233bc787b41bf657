import DataLoader from 'dataloader';
import type { RequestContext } from '@railgraph/service-kit';
import type { Principal, TokenVerifier } from '@railgraph/auth';
import type { Account, Accounts } from './accounts/accounts.js';
import type { Sessions } from './tokens/sessions.js';

export interface UsersContext extends RequestContext {
  accounts: Accounts;
  sessions: Sessions;
  /** Accounts by id, batched per request; null for an unknown id. */
  accountById: DataLoader<string, Account | null>;
  /**
   * The caller, from the bearer token, checked on first use: a stale token must not break
   * `logIn` or `refreshSession`, which do not need one.
   */
  principal(): Promise<Principal | null>;
}

export interface UsersServices {
  accounts: Accounts;
  sessions: Sessions;
  verifier: () => TokenVerifier;
}

export function buildUsersContext(base: RequestContext, services: UsersServices): UsersContext {
  let principal: Promise<Principal | null> | undefined;
  return {
    ...base,
    accounts: services.accounts,
    sessions: services.sessions,
    accountById: new DataLoader((ids) => services.accounts.byIds(ids)),
    principal: () => (principal ??= services.verifier().principalOf(base.authorization)),
  };
}
