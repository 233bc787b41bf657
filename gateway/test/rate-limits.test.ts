import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, redisForTests, redisTestUrl, uniquePrefix } from '@railgraph/database/redis-testing';
import {
  createPartnerClient,
  partnerAuthorization,
  travellerAuthorization,
  type PartnerClient,
} from './booking-support.js';
import { startSystem, type RunningSystem } from './system.js';

/**
 * The gateway's rate limits (design §11), through a whole system started with low limits:
 * anonymous callers per address, travellers per account, partners per client and class.
 * The tests send from 127.0.0.1, made a trusted proxy, and name the caller's address in
 * X-Forwarded-For, so each test has addresses of its own.
 */
const WINDOW_SECONDS = 60;
const LIMITS = { anonymous: 5, traveller: 6, partnerSearches: 4, partnerBookings: 3 };
const limitEnv = {
  GATEWAY_TRUSTED_PROXIES: '127.0.0.1',
  GATEWAY_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
  GATEWAY_RATE_LIMIT_ANONYMOUS: String(LIMITS.anonymous),
  GATEWAY_RATE_LIMIT_TRAVELLER: String(LIMITS.traveller),
  GATEWAY_RATE_LIMIT_PARTNER_SEARCHES: String(LIMITS.partnerSearches),
  GATEWAY_RATE_LIMIT_PARTNER_BOOKINGS: String(LIMITS.partnerBookings),
};

const STATIONS = '{ stations { code } }';
const run = randomBytes(2).toString('hex');
let addressCounter = 0;
/** A documentation-range address unique to this run (Redis keeps windows across runs). */
const freshAddress = () => `2001:db8:${run}::${(addressCounter += 1).toString(16)}`;

interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: { code?: string; retryAfterSeconds?: number } }>;
  };
}

async function ask(
  system: RunningSystem,
  query: string,
  caller: { address?: string; authorization?: string; operationName?: string } = {},
  variables: Record<string, unknown> = {},
): Promise<Answer> {
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': caller.address ?? freshAddress(),
      ...(caller.authorization ? { authorization: caller.authorization } : {}),
    },
    body: JSON.stringify({
      query,
      variables,
      ...(caller.operationName ? { operationName: caller.operationName } : {}),
    }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

/** `RateLimit: "<policy>";r=<remaining>;t=<seconds>` taken apart. */
function rateLimitOf(answer: Answer) {
  const match = /^"([a-z-]+)";r=(\d+);t=(\d+)$/.exec(answer.headers.get('ratelimit') ?? '');
  return match ? { policy: match[1], remaining: Number(match[2]), reset: Number(match[3]) } : undefined;
}

function expectRefused(answer: Answer, policy: string) {
  expect(answer.status).toBe(429);
  const error = answer.body.errors?.[0];
  expect(error?.extensions?.code).toBe('RATE_LIMITED');
  expect(error?.extensions).not.toHaveProperty('http');
  const retryAfter = error?.extensions?.retryAfterSeconds ?? 0;
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(answer.headers.get('retry-after')).toBe(String(retryAfter));
  expect(answer.body.data ?? null).toBeNull();
  expect(rateLimitOf(answer)).toEqual({ policy, remaining: 0, reset: retryAfter });
}

function rateLimitTests(kind: string, extraEnv: () => Record<string, string>) {
  describe(`gateway rate limits, counted ${kind}`, () => {
    let system: RunningSystem;
    let acme: PartnerClient;
    let globex: PartnerClient;

    beforeAll(async () => {
      system = await startSystem({ ...limitEnv, ...extraEnv() });
      acme = await createPartnerClient({ DATA_DIR: system.dataDir }, 'Acme Rail');
      globex = await createPartnerClient({ DATA_DIR: system.dataDir }, 'Globex Travel');
    }, 180_000);

    afterAll(async () => {
      await system?.cleanup();
    });

    it('counts down an anonymous address in the RateLimit headers, then refuses it with 429', async () => {
      const address = freshAddress();
      for (let i = 1; i <= LIMITS.anonymous; i += 1) {
        const answer = await ask(system, STATIONS, { address });
        expect(answer.status).toBe(200);
        expect(answer.body.errors).toBeUndefined();
        expect(answer.headers.get('ratelimit-policy')).toBe(`"anonymous";q=${LIMITS.anonymous};w=${WINDOW_SECONDS}`);
        const state = rateLimitOf(answer);
        expect(state).toMatchObject({ policy: 'anonymous', remaining: LIMITS.anonymous - i });
        expect(state?.reset).toBeGreaterThan(0);
        expect(state?.reset).toBeLessThanOrEqual(WINDOW_SECONDS);
        expect(answer.headers.get('retry-after')).toBeNull();
      }
      expectRefused(await ask(system, STATIONS, { address }), 'anonymous');
    });

    it('limits one anonymous address without holding back another', async () => {
      const address = freshAddress();
      for (let i = 0; i < LIMITS.anonymous; i += 1) await ask(system, STATIONS, { address });
      expectRefused(await ask(system, STATIONS, { address }), 'anonymous');
      const other = await ask(system, STATIONS, { address: freshAddress() });
      expect(other.status).toBe(200);
      expect(rateLimitOf(other)?.remaining).toBe(LIMITS.anonymous - 1);
    });

    it('reaches no subgraph for a refused operation', async () => {
      // Trains logs each operation it runs under the name the gateway gives its fetch,
      // `<operation>__trains__<n>`: a probe that reached trains shows in its log file.
      const probe = (name: string) => `query ${name} { stations { code } }`;
      const trainsLog = path.join(system.dataDir, 'logs', 'trains.log');
      const reachedTrains = async (name: string) =>
        (await readFile(trainsLog, 'utf8').catch(() => '')).includes(`"${name}__trains__`);
      const address = freshAddress();
      for (let i = 0; i < LIMITS.anonymous; i += 1) await ask(system, STATIONS, { address });
      const refusedName = `Refused${run}${kind.replace(/\W/g, '')}`;
      expectRefused(await ask(system, probe(refusedName), { address }), 'anonymous');

      // An admitted probe sent afterwards is logged after anything the refused one caused.
      const admittedName = `Admitted${run}${kind.replace(/\W/g, '')}`;
      expect((await ask(system, probe(admittedName))).status).toBe(200);
      await expect.poll(() => reachedTrains(admittedName), { timeout: 10_000 }).toBe(true);
      expect(await reachedTrains(refusedName)).toBe(false);
    });

    it('limits a traveller per account, from whatever address, and not another traveller', async () => {
      const first = await travellerAuthorization(system.gatewayUrl, `rate-${run}-${randomUUID()}@example.com`);
      const second = await travellerAuthorization(system.gatewayUrl, `rate-${run}-${randomUUID()}@example.com`);
      for (let i = 1; i <= LIMITS.traveller; i += 1) {
        const answer = await ask(system, STATIONS, { authorization: first, address: freshAddress() });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('ratelimit-policy')).toBe(`"traveller";q=${LIMITS.traveller};w=${WINDOW_SECONDS}`);
        expect(rateLimitOf(answer)?.remaining).toBe(LIMITS.traveller - i);
      }
      expectRefused(await ask(system, STATIONS, { authorization: first, address: freshAddress() }), 'traveller');
      expect((await ask(system, STATIONS, { authorization: second })).status).toBe(200);
    });

    it("limits a partner's searches without holding back its bookings, and per client", async () => {
      const partner = await partnerAuthorization(system.ports.users, acme);
      for (let i = 1; i <= LIMITS.partnerSearches; i += 1) {
        const answer = await ask(system, STATIONS, { authorization: partner });
        expect(answer.status).toBe(200);
        expect(rateLimitOf(answer)).toMatchObject({
          policy: 'partner-searches',
          remaining: LIMITS.partnerSearches - i,
        });
      }
      expectRefused(await ask(system, STATIONS, { authorization: partner }), 'partner-searches');

      // A booking mutation is counted apart: it reaches tickets, which answers for the unknown id.
      const cancel = 'mutation($id: ID!) { cancelBooking(id: $id) { id } }';
      const booking = await ask(system, cancel, { authorization: partner }, { id: randomUUID() });
      expect(booking.status).not.toBe(429);
      expect(booking.body.errors?.[0]?.extensions?.code).not.toBe('RATE_LIMITED');
      expect(booking.headers.get('ratelimit-policy')).toBe(
        `"partner-bookings";q=${LIMITS.partnerBookings};w=${WINDOW_SECONDS}`,
      );
      expect(rateLimitOf(booking)).toMatchObject({ policy: 'partner-bookings', remaining: LIMITS.partnerBookings - 1 });
      for (let i = 1; i < LIMITS.partnerBookings; i += 1) {
        await ask(system, cancel, { authorization: partner }, { id: randomUUID() });
      }
      expectRefused(await ask(system, cancel, { authorization: partner }, { id: randomUUID() }), 'partner-bookings');

      // Another client has budgets of its own.
      const other = await partnerAuthorization(system.ports.users, globex);
      expect((await ask(system, STATIONS, { authorization: other })).status).toBe(200);
    });

    it('admits exactly the limit of operations sent at once from one address', async () => {
      const address = freshAddress();
      const answers = await Promise.all(Array.from({ length: 20 }, () => ask(system, STATIONS, { address })));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(LIMITS.anonymous);
      expect(statuses.filter((status) => status === 429)).toHaveLength(20 - LIMITS.anonymous);
      const remaining = answers.filter((a) => a.status === 200).map((a) => rateLimitOf(a)?.remaining);
      expect(remaining.sort()).toEqual([0, 1, 2, 3, 4]);
    });

    it('counts refused operations on the metrics by caller kind and class', async () => {
      const text = await (await fetch(`http://127.0.0.1:${system.ports.gateway}/metrics`)).text();
      expect(text).toMatch(/gateway_rate_limited_total\{[^}]*kind="anonymous"[^}]*class="searches"[^}]*\} [1-9]/);
      expect(text).toMatch(/gateway_rate_limited_total\{[^}]*kind="partner"[^}]*class="bookings"[^}]*\} [1-9]/);
    });
  });
}

rateLimitTests('in process', () => ({}));

const redisUrl = redisTestUrl();
const redisAvailable = await redisForTests(redisUrl);
const prefix = uniquePrefix('rate-limits');

describe.runIf(redisAvailable)('with Redis', () => {
  afterAll(async () => {
    await deleteKeys(redisUrl, prefix);
  });
  rateLimitTests('in Redis', () => ({
    REDIS_URL: redisUrl,
    INVENTORY_REDIS_KEY_PREFIX: `${prefix}inv:`,
    GATEWAY_RATE_LIMIT_KEY_PREFIX: `${prefix}gw:`,
  }));

  it('leaves its counters under its own key prefix', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(redisUrl);
    try {
      const [, keys] = await client.scan('0', 'MATCH', `${prefix}gw:*`, 'COUNT', 10_000);
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });
});
