import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SignJWT,
  UnsecuredJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { DomainError } from '@railgraph/service-kit';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  createLocalTokenVerifier,
  createTokenVerifier,
  type TokenVerifier,
} from '../src/index.js';

const kid = 'key-1';
let privateKey: CryptoKey;
let publicJwk: JWK;
let publicPem: string;
let verifier: TokenVerifier;

const travellerClaims = { sub: 'user-1', scope: 'journeys:read bookings:read bookings:write' };

function sign(
  claims: JWTPayload,
  options: { key?: CryptoKey; kid?: string; issuer?: string; audience?: string; expiresAt?: number | string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? kid, typ: 'at+jwt' })
    .setIssuer(options.issuer ?? ACCESS_TOKEN_ISSUER)
    .setAudience(options.audience ?? ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setJti('jti-1')
    .setExpirationTime(options.expiresAt ?? '15m')
    .sign(options.key ?? privateKey);
}

async function rejection(verifier: TokenVerifier, authorization: string): Promise<{ code: unknown; message: string }> {
  const error = await verifier.principalOf(authorization).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const domain = error as DomainError;
  return { code: domain.extensions['code'], message: domain.message };
}

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
  publicPem = await exportSPKI(pair.publicKey);
  verifier = createLocalTokenVerifier({ keys: [publicJwk] });
});

describe('createLocalTokenVerifier', () => {
  it('returns a traveller principal with the granted scopes for a valid token', async () => {
    const principal = await verifier.principalOf(`Bearer ${await sign(travellerClaims)}`);
    expect(principal).toEqual({
      kind: 'traveller',
      userId: 'user-1',
      scopes: new Set(['journeys:read', 'bookings:read', 'bookings:write']),
    });
  });

  it('accepts the scheme in any letter case', async () => {
    const principal = await verifier.principalOf(`bearer ${await sign(travellerClaims)}`);
    expect(principal).toMatchObject({ kind: 'traveller', userId: 'user-1' });
  });

  it('returns a client principal when the token carries client_id', async () => {
    const token = await sign({ sub: 'partner-7', client_id: 'partner-7', scope: 'journeys:read' });
    const principal = await verifier.principalOf(`Bearer ${token}`);
    expect(principal).toEqual({ kind: 'client', clientId: 'partner-7', scopes: new Set(['journeys:read']) });
  });

  it('returns null when the authorization header is absent or empty', async () => {
    await expect(verifier.principalOf(undefined)).resolves.toBeNull();
    await expect(verifier.principalOf('')).resolves.toBeNull();
  });

  it('rejects an unsigned token (alg none)', async () => {
    const token = new UnsecuredJWT(travellerClaims)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setExpirationTime('15m')
      .encode();
    expect(await rejection(verifier, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects an HS256 token keyed with the public key bytes', async () => {
    const token = await new SignJWT(travellerClaims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setExpirationTime('15m')
      .sign(new TextEncoder().encode(publicPem));
    expect(await rejection(verifier, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects a token signed by another ES256 key under the same kid', async () => {
    const other = await generateKeyPair('ES256');
    const token = await sign(travellerClaims, { key: other.privateKey });
    expect(await rejection(verifier, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects a token naming a key the set does not hold', async () => {
    const other = await generateKeyPair('ES256');
    const token = await sign(travellerClaims, { key: other.privateKey, kid: 'key-unknown' });
    expect(await rejection(verifier, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects an expired token and says it expired', async () => {
    const token = await sign(travellerClaims, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    expect(await rejection(verifier, `Bearer ${token}`)).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'The access token has expired',
    });
  });

  it('judges expiry by the clock it is given', async () => {
    const token = await sign(travellerClaims, { expiresAt: '15m' });
    const later = createLocalTokenVerifier({ keys: [publicJwk] }, { clock: () => new Date(Date.now() + 16 * 60_000) });
    expect(await rejection(later, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects a token without an expiry', async () => {
    const token = await new SignJWT(travellerClaims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .sign(privateKey);
    expect(await rejection(verifier, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects a token from another issuer', async () => {
    const token = await sign(travellerClaims, { issuer: 'urn:someone:else' });
    expect(await rejection(verifier, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects a token for another audience', async () => {
    const token = await sign(travellerClaims, { audience: 'urn:someone:else' });
    expect(await rejection(verifier, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('accepts the issuer and audience it is configured with instead of the defaults', async () => {
    const custom = createLocalTokenVerifier(
      { keys: [publicJwk] },
      { issuer: 'urn:test:iss', audience: 'urn:test:aud' },
    );
    const token = await sign(travellerClaims, { issuer: 'urn:test:iss', audience: 'urn:test:aud' });
    await expect(custom.principalOf(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'user-1' });
    expect(await rejection(custom, `Bearer ${await sign(travellerClaims)}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects a traveller token without a subject', async () => {
    const token = await sign({ scope: 'journeys:read' });
    expect(await rejection(verifier, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects garbage', async () => {
    for (const header of ['Bearer garbage', 'Bearer a.b.c', 'Bearer ', 'Bearer x.y.z.w', 'Bearer !!.??.##']) {
      expect(await rejection(verifier, header)).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('rejects a valid token sent without the Bearer scheme', async () => {
    const token = await sign(travellerClaims);
    expect(await rejection(verifier, token)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await rejection(verifier, `Basic ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('createTokenVerifier', () => {
  let server: http.Server;
  let jwksUrl: string;
  let fetches = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('verifies tokens against the published key set and fetches it once for many tokens', async () => {
    const remote = createTokenVerifier({ jwksUrl });
    for (let i = 0; i < 3; i += 1) {
      await expect(remote.principalOf(`Bearer ${await sign(travellerClaims)}`)).resolves.toMatchObject({
        kind: 'traveller',
        userId: 'user-1',
      });
    }
    expect(fetches).toBe(1);
  });

  it('rejects a token signed by a key the published set does not hold', async () => {
    const other = await generateKeyPair('ES256');
    const remote = createTokenVerifier({ jwksUrl });
    const token = await sign(travellerClaims, { key: other.privateKey, kid: 'key-unknown' });
    expect(await rejection(remote, `Bearer ${token}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('reports SERVICE_UNAVAILABLE, not UNAUTHENTICATED, when the key set cannot be fetched', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const remote = createTokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json` });
    expect(await rejection(remote, `Bearer ${await sign(travellerClaims)}`)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
  });
});

describe('verified tokens remembered', () => {
  it('are trusted until their expiry, never past it', async () => {
    let now = new Date();
    const clocked = createLocalTokenVerifier({ keys: [publicJwk] }, { clock: () => now });
    const token = `Bearer ${await sign(travellerClaims, { expiresAt: Math.floor(now.getTime() / 1000) + 30 })}`;
    expect((await clocked.principalOf(token))?.kind).toBe('traveller');
    now = new Date(now.getTime() + 20_000);
    expect((await clocked.principalOf(token))?.kind).toBe('traveller');
    // Past its expiry (and the 5 s tolerance): refused although it was verified before.
    now = new Date(now.getTime() + 20_000);
    expect((await rejection(clocked, token)).code).toBe('UNAUTHENTICATED');
  });
});
