import { useSyncExternalStore } from 'react';
import { graphql } from './__generated__/gql';

export interface SessionUser {
  id: string;
  name: string;
  email: string;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the access token stops being accepted. */
  expiresAt: number;
  user: SessionUser;
}

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: SessionUser;
}

/** What signing up, signing in and refreshing answer with: a session as the store keeps it. */
export const AuthSessionFragment = graphql(`
  fragment AuthSession on AuthPayload {
    accessToken
    refreshToken
    expiresIn
    user {
      id
      name
      email
    }
  }
`);

/** Refresh this long before the access token expires, so no request goes out with a stale one. */
export const REFRESH_MARGIN_MS = 60_000;

const STORAGE_KEY = 'railgraph.session';

export type Refresher = (refreshToken: string) => Promise<AuthPayload>;

/**
 * The traveller's session: tokens kept in localStorage so a reload stays signed in, refreshed
 * silently shortly before the access token expires (one refresh at a time, since a refresh
 * token works once), and dropped when the refresh is refused.
 */
export class SessionStore {
  private session: Session | null;
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<Session | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refresher: Refresher | undefined;
  /** Why the last session ended, when it was not the traveller's choice. */
  endedReason: string | null = null;

  constructor(
    private readonly storage: Storage | undefined = globalThis.localStorage,
    private readonly now: () => number = Date.now,
  ) {
    this.session = this.load();
  }

  setRefresher(refresher: Refresher): void {
    this.refresher = refresher;
    this.schedule();
  }

  current = (): Session | null => this.session;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  signIn(payload: AuthPayload): Session {
    this.endedReason = null;
    this.set({
      accessToken: payload.accessToken,
      refreshToken: payload.refreshToken,
      expiresAt: this.now() + payload.expiresIn * 1_000,
      user: payload.user,
    });
    return this.session!;
  }

  signOut(reason: string | null = null): void {
    this.endedReason = reason;
    this.set(null);
  }

  /** The access token to send now, refreshed first when it is about to expire. */
  async accessToken(): Promise<string | null> {
    const session = this.session;
    if (!session) return null;
    if (session.expiresAt - this.now() > REFRESH_MARGIN_MS) return session.accessToken;
    return (await this.refresh())?.accessToken ?? null;
  }

  refresh(): Promise<Session | null> {
    const session = this.session;
    if (!session || !this.refresher) return Promise.resolve(session);
    this.refreshing ??= this.refresher(session.refreshToken)
      .then(
        (payload) => this.signIn(payload),
        () => {
          this.signOut('Your session has ended. Please sign in again.');
          return null;
        },
      )
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private set(session: Session | null): void {
    this.session = session;
    try {
      if (session) this.storage?.setItem(STORAGE_KEY, JSON.stringify(session));
      else this.storage?.removeItem(STORAGE_KEY);
    } catch {
      // storage full or disabled: the session still lives for this page
    }
    this.schedule();
    for (const listener of this.listeners) listener();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.session || !this.refresher) return;
    const delay = Math.max(0, this.session.expiresAt - REFRESH_MARGIN_MS - this.now());
    this.timer = setTimeout(() => void this.refresh(), Math.min(delay, 2_147_000_000));
  }

  private load(): Session | null {
    try {
      const raw = this.storage?.getItem(STORAGE_KEY);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Session;
      return typeof parsed.refreshToken === 'string' && parsed.user ? parsed : null;
    } catch {
      return null;
    }
  }
}

export function useSession(store: SessionStore): Session | null {
  return useSyncExternalStore(store.subscribe, store.current, store.current);
}
