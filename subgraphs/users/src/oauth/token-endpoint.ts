import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { DomainError, type Logger } from '@railgraph/service-kit';
import type { SigningKeyRing } from '@railgraph/signing-keys';
import { clientIdPattern, type Clients } from '../clients/clients.js';
import { parseScopeParameter } from '../clients/scopes.js';
import { TRAVELLER_SCOPES, issueClientToken, type AccessTokenSettings } from '../tokens/access-tokens.js';
import type { Sessions } from '../tokens/sessions.js';
import type { RequestLimits } from '../throttling/request-limits.js';
import { clientAddressOf } from '../context.js';

export const TOKEN_PATH = '/oauth/token';

/**
 * The error codes of RFC 6749 §5.2, and `slow_down` (registered for the token endpoint by
 * RFC 8628 §3.5, "slow your requests down") for a request refused by the rate limits.
 */
export type OAuthErrorCode =
  | 'slow_down'
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export interface TokenRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  /** The form parameters; a repeated parameter arrives as an array. */
  form: Record<string, unknown>;
  /** Where the request comes from, for the per-address limit. */
  clientAddress?: string | undefined;
}

export interface TokenResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface TokenEndpointDeps {
  clients: Clients;
  sessions: Sessions;
  keys: () => SigningKeyRing;
  accessTokens: AccessTokenSettings;
  clock: () => Date;
  /** Token requests per address and per client (design §11); none when absent. */
  requestLimits?: Pick<RequestLimits, 'tokenRequestFrom' | 'tokenRequestFor'>;
  /** Told of every answer, for metrics and the log; never with a secret. */
  onOutcome?: (outcome: { grantType: string; clientId?: string; error?: OAuthErrorCode }) => void;
}

// RFC 6749 §5.1: token responses must not be cached anywhere.
const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
const basicChallenge = 'Basic realm="railgraph", charset="UTF-8"';
const FORM_TYPE = 'application/x-www-form-urlencoded';

class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

const slowDown = (retryAfterSeconds: number) =>
  new OAuthError('slow_down', `Too many token requests: try again in ${retryAfterSeconds} s`, retryAfterSeconds);

function errorResponse(error: OAuthError): TokenResponse {
  // A rate-limited request is HTTP 429 with Retry-After (RFC 6585 §4), in the §5.2 body shape.
  if (error.code === 'slow_down') {
    return {
      status: 429,
      headers: { ...noStore, 'retry-after': String(error.retryAfterSeconds ?? 1) },
      body: { error: error.code, error_description: error.description },
    };
  }
  // invalid_client is 401 with a challenge naming the scheme we take (§5.2); the rest are 400.
  return {
    status: error.code === 'invalid_client' ? 401 : 400,
    headers: { ...noStore, ...(error.code === 'invalid_client' ? { 'www-authenticate': basicChallenge } : {}) },
    body: { error: error.code, error_description: error.description },
  };
}

/** RFC 6749 §2.3.1: each half of the Basic credentials is form-encoded before base64. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

interface ClientCredentials {
  clientId: string;
  secret: string;
}

/** The client's credentials from the Basic header or the body; never both (§2.3). */
function clientCredentialsOf(request: TokenRequest, form: Record<string, string>): ClientCredentials | null {
  const inBody = form['client_id'] !== undefined || form['client_secret'] !== undefined;
  const header = request.authorization?.trim();
  if (header) {
    if (inBody) throw new OAuthError('invalid_request', 'Authenticate the client one way: Basic or the body');
    const match = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header);
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Basic credentials');
    try {
      return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
    } catch {
      throw new OAuthError('invalid_client', 'Malformed Basic credentials');
    }
  }
  if (!inBody) return null;
  return { clientId: form['client_id'] ?? '', secret: form['client_secret'] ?? '' };
}

/** Single-valued parameters only (§3.2: none may be repeated). */
function singleValued(form: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `The ${name} parameter is repeated`);
    result[name] = value;
  }
  return result;
}

function requestedScopes(raw: string | undefined, granted: readonly string[]): readonly string[] {
  const asked = parseScopeParameter(raw);
  if (asked === null) throw new OAuthError('invalid_scope', 'The scope parameter is malformed');
  if (asked.length === 0) return granted;
  const refused = asked.filter((scope) => !granted.includes(scope));
  if (refused.length > 0)
    throw new OAuthError('invalid_scope', `Scope not granted to this client: ${refused.join(' ')}`);
  return asked;
}

/**
 * `POST /oauth/token`: the client-credentials grant for partners and services (RFC 6749
 * §4.4), and the refresh-token grant (§6) for travellers' sessions, which are public clients.
 */
export async function answerTokenRequest(deps: TokenEndpointDeps, request: TokenRequest): Promise<TokenResponse> {
  let grantType = 'unknown';
  let clientId: string | undefined;
  try {
    // Every request counts against its address, whatever it asks; a well-formed client id
    // counts against that client too, before its secret is checked.
    const fromAddress = (await deps.requestLimits?.tokenRequestFrom(request.clientAddress, deps.clock())) ?? 0;
    if (fromAddress > 0) throw slowDown(fromAddress);
    if (request.contentType?.split(';')[0]?.trim().toLowerCase() !== FORM_TYPE) {
      throw new OAuthError('invalid_request', `Send the parameters as ${FORM_TYPE}`);
    }
    const form = singleValued(request.form);
    const credentials = clientCredentialsOf(request, form);
    grantType = form['grant_type'] ?? 'unknown';
    // Only a well-formed id is worth naming in logs and metrics; anything else is the caller's noise.
    const namedClient = credentials && clientIdPattern.test(credentials.clientId) ? credentials.clientId : undefined;
    if (namedClient) {
      const forClient = (await deps.requestLimits?.tokenRequestFor(namedClient, deps.clock())) ?? 0;
      if (forClient > 0) {
        clientId = namedClient;
        throw slowDown(forClient);
      }
    }
    if (form['grant_type'] === undefined)
      throw new OAuthError('invalid_request', 'The grant_type parameter is missing');

    let response: TokenResponse;
    if (grantType === 'client_credentials') {
      if (!credentials) throw new OAuthError('invalid_client', 'Client authentication is required');
      clientId = namedClient;
      const client = await deps.clients.authenticate(credentials.clientId, credentials.secret);
      if (!client) throw new OAuthError('invalid_client', 'Unknown client or wrong secret');
      const scopes = requestedScopes(form['scope'], client.scopes);
      const issued = await issueClientToken(deps.keys(), client.id, scopes, deps.accessTokens, deps.clock());
      response = {
        status: 200,
        headers: noStore,
        body: {
          access_token: issued.token,
          token_type: 'Bearer',
          expires_in: issued.expiresIn,
          scope: issued.scopes.join(' '),
        },
      };
    } else if (grantType === 'refresh_token') {
      // Refresh tokens belong to travellers' sessions; a client gets its tokens by its own grant.
      if (credentials) throw new OAuthError('unauthorized_client', 'Clients use the client_credentials grant');
      const refreshToken = form['refresh_token'];
      if (!refreshToken) throw new OAuthError('invalid_request', 'The refresh_token parameter is missing');
      const scopes = requestedScopes(form['scope'], TRAVELLER_SCOPES);
      let session;
      try {
        session = await deps.sessions.refresh(refreshToken, scopes);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') {
          throw new OAuthError('invalid_grant', error.message);
        }
        throw error;
      }
      response = {
        status: 200,
        headers: noStore,
        body: {
          access_token: session.accessToken,
          token_type: 'Bearer',
          expires_in: session.expiresIn,
          refresh_token: session.refreshToken,
          scope: session.scopes.join(' '),
        },
      };
    } else {
      throw new OAuthError('unsupported_grant_type', 'Use grant_type client_credentials or refresh_token');
    }
    deps.onOutcome?.({ grantType, ...(clientId ? { clientId } : {}) });
    return response;
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    deps.onOutcome?.({ grantType, ...(clientId ? { clientId } : {}), error: error.code });
    return errorResponse(error);
  }
}

/** Mounts the token endpoint on the service's HTTP app. */
export function mountTokenEndpoint(app: Express, deps: TokenEndpointDeps, log: Logger): void {
  app.post(
    TOKEN_PATH,
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }),
    async (req: Request, res: Response) => {
      try {
        const answer = await answerTokenRequest(deps, {
          contentType: req.header('content-type'),
          authorization: req.header('authorization'),
          form: (req.body ?? {}) as Record<string, unknown>,
          clientAddress: clientAddressOf(req.header('x-forwarded-for'), req.socket.remoteAddress),
        });
        res.status(answer.status).set(answer.headers).json(answer.body);
      } catch (error) {
        ((res.locals['log'] as Logger | undefined) ?? log).error({ err: error }, 'token request failed');
        res.status(500).set(noStore).json({ error: 'server_error', error_description: 'Internal server error' });
      }
    },
  );
  // A body the form parser refuses (too large, too many parameters) is still an OAuth answer.
  app.use(TOKEN_PATH, ((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const oauth = errorResponse(new OAuthError('invalid_request', 'The request body cannot be read'));
    res.status(oauth.status).set(oauth.headers).json(oauth.body);
  }) as ErrorRequestHandler);
}
