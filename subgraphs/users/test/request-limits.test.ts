import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, redisForTests, redisTestUrl, uniquePrefix } from '@railgraph/database/redis-testing';
import { LOG_IN, SIGN_UP, startTestUsers, tokenRequest, uniqueEmail, type RunningUsers } from './helpers.js';

/** Sign-ups per address and token requests per client and per address (design §11). */
const PASSWORD = 'a perfectly fine password';
const redisUrl = redisTestUrl();

// Documentation-range addresses unique to this run: Redis keeps a window across runs.
const run = randomBytes(2).toString('hex');
let addressCounter = 0;
const freshAddress = () => `2001:db8:${run}::${(addressCounter += 1).toString(16)}`;

async function post(users: RunningUsers, query: string, variables: Record<string, unknown>, address: string) {
  const response = await fetch(`${users.service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ extensions?: { code?: string; retryAfterSeconds?: number } }>;
  };
}

const signUpFrom = (users: RunningUsers, address: string, email = uniqueEmail()) =>
  post(users, SIGN_UP, { input: { email, password: PASSWORD, name: 'Ada Lovelace' } }, address);

async function tokenFrom(users: RunningUsers, address: string, basic: { clientId: string; secret: string }) {
  const response = await fetch(`${users.service.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-for': address,
      authorization: `Basic ${Buffer.from(`${basic.clientId}:${basic.secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

function requestLimitTests(users: () => RunningUsers) {
  it('refuses the third sign-up from one address with RATE_LIMITED, creating nothing', async () => {
    const address = freshAddress();
    for (let i = 0; i < 2; i += 1) expect((await signUpFrom(users(), address)).errors).toBeUndefined();
    const email = uniqueEmail('refused');
    const refused = await signUpFrom(users(), address, email);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(refused.data ?? null).toBeNull();
    // No account was made: its credentials open nothing.
    const logIn = await post(users(), LOG_IN, { input: { email, password: PASSWORD } }, freshAddress());
    expect(logIn.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets another address sign up while one is refused', async () => {
    const address = freshAddress();
    for (let i = 0; i < 3; i += 1) await signUpFrom(users(), address);
    expect((await signUpFrom(users(), address)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect((await signUpFrom(users(), freshAddress())).errors).toBeUndefined();
  });

  it('admits at most 2 of 10 parallel sign-ups from one address', async () => {
    const address = freshAddress();
    const answers = await Promise.all(Array.from({ length: 10 }, () => signUpFrom(users(), address)));
    const codes = answers.map((answer) => answer.errors?.[0]?.extensions?.code ?? 'created');
    expect(codes.filter((code) => code === 'created').length).toBe(2);
    expect(codes.filter((code) => code === 'RATE_LIMITED').length).toBe(8);
  });

  it('answers a client past its token requests with 429, Retry-After and slow_down', async () => {
    const client = await users().service.clients.createPartner({ name: 'Limited', scopes: ['journeys:read'] });
    const basic = { clientId: client.id, secret: client.secret };
    for (let i = 0; i < 3; i += 1) expect((await tokenFrom(users(), freshAddress(), basic)).status).toBe(200);
    const refused = await tokenFrom(users(), freshAddress(), basic);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'slow_down', error_description: expect.any(String) });
    expect(refused.body['access_token']).toBeUndefined();
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another client is not held back by this one.
    const other = await users().service.clients.createPartner({ name: 'Other', scopes: ['journeys:read'] });
    expect((await tokenFrom(users(), freshAddress(), { clientId: other.id, secret: other.secret })).status).toBe(200);
  });

  it('counts wrong secrets against the client, so guessing one is limited too', async () => {
    const client = await users().service.clients.createPartner({ name: 'Guessed', scopes: ['journeys:read'] });
    for (let i = 0; i < 3; i += 1) {
      const answer = await tokenFrom(users(), freshAddress(), { clientId: client.id, secret: `wrong-secret-${i}` });
      expect(answer.status).toBe(401);
    }
    const refused = await tokenFrom(users(), freshAddress(), { clientId: client.id, secret: client.secret });
    expect(refused.status).toBe(429);
  });

  it('answers an address past its token requests with 429, whatever client it names', async () => {
    const address = freshAddress();
    const clients = await Promise.all(
      ['One', 'Two', 'Three', 'Four', 'Five', 'Six'].map((name) =>
        users().service.clients.createPartner({ name, scopes: ['journeys:read'] }),
      ),
    );
    const statuses: number[] = [];
    for (const client of clients) {
      statuses.push((await tokenFrom(users(), address, { clientId: client.id, secret: client.secret })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
}

const LIMITS = {
  USERS_SIGNUPS_PER_ADDRESS: '2',
  USERS_TOKEN_REQUESTS_PER_CLIENT: '3',
  USERS_TOKEN_REQUESTS_PER_ADDRESS: '5',
};

describe('request limits in process, on embedded PostgreSQL', () => {
  let users: RunningUsers;
  beforeAll(async () => {
    users = await startTestUsers(LIMITS);
  });
  afterAll(async () => {
    await users?.stop();
  });
  requestLimitTests(() => users);

  it('refuses a bad limit setting at start', async () => {
    await expect(startTestUsers({ USERS_SIGNUPS_PER_ADDRESS: '0' })).rejects.toThrow(/USERS_SIGNUPS_PER_ADDRESS/);
  });

  it('answers the token endpoint with its usual errors below the limits', async () => {
    const answer = await tokenRequest(users, { grant_type: 'password' });
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('unsupported_grant_type');
  });
});

const redisAvailable = await redisForTests(redisUrl);

describe.runIf(redisAvailable)('request limits in Redis', () => {
  const prefix = uniquePrefix('users-request-limits');
  let users: RunningUsers;
  beforeAll(async () => {
    users = await startTestUsers({ ...LIMITS, REDIS_URL: redisUrl, USERS_REDIS_KEY_PREFIX: prefix });
  });
  afterAll(async () => {
    await users?.stop();
    await deleteKeys(redisUrl, prefix);
  });
  requestLimitTests(() => users);
});
