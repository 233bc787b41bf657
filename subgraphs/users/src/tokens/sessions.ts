import { unauthenticated } from '@railgraph/service-kit';
import type { Account } from '../accounts/accounts.js';
import { issueTravellerToken, type AccessTokenSettings } from './access-tokens.js';
import type { RefreshTokens } from './refresh-tokens.js';
import type { SigningKeyRing } from '@railgraph/signing-keys';

/** A signed-in session: what `AuthPayload` carries. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** What the access token grants. */
  scopes: readonly string[];
  user: Account;
}

export interface Sessions {
  /** A new session (and refresh-token family) for an account that just proved who it is. */
  start(account: Account): Promise<Session>;
  /**
   * Exchanges a refresh token for a new session in the same family; `scopes` narrows the
   * new access token (the OAuth refresh grant may ask for less than a traveller has).
   */
  refresh(refreshToken: string, scopes?: readonly string[]): Promise<Session>;
  /** Ends the session the refresh token belongs to. */
  end(refreshToken: string): Promise<void>;
}

export interface SessionDeps {
  keys: () => SigningKeyRing;
  refreshTokens: RefreshTokens;
  accountsByIds: (ids: readonly string[]) => Promise<Array<Account | null>>;
  accessTokens: AccessTokenSettings;
  clock: () => Date;
}

export function createSessions(deps: SessionDeps): Sessions {
  const sessionFor = async (
    account: Account,
    refreshToken: string,
    now: Date,
    scopes?: readonly string[],
  ): Promise<Session> => {
    const access = await issueTravellerToken(deps.keys(), account.id, deps.accessTokens, now, scopes);
    return {
      accessToken: access.token,
      refreshToken,
      expiresIn: access.expiresIn,
      scopes: access.scopes,
      user: account,
    };
  };

  return {
    async start(account) {
      const now = deps.clock();
      return sessionFor(account, await deps.refreshTokens.startFamily(account.id, now), now);
    },

    async refresh(presented, scopes) {
      const now = deps.clock();
      const { userId, refreshToken } = await deps.refreshTokens.rotate(presented, now);
      const [account] = await deps.accountsByIds([userId]);
      if (!account) throw unauthenticated('The account no longer exists');
      return sessionFor(account, refreshToken, now, scopes);
    },

    end: (refreshToken) => deps.refreshTokens.revokeFamily(refreshToken, deps.clock()),
  };
}
