import { describe, expect, it } from 'vitest';
import { EnvError } from '@railgraph/service-kit';
import { readLauncherEnv } from '../src/env.js';
import { peerUrls, webConfig, webGraphqlUrl } from '../src/plan.js';

describe('the launcher plan for the web app', () => {
  it('admits the web app origin in the gateway CORS besides the default port', () => {
    const origins = peerUrls(readLauncherEnv({ WEB_PORT: '31406' }))['CORS_ORIGINS']!.split(',');
    expect(origins).toEqual([
      'http://localhost:5173',
      'http://127.0.0.1:5173',
      'http://localhost:31406',
      'http://127.0.0.1:31406',
    ]);
  });

  it('points the web app at the local gateway unless told otherwise', () => {
    expect(webGraphqlUrl(readLauncherEnv({ GATEWAY_PORT: '4100' }))).toBe('http://127.0.0.1:4100/graphql');
    expect(webGraphqlUrl(readLauncherEnv({ WEB_GRAPHQL_URL: 'https://api.example.com/graphql' }))).toBe(
      'https://api.example.com/graphql',
    );
  });

  it("tells the web app Stripe's publishable key when one is set, and nothing otherwise", () => {
    expect(webConfig(readLauncherEnv({ STRIPE_PUBLISHABLE_KEY: 'pk_test_51AbcDEF' }))).toMatchObject({
      stripePublishableKey: 'pk_test_51AbcDEF',
    });
    expect(webConfig(readLauncherEnv({})).stripePublishableKey).toBeNull();
    expect(webConfig(readLauncherEnv({ STRIPE_PUBLISHABLE_KEY: '' })).stripePublishableKey).toBeNull();
  });

  it.each([
    ['sk_test_51SecretValue', 'this is a secret key'],
    ['rk_live_51Restricted', 'this is a secret key'],
    ['pk_test_with spaces', 'not a Stripe publishable key'],
    ['whatever', 'not a Stripe publishable key'],
  ])('refuses %s as STRIPE_PUBLISHABLE_KEY without repeating it', (key, message) => {
    let caught: unknown;
    try {
      readLauncherEnv({ STRIPE_PUBLISHABLE_KEY: key });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvError);
    expect((caught as EnvError).message).toContain(`STRIPE_PUBLISHABLE_KEY: ${message}`);
    // The page is public and terminals get pasted: a secret key put here by mistake is not echoed.
    expect((caught as EnvError).message).not.toContain(key);
  });
});
