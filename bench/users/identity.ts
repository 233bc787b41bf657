// Identity costs on this machine: logIn and access-token verification per second, each
// next to baselines measured in the same run (one raw argon2id hash with the service's
// parameters; a bare HTTP round trip to the same server). The users subgraph runs in this
// process on a scratch database of TEST_POSTGRES_URL's server, dropped at the end. Run after
// `npm run build`:
//   node bench/dist/users/identity.js [secondsPerStep=6] [concurrency=4]
import { randomBytes } from 'node:crypto';
import { hash, type Options } from '@node-rs/argon2';
import pg from 'pg';
import { createLocalTokenVerifier, createTokenVerifier } from '@railgraph/auth';
import { readUsersEnv, startUsers } from '@railgraph/users/service';
import { postgresAdminUrl } from '../lib/env.js';

const seconds = Number(process.argv[2] ?? 6);
const concurrency = Number(process.argv[3] ?? 4);
const PASSWORD = 'correct horse battery staple';
// The service's parameters (subgraphs/users/src/accounts/password.ts).
const ARGON2: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Runs `work` from `workers` loops for the step's duration; returns operations per second. */
async function rate(label: string, work: () => Promise<unknown>, workers = concurrency): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        await work();
        done += 1;
      }
    }),
  );
  const perSecond = done / ((performance.now() - started) / 1000);
  process.stdout.write(`${label.padEnd(52)} ${perSecond.toFixed(1).padStart(10)} /s  (${done} in ${seconds} s)\n`);
  return perSecond;
}

/** Runs one statement on the admin database (CREATE / DROP DATABASE cannot take parameters). */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const database = `bench_identity_${randomBytes(4).toString('hex')}`;
await admin(`CREATE DATABASE "${database}"`);
const databaseUrl = new URL(postgresAdminUrl());
databaseUrl.pathname = `/${database}`;
const env = readUsersEnv({
  USERS_PORT: '0',
  USERS_DATABASE_URL: databaseUrl.toString(),
  LOG_LEVEL: 'silent',
  NODE_ENV: 'test',
});
const users = await startUsers({ env }).catch(async (error: unknown) => {
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  throw error;
});
const graphql = async <T>(query: string, variables: Record<string, unknown>, authorization?: string): Promise<T> => {
  const response = await fetch(`${users.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

try {
  const email = 'bench@example.com';
  const { signUp } = await graphql<{ signUp: { accessToken: string } }>(
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    { input: { email, password: PASSWORD, name: 'Bench' } },
  );
  const bearer = `Bearer ${signUp.accessToken}`;
  const local = createLocalTokenVerifier(users.signingKeys().jwks);
  const remote = createTokenVerifier({ jwksUrl: `${users.url}/.well-known/jwks.json` });
  await remote.principalOf(bearer); // fetch the key set once, as every subgraph does

  process.stdout.write(`argon2id m=19456 KiB t=2 p=1; ${concurrency} concurrent loops; ${seconds} s per step\n`);
  const rawHash = await rate('baseline: raw argon2id hash', () => hash(PASSWORD, ARGON2));
  const healthz = await rate('baseline: bare HTTP round trip (GET /healthz)', async () => {
    await (await fetch(`${users.url}/healthz`)).arrayBuffer();
  });
  const logIn = await rate('logIn over GraphQL (argon2 verify + session)', () =>
    graphql('mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }', {
      input: { email, password: PASSWORD },
    }),
  );
  const verifyLocal = await rate('token verification, in process (ES256)', () => local.principalOf(bearer), 1);
  const verifyRemote = await rate('token verification, cached remote JWKS', () => remote.principalOf(bearer), 1);
  const me = await rate('me over GraphQL (verification + lookup)', () => graphql('{ me { id } }', {}, bearer));

  process.stdout.write('\nratios\n');
  process.stdout.write(`logIn / raw argon2 hash                 ${(logIn / rawHash).toFixed(2)}\n`);
  process.stdout.write(`logIn / bare HTTP round trip            ${(logIn / healthz).toFixed(3)}\n`);
  process.stdout.write(`verification (remote JWKS) / raw hash   ${(verifyRemote / rawHash).toFixed(0)}\n`);
  process.stdout.write(`verification (local) / remote JWKS      ${(verifyLocal / verifyRemote).toFixed(2)}\n`);
  process.stdout.write(`me / bare HTTP round trip               ${(me / healthz).toFixed(3)}\n`);
} finally {
  await users.stop();
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}
