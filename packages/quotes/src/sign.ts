import type { KeyObject } from 'node:crypto';
import { SignJWT, type CryptoKey } from 'jose';
import {
  QUOTE_ALGORITHM,
  QUOTE_ISSUER,
  QUOTE_TOKEN_TYPE,
  legsPayloadOf,
  quotedPassenger,
  type QuoteClaims,
} from './claims.js';

export interface QuoteSigningKey {
  kid: string;
  privateKey: CryptoKey | KeyObject;
}

/**
 * Signs a quote as a compact JWS (ES256, with `kid`). JWT times are whole seconds, so
 * `expiresAt` is truncated to the second: callers that show the expiry should do the same.
 * A trip's quote (with `legs`) throws unless its legs add up as `QuoteClaims.legs` says.
 */
export async function signQuote(claims: QuoteClaims, key: QuoteSigningKey): Promise<string> {
  if (claims.breakdown.length !== claims.passengers.length) {
    throw new Error('a quote needs one breakdown entry per passenger');
  }
  if (claims.breakdown.reduce((sum, amount) => sum + amount, 0) !== claims.total.amountMinor) {
    throw new Error('a quote breakdown must sum to its total');
  }
  // Checked here as verification will check it, so prices never hands out a trip quote tickets refuses.
  const legs = legsPayloadOf(claims);
  return new SignJWT({
    journey: { runId: claims.journey.runId, fromStop: claims.journey.fromStop, toStop: claims.journey.toStop },
    seatClass: claims.seatClass,
    passengers: claims.passengers.map(quotedPassenger),
    total: { amountMinor: claims.total.amountMinor, currency: claims.total.currency },
    breakdown: claims.breakdown,
    ruleVersion: claims.ruleVersion,
    ...(claims.departure
      ? { departure: { at: claims.departure.at.toISOString(), timeZone: claims.departure.timeZone } }
      : {}),
    ...(legs ? { legs } : {}),
  })
    .setProtectedHeader({ alg: QUOTE_ALGORITHM, kid: key.kid, typ: QUOTE_TOKEN_TYPE })
    .setIssuer(QUOTE_ISSUER)
    .setJti(claims.quoteId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(key.privateKey);
}
