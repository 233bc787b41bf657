import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTokenSource } from '@railgraph/auth';
import { inventoryOverHttp } from '../src/booking/inventory-client.js';

/** A token endpoint handing out `token-1`, `token-2`, ... and an inventory accepting only `accepted`. */
let issued = 0;
let accepted = 'token-2';
const seen: Array<string | undefined> = [];

const tokenEndpoint = http.createServer((_req, res) => {
  issued += 1;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ access_token: `token-${issued}`, token_type: 'Bearer', expires_in: 900 }));
});
const inventory = http.createServer((req, res) => {
  seen.push(req.headers.authorization);
  res.setHeader('content-type', 'application/json');
  req.resume();
  req.on('end', () => {
    res.end(
      req.headers.authorization === `Bearer ${accepted}`
        ? JSON.stringify({ data: { confirmHolds: [{ holdId: 'h1', confirmed: true, code: null, message: null }] } })
        : JSON.stringify({
            errors: [{ message: 'The access token is not valid', extensions: { code: 'UNAUTHENTICATED' } }],
          }),
    );
  });
});

/** An inventory answering `confirmHolds`, recording each call's hold ids; it knows no hold named `gone`. */
const confirmCalls: string[][] = [];
const confirming = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { variables } = JSON.parse(Buffer.concat(chunks).toString()) as { variables: { holdIds: string[] } };
    confirmCalls.push(variables.holdIds);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        data: {
          confirmHolds: variables.holdIds.map((holdId) =>
            holdId === 'gone'
              ? { holdId, confirmed: false, code: 'NOT_FOUND', message: `Hold ${holdId} not found` }
              : { holdId, confirmed: true, code: null, message: null },
          ),
        },
      }),
    );
  });
});

const urlOf = (server: http.Server, route: string) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}${route}`;
const listen = (server: http.Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

beforeAll(async () => {
  await Promise.all([listen(tokenEndpoint), listen(inventory), listen(confirming)]);
});

afterAll(() => {
  tokenEndpoint.close();
  inventory.close();
  confirming.close();
});

const client = () =>
  inventoryOverHttp(
    urlOf(inventory, '/graphql'),
    createServiceTokenSource({
      tokenUrl: urlOf(tokenEndpoint, '/oauth/token'),
      clientId: 'tickets',
      clientSecret: 'a-secret-long-enough',
      scope: 'inventory:internal',
    }),
  );

describe('inventory client', () => {
  it('sends the service token, and after UNAUTHENTICATED fetches a new one and tries once more', async () => {
    issued = 0;
    accepted = 'token-2';
    seen.length = 0;
    await expect(client().confirm('h1', 'req-1')).resolves.toBeUndefined();
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('confirms holds asked for together in one call, each with its own answer', async () => {
    const together = inventoryOverHttp(urlOf(confirming, '/graphql'), null);
    confirmCalls.length = 0;
    const answers = await Promise.allSettled(
      ['h-1', 'gone', 'h-2'].map((holdId, i) => together.confirm(holdId, `req-${i}`)),
    );
    expect(confirmCalls).toEqual([['h-1', 'gone', 'h-2']]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((answers[1] as PromiseRejectedResult).reason).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('gives up with UNAUTHENTICATED after one retry', async () => {
    issued = 0;
    accepted = 'never';
    seen.length = 0;
    await expect(client().confirm('h1', 'req-2')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(seen).toHaveLength(2);
  });

  it('reports an unreachable token endpoint as SERVICE_UNAVAILABLE without calling inventory', async () => {
    seen.length = 0;
    const broken = inventoryOverHttp(
      urlOf(inventory, '/graphql'),
      createServiceTokenSource({
        tokenUrl: 'http://127.0.0.1:9/oauth/token',
        clientId: 'tickets',
        clientSecret: 'a-secret-long-enough',
        scope: 'inventory:internal',
      }),
    );
    await expect(broken.release('h1', 'req-3')).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(seen).toHaveLength(0);
  });
});
