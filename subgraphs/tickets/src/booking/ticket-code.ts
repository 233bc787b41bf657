import { compactVerify, importJWK, decodeProtectedHeader, type CryptoKey, type JWK } from 'jose';
import { SIGNING_ALGORITHM, signCompactEs256 } from '@railgraph/signing-keys';
import { instantOf, localDateOf } from '@railgraph/service-kit';

/**
 * Ticket codes: a compact ES256 JWS over a short JSON payload, small enough for a QR
 * code. It carries the ticket, run, stops, coach, seat, passenger type, the passenger's name
 * when the ticket has one, and its validity window. An inspector checks it offline with the public key alone (`inspectTicketCode`,
 * or `node subgraphs/tickets/dist/cli/inspect-ticket.js <jwks> <code>`); the online check in
 * `validateTicket` adds cancellation.
 *
 * Validity: from 00:00 on the departure's local date at the boarding station until 24 h
 * after departure (a journey ends well within that; running late or past midnight stays
 * valid). Checked against the inspector's clock.
 */
export interface TicketCodeClaims {
  ticketId: string;
  runId: string;
  fromStop: number;
  toStop: number;
  coach: number;
  seat: string;
  passenger: string;
  /**
   * The passenger's name, signed with the rest so that changing it breaks the signature; null
   * (and left out of the payload) for an unnamed ticket. The field is optional rather than the
   * payload versioned: codes signed before names existed have none and verify as they did.
   */
  passengerName?: string | null;
  validity: TicketValidity;
}

export interface TicketValidity {
  validFrom: Date;
  validUntil: Date;
}

const ISSUER = 'railgraph-tickets';
const HOUR_MS = 3_600_000;
const runDatePattern = /:(\d{4}-\d{2}-\d{2})$/;

/**
 * The validity of a ticket for a departure in a zone. Without a known departure (a quote
 * signed before prices bound it), the run's service date in any zone: from its earliest
 * start (00:00 at UTC+14) for 72 h.
 */
export function ticketValidity(departure: { at: Date; timeZone: string } | null, runId: string): TicketValidity {
  if (departure) {
    const localDate = localDateOf(departure.at, departure.timeZone);
    return {
      validFrom: instantOf(localDate, 0, departure.timeZone),
      validUntil: new Date(departure.at.getTime() + 24 * HOUR_MS),
    };
  }
  const serviceDate = runDatePattern.exec(runId)?.[1];
  if (!serviceDate) throw new Error(`run id ${runId} has no service date`);
  const validFrom = instantOf(serviceDate, 0, 'Etc/GMT-14');
  return { validFrom, validUntil: new Date(validFrom.getTime() + 72 * HOUR_MS) };
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export async function signTicketCode(
  claims: TicketCodeClaims,
  key: { kid: string; privateKey: CryptoKey },
): Promise<string> {
  // Short keys keep the QR code small; times are whole seconds (n: valid from, x: valid until);
  // h: the holder's name, only on a named ticket.
  const payload = {
    iss: ISSUER,
    t: claims.ticketId,
    r: claims.runId,
    f: claims.fromStop,
    o: claims.toStop,
    c: claims.coach,
    s: claims.seat,
    p: claims.passenger,
    ...(claims.passengerName ? { h: claims.passengerName } : {}),
    n: seconds(claims.validity.validFrom),
    x: seconds(claims.validity.validUntil),
  };
  // Signed on the booking's own thread with node:crypto: one code per ticket on the booking
  // path, where WebCrypto's round trip through the thread pool cost more than the signature.
  // Header and payload are byte for byte what jose's CompactSign made of them.
  return signCompactEs256(JSON.stringify(payload), key);
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
    const { t, r, f, o, c, s, p, h, n, x } = body;
    if (
      typeof t !== 'string' ||
      typeof r !== 'string' ||
      typeof f !== 'number' ||
      typeof o !== 'number' ||
      typeof c !== 'number' ||
      typeof s !== 'string' ||
      typeof p !== 'string' ||
      (h !== undefined && typeof h !== 'string')
    )
      return null;
    const validity =
      typeof n === 'number' && typeof x === 'number'
        ? { validFrom: new Date(n * 1000), validUntil: new Date(x * 1000) }
        : // Codes signed before they carried validity: the run's service date in any zone.
          ticketValidity(null, r);
    return {
      ticketId: t,
      runId: r,
      fromStop: f,
      toStop: o,
      coach: c,
      seat: s,
      passenger: p,
      passengerName: h ?? null,
      validity,
    };
  } catch {
    return null;
  }
}

export type TicketVerdict = 'VALID' | 'INVALID' | 'CANCELLED' | 'NOT_VALID_TODAY';

export interface TicketInspection {
  status: TicketVerdict;
  /** Why not valid; null when valid. */
  reason: string | null;
  /** What the code says, when it is genuine. */
  claims: TicketCodeClaims | null;
}

/**
 * The offline check an inspector's device makes with tickets' public keys (its JWKS at
 * `/.well-known/jwks.json`, fetched while online) and its own clock: genuine and within its
 * validity, or why not. It cannot know about cancellations; `validateTicket` adds those.
 */
export async function inspectTicketCode(code: string, jwks: { keys: JWK[] }, now: Date): Promise<TicketInspection> {
  const claims = await readTicketCode(code, jwks);
  if (!claims) return { status: 'INVALID', reason: 'Not a genuine ticket code', claims: null };
  const { validFrom, validUntil } = claims.validity;
  if (now.getTime() < validFrom.getTime()) {
    return { status: 'NOT_VALID_TODAY', reason: `Valid from ${validFrom.toISOString()}`, claims };
  }
  if (now.getTime() >= validUntil.getTime()) {
    return { status: 'NOT_VALID_TODAY', reason: `Expired: valid until ${validUntil.toISOString()}`, claims };
  }
  return { status: 'VALID', reason: null, claims };
}
