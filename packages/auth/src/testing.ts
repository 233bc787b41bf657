import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, ACCESS_TOKEN_TYPE } from './claims.js';
import { createLocalTokenVerifier, type TokenVerifier } from './verifier.js';

/**
 * A stand-in for `users` in a service's own tests: one ES256 key, a verifier over it, and
 * access tokens signed the way `users` signs them.
 */
export interface TestTokenIssuer {
  verifier: TokenVerifier;
  jwks: { keys: JWK[] };
  /** `Bearer <token>` for a traveller. */
  traveller(userId: string, scopes?: string[]): Promise<string>;
  /** `Bearer <token>` for a partner or service client. */
  client(clientId: string, scopes: string[]): Promise<string>;
}

export async function createTestTokenIssuer(): Promise<TestTokenIssuer> {
  const kid = 'test-key';
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }] };
  const sign = async (subject: string, claims: Record<string, unknown>, key: CryptoKey = privateKey) =>
    `Bearer ${await new SignJWT(claims)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(key)}`;
  return {
    verifier: createLocalTokenVerifier(jwks),
    jwks,
    traveller: (userId, scopes = ['journeys:read', 'bookings:read', 'bookings:write']) =>
      sign(userId, { scope: scopes.join(' ') }),
    client: (clientId, scopes) => sign(clientId, { scope: scopes.join(' '), client_id: clientId }),
  };
}
