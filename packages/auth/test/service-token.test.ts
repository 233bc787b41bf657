import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTokenSource, ServiceTokenError } from '../src/service-token.js';

// A real HTTP token endpoint speaking RFC 6749 §4.4, counting the grants it issues.
let server: http.Server;
let tokenUrl = '';
let issued = 0;
const requests: Array<{ authorization: string | undefined; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ authorization: req.headers.authorization, body });
      const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
      res.setHeader('content-type', 'application/json');
      if (id !== 'tickets' || secret !== 's3cret:with/odd=chars') {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'invalid_client' }));
        return;
      }
      issued += 1;
      res.end(JSON.stringify({ access_token: `token-${issued}`, token_type: 'Bearer', expires_in: 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('service token source', () => {
  it('asks once for concurrent callers, caches the token and renews it a minute before expiry', async () => {
    let now = 1_000_000;
    const source = createServiceTokenSource(
      { tokenUrl, clientId: 'tickets', clientSecret: 's3cret:with/odd=chars', scope: 'inventory:internal' },
      { clock: () => now },
    );
    const before = issued;
    const headers = await Promise.all(Array.from({ length: 10 }, () => source.authorization()));
    expect(new Set(headers)).toEqual(new Set([`Bearer token-${before + 1}`]));
    expect(issued).toBe(before + 1);
    expect(requests.at(-1)?.body).toBe('grant_type=client_credentials&scope=inventory%3Ainternal');

    now += 239_000;
    expect(await source.authorization()).toBe(`Bearer token-${before + 1}`);
    now += 1_000;
    expect(await source.authorization()).toBe(`Bearer token-${before + 2}`);
    source.invalidate();
    expect(await source.authorization()).toBe(`Bearer token-${before + 3}`);
  });

  it('reports a refused client with its OAuth error code', async () => {
    const source = createServiceTokenSource({ tokenUrl, clientId: 'tickets', clientSecret: 'wrong', scope: 'x' });
    const error = await source.authorization().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceTokenError);
    expect((error as ServiceTokenError).oauthError).toBe('invalid_client');
  });

  it('reports an unreachable token endpoint', async () => {
    const source = createServiceTokenSource({
      tokenUrl: 'http://127.0.0.1:1/oauth/token',
      clientId: 'tickets',
      clientSecret: 'x',
      scope: 'x',
    });
    await expect(source.authorization()).rejects.toThrow(/unreachable/);
  });
});
