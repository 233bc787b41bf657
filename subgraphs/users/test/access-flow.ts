import { expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, decodeJwt, exportSPKI, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import { ME, codeOf, signUp, tokenRequest, type RunningUsers } from './helpers.js';

const ADD = 'mutation($input: SavedPassengerInput!) { addSavedPassenger(input: $input) { id name type } }';
const REMOVE = 'mutation($id: ID!) { removeSavedPassenger(id: $id) }';
const SAVED = '{ me { id savedPassengers { id name type } } }';
const ENTITY_SAVED =
  'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { savedPassengers { name } } } }';

type Saved = Array<{ id: string; name: string; type: string }>;

async function savedOf(users: RunningUsers, accessToken: string): Promise<Saved> {
  const response = await users.graphql<{ me: { savedPassengers: Saved } }>(SAVED, {}, `Bearer ${accessToken}`);
  if (!response.data?.me) throw new Error(`me failed: ${JSON.stringify(response.errors)}`);
  return response.data.me.savedPassengers;
}

/** Saved passengers, and every kind of bad token against a mutation: run on each store. */
export function accessFlowTests(users: () => RunningUsers): void {
  it('saves, lists and removes passengers on the traveller’s own profile', async () => {
    const ada = await signUp(users());
    const auth = `Bearer ${ada.accessToken}`;
    const grace = await users().graphql<{ addSavedPassenger: Saved[number] }>(
      ADD,
      { input: { name: '  Grace ', type: 'CHILD' } },
      auth,
    );
    expect(grace.data?.addSavedPassenger).toMatchObject({ name: 'Grace', type: 'CHILD' });
    await users().graphql(ADD, { input: { name: 'Charles', type: 'SENIOR' } }, auth);
    expect((await savedOf(users(), ada.accessToken)).map((p) => p.name)).toEqual(['Grace', 'Charles']);

    const id = grace.data?.addSavedPassenger.id;
    expect(await users().graphql(REMOVE, { id }, auth)).toEqual({ data: { removeSavedPassenger: true } });
    expect(codeOf(await users().graphql(REMOVE, { id }, auth))).toBe('NOT_FOUND');
    expect((await savedOf(users(), ada.accessToken)).map((p) => p.name)).toEqual(['Charles']);
  });

  it('refuses a bad name with BAD_USER_INPUT and saves nothing', async () => {
    const ada = await signUp(users());
    const auth = `Bearer ${ada.accessToken}`;
    const blank = await users().graphql(ADD, { input: { name: '  ', type: 'ADULT' } }, auth);
    expect(codeOf(blank)).toBe('BAD_USER_INPUT');
    expect(blank.errors?.[0]?.message).toBe('Enter a name');
    expect(codeOf(await users().graphql(ADD, { input: { name: 'x'.repeat(101), type: 'ADULT' } }, auth))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await savedOf(users(), ada.accessToken)).toEqual([]);
  });

  it('keeps one traveller’s passengers from another, from clients and from anonymous callers', async () => {
    const ada = await signUp(users());
    const bob = await signUp(users());
    const saved = await users().graphql<{ addSavedPassenger: { id: string } }>(
      ADD,
      { input: { name: 'Grace', type: 'CHILD' } },
      `Bearer ${ada.accessToken}`,
    );
    const id = saved.data?.addSavedPassenger.id;
    expect(codeOf(await users().graphql(REMOVE, { id }, `Bearer ${bob.accessToken}`))).toBe('NOT_FOUND');
    const peek = await users().graphql(
      ENTITY_SAVED,
      { r: [{ __typename: 'User', id: ada.user.id }] },
      `Bearer ${bob.accessToken}`,
    );
    expect(codeOf(peek)).toBe('FORBIDDEN');
    expect(codeOf(await users().graphql(ADD, { input: { name: 'Eve', type: 'ADULT' } }))).toBe('UNAUTHENTICATED');
    const partner = await users().service.clients.createPartner({ name: 'Acme', scopes: ['bookings:write'] });
    const issued = await tokenRequest(
      users(),
      { grant_type: 'client_credentials' },
      { clientId: partner.id, secret: partner.secret },
    );
    const asClient = `Bearer ${String(issued.body['access_token'])}`;
    expect(codeOf(await users().graphql(ADD, { input: { name: 'Eve', type: 'ADULT' } }, asClient))).toBe('FORBIDDEN');
    expect(codeOf(await users().graphql(REMOVE, { id }, asClient))).toBe('FORBIDDEN');
    expect((await savedOf(users(), ada.accessToken)).map((p) => p.name)).toEqual(['Grace']);
  });

  it('refuses every forged, expired or misdirected token with UNAUTHENTICATED and changes nothing', async () => {
    const ada = await signUp(users());
    const claims = decodeJwt(ada.accessToken);
    const ring = users().service.signingKeys();
    const now = Math.floor(Date.now() / 1000);
    const withRealKey = (
      overrides: { iss?: string; aud?: string; exp?: number; iat?: number } = {},
      kid = ring.current.kid,
    ) =>
      new SignJWT({ scope: claims['scope'] })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setSubject(ada.user.id)
        .setIssuer(overrides.iss ?? 'urn:railgraph:users')
        .setAudience(overrides.aud ?? 'urn:railgraph:api')
        .setIssuedAt(overrides.iat ?? now)
        .setExpirationTime(overrides.exp ?? now + 900)
        .sign(ring.current.privateKey);

    // The control: the real key with the right claims is accepted.
    expect(codeOf(await users().graphql(ME, {}, `Bearer ${await withRealKey()}`))).toBeUndefined();

    const publicJwk = ring.jwks.keys.find((key) => key.kid === ring.current.kid)!;
    const publicPem = await exportSPKI((await importJWK(publicJwk, 'ES256', { extractable: true })) as CryptoKey);
    const [header, , signature] = ada.accessToken.split('.');
    const tamperedPayload = Buffer.from(
      JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' }),
    ).toString('base64url');
    const stranger = await generateKeyPair('ES256');

    const forgeries: Record<string, string> = {
      'alg none': new UnsecuredJWT({ ...claims }).encode(),
      'HS256 keyed with the public key': await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', kid: ring.current.kid })
        .sign(new TextEncoder().encode(publicPem)),
      'an unknown kid': await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'no-such-key', typ: 'at+jwt' })
        .sign(stranger.privateKey),
      expired: await withRealKey({ iat: now - 1_000, exp: now - 60 }),
      'another issuer': await withRealKey({ iss: 'urn:someone-else' }),
      'another audience': await withRealKey({ aud: 'urn:railgraph:elsewhere' }),
      'a tampered payload': `${header}.${tamperedPayload}.${signature}`,
    };
    for (const [label, token] of Object.entries(forgeries)) {
      const answer = await users().graphql(
        ADD,
        { input: { name: `Mallory ${label}`, type: 'ADULT' } },
        `Bearer ${token}`,
      );
      expect({ label, code: codeOf(answer) }).toEqual({ label, code: 'UNAUTHENTICATED' });
      expect(answer.data ?? null).toBeNull();
    }
    expect(await savedOf(users(), ada.accessToken)).toEqual([]);
  });
}
