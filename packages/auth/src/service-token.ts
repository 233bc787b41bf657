/**
 * Scopes of the internal operations one service calls on another (docs/design.md §3, §7). A service
 * gets them as an OAuth 2.0 client of `users` (client-credentials grant, RFC 6749 §4.4).
 */
export const SERVICE_SCOPES = {
  /** holdSeats / confirmHold / releaseHold on `inventory` (granted to the `tickets` client). */
  inventoryInternal: 'inventory:internal',
  /** Hold-ownership look-ups on `tickets` (granted to the `inventory` client, for its reaper). */
  bookingsInternal: 'bookings:internal',
  /** Travellers' contact details on `users`, for confirmation emails (granted to the `tickets` client). */
  usersContacts: 'users:contacts',
  /** The feed of cancelled train runs on `trains` (`runCancellations`; granted to the `tickets` client). */
  runsCancellations: 'runs:cancellations',
} as const;

export interface ServiceCredentials {
  /** `users`' token endpoint, e.g. `http://127.0.0.1:4001/oauth/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes to ask for. */
  scope: string;
}

/** Hands out a bearer token for service-to-service calls, fetched once and renewed before it expires. */
export interface ServiceTokenSource {
  /** `Bearer <token>`, ready for an `authorization` header. Rejects when `users` refuses or is unreachable. */
  authorization(): Promise<string>;
  /** Forgets the cached token (after a peer answered UNAUTHENTICATED, e.g. following a key rotation). */
  invalidate(): void;
}

export class ServiceTokenError extends Error {
  constructor(
    message: string,
    readonly oauthError?: string,
  ) {
    super(message);
    this.name = 'ServiceTokenError';
  }
}

/** Renew this long before the token's own expiry, so a call never carries a token about to lapse. */
const RENEW_BEFORE_MS = 60_000;

export function createServiceTokenSource(
  credentials: ServiceCredentials,
  { clock = () => Date.now(), timeoutMs = 5_000 }: { clock?: () => number; timeoutMs?: number } = {},
): ServiceTokenSource {
  let cached: { header: string; renewAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  const fetchToken = async (): Promise<string> => {
    const basic = Buffer.from(
      `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
    ).toString('base64');
    let response: Response;
    try {
      response = await fetch(credentials.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: credentials.scope }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ServiceTokenError(`token endpoint unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => null)) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    } | null;
    if (!response.ok || typeof body?.access_token !== 'string') {
      const oauthError = typeof body?.error === 'string' ? body.error : undefined;
      throw new ServiceTokenError(
        `token endpoint refused client ${credentials.clientId}: HTTP ${response.status} ${oauthError ?? ''}`.trim(),
        oauthError,
      );
    }
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 300) * 1000;
    const header = `Bearer ${body.access_token}`;
    cached = { header, renewAt: clock() + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2) };
    return header;
  };

  return {
    async authorization() {
      if (cached && clock() < cached.renewAt) return cached.header;
      // Concurrent callers share one request to the token endpoint.
      inFlight ??= fetchToken().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    invalidate() {
      cached = null;
    },
  };
}
