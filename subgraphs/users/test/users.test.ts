import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { createTokenVerifier } from '@railgraph/auth';
import { embeddedTestDatabase, type TestDatabase } from '@railgraph/database/testing';
import {
  LOG_IN,
  LOG_OUT,
  ME,
  REFRESH,
  SIGN_UP,
  codeOf,
  signUp,
  startTestUsers,
  uniqueEmail,
  type RunningUsers,
  type SessionPayload,
} from './helpers.js';
import { sessionFlowTests } from './session-flow.js';
import { oauthFlowTests } from './oauth-flow.js';
import { accessFlowTests } from './access-flow.js';

const ticketsSecret = 'tickets-secret-for-the-embedded-suite';

let now = new Date();
let users: RunningUsers;

beforeAll(async () => {
  users = await startTestUsers({ TICKETS_CLIENT_SECRET: ticketsSecret }, () => now);
});

afterAll(async () => {
  await users.stop();
});

describe('users on embedded PostgreSQL', () => {
  sessionFlowTests(() => users);

  describe('OAuth token endpoint', () => oauthFlowTests(() => users, ticketsSecret));

  describe('saved passengers and bad tokens', () => accessFlowTests(() => users));

  it('issues an ES256 access token naming its key, issuer, audience, user and scopes', async () => {
    const session = await signUp(users);
    expect(decodeProtectedHeader(session.accessToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const claims = decodeJwt(session.accessToken);
    expect(claims).toMatchObject({
      iss: 'urn:railgraph:users',
      aud: 'urn:railgraph:api',
      sub: session.user.id,
      scope: 'journeys:read bookings:read bookings:write',
    });
    expect(claims.jti).toEqual(expect.any(String));
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(15 * 60);
    expect(claims).not.toHaveProperty('client_id');
  });

  it('publishes a JWKS that verifies the tokens it issues', async () => {
    const session = await signUp(users);
    const response = await fetch(`${users.service.url}/.well-known/jwks.json`);
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: decodeProtectedHeader(session.accessToken).kid,
    });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const verifier = createTokenVerifier({ jwksUrl: `${users.service.url}/.well-known/jwks.json`, clock: () => now });
    await expect(verifier.principalOf(`Bearer ${session.accessToken}`)).resolves.toEqual({
      kind: 'traveller',
      userId: session.user.id,
      scopes: new Set(['journeys:read', 'bookings:read', 'bookings:write']),
    });
  });

  it('trims and lower-cases the email it stores', async () => {
    const local = uniqueEmail('MixedCase');
    const session = await signUp(users, `  ${local.toUpperCase()}  `);
    expect(session.user.email).toBe(local.toLowerCase());
  });

  it('creates exactly one account when the same email signs up twice at once', async () => {
    const email = uniqueEmail();
    const input = { email, password: 'a perfectly fine password', name: 'Twin' };
    const [a, b] = await Promise.all([users.graphql(SIGN_UP, { input }), users.graphql(SIGN_UP, { input })]);
    const codes = [codeOf(a), codeOf(b)].sort();
    expect(codes).toEqual(['BAD_USER_INPUT', undefined]);
  });

  it.each([
    [
      'a password under 10 characters',
      { password: '123456789' },
      'The password is too short: use at least 10 characters',
    ],
    [
      'a password over 128 characters',
      { password: 'x'.repeat(129) },
      'The password is too long: use at most 128 characters',
    ],
    ['an email that is not one', { email: 'not-an-email' }, 'Enter a valid email address, e.g. name@example.com'],
    ['an empty name', { name: '   ' }, 'Enter a name'],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, 'The name is too long: use at most 100 characters'],
  ])('refuses to sign up with %s and creates no account', async (_label, override, message) => {
    const input = { email: uniqueEmail(), password: 'a perfectly fine password', name: 'Ada', ...override };
    const response = await users.graphql(SIGN_UP, { input });
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe(message);
    const login = await users.graphql(LOG_IN, { input: { email: input.email, password: input.password } });
    expect(codeOf(login)).toBe('UNAUTHENTICATED');
  });

  it('accepts a password of exactly 10 characters', async () => {
    await expect(signUp(users, uniqueEmail(), '0123456789')).resolves.toMatchObject({ user: { name: 'Ada Lovelace' } });
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const response = await users.graphql(LOG_IN, {
      input: { email: uniqueEmail('nobody'), password: 'whatever it is' },
    });
    expect(response.errors).toEqual([
      expect.objectContaining({ message: 'Email or password is wrong', extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
  });

  it('counts sign-ups and sign-ins by outcome', async () => {
    const email = uniqueEmail();
    await signUp(users, email, 'a perfectly fine password');
    await users.graphql(LOG_IN, { input: { email, password: 'a perfectly fine password' } });
    await users.graphql(LOG_IN, { input: { email, password: 'the wrong password' } });
    const text = await users.metricsText();
    expect(text).toMatch(/^users_signups_total\{service="users"\} [1-9]\d*$/m);
    expect(text).toMatch(/^users_logins_total\{outcome="success",service="users"\} [1-9]\d*$/m);
    expect(text).toMatch(/^users_logins_total\{outcome="wrong_credentials",service="users"\} [1-9]\d*$/m);
  });

  describe('me', () => {
    it('is null without a token', async () => {
      expect(await users.graphql(ME)).toEqual({ data: { me: null } });
    });

    it('is UNAUTHENTICATED for a garbage token or a missing Bearer scheme', async () => {
      const session = await signUp(users);
      expect(codeOf(await users.graphql(ME, {}, 'Bearer garbage'))).toBe('UNAUTHENTICATED');
      expect(codeOf(await users.graphql(ME, {}, session.accessToken))).toBe('UNAUTHENTICATED');
    });

    it('is UNAUTHENTICATED for a token signed with a key the service does not publish', async () => {
      const session = await signUp(users);
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ scope: 'journeys:read bookings:read bookings:write' })
        .setProtectedHeader({ alg: 'ES256', kid: decodeProtectedHeader(session.accessToken).kid ?? '' })
        .setIssuer('urn:railgraph:users')
        .setAudience('urn:railgraph:api')
        .setSubject(session.user.id)
        .setExpirationTime('15m')
        .sign(privateKey);
      expect(codeOf(await users.graphql(ME, {}, `Bearer ${forged}`))).toBe('UNAUTHENTICATED');
    });

    it('is UNAUTHENTICATED once the access token has expired', async () => {
      const session = await signUp(users);
      now = new Date(now.getTime() + 16 * 60_000);
      try {
        const response = await users.graphql(ME, {}, `Bearer ${session.accessToken}`);
        expect(codeOf(response)).toBe('UNAUTHENTICATED');
        expect(response.errors?.[0]?.message).toBe('The access token has expired');
      } finally {
        now = new Date();
      }
    });

    it('does not stop a stale token in the header from logging in again', async () => {
      const email = uniqueEmail();
      await signUp(users, email, 'a perfectly fine password');
      const response = await users.graphql(
        LOG_IN,
        { input: { email, password: 'a perfectly fine password' } },
        'Bearer stale.token.here',
      );
      expect(codeOf(response)).toBeUndefined();
    });
  });

  describe('refresh tokens', () => {
    it('expire after 30 days', async () => {
      const session = await signUp(users);
      now = new Date(now.getTime() + 30 * 86_400_000 + 1_000);
      try {
        const response = await users.graphql(REFRESH, { token: session.refreshToken });
        expect(codeOf(response)).toBe('UNAUTHENTICATED');
        expect(response.errors?.[0]?.message).toBe('The refresh token has expired; sign in again');
      } finally {
        now = new Date();
      }
    });

    it('are UNAUTHENTICATED when unknown or malformed', async () => {
      for (const token of ['A'.repeat(43), 'short', '']) {
        expect(codeOf(await users.graphql(REFRESH, { token }))).toBe('UNAUTHENTICATED');
      }
    });

    it('log out as true even when unknown, leaving other sessions alone', async () => {
      const session = await signUp(users);
      expect(await users.graphql(LOG_OUT, { token: 'B'.repeat(43) })).toEqual({ data: { logOut: true } });
      expect(await users.graphql(LOG_OUT, { token: 'nonsense' })).toEqual({ data: { logOut: true } });
      expect(codeOf(await users.graphql(REFRESH, { token: session.refreshToken }))).toBeUndefined();
    });

    it('cannot be used again after logging out with a rotated one', async () => {
      const session = await signUp(users);
      const next = (await users.graphql<{ refreshSession: SessionPayload }>(REFRESH, { token: session.refreshToken }))
        .data?.refreshSession;
      await users.graphql(LOG_OUT, { token: next?.refreshToken });
      expect(codeOf(await users.graphql(REFRESH, { token: next?.refreshToken }))).toBe('UNAUTHENTICATED');
    });
  });

  describe('federation', () => {
    const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email name } } }';

    it('resolves User references in the order asked, null for unknown ids', async () => {
      const ada = await signUp(users);
      const bob = await signUp(users);
      const response = await users.graphql(ENTITIES, {
        r: [
          { __typename: 'User', id: bob.user.id },
          { __typename: 'User', id: '00000000-0000-4000-8000-000000000000' },
          { __typename: 'User', id: 'not-a-uuid' },
          { __typename: 'User', id: ada.user.id },
        ],
      });
      expect(response).toEqual({ data: { _entities: [bob.user, null, null, ada.user] } });
    });
  });

  describe('bad requests', () => {
    it('answers a malformed query with GRAPHQL_PARSE_FAILED', async () => {
      expect(codeOf(await users.graphql('{ me { id '))).toBe('GRAPHQL_PARSE_FAILED');
    });

    it('answers an unknown field, such as the password hash, with GRAPHQL_VALIDATION_FAILED', async () => {
      expect(codeOf(await users.graphql('{ me { id passwordHash } }'))).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('answers a wrongly typed variable with BAD_USER_INPUT', async () => {
      expect(codeOf(await users.graphql(REFRESH, { token: 42 }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await users.graphql(SIGN_UP, { input: { email: 'a@b.co', password: 'x' } }))).toBe(
        'BAD_USER_INPUT',
      );
    });
  });

  it('is ready when its database answers', async () => {
    const response = await fetch(`${users.service.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready', checks: [{ name: 'database', ok: true }] });
  });
});

describe('users signing key', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await embeddedTestDatabase('users_keys');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('survives a restart: the same key is published and earlier tokens stay valid', async () => {
    const first = await startTestUsers({ USERS_DATABASE_URL: database.url });
    let session: SessionPayload;
    let jwksBefore: unknown;
    try {
      session = await signUp(first);
      jwksBefore = await (await fetch(`${first.service.url}/.well-known/jwks.json`)).json();
    } finally {
      await first.stop();
    }
    const second = await startTestUsers({ USERS_DATABASE_URL: database.url });
    try {
      expect(await (await fetch(`${second.service.url}/.well-known/jwks.json`)).json()).toEqual(jwksBefore);
      const me = await second.graphql<{ me: { id: string } }>(ME, {}, `Bearer ${session.accessToken}`);
      expect(me.data?.me.id).toBe(session.user.id);
    } finally {
      await second.stop();
    }
  });
});
