import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMetrics, type RunningService, type ServiceMetrics } from '@railgraph/service-kit';
import { readGatewayEnv } from '../src/env.js';
import { startGateway } from '../src/gateway.js';
import { defaultTrustedDocumentsFile } from '../src/trusted-documents.js';
import { freePortBlock, graphql, repoRoot, startSystem, type RunningSystem } from './system.js';

/**
 * Trusted documents and the production settings of the edge (design §11): a gateway started
 * with NODE_ENV=production in this process, in front of the subgraphs of a system started as
 * `npm start` starts it (whose own gateway runs in development). The web app's manifest is the
 * one its build wrote (web/dist/trusted-documents.json).
 */
const run = promisify(execFile);
const WEB_ORIGIN = 'https://app.railgraph.example';

let system: RunningSystem;
let production: RunningService;
let productionMetrics: ServiceMetrics;
let productionUrl: string;
let partner: string;
let traveller: string;
let manifest: Record<string, string>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The id of the web app's operation called `name`. */
function webDocumentId(name: string): string {
  const entry = Object.entries(manifest).find(([, text]) => new RegExp(`(?:query|mutation) ${name}\\b`).test(text));
  if (!entry) throw new Error(`the manifest has no ${name}`);
  return entry[0].replace(/^sha256:/, '');
}

interface Answer {
  status: number;
  data?: Record<string, unknown>;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** POSTs a GraphQL body as it is, with the headers given. */
async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const byId = (hash: string, variables: Record<string, unknown> = {}) => ({
  variables,
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code;

interface PartnerClient {
  clientId: string;
  secret: string;
}

/** A partner made with `npm run clients:create`, on the users database of the running system. */
async function createPartner(): Promise<PartnerClient> {
  const { stdout } = await run(
    process.execPath,
    [
      path.join(repoRoot, 'subgraphs/users/dist/cli/clients-create.js'),
      '--name',
      'Trusted Docs Partner',
      '--scopes',
      'journeys:read',
    ],
    { cwd: repoRoot, env: { ...process.env, DATA_DIR: system.dataDir, LOG_LEVEL: 'silent' } },
  );
  const clientId = /client_id:\s+(\S+)/.exec(stdout)?.[1];
  const secret = /client_secret:\s+(\S+)/.exec(stdout)?.[1];
  if (!clientId || !secret) throw new Error(`clients:create printed no credentials:\n${stdout}`);
  return { clientId, secret };
}

async function bearerOf({ clientId, secret }: PartnerClient): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${system.ports.users}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`no partner token: ${body.error}`);
  return `Bearer ${body.access_token}`;
}

beforeAll(async () => {
  manifest = JSON.parse(await readFile(defaultTrustedDocumentsFile, 'utf8')) as Record<string, string>;
  system = await startSystem();
  partner = await bearerOf(await createPartner());
  const signedUp = await graphql<{ signUp: { accessToken: string } }>(
    system.gatewayUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    { input: { email: `trusted-${Date.now()}@example.com`, password: 'correct horse battery staple', name: 'T' } },
  );
  traveller = `Bearer ${signedUp.data?.signUp.accessToken}`;

  const subgraph = (name: string) => `http://127.0.0.1:${system.ports[name as 'users']}/graphql`;
  const env = readGatewayEnv({
    NODE_ENV: 'production',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(await freePortBlock(1)),
    LOG_LEVEL: 'silent',
    USERS_URL: subgraph('users'),
    TRAINS_URL: subgraph('trains'),
    INVENTORY_URL: subgraph('inventory'),
    PRICES_URL: subgraph('prices'),
    TICKETS_URL: subgraph('tickets'),
    USERS_JWKS_URL: `http://127.0.0.1:${system.ports.users}/.well-known/jwks.json`,
    CORS_ORIGINS: WEB_ORIGIN,
    GATEWAY_TRUSTED_DOCUMENTS: defaultTrustedDocumentsFile,
    // This suite sends a few hundred operations from one address; the limits are not its subject.
    GATEWAY_RATE_LIMIT_ANONYMOUS: '100000',
    GATEWAY_RATE_LIMIT_TRAVELLER: '100000',
    GATEWAY_RATE_LIMIT_PARTNER_SEARCHES: '100000',
  });
  productionMetrics = createMetrics('gateway');
  production = await startGateway({
    env,
    log: createLogger('gateway', 'silent'),
    metrics: productionMetrics,
    supergraphFile: path.join(repoRoot, 'gateway', 'supergraph.graphql'),
  });
  productionUrl = `${production.url}/graphql`;
}, 240_000);

afterAll(async () => {
  await production?.stop();
  await system?.cleanup();
});

const STATIONS_TEXT = 'query PartnerStations { stations(first: 2) { code name } }';

describe('trusted documents at the production gateway', () => {
  it('runs a web app document sent by id alone, by POST and by GET', async () => {
    const answer = await post(productionUrl, { operationName: 'Stations', ...byId(webDocumentId('Stations')) });
    expect(answer.errors).toBeUndefined();
    expect((answer.data?.['stations'] as unknown[]).length).toBeGreaterThan(0);

    const query = new URLSearchParams({
      operationName: 'Stations',
      variables: JSON.stringify({ first: 1 }),
      extensions: JSON.stringify(byId(webDocumentId('Stations')).extensions),
    });
    const response = await fetch(`${productionUrl}?${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    const body = (await response.json()) as Answer;
    expect(body.errors).toBeUndefined();
    expect(body.data?.['stations']).toHaveLength(1);
  });

  it('answers an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    for (const authorization of [undefined, traveller]) {
      const answer = await post(
        productionUrl,
        byId(randomBytes(32).toString('hex')),
        authorization ? { authorization } : {},
      );
      expect(codeOf(answer)).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(answer.data).toBeUndefined();
    }
  });

  it('refuses free-form text and APQ registrations from anonymous callers and travellers', async () => {
    for (const authorization of [undefined, traveller]) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const freeForm = await post(productionUrl, { query: STATIONS_TEXT }, headers);
      expect(freeForm.status).toBe(403);
      expect(codeOf(freeForm)).toBe('OPERATION_NOT_TRUSTED');
      expect(freeForm.data).toBeUndefined();
      const registration = await post(productionUrl, { query: STATIONS_TEXT, ...byId(sha256(STATIONS_TEXT)) }, headers);
      expect(codeOf(registration)).toBe('OPERATION_NOT_TRUSTED');
      // Not even a web document's own text: the app sends ids.
      const webText = manifest[`sha256:${webDocumentId('Stations')}`];
      expect(codeOf(await post(productionUrl, { query: webText }, headers))).toBe('OPERATION_NOT_TRUSTED');
    }
  });

  it('checks the token before the operation', async () => {
    const answer = await post(productionUrl, { query: STATIONS_TEXT }, { authorization: 'Bearer not-a-token' });
    expect(answer.status).toBe(401);
    expect(codeOf(answer)).toBe('UNAUTHENTICATED');
  });

  it('lets a partner send free-form operations', async () => {
    const answer = await post(productionUrl, { query: STATIONS_TEXT }, { authorization: partner });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.['stations']).toHaveLength(2);
  });

  it('lets a partner register an automatic persisted query, then send its hash alone', async () => {
    const text = `query PartnerApq { stations(first: 1) { code } } # ${randomBytes(8).toString('hex')}`;
    const hash = sha256(text);
    const headers = { authorization: partner };
    expect(codeOf(await post(productionUrl, byId(hash), headers))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(productionUrl, { query: text, ...byId(hash) }, headers);
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.['stations']).toHaveLength(1);
    const again = await post(productionUrl, byId(hash), headers);
    expect(again.errors).toBeUndefined();
    expect(again.data?.['stations']).toHaveLength(1);
    // A partner's registration makes nothing trusted for anyone else.
    expect(codeOf(await post(productionUrl, byId(hash)))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses a hash that is not the SHA-256 of the text sent with it', async () => {
    const answer = await post(
      productionUrl,
      { query: STATIONS_TEXT, ...byId(sha256(`${STATIONS_TEXT} `)) },
      { authorization: partner },
    );
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('BAD_REQUEST');
    expect(answer.errors?.[0]?.message).toMatch(/not the SHA-256 of the query/);
  });

  it('refuses a malformed persistedQuery extension with BAD_REQUEST', async () => {
    for (const persistedQuery of [{ version: 2, sha256Hash: sha256('x') }, { version: 1, sha256Hash: 'ABC' }, 'x']) {
      const answer = await post(productionUrl, { query: STATIONS_TEXT, extensions: { persistedQuery } });
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe('BAD_REQUEST');
    }
  });
});

describe('trusted documents at a development gateway', () => {
  it('still takes free-form text from anyone, for Sandbox', async () => {
    const answer = await post(system.gatewayUrl, { query: STATIONS_TEXT });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.['stations']).toHaveLength(2);
  });

  it('runs the web app’s documents by id', async () => {
    const answer = await post(system.gatewayUrl, byId(webDocumentId('Stations'), { first: 1 }));
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.['stations']).toHaveLength(1);
  });
});

describe('the production gateway’s settings', () => {
  it('refuses introspection', async () => {
    const query = '{ __schema { queryType { name } } }';
    const refused = await post(productionUrl, { query }, { authorization: partner });
    expect(codeOf(refused)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.errors?.[0]?.message).toMatch(/introspection is not allowed/);
    const development = await post(system.gatewayUrl, { query });
    expect(development.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('suggests no field names in validation errors', async () => {
    const query = '{ statoins { code } }';
    const refused = await post(productionUrl, { query }, { authorization: partner });
    expect(codeOf(refused)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const development = await post(system.gatewayUrl, { query });
    expect(development.errors?.[0]?.message).toMatch(/Did you mean "stations"/);
  });

  it('refuses requests a browser could send cross-site without a preflight', async () => {
    const simpleGet = await fetch(
      `${productionUrl}?${new URLSearchParams({
        extensions: JSON.stringify(byId(webDocumentId('Stations')).extensions),
      })}`,
    );
    expect(simpleGet.status).toBe(400);
    expect(await simpleGet.text()).toMatch(/Cross-Site Request Forgery/);
    const textPlain = await fetch(productionUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(byId(webDocumentId('Stations'))),
    });
    expect(textPlain.status).toBe(400);
    expect(await textPlain.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it('answers CORS for the listed origin only, exactly', async () => {
    const preflight = (origin: string) =>
      fetch(productionUrl, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const listed = await preflight(WEB_ORIGIN);
    expect(listed.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    for (const origin of ['https://evil.example', `${WEB_ORIGIN}.evil.example`, 'http://app.railgraph.example']) {
      const other = await preflight(origin);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const answer = await fetch(productionUrl, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify(byId(webDocumentId('Stations'))),
      });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('gives the listed origin its CORS headers on answers to small and to large POSTs alike', async () => {
    const stations = JSON.stringify(byId(webDocumentId('Stations')));
    // Past LARGE_BODY_BYTES, so this one waits at the large-request gate (express) instead.
    const large = `${stations.slice(0, -1)}, "operationName": null${' '.repeat(70 * 1024)}}`;
    for (const body of [stations, large]) {
      const answer = await fetch(productionUrl, {
        method: 'POST',
        headers: { origin: WEB_ORIGIN, 'content-type': 'application/json' },
        body,
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
      expect(answer.headers.get('access-control-expose-headers')).toBe('x-request-id');
      expect(answer.headers.get('vary')).toMatch(/Origin/);
      expect(((await answer.json()) as { data?: unknown }).data).toBeTruthy();
    }
  });
});

describe('the operation metric’s labels', () => {
  it('name only trusted documents: a hundred made-up names leave one `other` series', async () => {
    const series = async () =>
      (await productionMetrics.registry.getSingleMetricAsString('graphql_operation_duration_seconds'))
        .split('\n')
        .filter((line) => line.startsWith('graphql_operation_duration_seconds_count'));
    await post(productionUrl, byId(webDocumentId('Stations'), { first: 1 }));
    const before = await series();
    for (let i = 0; i < 100; i += 1) {
      const name = `Made_Up_${randomBytes(6).toString('hex')}`;
      const answer = await post(productionUrl, { query: `query ${name} { __typename }` }, { authorization: partner });
      expect(answer.data).toEqual({ __typename: 'Query' });
    }
    const after = await series();
    const labels = new Set(after.map((line) => /operation="([^"]*)"/.exec(line)?.[1]));
    expect([...labels].filter((label) => label?.startsWith('Made_Up_'))).toEqual([]);
    expect(labels).toContain('Stations');
    const others = after.filter((line) => line.includes('operation="other"') && line.includes('outcome="success"'));
    expect(others).toHaveLength(1);
    const count = (lines: string[]) =>
      Number(
        lines
          .find((l) => l.includes('operation="other"') && l.includes('outcome="success"'))
          ?.split(' ')
          .pop() ?? 0,
      );
    expect(count(after) - count(before)).toBe(100);
  });
});
