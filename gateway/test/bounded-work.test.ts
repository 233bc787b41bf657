import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, type ClosedPort } from '@railgraph/service-kit/testing';

/**
 * Bounded work at the gateway (design §11), against a stand-in for the subgraphs that answers
 * as a broken or slow service would: every failure of a subgraph call is a typed
 * SERVICE_UNAVAILABLE with HTTP 200, an operation past its budget is OPERATION_TIMEOUT and its
 * subgraph calls are abandoned, an answer past the size bound is RESPONSE_TOO_LARGE, large
 * requests and heavy operations take turns while small ones pass, a body past 1 MB is 413
 * PAYLOAD_TOO_LARGE. Never a 500, never INTERNAL_SERVER_ERROR. The gateways are the built
 * process (`npm run build` first).
 */
const gatewayEntry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** What the stand-in subgraph does with the next calls, and the calls it saw abandoned. */
interface StandIn {
  server: http.Server;
  url: string;
  behave: Behaviour;
  abandoned: number;
  /** Calls received since the test began. */
  calls: number;
  /** Their request headers. */
  headers: http.IncomingHttpHeaders[];
}

const json = (res: http.ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const amsterdam: Behaviour = (_req, res) => json(res, { data: { station: { name: 'Amsterdam Centraal' } } });

async function startStandIn(): Promise<StandIn> {
  const standIn = { behave: amsterdam, abandoned: 0, calls: 0, headers: [] } as unknown as StandIn;
  standIn.server = http.createServer((req, res) => {
    standIn.calls += 1;
    standIn.headers.push(req.headers);
    req.resume();
    // A call the gateway gave up on closes before the answer was sent.
    res.on('close', () => {
      if (!res.writableFinished) standIn.abandoned += 1;
    });
    req.on('end', () => standIn.behave(req, res));
  });
  await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(standIn.server.address() as { port: number }).port}/graphql`;
  return standIn;
}

/** A port nothing listens on, held while the tests run: a subgraph that was killed. */
let deadPort: ClosedPort | undefined;

const logLines: Array<Record<string, unknown>> = [];

/** A gateway process as `npm start` runs it (gateway/dist), its subgraphs all at `subgraphUrl`. */
interface GatewayProcess {
  url: string;
  stop: () => Promise<void>;
}

async function gatewayTo(subgraphUrl: string, settings: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [gatewayEntry], {
    env: {
      ...process.env,
      GATEWAY_PORT: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      USERS_URL: subgraphUrl,
      TRAINS_URL: subgraphUrl,
      INVENTORY_URL: subgraphUrl,
      PRICES_URL: subgraphUrl,
      TICKETS_URL: subgraphUrl,
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logLines.push(entry);
        if (entry['msg'] === 'gateway listening') resolve(String(entry['url']).replace(/\/graphql$/, ''));
      }
    });
    void exited.then(() => reject(new Error('the gateway exited before listening')));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function ask(
  gateway: GatewayProcess,
  query: string,
  { variables = {}, requestId }: { variables?: Record<string, unknown>; requestId?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Answer['body'] };
}

/** How long an effect the gateway has already caused may take to show, on a machine busy with other tests. */
const SOON = { timeout: 5_000 };
const codesOf = (answer: Answer) => answer.body.errors?.map((e) => e.extensions?.code);
const STATION = '{ station(code: "AMS") { name } }';
const STATIONS = '{ stations(first: 100) { name } }';

let standIn: StandIn;
/** Subgraph calls time out after 1 s, operations after 20 s. */
let shortFetches: GatewayProcess;
/** Operations time out after 300 ms, subgraph calls after 20 s. */
let shortOperations: GatewayProcess;
/** Answers are bounded to 4 KB. */
let smallAnswers: GatewayProcess;
/** Every subgraph is down. */
let allDown: GatewayProcess;
/** Operations time out after 1 s: a large request holds its turn about that long. */
let oneSecond: GatewayProcess;

beforeAll(async () => {
  standIn = await startStandIn();
  shortFetches = await gatewayTo(standIn.url, { SUBGRAPH_TIMEOUT_MS: '1000', GRAPHQL_OPERATION_BUDGET_MS: '20000' });
  shortOperations = await gatewayTo(standIn.url, { SUBGRAPH_TIMEOUT_MS: '20000', GRAPHQL_OPERATION_BUDGET_MS: '300' });
  smallAnswers = await gatewayTo(standIn.url, { GRAPHQL_MAX_RESPONSE_BYTES: '4096' });
  deadPort = await closedPort();
  allDown = await gatewayTo(`http://127.0.0.1:${deadPort.port}/graphql`, {});
  oneSecond = await gatewayTo(standIn.url, { SUBGRAPH_TIMEOUT_MS: '20000', GRAPHQL_OPERATION_BUDGET_MS: '1000' });
}, 60_000);

afterAll(async () => {
  for (const gateway of [shortFetches, shortOperations, smallAnswers, allDown, oneSecond]) await gateway?.stop();
  await deadPort?.release();
  standIn?.server.closeAllConnections();
  await new Promise<void>((resolve) => (standIn ? standIn.server.close(() => resolve()) : resolve()));
});

beforeEach(() => {
  standIn.behave = amsterdam;
  standIn.abandoned = 0;
  standIn.calls = 0;
  standIn.headers = [];
  logLines.length = 0;
});

/** The stand-in never answers; the response is closed when the caller gives up. */
const never: Behaviour = () => undefined;

describe('a failed subgraph call', () => {
  const failures: Array<[string, Behaviour]> = [
    ['answers HTML with 200', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Hi</h1>')],
    ['answers HTML with 500', (_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Oops</h1>')],
    ['answers malformed JSON', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"da')],
    ['answers 502 with an empty body', (_req, res) => res.writeHead(502).end()],
    ['drops the connection mid-request', (req) => req.socket.destroy()],
  ];
  for (const [what, behave] of failures) {
    it(`is SERVICE_UNAVAILABLE with HTTP 200 when the subgraph ${what}`, async () => {
      standIn.behave = behave;
      const answer = await ask(shortFetches, STATION);
      expect(answer.status).toBe(200);
      expect(codesOf(answer)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(answer.body.data).toEqual({ station: null });
      expect(answer.text).not.toMatch(/Oops|127\.0\.0\.1|ECONN|JSON|stack/);
      expect(logLines.some((line) => line['msg'] === 'call to subgraph trains failed')).toBe(true);
    });
  }

  it('is SERVICE_UNAVAILABLE with HTTP 200 when the subgraph was killed (connection refused)', async () => {
    const answer = await ask(allDown, STATION);
    expect(answer.status).toBe(200);
    expect(codesOf(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(answer.text).not.toContain('ECONNREFUSED');
  });

  it('keeps a subgraph’s own typed refusal', async () => {
    standIn.behave = (_req, res) =>
      json(res, { errors: [{ message: 'Station XYZ does not exist', extensions: { code: 'NOT_FOUND' } }] }, 400);
    const answer = await ask(shortFetches, STATION);
    expect(answer.status).toBe(200);
    expect(codesOf(answer)).toEqual(['NOT_FOUND']);
  });

  it('is SERVICE_UNAVAILABLE when the subgraph does not answer within the fetch timeout, and the call is abandoned', async () => {
    standIn.behave = never;
    const answer = await ask(shortFetches, STATION);
    expect(answer.status).toBe(200);
    expect(codesOf(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(logLines.find((line) => line['msg'] === 'call to subgraph trains failed')?.['reason']).toBe('timeout');
    await expect.poll(() => standIn.abandoned, SOON).toBe(1);
  });
});

describe('the operation budget', () => {
  it('answers OPERATION_TIMEOUT with HTTP 200 and abandons the subgraph calls still running', async () => {
    standIn.behave = never;
    const answer = await ask(shortOperations, STATION);
    expect(answer.status).toBe(200);
    expect(codesOf(answer)).toEqual(['OPERATION_TIMEOUT']);
    expect(answer.body.errors?.[0]?.message).toMatch(/time budget of 300 ms/);
    expect(answer.body.data).toBeNull();
    await expect.poll(() => standIn.abandoned, SOON).toBe(1);
    expect(logLines.some((line) => line['outcome'] === 'OPERATION_TIMEOUT')).toBe(true);
  });

  it('lets an operation within its budget through', async () => {
    const answer = await ask(oneSecond, STATION);
    expect(answer.body).toEqual({ data: { station: { name: 'Amsterdam Centraal' } } });
  });

  it('keeps the header that carries the operation to the fetcher inside the gateway', async () => {
    await ask(oneSecond, STATION, { requestId: 'scope-header-check' });
    expect(standIn.headers).toHaveLength(1);
    expect(standIn.headers[0]?.['x-request-id']).toBe('scope-header-check');
    expect(Object.keys(standIn.headers[0] ?? {}).filter((name) => name.includes('scope'))).toEqual([]);
  });
});

describe('the response size bound', () => {
  const stations = (count: number) => ({
    data: { stations: Array.from({ length: count }, () => ({ name: 'x'.repeat(100) })) },
  });

  it('lets an answer within the bound through', async () => {
    standIn.behave = (_req, res) => json(res, stations(20));
    const answer = await ask(smallAnswers, STATIONS);
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data?.['stations'] as unknown[]).length).toBe(20);
  });

  it('replaces an answer larger than the bound by RESPONSE_TOO_LARGE', async () => {
    standIn.behave = (_req, res) => json(res, stations(60)); // ~7 KB: received in full, answer too large
    const answer = await ask(smallAnswers, STATIONS);
    expect(answer.status).toBe(200);
    expect(codesOf(answer)).toEqual(['RESPONSE_TOO_LARGE']);
    expect(answer.body.data).toBeNull();
    expect(answer.text.length).toBeLessThan(4096);
    await expect
      .poll(() => logLines.some((line) => line['msg'] === 'answer larger than the response bound'))
      .toBe(true);
  });

  it('stops reading a subgraph answer whose declared length is already past the bound', async () => {
    standIn.behave = (_req, res) => json(res, stations(500));
    const answer = await ask(smallAnswers, STATIONS);
    expect(answer.status).toBe(200);
    expect(codesOf(answer)).toEqual(['RESPONSE_TOO_LARGE']);
    const stopped = (line: Record<string, unknown>) =>
      line['msg'] === 'operation stopped' && line['code'] === 'RESPONSE_TOO_LARGE';
    await expect.poll(() => logLines.some(stopped), SOON).toBe(true);
  });

  it('stops reading a streamed subgraph answer (no length) once past the bound', async () => {
    standIn.behave = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = JSON.stringify(stations(500));
      for (let i = 0; i < body.length; i += 1024) res.write(body.slice(i, i + 1024));
      res.end();
    };
    const answer = await ask(smallAnswers, STATIONS);
    expect(answer.status).toBe(200);
    expect(codesOf(answer)).toEqual(['RESPONSE_TOO_LARGE']);
    const stopped = (line: Record<string, unknown>) =>
      line['msg'] === 'operation stopped' && line['code'] === 'RESPONSE_TOO_LARGE';
    await expect.poll(() => logLines.some(stopped), SOON).toBe(true);
  });
});

describe('large requests', () => {
  /** Over the 64 KB of a large body, in a variable the operation does not declare: the operation itself is small. */
  const padding = { pad: 'x'.repeat(100_000) };
  const oversized = `{ station(code: "AMS") { name } } # ${'x'.repeat(70_000)}`;

  it('refuses an operation text over 64 KB with OPERATION_TOO_COMPLEX before any subgraph is called', async () => {
    let called = false;
    standIn.behave = (req, res) => {
      called = true;
      amsterdam(req, res);
    };
    const answer = await ask(shortFetches, oversized);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toEqual({
      code: 'OPERATION_TOO_COMPLEX',
      limit: 'documentBytes',
      max: 65_536,
      value: Buffer.byteLength(oversized),
    });
    expect(called).toBe(false);
  });

  it('answers a large body whose operation is small', async () => {
    const answer = await ask(shortFetches, STATION, { variables: padding });
    expect(answer.body).toEqual({ data: { station: { name: 'Amsterdam Centraal' } } });
  });

  it('answers several large requests sent at once, one after another, each typed', async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => ask(shortFetches, oversized)),
      ...Array.from({ length: 2 }, () => ask(shortFetches, STATION, { variables: padding })),
    ]);
    expect(answers.map(codesOf)).toEqual([
      ...Array.from({ length: 4 }, () => ['OPERATION_TOO_COMPLEX']),
      undefined,
      undefined,
    ]);
  });

  it('lets small requests through while a large one holds its turn, and refuses a large one that waits past the budget with 503', async () => {
    standIn.behave = (req, res) => {
      if (req.headers['x-request-id'] !== 'holds-the-turn') amsterdam(req, res);
    };
    const holding = ask(oneSecond, STATION, { variables: padding, requestId: 'holds-the-turn' });
    await expect.poll(() => standIn.calls, SOON).toBe(1); // the first large request is being handled
    const small = await ask(oneSecond, STATION);
    expect(small.body).toEqual({ data: { station: { name: 'Amsterdam Centraal' } } });
    const response = await fetch(`${oneSecond.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: STATION, variables: padding }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(codesOf(await holding)).toEqual(['OPERATION_TIMEOUT']);
  });
});

/** About 160 KB: more than the 128 KB that mark an operation text heavy. */
const manyStations = { data: { stations: Array.from({ length: 1500 }, () => ({ name: 'x'.repeat(100) })) } };

describe('heavy operations', () => {
  it('take turns once known heavy, while other operations pass; one without a turn in its budget is OPERATION_TIMEOUT', async () => {
    standIn.behave = (req, res) => {
      if (req.headers['x-request-id'] === 'holds-the-turn') return; // never answered
      json(
        res,
        req.headers['x-request-id'] === 'small' ? { data: { station: { name: 'Amsterdam Centraal' } } } : manyStations,
      );
    };
    const first = await ask(oneSecond, STATIONS);
    expect((first.body.data?.['stations'] as unknown[]).length).toBe(1500); // now known heavy
    const holding = ask(oneSecond, STATIONS, { requestId: 'holds-the-turn' });
    await expect.poll(() => standIn.calls, SOON).toBe(2); // the heavy operation holds the turn
    const small = await ask(oneSecond, STATION, { requestId: 'small' });
    expect(small.body).toEqual({ data: { station: { name: 'Amsterdam Centraal' } } });
    const waiting = await ask(oneSecond, STATIONS);
    expect(waiting.status).toBe(200);
    expect(codesOf(waiting)).toEqual(['OPERATION_TIMEOUT']);
    expect(standIn.calls).toBe(3); // the waiting one never reached the subgraph
    expect(codesOf(await holding)).toEqual(['OPERATION_TIMEOUT']);
    await expect
      .poll(() => logLines.some((line) => line['msg'] === 'heavy operation got no turn within its time budget'))
      .toBe(true);
  });
});

describe('the web app’s own operations', () => {
  it('never take heavy turns (trusted documents), whatever they move', async () => {
    const text = 'query ManyStations { stations(first: 100) { name } }';
    const hash = createHash('sha256').update(text).digest('hex');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'railgraph-trusted-'));
    const manifest = path.join(dir, 'trusted-documents.json');
    await writeFile(manifest, JSON.stringify({ [`sha256:${hash}`]: text }));
    const trusted = await gatewayTo(standIn.url, {
      SUBGRAPH_TIMEOUT_MS: '20000',
      GRAPHQL_OPERATION_BUDGET_MS: '1000',
      GATEWAY_TRUSTED_DOCUMENTS: manifest,
    });
    const byId = async (requestId?: string) => {
      const response = await fetch(`${trusted.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
        body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
      });
      return (await response.json()) as Answer['body'];
    };
    try {
      standIn.behave = (req, res) => {
        if (req.headers['x-request-id'] !== 'holds-the-call') json(res, manyStations);
      };
      expect((await byId()).data?.['stations']).toHaveLength(1500); // moved about 160 KB
      const holding = byId('holds-the-call');
      await expect.poll(() => standIn.calls, SOON).toBe(2);
      // Another run of the same document goes straight through: no turn to wait for.
      expect((await byId()).data?.['stations']).toHaveLength(1500);
      expect(standIn.calls).toBe(3);
      expect((await holding).errors?.map((e) => e.extensions?.code)).toEqual(['OPERATION_TIMEOUT']);
    } finally {
      await trusted.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the body limit', () => {
  it('refuses a body over 1 MB with 413 PAYLOAD_TOO_LARGE before any subgraph is called', async () => {
    let called = false;
    standIn.behave = (req, res) => {
      called = true;
      amsterdam(req, res);
    };
    const aliases = Array.from({ length: 40_000 }, (_, i) => `a${i}: station(code: "AMS") { name }`).join(' ');
    const response = await fetch(`${shortFetches.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${aliases} }` }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as Answer['body'];
    expect(codesOf({ body } as Answer)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(called).toBe(false);
  });
});
