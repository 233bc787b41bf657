import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTokenSource } from '@railgraph/auth';
import { DomainError, PeerUnavailableError } from '@railgraph/service-kit';
import { inventoryOverHttp, type HoldRequest } from '../src/booking/inventory-client.js';

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

/**
 * An inventory answering `holdSeatsBatch` as inventory does, by hold id: `sold-out`, `taken`,
 * `bad` and `broken` are refused (the last with an internal error), a call holding `fail-call`
 * fails as a whole (HTTP 503), and every other hold gets one seat. Records each call.
 */
const holdCalls: Array<{ requestId: string | undefined; inputs: Array<{ holdId: string; requestId?: string }> }> = [];
const refusals: Record<string, Record<string, unknown>> = {
  'sold-out': { code: 'SOLD_OUT', message: 'Only 1 STANDARD seats are left on this journey; 2 wanted', seatsLeft: 1 },
  taken: { code: 'SEAT_TAKEN', message: 'Seat 3-12A is taken on part of this journey', takenSeats: ['3-12A'] },
  bad: { code: 'BAD_USER_INPUT', message: 'count must be 1-9; got 10' },
  broken: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' },
};
/** Calls holding a `slow-…` id wait for this before inventory answers. */
let slowAnswers = Promise.resolve();
const holding = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { variables } = JSON.parse(Buffer.concat(chunks).toString()) as {
      variables: { inputs: Array<{ holdId: string; requestId?: string }> };
    };
    holdCalls.push({ requestId: req.headers['x-request-id'] as string | undefined, inputs: variables.inputs });
    const slow = variables.inputs.some((input) => input.holdId.startsWith('slow-'));
    void (slow ? slowAnswers : Promise.resolve()).then(() => answerHolds(res, variables.inputs));
  });
});

function answerHolds(res: http.ServerResponse, inputs: Array<{ holdId: string }>): void {
  const variables = { inputs };
  res.setHeader('content-type', 'application/json');
  if (variables.inputs.some((input) => input.holdId === 'fail-call')) {
    res.statusCode = 503;
    res.end('{}');
    return;
  }
  const outcomes = variables.inputs.map(({ holdId }) => ({
    holdId,
    hold: refusals[holdId] ? null : { seats: [{ coach: 3, label: '1A' }] },
    code: null,
    message: null,
    seatsLeft: null,
    takenSeats: null,
    ...refusals[holdId],
  }));
  res.end(JSON.stringify({ data: { holdSeatsBatch: outcomes } }));
}

const holdRequest = (holdId: string): HoldRequest => ({
  holdId,
  runId: 'IC1:2026-12-01',
  fromStop: 0,
  toStop: 2,
  seatClass: 'STANDARD',
  count: 1,
  ttlSeconds: 120,
});

const urlOf = (server: http.Server, route: string) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}${route}`;
const listen = (server: http.Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

beforeAll(async () => {
  await Promise.all([listen(tokenEndpoint), listen(inventory), listen(confirming), listen(holding)]);
});

afterAll(() => {
  tokenEndpoint.close();
  inventory.close();
  confirming.close();
  holding.close();
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

  it("holds asked for together in one call, each booking's request id in its input, each with its own answer", async () => {
    const together = inventoryOverHttp(urlOf(holding, '/graphql'), null);
    holdCalls.length = 0;
    const holdIds = ['h-1', 'sold-out', 'taken', 'bad', 'broken', 'h-2'];
    const answers = await Promise.allSettled(
      holdIds.map((holdId, i) => together.hold(holdRequest(holdId), `req-${i}`)),
    );
    expect(holdCalls).toEqual([
      {
        requestId: 'req-0',
        inputs: holdIds.map((holdId, i) => expect.objectContaining({ holdId, requestId: `req-${i}` })),
      },
    ]);
    expect(answers.map((a) => a.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: [{ coach: 3, label: '1A' }] });
    const reasons = answers.map((a) => (a.status === 'rejected' ? (a.reason as Error) : null));
    // Contract refusals are the DomainErrors a lone holdSeats gave, with inventory's details.
    expect(reasons[1]).toBeInstanceOf(DomainError);
    expect(reasons[1]).toMatchObject({
      message: refusals['sold-out']!['message'],
      extensions: { code: 'SOLD_OUT', seatsLeft: 1 },
    });
    expect(reasons[2]).toMatchObject({ extensions: { code: 'SEAT_TAKEN', seats: ['3-12A'] } });
    expect(reasons[3]).toBeInstanceOf(DomainError);
    expect(reasons[3]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    // An internal error is the peer being unavailable, as callSubgraph makes of it: not a contract refusal.
    expect(reasons[4]).toBeInstanceOf(PeerUnavailableError);
    expect(reasons[4]).not.toBeInstanceOf(DomainError);
    expect(reasons[4]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('holds more than 100 asked for at once in calls of at most 100; a failed call fails only its own holds', async () => {
    const together = inventoryOverHttp(urlOf(holding, '/graphql'), null);
    holdCalls.length = 0;
    const holdIds = Array.from({ length: 230 }, (_, i) => (i === 150 ? 'fail-call' : `many-${i}`));
    const answers = await Promise.allSettled(
      holdIds.map((holdId) => together.hold(holdRequest(holdId), `req-${holdId}`)),
    );
    expect(holdCalls.map((call) => call.inputs.length)).toEqual([100, 100, 30]);
    expect(holdCalls.flatMap((call) => call.inputs.map((input) => input.holdId))).toEqual(holdIds);
    expect(holdCalls.map((call) => call.requestId)).toEqual(['req-many-0', 'req-many-100', 'req-many-200']);
    const failed = answers.flatMap((a, i) => (a.status === 'rejected' ? [i] : []));
    expect(failed).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
    for (const i of failed) {
      const reason = (answers[i] as PromiseRejectedResult).reason as Error;
      expect(reason).toBeInstanceOf(PeerUnavailableError);
      expect(reason).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    }
  });

  it('does not hold back holds behind a call stalled waiting for its answer; two calls at once, the rest gathered', async () => {
    // Longer than the client's own 250 ms, so that a loaded machine's slow timers cannot make
    // a call look stalled before the test has looked.
    const stalledMs = 1_500;
    const together = inventoryOverHttp(urlOf(holding, '/graphql'), null, { holdStalledMs: stalledMs });
    holdCalls.length = 0;
    let answerSlow = () => undefined as void;
    slowAnswers = new Promise<void>((resolve) => (answerSlow = resolve));
    const calls = () => holdCalls.map((call) => call.inputs.map((input) => input.holdId));
    const slow = together.hold(holdRequest('slow-1'), 'req-slow-1');
    await expect.poll(calls).toEqual([['slow-1']]);
    // A call under way for a moment gathers the holds asked for meanwhile; once it has run
    // `stalledMs` without an answer, they go out in another call.
    const quick = together.hold(holdRequest('quick-1'), 'req-quick-1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls()).toEqual([['slow-1']]);
    await expect(quick).resolves.toHaveLength(1);
    // Both calls under way now: the holds asked for meanwhile wait, then go out in one call.
    const secondSlow = together.hold(holdRequest('slow-2'), 'req-slow-2');
    await expect.poll(calls).toEqual([['slow-1'], ['quick-1'], ['slow-2']]);
    const gathered = ['late-1', 'late-2', 'late-3'].map((holdId) =>
      together.hold(holdRequest(holdId), `req-${holdId}`),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls()).toEqual([['slow-1'], ['quick-1'], ['slow-2']]);
    answerSlow();
    await Promise.all([slow, secondSlow, ...gathered]);
    expect(calls()).toEqual([['slow-1'], ['quick-1'], ['slow-2'], ['late-1', 'late-2', 'late-3']]);
  });

  it('fails each hold with SERVICE_UNAVAILABLE when inventory cannot be reached', async () => {
    const unreachable = inventoryOverHttp('http://127.0.0.1:9/graphql', null);
    const answers = await Promise.allSettled(
      ['a', 'b'].map((holdId) => unreachable.hold(holdRequest(holdId), 'req-x')),
    );
    for (const answer of answers) {
      expect(answer.status).toBe('rejected');
      expect((answer as PromiseRejectedResult).reason).toBeInstanceOf(PeerUnavailableError);
    }
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
