import { describe, expect, it } from 'vitest';
import { EnvError } from '@railgraph/service-kit';
import { readTicketsEnv } from '../src/env.js';

/** Which payment provider tickets uses, from its environment (docs/design.md §4). */
describe('payment settings', () => {
  it('uses the embedded sandbox unless told otherwise', () => {
    expect(readTicketsEnv({}).payments).toEqual({ provider: 'sandbox' });
  });

  it('uses Stripe with its secret key, API URL (stripe-mock) and webhook secret', () => {
    const env = readTicketsEnv({
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
    });
    expect(env.payments).toEqual({
      provider: 'stripe',
      stripe: { secretKey: 'sk_test_123', apiUrl: 'http://127.0.0.1:12111', webhookSecret: 'whsec_abc' },
    });
  });

  it('refuses Stripe without a secret key, and an unknown provider', () => {
    expect(() => readTicketsEnv({ PAYMENT_PROVIDER: 'stripe' })).toThrow(EnvError);
    expect(() => readTicketsEnv({ PAYMENT_PROVIDER: 'paypal' })).toThrow(EnvError);
  });
});
