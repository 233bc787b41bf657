import { afterEach, describe, expect, it, vi } from 'vitest';
import { REFRESH_MARGIN_MS, SessionStore, type AuthPayload } from './session';

const payload = (n: number): AuthPayload => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresIn: 300,
  user: { id: 'u1', name: 'Ada', email: 'ada@example.com' },
});

afterEach(() => vi.useRealTimers());

describe('the session', () => {
  it('refreshes once, shortly before the access token expires, for every waiting request', async () => {
    let now = 0;
    const store = new SessionStore(localStorage, () => now);
    store.signIn(payload(1));
    const refresher = vi.fn(async (token: string) => payload(Number(token.split('-')[1]) + 1));
    store.setRefresher(refresher);
    expect(await store.accessToken()).toBe('access-1');
    now = 300_000 - REFRESH_MARGIN_MS + 1;
    const tokens = await Promise.all([store.accessToken(), store.accessToken(), store.accessToken()]);
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(refresher).toHaveBeenCalledWith('refresh-1');
  });

  it('refreshes silently on a timer before expiry', async () => {
    vi.useFakeTimers();
    const store = new SessionStore(localStorage);
    store.signIn(payload(1));
    const refresher = vi.fn(async () => payload(2));
    store.setRefresher(refresher);
    await vi.advanceTimersByTimeAsync(300_000 - REFRESH_MARGIN_MS + 10);
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(store.current()?.accessToken).toBe('access-2');
  });

  it('signs the traveller out with a reason when the refresh is refused', async () => {
    let now = 0;
    const store = new SessionStore(localStorage, () => now);
    store.signIn(payload(1));
    store.setRefresher(async () => {
      throw new Error('UNAUTHENTICATED');
    });
    now = 10 * 60_000;
    expect(await store.accessToken()).toBeNull();
    expect(store.current()).toBeNull();
    expect(store.endedReason).toMatch(/sign in again/);
  });

  it('survives a reload through localStorage', () => {
    new SessionStore(localStorage).signIn(payload(1));
    expect(new SessionStore(localStorage).current()?.user.email).toBe('ada@example.com');
  });
});
