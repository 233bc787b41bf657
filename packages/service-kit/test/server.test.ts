import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { pino } from 'pino';
import { createMetrics } from '../src/metrics.js';
import { DomainError, ErrorCode } from '../src/errors.js';
import { startSubgraph } from '../src/subgraph.js';
import type { RunningService } from '../src/server.js';

const logLines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});
const log = pino({ level: 'info', redact: ['authorization'] }, sink);

let releaseSlow: () => void = () => undefined;
let ready = true;

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query {
    station(code: String!): Station
    broken: String
    soldOut: String
    slow: String
    requestId: String
  }
  type Station @key(fields: "code") {
    code: String!
    name: String!
  }
`);
const resolvers = {
  Query: {
    station: (_: unknown, { code }: { code: string }) => (code === 'AMS' ? { code, name: 'Amsterdam Centraal' } : null),
    broken: () => {
      throw new Error('relation "secret_table" does not exist');
    },
    soldOut: () => {
      throw new DomainError(ErrorCode.SOLD_OUT, 'No seats left');
    },
    slow: () => new Promise<string>((resolve) => (releaseSlow = () => resolve('done'))),
    requestId: (_: unknown, __: unknown, ctx: { requestId: string }) => ctx.requestId,
  },
  Station: { __resolveReference: (ref: { code: string }) => ({ code: ref.code, name: 'Amsterdam Centraal' }) },
};

let service: RunningService;

/** The value of the first sample of `metric` carrying all of `labels`, in Prometheus text format. */
function sample(text: string, metric: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${metric}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  service = await startSubgraph(
    {
      env: { host: '127.0.0.1', port: 0, logLevel: 'info', nodeEnv: 'test' },
      log,
      metrics: createMetrics('kit-test'),
    },
    {
      name: 'kit-test',
      typeDefs,
      resolvers,
      setup: async () => ({
        buildContext: (base) => base,
        readiness: [
          {
            name: 'store',
            check: async () => {
              if (!ready) throw new Error('store down');
            },
          },
        ],
      }),
    },
  );
});
afterAll(async () => {
  await service?.stop();
});

describe('subgraph server', () => {
  it('answers /healthz and reports readiness from its checks', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    ready = false;
    const notReady = await fetch(`${service.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', checks: [{ name: 'store', ok: false }] });
    ready = true;
  });

  it('resolves entities through _entities', async () => {
    const response = await post({
      query: 'query($r:[_Any!]!){_entities(representations:$r){... on Station{code name}}}',
      variables: { r: [{ __typename: 'Station', code: 'AMS' }] },
    });
    expect(await response.json()).toEqual({ data: { _entities: [{ code: 'AMS', name: 'Amsterdam Centraal' }] } });
  });

  it('rejects a malformed query with GRAPHQL_PARSE_FAILED', async () => {
    const body = (await (await post({ query: '{ station(code: "AMS" { code }' })).json()) as {
      errors: Array<{ extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('rejects an unknown field with GRAPHQL_VALIDATION_FAILED', async () => {
    const body = (await (await post({ query: '{ station(code: "AMS") { platform } }' })).json()) as {
      errors: Array<{ extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects a wrong argument type with BAD_USER_INPUT', async () => {
    const response = await post({ query: 'query($c:String!){ station(code: $c) { code } }', variables: { c: 42 } });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(response.status).toBeLessThan(500);
    expect(body.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers a malformed JSON body with a typed 400', async () => {
    const response = await post('{"query": ');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
  });

  it('rejects a body over 1 MB with 413', async () => {
    const response = await post({ query: `{ broken } # ${'x'.repeat(1_100_000)}` });
    expect(response.status).toBe(413);
  });

  it('refuses a body over 1 MB sent without a length, and answers the next request', async () => {
    const chunks = (async function* () {
      for (let i = 0; i < 12; i += 1) yield new TextEncoder().encode(`${'x'.repeat(100_000)}`);
    })();
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ReadableStream.from(chunks),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code,
    ).toBe('PAYLOAD_TOO_LARGE');
    expect((await post({ query: '{ requestId }' })).status).toBe(200);
  });

  it('takes a gzip-compressed body as before, and answers one that is not gzip with a typed 400', async () => {
    const compressed = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ query: '{ requestId }' })),
    });
    expect(compressed.status).toBe(200);
    expect(((await compressed.json()) as { data: { requestId: string } }).data.requestId).toBeTruthy();
    const garbled = await post({ query: '{ broken }' }, { 'content-encoding': 'gzip' });
    expect(garbled.status).toBe(400);
    expect(
      ((await garbled.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code,
    ).toBe('BAD_REQUEST');
  });

  it('takes a caller that leaves mid-body as theirs: nothing logged as an error, and the next request answered', async () => {
    const before = logLines.filter((line) => line['level'] === 50).length;
    const { hostname, port } = new URL(service.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write('POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n');
        socket.write('Content-Length: 1000\r\n\r\n{"query": "{ requ');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await post({ query: '{ requestId }' })).status).toBe(200);
    expect(logLines.filter((line) => line['level'] === 50).length).toBe(before);
  });

  it('answers a body that is not JSON with a typed 400, never running it', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': type, 'apollo-require-preflight': 'true' },
        body: JSON.stringify({ query: '{ broken }' }),
      });
      expect(response.status).toBe(400);
      expect(await response.text()).not.toContain('secret_table');
    }
  });

  it('takes a JSON body under a +json type and a charset, and a query string on the URL', async () => {
    const response = await fetch(`${service.url}/graphql?from=test`, {
      method: 'POST',
      headers: { 'content-type': 'application/graphql-response+json; charset=utf-8' },
      body: JSON.stringify({ query: '{ requestId }' }),
    });
    expect(await response.json()).toEqual({ data: { requestId: response.headers.get('x-request-id') } });
  });

  it('says Cache-Control: no-store on every GraphQL answer, over POST and GET, errors included', async () => {
    // Not `station`: the histogram test below counts its operations.
    const answered = await post({ query: '{ requestId }' });
    expect(answered.status).toBe(200);
    expect(answered.headers.get('cache-control')).toBe('no-store');
    const refused = await post({ query: '{ soldOut }' });
    expect(((await refused.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const overGet = await fetch(`${service.url}/graphql?query=${encodeURIComponent('{ requestId }')}`, {
      headers: { 'apollo-require-preflight': 'true', 'x-request-id': 'over-get' },
    });
    expect(await overGet.json()).toEqual({ data: { requestId: 'over-get' } });
    expect(overGet.headers.get('cache-control')).toBe('no-store');
  });

  it('masks internal errors and logs them with the request id', async () => {
    const response = await post({ query: '{ broken }' }, { 'x-request-id': 'req-broken-1' });
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(body)).not.toContain('secret_table');
    expect(JSON.stringify(body)).not.toContain('stacktrace');
    const logged = logLines.find((l) => l['requestId'] === 'req-broken-1' && l['level'] === 50);
    expect(JSON.stringify(logged)).toContain('secret_table');
  });

  it('passes domain errors with their code', async () => {
    const body = (await (await post({ query: '{ soldOut }' })).json()) as {
      errors: Array<{ extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe('SOLD_OUT');
  });

  it('keeps a caller request id and creates one when absent', async () => {
    const given = await post({ query: '{ requestId }' }, { 'x-request-id': 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    expect(await given.json()).toEqual({ data: { requestId: 'abc-123' } });
    const created = await post({ query: '{ requestId }' });
    expect(created.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes HTTP and GraphQL histograms by operation (its root field) and outcome', async () => {
    const scrape = async () => (await fetch(`${service.url}/metrics`)).text();
    const soldOut = (text: string) =>
      sample(text, 'graphql_operation_duration_seconds_count', { operation: 'soldOut', outcome: 'client_error' }) ?? 0;
    const before = await scrape();
    await post({ query: 'query StationName { station(code: "AMS") { name } }' });
    await post({ query: 'query Boom { soldOut }' });
    const text = await scrape();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(sample(text, 'graphql_operation_duration_seconds_count', { operation: 'station', outcome: 'success' })).toBe(
      1,
    );
    expect(soldOut(text) - soldOut(before)).toBe(1);
    expect(text).not.toContain('operation="StationName"');
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/graphql', status: '200' })).toBeGreaterThan(
      0,
    );
  });
});

describe('graceful stop', () => {
  it('drains an in-flight request before closing', async () => {
    const extra = await startSubgraph(
      {
        env: { host: '127.0.0.1', port: 0, logLevel: 'silent', nodeEnv: 'test' },
        log,
        metrics: createMetrics('kit-drain'),
      },
      { name: 'kit-drain', typeDefs, resolvers, setup: async () => ({ buildContext: (base) => base }) },
    );
    const inFlight = fetch(`${extra.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ slow }' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = extra.stop();
    releaseSlow();
    expect(await (await inFlight).json()).toEqual({ data: { slow: 'done' } });
    await stopped;
    await expect(fetch(`${extra.url}/healthz`)).rejects.toThrow();
  });
});
