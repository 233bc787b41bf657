import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTokenSource } from '@railgraph/auth';
import { contactsOverHttp, MAX_CONTACT_IDS } from '../src/mail/recipients.js';

/**
 * How tickets asks users for travellers' addresses: users' internal `userContacts` with the
 * service token, here a token endpoint and a users answering as the real ones do (the real
 * users is asked in gateway/test/booking-mail.test.ts).
 */
let issued = 0;
let accepted = 'token-2';
const asked: string[][] = [];

const tokenEndpoint = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    issued += 1;
    res.setHeader('content-type', 'application/json');
    const scope = new URLSearchParams(body).get('scope');
    res.end(JSON.stringify({ access_token: `token-${issued}`, token_type: 'Bearer', expires_in: 900, scope }));
  });
});
const users = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${accepted}`) {
      res.end(
        JSON.stringify({
          errors: [{ message: 'The access token is not valid', extensions: { code: 'UNAUTHENTICATED' } }],
        }),
      );
      return;
    }
    const ids = (JSON.parse(body) as { variables: { ids: string[] } }).variables.ids;
    asked.push(ids);
    res.end(
      JSON.stringify({
        data: {
          userContacts: ids.map((id) =>
            id.startsWith('known') ? { id, email: `${id}@example.com`, name: `Name ${id}` } : null,
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
  await Promise.all([listen(tokenEndpoint), listen(users)]);
});
afterAll(() => {
  tokenEndpoint.close();
  users.close();
});

const tokens = () =>
  createServiceTokenSource({
    tokenUrl: urlOf(tokenEndpoint, '/oauth/token'),
    clientId: 'tickets',
    clientSecret: 'a-secret-long-enough',
    scope: 'users:contacts',
  });

describe('contacts over HTTP', () => {
  it('asks with the service token, and after UNAUTHENTICATED fetches a new one and asks once more', async () => {
    issued = 0;
    accepted = 'token-2';
    asked.length = 0;
    const found = await contactsOverHttp(urlOf(users, '/graphql'), tokens()).contactsOf([
      'known-1',
      'gone-1',
      'known-1',
    ]);
    expect(found).toEqual(
      new Map([
        ['known-1', { email: 'known-1@example.com', name: 'Name known-1' }],
        ['gone-1', null],
      ]),
    );
    expect(issued).toBe(2);
    expect(asked).toEqual([['known-1', 'gone-1']]);
  });

  it(`asks at most ${MAX_CONTACT_IDS} ids at a time`, async () => {
    accepted = `token-${issued + 1}`;
    asked.length = 0;
    const ids = Array.from({ length: MAX_CONTACT_IDS + 5 }, (_, i) => `known-${i}`);
    const found = await contactsOverHttp(urlOf(users, '/graphql'), tokens()).contactsOf(ids);
    expect(asked.map((chunk) => chunk.length)).toEqual([MAX_CONTACT_IDS, 5]);
    expect([...found.keys()]).toEqual(ids);
  });

  it('rejects when users keeps refusing the token or cannot be reached, and without a service client', async () => {
    accepted = 'never';
    await expect(contactsOverHttp(urlOf(users, '/graphql'), tokens()).contactsOf(['known-1'])).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });
    await expect(
      contactsOverHttp('http://127.0.0.1:1/graphql', tokens()).contactsOf(['known-1']),
    ).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    await expect(contactsOverHttp(urlOf(users, '/graphql'), null).contactsOf(['known-1'])).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });
});
