import type { JWTPayload } from 'jose';
import { unauthenticated } from '@railgraph/service-kit';
import type { Principal } from './principal.js';

/** Who signs access tokens, and for whom: every service checks both. */
export const ACCESS_TOKEN_ISSUER = 'urn:railgraph:users';
export const ACCESS_TOKEN_AUDIENCE = 'urn:railgraph:api';
/** The only signature algorithm access tokens may use. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';
/** JWT `typ` header of access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The claims of an access token beyond the registered ones. */
export interface AccessTokenClaims extends JWTPayload {
  /** Space-separated granted scopes (RFC 8693 §4.2). */
  scope?: string;
  /** Present on client-credentials tokens only. */
  client_id?: string;
}

/** A token is a client's when it names one (`client_id`); otherwise its subject is a traveller. */
export function principalOfClaims(claims: AccessTokenClaims): Principal {
  const scopes = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []);
  if (claims.client_id !== undefined) {
    if (typeof claims.client_id !== 'string' || claims.client_id === '') throw invalidToken();
    return { kind: 'client', clientId: claims.client_id, scopes };
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidToken();
  return { kind: 'traveller', userId: claims.sub, scopes };
}

export const invalidToken = () => unauthenticated('The access token is not valid');
export const expiredToken = () => unauthenticated('The access token has expired');
