import { describe, expect, it } from 'vitest';
import { graphqlUrl, stripePublishableKey } from './config';

const page = (meta: string) => new DOMParser().parseFromString(`<html><head>${meta}</head></html>`, 'text/html');

describe('the runtime config written into index.html', () => {
  it('reads the API address, with the local gateway when none is written', () => {
    expect(graphqlUrl(page('<meta name="railgraph-graphql-url" content="https://api.example.com/graphql" />'))).toBe(
      'https://api.example.com/graphql',
    );
    expect(graphqlUrl(page(''))).toBe('http://127.0.0.1:4000/graphql');
  });

  it('reads Stripe’s publishable key, and takes anything else for none (the sandbox)', () => {
    const key = (content: string) =>
      stripePublishableKey(page(`<meta name="railgraph-stripe-publishable-key" content="${content}" />`));
    expect(key('pk_test_51Abc')).toBe('pk_test_51Abc');
    expect(key('pk_live_51Abc')).toBe('pk_live_51Abc');
    expect(key('')).toBeNull();
    expect(key('sk_test_51Abc')).toBeNull();
    expect(key('pk_test_51Abc&lt;script&gt;')).toBeNull();
    expect(key('pk_test_')).toBeNull();
    expect(stripePublishableKey(page(''))).toBeNull();
  });
});
