import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeOnPostgres } from '@railgraph/database/testing';
import { hash } from '@node-rs/argon2';
import { LOG_IN, codeOf, signUp, startTestUsers, uniqueEmail, type RunningUsers } from './helpers.js';
import { sessionFlowTests } from './session-flow.js';
import { oauthFlowTests } from './oauth-flow.js';
import { accessFlowTests } from './access-flow.js';

const ticketsSecret = 'tickets-secret-for-the-postgres-suite';

await describeOnPostgres('users', (database) => {
  let databaseUrl: string;
  let users: RunningUsers;

  beforeAll(async () => {
    databaseUrl = (await database.settings()).url!;
    users = await startTestUsers({ USERS_DATABASE_URL: databaseUrl, TICKETS_CLIENT_SECRET: ticketsSecret });
  });

  afterAll(async () => {
    await users?.stop();
  });

  sessionFlowTests(() => users);

  describe('OAuth token endpoint', () => oauthFlowTests(() => users, ticketsSecret));

  describe('saved passengers and bad tokens', () => accessFlowTests(() => users));

  it('stores only a hash of each refresh token, and argon2id hashes of passwords', async () => {
    const session = await signUp(users);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const tokens = await client.query<{ tokenHash: string }>(
        'SELECT "tokenHash" FROM "RefreshToken" WHERE "userId" = $1',
        [session.user.id],
      );
      expect(tokens.rows).toHaveLength(1);
      expect(tokens.rows[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(tokens.rows[0]?.tokenHash).not.toContain(session.refreshToken);
      const user = await client.query<{ passwordHash: string }>('SELECT "passwordHash" FROM "User" WHERE id = $1', [
        session.user.id,
      ]);
      expect(user.rows[0]?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    } finally {
      await client.end();
    }
  });

  it('rehashes a password made with older parameters when its owner logs in', async () => {
    const email = uniqueEmail();
    const session = await signUp(users, email, 'a perfectly fine password');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const older = await hash('a perfectly fine password', { memoryCost: 8192, timeCost: 3, parallelism: 1 });
      await client.query('UPDATE "User" SET "passwordHash" = $1 WHERE id = $2', [older, session.user.id]);
      expect(
        codeOf(await users.graphql(LOG_IN, { input: { email, password: 'a perfectly fine password' } })),
      ).toBeUndefined();
      const user = await client.query<{ passwordHash: string }>('SELECT "passwordHash" FROM "User" WHERE id = $1', [
        session.user.id,
      ]);
      expect(user.rows[0]?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(
        codeOf(await users.graphql(LOG_IN, { input: { email, password: 'a perfectly fine password' } })),
      ).toBeUndefined();
    } finally {
      await client.end();
    }
  });

  it('creates one signing key however many instances start together, and they all publish it', async () => {
    const freshUrl = (await database.settings()).url!;
    const instances: RunningUsers[] = [];
    try {
      instances.push(...(await Promise.all([1, 2, 3].map(() => startTestUsers({ USERS_DATABASE_URL: freshUrl })))));
      const published = await Promise.all(
        instances.map(async (i) => (await fetch(`${i.service.url}/.well-known/jwks.json`)).json()),
      );
      const [first] = published as Array<{ keys: unknown[] }>;
      expect(first?.keys).toHaveLength(1);
      for (const jwks of published) expect(jwks).toEqual(first);
    } finally {
      for (const instance of instances) await instance.stop();
    }
  });
});
