import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { decodeProtectedHeader } from 'jose';
import { openDatabase } from '@railgraph/database';
import { describeOnPostgres } from '@railgraph/database/testing';
import { EnvError } from '@railgraph/service-kit';
import { rotateSigningKeys } from '@railgraph/signing-keys';
import { readUsersEnv } from '../src/env.js';
import { ME, codeOf, signUp, startTestUsers, type RunningUsers } from './helpers.js';

const run = promisify(execFile);
const rotateCommand = fileURLToPath(new URL('../dist/cli/keys-rotate.js', import.meta.url));

const jwksOf = async (users: RunningUsers) =>
  (
    (await (await fetch(`${users.service.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }
  ).keys.map((key) => key.kid);

await describeOnPostgres('signing key rotation', (database) => {
  let databaseUrl: string;
  let users: RunningUsers;
  let now = new Date();

  beforeAll(async () => {
    databaseUrl = (await database.settings()).url!;
    users = await startTestUsers({ USERS_DATABASE_URL: databaseUrl }, () => now);
  });

  afterAll(async () => {
    await users?.stop();
  });

  it('publishes the new key at once, signs with it after a minute, and retires the old one once its tokens expired', async () => {
    const before = await signUp(users);
    const [oldKid] = await jwksOf(users);

    const { stdout } = await run(process.execPath, [rotateCommand], {
      env: { ...process.env, USERS_DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    });
    const newKid = /added signing key (\S+);/.exec(stdout)?.[1];
    expect(stdout).toContain('retired none');
    await users.service.reloadKeys();
    expect((await jwksOf(users)).sort()).toEqual([oldKid, newKid].sort());
    // Published, not yet signing: verifiers get a minute to fetch it.
    expect(decodeProtectedHeader((await signUp(users)).accessToken).kid).toBe(oldKid);

    now = new Date(Date.now() + 61_000);
    await users.service.reloadKeys();
    const after = await signUp(users);
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid);
    // Tokens of the old key still work while they can be valid.
    expect(codeOf(await users.graphql(ME, {}, `Bearer ${before.accessToken}`))).toBeUndefined();

    // Seventeen minutes on, the next rotation retires the old key; the new one stays.
    const db = await openDatabase({ url: databaseUrl });
    try {
      const later = await rotateSigningKeys(db.sql, new Date(Date.now() + 18 * 60_000), {
        publishLeadMs: 60_000,
        retireAfterMs: 16 * 60_000,
      });
      expect(later.retired).toEqual([oldKid]);
    } finally {
      await db.close();
    }
    await users.service.reloadKeys();
    expect(await jwksOf(users)).not.toContain(oldKid);
    expect(await jwksOf(users)).toContain(newKid);
    expect(codeOf(await users.graphql(ME, {}, `Bearer ${before.accessToken}`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await users.graphql(ME, {}, `Bearer ${after.accessToken}`))).toBeUndefined();
  });
});

await describeOnPostgres('signing keys encrypted at rest', (database) => {
  it('stores the private key sealed with AES-256-GCM and cannot load it without the right key', async () => {
    const databaseUrl = (await database.settings()).url!;
    const key = randomBytes(32).toString('hex');
    const users = await startTestUsers({ USERS_DATABASE_URL: databaseUrl, USERS_KEY_ENCRYPTION_KEY: key });
    const session = await signUp(users);
    await users.stop();

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const rows = await client.query<{ privateJwk: Record<string, unknown> }>('SELECT "privateJwk" FROM "SigningKey"');
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]?.privateJwk).toMatchObject({ enc: 'A256GCM' });
      expect(rows.rows[0]?.privateJwk).not.toHaveProperty('d');
    } finally {
      await client.end();
    }

    await expect(
      startTestUsers({ USERS_DATABASE_URL: databaseUrl, USERS_KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex') }),
    ).rejects.toThrow(/cannot be decrypted/);
    await expect(startTestUsers({ USERS_DATABASE_URL: databaseUrl })).rejects.toThrow(/no key encryption key/);

    const again = await startTestUsers({ USERS_DATABASE_URL: databaseUrl, USERS_KEY_ENCRYPTION_KEY: key });
    try {
      expect(codeOf(await again.graphql(ME, {}, `Bearer ${session.accessToken}`))).toBeUndefined();
    } finally {
      await again.stop();
    }
  });
});

describe('key encryption key setting', () => {
  it('is required in production and must be 32 bytes', () => {
    expect(() => readUsersEnv({ NODE_ENV: 'production' })).toThrow(EnvError);
    expect(() => readUsersEnv({ USERS_KEY_ENCRYPTION_KEY: 'too-short' })).toThrow(/32 bytes/);
    expect(
      readUsersEnv({ NODE_ENV: 'production', USERS_KEY_ENCRYPTION_KEY: 'ab'.repeat(32) }).keyEncryptionKey,
    ).toHaveLength(32);
  });
});
