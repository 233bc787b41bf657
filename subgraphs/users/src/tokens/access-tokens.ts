import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from '@railgraph/auth';
import type { SigningKeyRing } from '@railgraph/signing-keys';

/** What a signed-in traveller may do: search, and book and see their own bookings. */
export const TRAVELLER_SCOPES = ['journeys:read', 'bookings:read', 'bookings:write'] as const;

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  scopes: readonly string[];
}

async function issue(
  keys: SigningKeyRing,
  subject: string,
  claims: { scope: string; client_id?: string },
  settings: AccessTokenSettings,
  now: Date,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: keys.current.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.ttlSeconds)
    .setJti(randomUUID())
    .sign(keys.current.privateKey);
}

/** An ES256 JWT for a traveller: `sub` is the user id; no `client_id`, which marks client tokens. */
export async function issueTravellerToken(
  keys: SigningKeyRing,
  userId: string,
  settings: AccessTokenSettings,
  now: Date,
  scopes: readonly string[] = TRAVELLER_SCOPES,
): Promise<IssuedAccessToken> {
  const token = await issue(keys, userId, { scope: scopes.join(' ') }, settings, now);
  return { token, expiresIn: settings.ttlSeconds, scopes };
}

/** An ES256 JWT for an OAuth client: `sub` and `client_id` are the client id (RFC 9068 §2.2). */
export async function issueClientToken(
  keys: SigningKeyRing,
  clientId: string,
  scopes: readonly string[],
  settings: AccessTokenSettings,
  now: Date,
): Promise<IssuedAccessToken> {
  const token = await issue(keys, clientId, { scope: scopes.join(' '), client_id: clientId }, settings, now);
  return { token, expiresIn: settings.ttlSeconds, scopes };
}
