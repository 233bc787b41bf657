import { expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createTokenVerifier } from '@railgraph/auth';
import { ME, REFRESH, codeOf, signUp, tokenRequest, type RunningUsers } from './helpers.js';

const CLIENT_CREDENTIALS = { grant_type: 'client_credentials' };

/**
 * The OAuth token endpoint (RFC 6749 §4.4, §5.2, §6), run on each store the service supports.
 * `users` must have been started with TICKETS_CLIENT_SECRET = `ticketsSecret`.
 */
export function oauthFlowTests(users: () => RunningUsers, ticketsSecret: string): void {
  const partner = (scopes = ['journeys:read', 'bookings:read', 'bookings:write']) =>
    users().service.clients.createPartner({ name: 'Acme Travel', scopes });

  it('issues a partner a 15-minute ES256 token naming the client and the scopes it was granted', async () => {
    const client = await partner();
    expect(client.id).toMatch(/^acme-travel-[0-9a-f]{6}$/);
    const answer = await tokenRequest(users(), CLIENT_CREDENTIALS, { clientId: client.id, secret: client.secret });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'journeys:read bookings:read bookings:write',
    });
    const token = String(answer.body['access_token']);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect(decodeJwt(token)).toMatchObject({
      iss: 'urn:railgraph:users',
      aud: 'urn:railgraph:api',
      sub: client.id,
      client_id: client.id,
      scope: 'journeys:read bookings:read bookings:write',
    });
    const verifier = createTokenVerifier({ jwksUrl: `${users().service.url}/.well-known/jwks.json` });
    await expect(verifier.principalOf(`Bearer ${token}`)).resolves.toEqual({
      kind: 'client',
      clientId: client.id,
      scopes: new Set(['journeys:read', 'bookings:read', 'bookings:write']),
    });
    // A client has no user behind it.
    expect(await users().graphql(ME, {}, `Bearer ${token}`)).toEqual({ data: { me: null } });
  });

  it('takes the credentials in the body too, and narrows the token to the scopes asked for', async () => {
    const client = await partner();
    const answer = await tokenRequest(users(), {
      ...CLIENT_CREDENTIALS,
      client_id: client.id,
      client_secret: client.secret,
      scope: 'bookings:read',
    });
    expect(answer.status).toBe(200);
    expect(answer.body['scope']).toBe('bookings:read');
    expect(decodeJwt(String(answer.body['access_token'])).scope).toBe('bookings:read');
  });

  it('refuses a wrong client secret with invalid_client, 401 and a Basic challenge', async () => {
    const client = await partner();
    for (const answer of [
      await tokenRequest(users(), CLIENT_CREDENTIALS, { clientId: client.id, secret: `${client.secret}x` }),
      await tokenRequest(users(), CLIENT_CREDENTIALS, { clientId: 'no-such-client', secret: client.secret }),
      await tokenRequest(users(), { ...CLIENT_CREDENTIALS, client_id: client.id, client_secret: 'wrong' }),
      await tokenRequest(users(), CLIENT_CREDENTIALS),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.body['error']).toBe('invalid_client');
      expect(answer.body).not.toHaveProperty('access_token');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm="railgraph"/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('grants operations:write to an operator client that was created with it, and to no other', async () => {
    const operator = await partner(['operations:write']);
    const answer = await tokenRequest(users(), CLIENT_CREDENTIALS, { clientId: operator.id, secret: operator.secret });
    expect(answer.status).toBe(200);
    expect(answer.body['scope']).toBe('operations:write');
    const client = await partner();
    const refused = await tokenRequest(
      users(),
      { ...CLIENT_CREDENTIALS, scope: 'operations:write' },
      { clientId: client.id, secret: client.secret },
    );
    expect(refused.body['error']).toBe('invalid_scope');
  });

  it('refuses a scope the client was not granted with invalid_scope, and issues nothing', async () => {
    const client = await partner(['journeys:read', 'bookings:read']);
    const basic = { clientId: client.id, secret: client.secret };
    for (const scope of ['bookings:write', 'bookings:read inventory:internal', 'bookings:read  journeys:read', 'a"b']) {
      const answer = await tokenRequest(users(), { ...CLIENT_CREDENTIALS, scope }, basic);
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toBe('invalid_scope');
      expect(answer.body).not.toHaveProperty('access_token');
    }
  });

  it('answers malformed requests with invalid_request and unknown grants with unsupported_grant_type', async () => {
    const client = await partner();
    const basic = { clientId: client.id, secret: client.secret };
    const cases: Array<[Promise<{ status: number; body: Record<string, unknown> }>, string]> = [
      [tokenRequest(users(), {}, basic), 'invalid_request'],
      [tokenRequest(users(), 'grant_type=client_credentials&grant_type=client_credentials', basic), 'invalid_request'],
      [tokenRequest(users(), JSON.stringify(CLIENT_CREDENTIALS), basic, 'application/json'), 'invalid_request'],
      [tokenRequest(users(), { ...CLIENT_CREDENTIALS, client_id: client.id }, basic), 'invalid_request'],
      [
        tokenRequest(users(), { grant_type: 'password', username: 'a', password: 'b' }, basic),
        'unsupported_grant_type',
      ],
      [tokenRequest(users(), { grant_type: 'authorization_code', code: 'x' }, basic), 'unsupported_grant_type'],
      [tokenRequest(users(), `grant_type=client_credentials&scope=${'x'.repeat(10_000)}`, basic), 'invalid_request'],
    ];
    for (const [pending, error] of cases) {
      const answer = await pending;
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toBe(error);
    }
  });

  it('refreshes a traveller session by the refresh_token grant; a replay is invalid_grant and revokes the family', async () => {
    const session = await signUp(users());
    const refreshed = await tokenRequest(users(), { grant_type: 'refresh_token', refresh_token: session.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ token_type: 'Bearer', scope: 'journeys:read bookings:read bookings:write' });
    expect(decodeJwt(String(refreshed.body['access_token'])).sub).toBe(session.user.id);

    const replay = await tokenRequest(users(), { grant_type: 'refresh_token', refresh_token: session.refreshToken });
    expect(replay.status).toBe(400);
    expect(replay.body['error']).toBe('invalid_grant');
    // The successor went down with the family.
    expect(codeOf(await users().graphql(REFRESH, { token: refreshed.body['refresh_token'] }))).toBe('UNAUTHENTICATED');
  });

  it('does not let a client use the refresh_token grant (unauthorized_client), which spends nothing', async () => {
    const client = await partner();
    const session = await signUp(users());
    const answer = await tokenRequest(
      users(),
      { grant_type: 'refresh_token', refresh_token: session.refreshToken },
      { clientId: client.id, secret: client.secret },
    );
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('unauthorized_client');
    expect(codeOf(await users().graphql(REFRESH, { token: session.refreshToken }))).toBeUndefined();
  });

  it('registers the tickets service client from its secret, with inventory:internal, users:contacts and runs:cancellations only', async () => {
    const answer = await tokenRequest(users(), CLIENT_CREDENTIALS, { clientId: 'tickets', secret: ticketsSecret });
    expect(answer.status).toBe(200);
    expect(answer.body['scope']).toBe('inventory:internal users:contacts runs:cancellations');
    const wider = await tokenRequest(
      users(),
      { ...CLIENT_CREDENTIALS, scope: 'inventory:internal bookings:internal' },
      { clientId: 'tickets', secret: ticketsSecret },
    );
    expect(wider.body['error']).toBe('invalid_scope');
  });
}
