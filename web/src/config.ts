/**
 * Where the GraphQL API is. The server that serves the built app writes it into a
 * `<meta name="railgraph-graphql-url">` tag; the dev server falls back to the local gateway.
 */
export function graphqlUrl(doc: Document = document): string {
  const configured = doc.querySelector<HTMLMetaElement>('meta[name="railgraph-graphql-url"]')?.content;
  return configured || 'http://127.0.0.1:4000/graphql';
}

/**
 * Stripe's publishable key, when tickets takes payments through Stripe: the server writes it
 * into `<meta name="railgraph-stripe-publishable-key">` (the launcher's STRIPE_PUBLISHABLE_KEY).
 * Null (no tag, or not a publishable key): the embedded sandbox's test cards.
 */
export function stripePublishableKey(doc: Document = document): string | null {
  const configured = doc.querySelector<HTMLMetaElement>('meta[name="railgraph-stripe-publishable-key"]')?.content;
  return configured && /^pk_(test|live)_[A-Za-z0-9]+$/.test(configured) ? configured : null;
}
