import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '@railgraph/service-kit/testing';
import {
  createRoundRobinProxy,
  endToEndHeaders,
  KEEP_ALIVE_TIMEOUT_MS,
  type RoundRobinProxy,
} from '../src/round-robin.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const opened: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

/** A replica: an HTTP server on a free port, counting the requests it was sent. */
async function replica(name: string, handler?: Handler): Promise<{ port: number; name: string; seen: number }> {
  const state = { port: 0, name, seen: 0 };
  const server: Server = createServer((req, res) => {
    state.seen += 1;
    if (handler) return handler(req, res);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(name));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  opened.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return state;
}

/** A port nothing listens on, held until the test ends. */
async function deadPort(): Promise<number> {
  const closed = await closedPort();
  opened.push({ close: closed.release });
  return closed.port;
}

async function proxyOver(ports: number[], name = 'tickets'): Promise<{ proxy: RoundRobinProxy; url: string }> {
  const proxy = createRoundRobinProxy({ name, ports });
  const port = await proxy.listen(0);
  opened.push(proxy);
  return { proxy, url: `http://127.0.0.1:${port}` };
}

describe('the round-robin proxy in front of replicas', () => {
  it('sends each request to the next replica in turn', async () => {
    const replicas = await Promise.all(['a', 'b', 'c'].map((name) => replica(name)));
    const { url } = await proxyOver(replicas.map((r) => r.port));
    const answered: string[] = [];
    for (let i = 0; i < 9; i++) answered.push(await (await fetch(`${url}/graphql`)).text());
    expect(answered).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);

    // Concurrent requests share out evenly too.
    const many = await Promise.all(Array.from({ length: 60 }, () => fetch(`${url}/x`).then((r) => r.text())));
    for (const name of ['a', 'b', 'c']) expect(many.filter((n) => n === name)).toHaveLength(20);
    expect(replicas.map((r) => r.seen)).toEqual([23, 23, 23]);
  });

  it('skips a replica whose connection is refused and tries the next', async () => {
    const [a, c] = await Promise.all([replica('a'), replica('c')]);
    const { url } = await proxyOver([a!.port, await deadPort(), c!.port]);
    const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${url}/graphql`)));
    expect(answers.map((r) => r.status)).toEqual(Array(30).fill(200));
    const names = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(names)).toEqual(new Set(['a', 'c']));
    expect(a!.seen + c!.seen).toBe(30);

    // A POST's body reaches the replica that answers, untouched, when the first one is down.
    const echo = await replica('echo', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => res.writeHead(200).end(Buffer.concat(chunks)));
    });
    const skipping = await proxyOver([await deadPort(), echo.port]);
    const body = JSON.stringify({ query: '{ stations { code } }', variables: { n: 'é'.repeat(1000) } });
    const posted = await fetch(`${skipping.url}/graphql`, { method: 'POST', body });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toBe(body);
  });

  it('answers 502 with a GraphQL SERVICE_UNAVAILABLE error only when no replica answers', async () => {
    const { url } = await proxyOver([await deadPort(), await deadPort()], 'inventory');
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'inventory is unavailable: no replica answered',
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        },
      ],
    });
  });

  it('answers 502 when the replica it reached dies before answering, without sending the request elsewhere', async () => {
    const dying = await replica('dying', (req) => req.socket.destroy());
    const other = await replica('other');
    const { url } = await proxyOver([dying.port, other.port]);
    const response = await fetch(`${url}/graphql`, { method: 'POST', body: '{"query":"mutation { x }"}' });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]).toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(other.seen).toBe(0);
  });

  it('passes status, headers and body through untouched, streaming both ways', async () => {
    let clientHasFirst: () => void = () => undefined;
    const firstArrived = new Promise<void>((resolve) => (clientHasFirst = resolve));
    const seenHeaders: string[][] = [];
    const upstream = await replica('upstream', (req, res) => {
      seenHeaders.push(req.rawHeaders);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(201, 'Made Here', [
          'Content-Type',
          'application/octet-stream',
          'Set-Cookie',
          'a=1',
          'Set-Cookie',
          'b=2',
          'X-Request-Id',
          'req-42',
          'X-Echo-Length',
          String(Buffer.concat(chunks).length),
        ]);
        // The first part must reach the client before the rest is written: nothing is buffered.
        res.write('first|');
        void firstArrived.then(() => res.end(Buffer.concat(chunks)));
      });
    });
    const { url } = await proxyOver([upstream.port]);
    const { port } = new URL(url);
    const body = Buffer.alloc(3 * 1024 * 1024, 7);

    const answer = await new Promise<{ status: number; message: string; raw: string[]; body: Buffer }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: Number(port),
            method: 'POST',
            path: '/graphql?x=1',
            // A raw header list is sent as it is: Host included.
            headers: [
              'Host',
              `127.0.0.1:${port}`,
              'Content-Type',
              'application/json',
              'Authorization',
              'Bearer t0ken',
              'X-Dup',
              '1',
              'X-Dup',
              '2',
              'Connection',
              'keep-alive, X-Private',
              'X-Private',
              'hop only',
              'Content-Length',
              String(body.length),
            ],
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => {
              chunks.push(chunk);
              if (Buffer.concat(chunks).toString('latin1').startsWith('first|')) clientHasFirst();
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode!,
                message: res.statusMessage!,
                raw: res.rawHeaders,
                body: Buffer.concat(chunks),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      },
    );

    expect(answer.status).toBe(201);
    expect(answer.message).toBe('Made Here');
    expect(answer.body.subarray(0, 6).toString()).toBe('first|');
    expect(answer.body.subarray(6).equals(body)).toBe(true);
    const pairs = (raw: string[]) => Array.from({ length: raw.length / 2 }, (_, i) => [raw[2 * i], raw[2 * i + 1]]);
    expect(pairs(answer.raw)).toEqual(
      expect.arrayContaining([
        ['Content-Type', 'application/octet-stream'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['X-Request-Id', 'req-42'],
        ['X-Echo-Length', String(body.length)],
      ]),
    );
    const sent = pairs(seenHeaders[0]!);
    expect(sent).toEqual(
      expect.arrayContaining([
        ['Content-Type', 'application/json'],
        ['Authorization', 'Bearer t0ken'],
        ['X-Dup', '1'],
        ['X-Dup', '2'],
        ['Content-Length', String(body.length)],
      ]),
    );
    // Headers about the caller's connection stay on it.
    expect(sent.map(([name]) => name!.toLowerCase())).not.toContain('x-private');
  });

  it("keeps callers' idle connections open well past Node's 5 s default", async () => {
    const a = await replica('a');
    const { proxy, url } = await proxyOver([a.port]);
    expect(proxy.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    const response = await fetch(url);
    expect(response.headers.get('keep-alive')).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    await response.text();
  });

  it('keeps end-to-end headers in order and drops hop-by-hop ones', () => {
    expect(
      endToEndHeaders([
        'Host',
        'h',
        'Connection',
        'close, X-Trace',
        'X-Trace',
        '1',
        'Keep-Alive',
        'timeout=5',
        'Transfer-Encoding',
        'chunked',
        'Accept',
        '*/*',
      ]),
    ).toEqual(['Host', 'h', 'Accept', '*/*']);
  });
});
