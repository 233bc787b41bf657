import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, createMetrics, EnvError } from '@railgraph/service-kit';
import { readGatewayEnv } from '../src/env.js';
import { clientAddresses, trustedProxyList } from '../src/rate-limit/client-address.js';
import { rateLimitHeaders } from '../src/rate-limit/headers.js';
import { createRateLimiter, type RateLimiter } from '../src/rate-limit/limiter.js';
import { budgetFor } from '../src/rate-limit/policy.js';
import { memoryWindowStore } from '../src/rate-limit/window-store.js';

describe('the client address behind trusted proxies', () => {
  const behindKong = clientAddresses(trustedProxyList(['10.0.0.0/8', '192.0.2.7']));
  const direct = clientAddresses(trustedProxyList([]));

  it('takes the peer and ignores X-Forwarded-For when the peer is not a trusted proxy', () => {
    expect(direct.resolve('::ffff:198.51.100.4', '203.0.113.9')).toEqual({
      address: '198.51.100.4',
      forwardedFor: '203.0.113.9, 198.51.100.4',
    });
    expect(behindKong.resolve('198.51.100.4', '203.0.113.9').address).toBe('198.51.100.4');
  });

  it('takes the first hop from the right that is not a trusted proxy', () => {
    expect(behindKong.resolve('10.1.2.3', '203.0.113.1, 198.51.100.9, 192.0.2.7')).toEqual({
      address: '198.51.100.9',
      forwardedFor: '203.0.113.1, 198.51.100.9',
    });
  });

  it('stops at a hop that is not an address, keeping the last proxy as the caller', () => {
    expect(behindKong.resolve('10.1.2.3', '198.51.100.9, not-an-address').address).toBe('10.1.2.3');
    expect(behindKong.resolve('10.1.2.3', undefined).address).toBe('10.1.2.3');
  });

  it('refuses a trusted proxy setting that is not an address or range', () => {
    expect(() => trustedProxyList(['10.0.0.0/33'])).toThrow(/10\.0\.0\.0\/33/);
    expect(() => readGatewayEnv({ GATEWAY_TRUSTED_PROXIES: '10.0.0.1, kong' })).toThrow(EnvError);
    expect(readGatewayEnv({ GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8' }).rateLimits.trustedProxies).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
    ]);
  });

  it('refuses a limit below 1 and names it', () => {
    try {
      readGatewayEnv({ GATEWAY_RATE_LIMIT_ANONYMOUS: '0', GATEWAY_RATE_LIMIT_WINDOW_SECONDS: 'soon' });
      expect.unreachable();
    } catch (error) {
      const text = (error as EnvError).problems.join('\n');
      expect(text).toContain('GATEWAY_RATE_LIMIT_ANONYMOUS');
      expect(text).toContain('GATEWAY_RATE_LIMIT_WINDOW_SECONDS');
    }
  });
});

describe('budgets and headers', () => {
  const settings = readGatewayEnv({}).rateLimits;

  it('counts partners per client and class, travellers per account, anonymous callers per address', () => {
    const partner = { kind: 'client' as const, clientId: 'acme-1a2b3c', scopes: new Set<string>() };
    const traveller = { kind: 'traveller' as const, userId: 'u-1', scopes: new Set<string>() };
    expect(budgetFor(partner, '198.51.100.1', 'query', settings)).toMatchObject({
      key: 'partner:acme-1a2b3c:searches',
      policy: 'partner-searches',
    });
    expect(budgetFor(partner, '198.51.100.1', 'mutation', settings)).toMatchObject({
      key: 'partner:acme-1a2b3c:bookings',
      policy: 'partner-bookings',
    });
    expect(budgetFor(traveller, '198.51.100.1', 'mutation', settings).key).toBe('traveller:u-1');
    expect(budgetFor(null, '198.51.100.1', 'query', settings).key).toBe('anonymous:198.51.100.1');
  });

  it('writes the RateLimit fields in the Structured Fields syntax, with Retry-After when refused', () => {
    const state = { policy: 'anonymous', limit: 120, windowSeconds: 60, remaining: 0, resetSeconds: 17 };
    expect(rateLimitHeaders({ ...state, admitted: true })).toEqual([
      ['ratelimit-policy', '"anonymous";q=120;w=60'],
      ['ratelimit', '"anonymous";r=0;t=17'],
    ]);
    expect(rateLimitHeaders({ ...state, admitted: false })).toContainEqual(['retry-after', '17']);
  });
});

describe('in-process counters', () => {
  it('starts a window afresh when it ends', async () => {
    let now = 1_000_000;
    const store = memoryWindowStore({ now: () => now });
    try {
      expect(await store.hit('k', 60)).toEqual({ count: 1, resetSeconds: 60 });
      now += 59_500;
      expect(await store.hit('k', 60)).toEqual({ count: 2, resetSeconds: 1 });
      now += 500;
      expect(await store.hit('k', 60)).toEqual({ count: 1, resetSeconds: 60 });
    } finally {
      await store.close();
    }
  });

  it('holds no more than its key bound, forgetting ended windows first, then the oldest', async () => {
    let now = 0;
    const store = memoryWindowStore({ maxKeys: 3, now: () => now });
    try {
      await store.hit('ended', 1);
      now = 2_000;
      await store.hit('a', 60);
      await store.hit('b', 60);
      await store.hit('c', 60); // the ended window makes room
      expect(store.size()).toBe(3);
      await store.hit('d', 60); // full of open windows: the oldest, a, goes
      expect(store.size()).toBe(3);
      expect((await store.hit('b', 60)).count).toBe(2);
      expect((await store.hit('a', 60)).count).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('a limiter whose Redis is unreachable', () => {
  let limiter: RateLimiter | undefined;
  afterEach(async () => {
    await limiter?.close();
  });

  it('answers every operation, counting in process, with a warning and a failure metric', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const log = createLogger('gateway', 'silent');
    const warn = vi.spyOn(log, 'warn');
    const metrics = createMetrics('gateway');
    const env = readGatewayEnv({ REDIS_URL: `redis://127.0.0.1:${closedPort}`, GATEWAY_RATE_LIMIT_ANONYMOUS: '2' });
    limiter = await createRateLimiter(env.rateLimits, log, metrics);

    const decisions = [];
    for (let i = 0; i < 3; i += 1) decisions.push(await limiter.admit(null, '198.51.100.7', 'query'));
    expect(decisions.map((d) => d.admitted)).toEqual([true, true, false]);
    const failures = await metrics.registry.getSingleMetricAsString('gateway_rate_limit_store_failures_total');
    expect(failures).toMatch(/gateway_rate_limit_store_failures_total\{[^}]*\} 3/);
    expect(warn.mock.calls.some((call) => String(call[1]).includes('counting in process'))).toBe(true);
  });
});
