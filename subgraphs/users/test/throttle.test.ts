import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@railgraph/database';
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

/**
 * `count` wrong passwords at once, spread over the instances: for the account `email`, from
 * fresh addresses (or all from `address`, each for an unknown account). The codes answered.
 */
async function parallelGuesses(instances: RunningUsers[], count: number, on: { email?: string; address?: string }) {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      logIn(
        instances[i % instances.length]!,
        on.email ?? uniqueEmail('guess'),
        'not the password',
        on.address ?? freshAddress(),
      ),
    ),
  );
  return answers.map((answer) => errorOf(answer)?.code);
}

const tally = (codes: Array<string | undefined>) => ({
  checked: codes.filter((code) => code === 'UNAUTHENTICATED').length,
  refused: codes.filter((code) => code === 'RATE_LIMITED').length,
});

/** At most `limit` of the guesses had their password checked; every other one was refused. */
function expectAtMostChecked(codes: Array<string | undefined>, limit: number) {
  const { checked, refused } = tally(codes);
  expect(checked).toBeGreaterThanOrEqual(1);
  expect(checked).toBeLessThanOrEqual(limit);
  expect(checked + refused).toBe(codes.length);
}

async function lockAccount(instances: RunningUsers[], email: string, failures: number, address: string) {
  for (let i = 0; i < failures; i += 1) {
    const answer = await logIn(instances[i % instances.length]!, email, 'not the password', address);
    expect(errorOf(answer)?.code).toBe('UNAUTHENTICATED');
  }
}

describe('sign-in throttling on embedded PostgreSQL', () => {
  let now = new Date();
  let users: RunningUsers;

  beforeAll(async () => {
    users = await startTestUsers({ USERS_LOGIN_FAILURES_PER_ADDRESS: '3' }, () => now);
  });

  afterAll(async () => {
    await users?.stop();
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

  it('checks at most 5 of 20 parallel wrong passwords for one account', async () => {
    const email = uniqueEmail();
    await signUp(users, email, PASSWORD);
    expectAtMostChecked(await parallelGuesses([users], 20, { email }), 5);
  });

  it('checks at most 3 of 12 parallel wrong passwords from one address', async () => {
    expectAtMostChecked(await parallelGuesses([users], 12, { address: freshAddress() }), 3);
  });

  it('does not count a refused attempt against the account', async () => {
    const email = uniqueEmail();
    await signUp(users, email, PASSWORD);
    const locked = freshAddress();
    for (let i = 0; i < 3; i += 1) await lockAccount([users], uniqueEmail('guess'), 1, locked);
    // Refused at the locked address without a check: the account's count stays where it was.
    for (let i = 0; i < 6; i += 1)
      expect(errorOf(await logIn(users, email, PASSWORD, locked))?.code).toBe('RATE_LIMITED');
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

describe('purging ended sign-in windows', () => {
  let now = new Date();
  let users: RunningUsers;

  beforeAll(async () => {
    users = await startTestUsers({}, () => now);
  });

  afterAll(async () => {
    await users?.stop();
  });

  it('deletes the windows that have ended and keeps the open ones', async () => {
    const started = now;
    await lockAccount([users], uniqueEmail('early'), 1, freshAddress()); // account and address: 2 windows
    now = new Date(started.getTime() + 600_000);
    await lockAccount([users], uniqueEmail('later'), 1, freshAddress()); // 2 windows, ending 10 min later
    expect(await users.service.purgeThrottles()).toBe(0);

    now = new Date(started.getTime() + 900_000);
    expect(await users.service.purgeThrottles()).toBe(2);
    expect(await users.service.purgeThrottles()).toBe(0);

    now = new Date(started.getTime() + 1_500_000);
    expect(await users.service.purgeThrottles()).toBe(2);
  });
});

await describeOnPostgres('sign-in throttling across instances', (database) => {
  const instances: RunningUsers[] = [];
  let databaseUrl = '';

  beforeAll(async () => {
    const onOneDatabase = await database.serviceEnv('users');
    databaseUrl = onOneDatabase['USERS_DATABASE_URL']!;
    instances.push(await startTestUsers(onOneDatabase));
    instances.push(await startTestUsers(onOneDatabase));
  });

  afterAll(async () => {
    for (const instance of instances) await instance.stop();
  });

  it('counts failures made on either instance against the same account', async () => {
    const email = uniqueEmail();
    await signUp(instances[0]!, email, PASSWORD);
    await lockAccount(instances, email, 5, freshAddress());
    for (const instance of instances) {
      expect(errorOf(await logIn(instance, email, PASSWORD, freshAddress()))?.code).toBe('RATE_LIMITED');
    }
  });

  it('checks at most 5 of 20 parallel wrong passwords for one account, across instances', async () => {
    const email = uniqueEmail();
    await signUp(instances[0]!, email, PASSWORD);
    expectAtMostChecked(await parallelGuesses(instances, 20, { email }), 5);
  });

  it('purges ended windows once when both instances purge at the same moment', async () => {
    const db = await openDatabase({ url: databaseUrl });
    try {
      const ended = new Date(Date.now() - 1000);
      const open = new Date(Date.now() + 600_000);
      const keys = ['ended-1', 'ended-2', 'ended-3'].map((key) => `address:purge-${Date.now()}-${key}`);
      for (const key of keys) {
        await db.sql.query('INSERT INTO "LoginThrottle" ("key", "failures", "windowEndsAt") VALUES ($1, 1, $2)', [
          key,
          ended,
        ]);
      }
      const kept = `address:purge-${Date.now()}-open`;
      await db.sql.query('INSERT INTO "LoginThrottle" ("key", "failures", "windowEndsAt") VALUES ($1, 1, $2)', [
        kept,
        open,
      ]);

      const purged = await Promise.all(instances.map((instance) => instance.service.purgeThrottles()));
      expect(purged.reduce((sum, n) => sum + n, 0)).toBe(keys.length);
      const left = await db.sql.query<{ key: string }>('SELECT "key" FROM "LoginThrottle" WHERE "key" LIKE $1', [
        'address:purge-%',
      ]);
      expect(left.map((row) => row.key)).toEqual([kept]);
    } finally {
      await db.close();
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
    for (const instance of instances) await instance.stop();
  });

  it('counts failures made on either instance against the same account', async () => {
    const email = uniqueEmail();
    await signUp(instances[0]!, email, PASSWORD);
    await lockAccount(instances, email, 5, freshAddress());
    const refused = await logIn(instances[0]!, email, PASSWORD, freshAddress());
    expect(errorOf(refused)?.code).toBe('RATE_LIMITED');
    expect(errorOf(refused)?.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('checks at most 5 of 20 parallel wrong passwords for one account, across instances', async () => {
    const email = uniqueEmail();
    await signUp(instances[0]!, email, PASSWORD);
    expectAtMostChecked(await parallelGuesses(instances, 20, { email }), 5);
  });
});
