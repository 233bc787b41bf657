import { expect, it } from 'vitest';
import {
  LOG_IN,
  LOG_OUT,
  ME,
  REFRESH,
  SIGN_UP,
  codeOf,
  signUp,
  uniqueEmail,
  type RunningUsers,
  type SessionPayload,
} from './helpers.js';

/** Sign-up, sign-in, refresh and sign-out, run on each store the service supports. */
export function sessionFlowTests(users: () => RunningUsers): void {
  it('signs up, and the access token then opens me', async () => {
    const email = uniqueEmail();
    const session = await signUp(users(), email);
    expect(session.user).toMatchObject({ email, name: 'Ada Lovelace' });
    expect(session.expiresIn).toBe(900);
    const me = await users().graphql<{ me: unknown }>(ME, {}, `Bearer ${session.accessToken}`);
    expect(me).toEqual({ data: { me: { id: session.user.id, email, name: 'Ada Lovelace' } } });
  });

  it('refuses a second account for the same email, whatever its letter case', async () => {
    const email = uniqueEmail();
    await signUp(users(), email);
    const again = await users().graphql(SIGN_UP, {
      input: { email: `  ${email.toUpperCase()} `, password: 'another long password', name: 'Someone Else' },
    });
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0]?.message).toBe('An account with this email already exists');
  });

  it('logs in with the password, and a wrong password changes nothing', async () => {
    const email = uniqueEmail();
    const first = await signUp(users(), email, 'a perfectly fine password');
    const wrong = await users().graphql(LOG_IN, { input: { email, password: 'not the password' } });
    expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
    expect(wrong.errors?.[0]?.message).toBe('Email or password is wrong');
    expect(wrong.data ?? null).toBeNull();
    // The existing session still refreshes, and the right password still works.
    expect(codeOf(await users().graphql(REFRESH, { token: first.refreshToken }))).toBeUndefined();
    const right = await users().graphql<{ logIn: SessionPayload }>(LOG_IN, {
      input: { email: email.toUpperCase(), password: 'a perfectly fine password' },
    });
    expect(right.data?.logIn.user.id).toBe(first.user.id);
  });

  it('rotates the refresh token, and replaying the spent one revokes the whole family', async () => {
    const first = await signUp(users());
    const rotated = await users().graphql<{ refreshSession: SessionPayload }>(REFRESH, { token: first.refreshToken });
    const second = rotated.data?.refreshSession;
    expect(second?.user.id).toBe(first.user.id);
    expect(second?.refreshToken).not.toBe(first.refreshToken);
    expect(codeOf(await users().graphql(ME, {}, `Bearer ${second?.accessToken}`))).toBeUndefined();

    const replay = await users().graphql(REFRESH, { token: first.refreshToken });
    expect(codeOf(replay)).toBe('UNAUTHENTICATED');
    // The replay took the successor down with it.
    expect(codeOf(await users().graphql(REFRESH, { token: second?.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('lets at most one of several concurrent refreshes of one token succeed', async () => {
    const session = await signUp(users());
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () =>
        users().graphql<{ refreshSession: SessionPayload }>(REFRESH, { token: session.refreshToken }),
      ),
    );
    const winners = attempts.filter((a) => a.data?.refreshSession);
    expect(winners.length).toBeLessThanOrEqual(1);
    for (const loser of attempts.filter((a) => !a.data?.refreshSession)) expect(codeOf(loser)).toBe('UNAUTHENTICATED');
    // The losers replayed a spent token, so whatever the winner got is revoked too.
    for (const winner of winners) {
      expect(codeOf(await users().graphql(REFRESH, { token: winner.data?.refreshSession.refreshToken }))).toBe(
        'UNAUTHENTICATED',
      );
    }
  });

  it('logs out: the session can no longer refresh, other sessions can', async () => {
    const email = uniqueEmail();
    const phone = await signUp(users(), email, 'a perfectly fine password');
    const laptop = (
      await users().graphql<{ logIn: SessionPayload }>(LOG_IN, {
        input: { email, password: 'a perfectly fine password' },
      })
    ).data?.logIn;
    expect(await users().graphql(LOG_OUT, { token: phone.refreshToken })).toEqual({ data: { logOut: true } });
    expect(codeOf(await users().graphql(REFRESH, { token: phone.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await users().graphql(REFRESH, { token: laptop?.refreshToken }))).toBeUndefined();
  });
}
