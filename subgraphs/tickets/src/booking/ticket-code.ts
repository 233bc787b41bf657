import { CompactSign, compactVerify, importJWK, decodeProtectedHeader, type CryptoKey, type JWK } from 'jose';
import { SIGNING_ALGORITHM } from '@railgraph/signing-keys';

/**
 * Ticket codes: a compact ES256 JWS over a short JSON payload, small enough for a QR
 * code. An inspector verifies it offline with the public key alone (JWKS); the online
 * check in `validateTicket` adds cancellation.
 */
export interface TicketCodeClaims {
  ticketId: string;
  runId: string;
  fromStop: number;
  toStop: number;
  coach: number;
  seat: string;
  passenger: string;
}

const ISSUER = 'railgraph-tickets';

export async function signTicketCode(
  claims: TicketCodeClaims,
  key: { kid: string; privateKey: CryptoKey },
): Promise<string> {
  // Short keys keep the QR code small.
  const payload = {
    iss: ISSUER,
    t: claims.ticketId,
    r: claims.runId,
    f: claims.fromStop,
    o: claims.toStop,
    c: claims.coach,
    s: claims.seat,
    p: claims.passenger,
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid })
    .sign(key.privateKey);
}

/** The claims of a genuine code, or null for anything forged, altered or unreadable. */
export async function readTicketCode(code: string, jwks: { keys: JWK[] }): Promise<TicketCodeClaims | null> {
  try {
    const header = decodeProtectedHeader(code);
    if (header.alg !== SIGNING_ALGORITHM) return null;
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    if (!jwk) return null;
    const key = await importJWK(jwk, SIGNING_ALGORITHM);
    const { payload } = await compactVerify(code, key, { algorithms: [SIGNING_ALGORITHM] });
    const body = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (body['iss'] !== ISSUER) return null;
    const { t, r, f, o, c, s, p } = body;
    if (
      typeof t !== 'string' ||
      typeof r !== 'string' ||
      typeof f !== 'number' ||
      typeof o !== 'number' ||
      typeof c !== 'number' ||
      typeof s !== 'string' ||
      typeof p !== 'string'
    )
      return null;
    return { ticketId: t, runId: r, fromStop: f, toStop: o, coach: c, seat: s, passenger: p };
  } catch {
    return null;
  }
}
