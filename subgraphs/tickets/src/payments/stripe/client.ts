import Stripe from 'stripe';

export interface StripeClientSettings {
  /** `sk_live_...`, `sk_test_...` or a restricted key (`rk_...`) with PaymentIntents and Refunds write. */
  secretKey: string;
  /** The API's base URL when it is not Stripe's (stripe-mock: `http://127.0.0.1:12111`). */
  apiUrl?: string;
  /** The webhook endpoint's signing secret (`whsec_...`), for `verifyStripeWebhook`; the provider itself does not use it. */
  webhookSecret?: string;
  /** Per request; the SDK's default (80 s) would hold a booking's seats far too long. */
  timeoutMs?: number;
  /**
   * Retries of a request that failed on the network or with a 409/429/5xx. Safe for POSTs
   * because every one carries an idempotency key; the SDK backs off between attempts.
   */
  maxNetworkRetries?: number;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_NETWORK_RETRIES = 2;

/** Host, port and protocol of `apiUrl`, the way the SDK takes them (it has no base-URL option). */
export function apiAddressOf(apiUrl: string): { host: string; port: number; protocol: 'http' | 'https' } {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new Error(`STRIPE_API_URL is not a URL: ${apiUrl}`);
  }
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== 'http' && protocol !== 'https') {
    throw new Error(`STRIPE_API_URL must be http:// or https://, not ${url.protocol}`);
  }
  // The SDK appends /v1/... to the host: a path prefix would be silently dropped.
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`STRIPE_API_URL must be a bare origin (scheme, host, port): ${apiUrl}`);
  }
  const port = url.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
  // URL keeps IPv6 literals bracketed; Node's http wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, protocol };
}

export function createStripeClient(settings: StripeClientSettings): Stripe {
  if (!settings.secretKey) throw new Error('the Stripe provider needs a secret key (STRIPE_SECRET_KEY)');
  return new Stripe(settings.secretKey, {
    ...(settings.apiUrl ? apiAddressOf(settings.apiUrl) : {}),
    timeout: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxNetworkRetries: settings.maxNetworkRetries ?? DEFAULT_MAX_NETWORK_RETRIES,
    appInfo: { name: 'railgraph-tickets' },
    typescript: true,
  });
}
