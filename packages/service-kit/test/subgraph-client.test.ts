import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../src/errors.js';
import { callSubgraph, PeerUnavailableError } from '../src/subgraph-client.js';

/**
 * `callSubgraph` against a real HTTP server standing in for a peer that answers well, refuses
 * with a typed error, breaks, or hangs: the caller gets the peer's data, the same DomainError,
 * or SERVICE_UNAVAILABLE, never anything else.
 */

type Behaviour = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

interface Peer {
  server: http.Server;
  url: string;
  behave: Behaviour;
  /** Calls whose answer was never finished because the caller went away. */
  abandoned: number;
}

const json = (res: http.ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const echo: Behaviour = (req, body, res) =>
  json(res, {
    data: {
      received: JSON.parse(body) as unknown,
      requestId: req.headers['x-request-id'] ?? null,
      authorization: req.headers['authorization'] ?? null,
    },
  });

let peer: Peer;

beforeAll(async () => {
  peer = { behave: echo, abandoned: 0 } as Peer;
  peer.server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    res.on('close', () => {
      if (!res.writableFinished) peer.abandoned += 1;
    });
    req.on('end', () => peer.behave(req, body, res));
  });
  await new Promise<void>((resolve) => peer.server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(peer.server.address() as { port: number }).port}/graphql`;
});

afterAll(async () => {
  peer.server.closeAllConnections();
  await new Promise<void>((resolve) => peer.server.close(() => resolve()));
});

beforeEach(() => {
  peer.behave = echo;
  peer.abandoned = 0;
});

const call = (timeoutMs?: number, url = peer.url) =>
  callSubgraph<Record<string, unknown>>(url, {
    query: 'query Q($id: ID!) { thing(id: $id) { id } }',
    variables: { id: 't1' },
    requestId: 'req-1',
    authorization: 'Bearer abc',
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });

/** The error a call fails with; fails the test if the call succeeds. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

const expectUnavailable = (error: unknown) => {
  expect(error).toBeInstanceOf(PeerUnavailableError);
  expect((error as PeerUnavailableError).extensions['code']).toBe(ErrorCode.SERVICE_UNAVAILABLE);
  expect((error as PeerUnavailableError).message).toMatch(
    /^A service this operation needs is unavailable \(127\.0\.0\.1:\d+\)$/,
  );
};

describe('callSubgraph', () => {
  it('posts the query, variables, request id and token, and answers the data', async () => {
    expect(await call()).toEqual({
      received: { query: 'query Q($id: ID!) { thing(id: $id) { id } }', variables: { id: 't1' } },
      requestId: 'req-1',
      authorization: 'Bearer abc',
    });
  });

  it('keeps its connections to the peer between calls', async () => {
    const sockets = new Set<unknown>();
    peer.behave = (req, body, res) => {
      sockets.add(req.socket);
      echo(req, body, res);
    };
    for (let i = 0; i < 20; i += 1) await call();
    // Not one per call; the pool may open another while one is being released.
    expect(sockets.size).toBeLessThan(5);
  });

  it('re-throws the peer’s typed error as the same DomainError, whatever the HTTP status', async () => {
    for (const status of [200, 400]) {
      peer.behave = (_req, _body, res) =>
        json(res, { errors: [{ message: 'Seat 12A is taken', extensions: { code: 'SEAT_TAKEN' } }] }, status);
      const error = await failure(call());
      expect(error).toBeInstanceOf(DomainError);
      expect(error).not.toBeInstanceOf(PeerUnavailableError);
      expect((error as DomainError).code).toBe(ErrorCode.SEAT_TAKEN);
      expect((error as DomainError).message).toBe('Seat 12A is taken');
    }
  });

  it('is SERVICE_UNAVAILABLE for the peer’s internal error or an error code outside the contract', async () => {
    for (const code of ['INTERNAL_SERVER_ERROR', 'SOMETHING_ELSE', undefined]) {
      peer.behave = (_req, _body, res) =>
        json(res, { errors: [{ message: 'relation does not exist', ...(code ? { extensions: { code } } : {}) }] });
      expectUnavailable(await failure(call()));
    }
  });

  it('is SERVICE_UNAVAILABLE when the peer does not answer in time, and abandons the call', async () => {
    peer.behave = () => undefined;
    const started = Date.now();
    expectUnavailable(await failure(call(300)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect.poll(() => peer.abandoned).toBe(1);
  });

  it('is SERVICE_UNAVAILABLE when the body stops coming before the deadline', async () => {
    peer.behave = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":{"thing":'); // and nothing more
    };
    const started = Date.now();
    expectUnavailable(await failure(call(300)));
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect.poll(() => peer.abandoned).toBe(1);
  });

  it('is SERVICE_UNAVAILABLE when the connection is refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(call(undefined, `http://127.0.0.1:${port}/graphql`));
    expectUnavailable(error);
    expect((error as PeerUnavailableError).originalError?.message ?? '').toMatch(/ECONNREFUSED|connect/);
  });

  it('is SERVICE_UNAVAILABLE when the connection drops mid-request', async () => {
    peer.behave = (req) => req.socket.destroy();
    expectUnavailable(await failure(call()));
  });

  const broken: Array<[string, Behaviour]> = [
    ['HTML with 200', (_req, _body, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Hi</h1>')],
    ['malformed JSON', (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"da')],
    ['502 with an empty body', (_req, _body, res) => res.writeHead(502).end()],
    ['data with a 503', (_req, _body, res) => json(res, { data: { thing: { id: 't1' } } }, 503)],
    ['JSON without data', (_req, _body, res) => json(res, { data: null })],
  ];
  for (const [what, behave] of broken) {
    it(`is SERVICE_UNAVAILABLE when the peer answers ${what}`, async () => {
      peer.behave = behave;
      expectUnavailable(await failure(call()));
    });
  }

  it('answers again once the peer is well after a failure', async () => {
    peer.behave = (req) => req.socket.destroy();
    expectUnavailable(await failure(call()));
    peer.behave = echo;
    expect(await call()).toMatchObject({ requestId: 'req-1' });
  });
});
