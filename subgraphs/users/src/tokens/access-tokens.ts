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
}

/** An ES256 JWT for a traveller: `sub` is the user id; no `client_id`, which marks client tokens. */
export async function issueTravellerToken(
  keys: SigningKeyRing,
  userId: string,
  settings: AccessTokenSettings,
  now: Date,
): Promise<IssuedAccessToken> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ scope: TRAVELLER_SCOPES.join(' ') })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: keys.current.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.ttlSeconds)
    .setJti(randomUUID())
    .sign(keys.current.privateKey);
  return { token, expiresIn: settings.ttlSeconds };
}
