import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnPostgres } from '@railgraph/database/testing';
import { redisForTests, redisTestUrl } from '@railgraph/database/redis-testing';
import { LOG_IN, signUp, startTestUsers, uniqueEmail, type GraphQLResponse, type RunningUsers } from './helpers.js';

const PASSWORD = 'a perfectly fine password';
const redisUrl = redisTestUrl();

let addressCounter = 0;
/** A documentation-range address of its own per test, sent as the gateway would send it. */
const freshAddress = () => `198.51.100.${(addressCounter += 1)}`;

async function logIn(users: RunningUsers, email: string, password: string, address: string) {
  const response = await fetch(`${users.service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.99, ${address}` },
    body: JSON.stringify({ query: LOG_IN, variables: { input: { email, password } } }),
  });
  return (await response.json()) as GraphQLResponse & {
    errors?: Array<{ extensions?: { code?: string; retryAfterSeconds?: number } }>;
  };
}

const errorOf = (response: Awaited<ReturnType<typeof logIn>>) => response.errors?.[0]?.extensions;

async function lockAccount(instances: RunningUsers[], email: string, failures: number, address: string) {
  for (let i = 0; i < failures; i += 1) {
    const answer = await logIn(instances[i % instances.length]!, email, 'not the password', address);
    expect(errorOf(answer)?.code).toBe('UNAUTHENTICATED');
  }
}

describe('sign-in throttling on embedded PGlite', () => {
  let now = new Date();
  let users: RunningUsers;

  beforeAll(async () => {
    users = await startTestUsers({ USERS_LOGIN_FAILURES_PER_ADDRESS: '3' }, () => now);
  });

  afterAll(async () => {
    await users?.service.stop();
  });

  it('locks an account after 5 failures, even for the right password, until the window ends', async () => {
    const email = uniqueEmail();
    await signUp(users, email, PASSWORD);
    // Spread over addresses, so only the per-account count can lock.
    for (let i = 0; i < 5; i += 1) await lockAccount([users], email, 1, freshAddress());
    const refused = await logIn(users, email, PASSWORD, freshAddress());
    expect(errorOf(refused)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(errorOf(refused)?.retryAfterSeconds).toBeGreaterThan(0);
    expect(errorOf(refused)?.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(refused.data ?? null).toBeNull();

    now = new Date(now.getTime() + 901_000);
    try {
      expect(errorOf(await logIn(users, email, PASSWORD, freshAddress()))).toBeUndefined();
    } finally {
      now = new Date();
    }
  });

  it('locks an address after its failures across accounts, and only that address', async () => {
    const address = freshAddress();
    for (let i = 0; i < 3; i += 1) await lockAccount([users], uniqueEmail('guess'), 1, address);
    const email = uniqueEmail();
    await signUp(users, email, PASSWORD);
    expect(errorOf(await logIn(users, email, PASSWORD, address))?.code).toBe('RATE_LIMITED');
    expect(errorOf(await logIn(users, email, PASSWORD, freshAddress()))).toBeUndefined();
  });

  it('starts the count afresh after a successful sign-in', async () => {
    const email = uniqueEmail();
    await signUp(users, email, PASSWORD);
    for (let i = 0; i < 4; i += 1) await lockAccount([users], email, 1, freshAddress());
    expect(errorOf(await logIn(users, email, PASSWORD, freshAddress()))).toBeUndefined();
    for (let i = 0; i < 4; i += 1) await lockAccount([users], email, 1, freshAddress());
    expect(errorOf(await logIn(users, email, PASSWORD, freshAddress()))).toBeUndefined();
  });
});

await describeOnPostgres('sign-in throttling across instances', (database) => {
  const instances: RunningUsers[] = [];

  beforeAll(async () => {
    const onOneDatabase = await database.serviceEnv('users');
    instances.push(await startTestUsers(onOneDatabase));
    instances.push(await startTestUsers(onOneDatabase));
  });

  afterAll(async () => {
    for (const instance of instances) await instance.service.stop();
  });

  it('counts failures made on either instance against the same account', async () => {
    const email = uniqueEmail();
    await signUp(instances[0]!, email, PASSWORD);
    await lockAccount(instances, email, 5, freshAddress());
    for (const instance of instances) {
      expect(errorOf(await logIn(instance, email, PASSWORD, freshAddress()))?.code).toBe('RATE_LIMITED');
    }
  });
});

const redisAvailable = await redisForTests(redisUrl);

describe.runIf(redisAvailable)('sign-in throttling across instances in Redis', () => {
  const instances: RunningUsers[] = [];

  beforeAll(async () => {
    // Keys of this suite expire with its 60-second window; emails and addresses are unique.
    const vars = { REDIS_URL: redisUrl, USERS_LOGIN_THROTTLE_WINDOW_SECONDS: '60' };
    instances.push(await startTestUsers(vars), await startTestUsers(vars));
  });

  afterAll(async () => {
    for (const instance of instances) await instance.service.stop();
  });

  it('counts failures made on either instance against the same account', async () => {
    const email = uniqueEmail();
    await signUp(instances[0]!, email, PASSWORD);
    await lockAccount(instances, email, 5, freshAddress());
    const refused = await logIn(instances[0]!, email, PASSWORD, freshAddress());
    expect(errorOf(refused)?.code).toBe('RATE_LIMITED');
    expect(errorOf(refused)?.retryAfterSeconds).toBeLessThanOrEqual(60);
  });
});
