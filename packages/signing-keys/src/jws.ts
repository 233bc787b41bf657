import { sign, verify } from 'node:crypto';
import { errors, type CompactJWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { signingKeyInput, verificationKeyInput, type Es256Key } from './es256-keys.js';

/**
 * Compact JWS with ES256 (RFC 7515), signed and verified synchronously with node:crypto.
 * WebCrypto, which jose uses, sends every signature to libuv's thread pool and back and
 * allocates heavily on the way; on the booking path (one quote verified, one code signed per
 * ticket) that cost shows. jose still fetches and caches key sets; this module only does the
 * signature. It raises jose's own error classes, so callers map failures as they did with jose.
 *
 * Verification accepts only what our signers make: three canonical base64url parts, a JSON
 * object header with `alg` exactly ES256, no `crit` and no unencoded payload, and a 64-byte
 * signature.
 */
export const ES256 = 'ES256';

export interface Es256SigningKey {
  kid: string;
  privateKey: Es256Key;
}

/**
 * Finds the key for a token from its still unverified protected header: jose's
 * `createLocalJWKSet` or `createRemoteJWKSet` (which refetches on an unknown kid, with its
 * cooldown and timeout), or any function of that shape.
 */
export type Es256KeyResolver = (protectedHeader: CompactJWSHeaderParameters, token: FlattenedJWSInput) => unknown;

export interface CompactJwsVerifyOptions {
  /**
   * The `typ` the header must carry, compared as jose compares it: case-insensitively, and
   * with `application/` implied when there is no media type prefix.
   */
  typ?: string | undefined;
}

export interface VerifiedCompactJws {
  protectedHeader: CompactJWSHeaderParameters;
  payload: Buffer;
}

/**
 * A compact JWS over `payload` (a string is UTF-8 encoded). The header is `{"alg":"ES256","kid":…}`,
 * then `typ` when given, in that order: byte for byte what jose's `CompactSign` makes of it.
 */
export function signCompactEs256(
  payload: string | Uint8Array,
  key: Es256SigningKey,
  options: { typ?: string | undefined } = {},
): string {
  const header =
    options.typ === undefined ? { alg: ES256, kid: key.kid } : { alg: ES256, kid: key.kid, typ: options.typ };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(payload)}`;
  // The signing input is base64url, hence ASCII: latin1 copies it byte for byte without UTF-8 encoding.
  const signature = sign('sha256', Buffer.from(signingInput, 'latin1'), signingKeyInput(key.privateKey));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * The protected header and payload of a genuine token. Throws jose's JWSInvalid,
 * JOSEAlgNotAllowed, JOSENotSupported or JWSSignatureVerificationFailed for a bad token; what
 * the resolver throws (jose's JWKSNoMatchingKey, JWKSTimeout, …) passes through unchanged, and a
 * key that is not a P-256 public key is a TypeError.
 */
export async function verifyCompactEs256(
  token: string,
  keys: Es256KeyResolver | Es256Key,
  options: CompactJwsVerifyOptions = {},
): Promise<VerifiedCompactJws> {
  if (typeof token !== 'string') throw new errors.JWSInvalid('Compact JWS must be a string');
  const firstDot = token.indexOf('.');
  const secondDot = firstDot === -1 ? -1 : token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.includes('.', secondDot + 1)) throw new errors.JWSInvalid('Invalid Compact JWS');
  const encodedHeader = token.slice(0, firstDot);
  const encodedPayload = token.slice(firstDot + 1, secondDot);
  const encodedSignature = token.slice(secondDot + 1);

  const protectedHeader = parseProtectedHeader(encodedHeader);
  // The key comes before the rest is decoded, as in jose: with the key set out of reach, any
  // token is reported as uncheckable rather than some as malformed.
  const key =
    typeof keys === 'function'
      ? await keys(protectedHeader, { protected: encodedHeader, payload: encodedPayload, signature: encodedSignature })
      : keys;
  if (!isCanonicalBase64url(encodedPayload)) throw new errors.JWSInvalid('Failed to base64url decode the payload');
  const signature = decodeBase64url(encodedSignature, 'signature');
  // P1363 is exactly r ‖ s, 32 bytes each. Any other length (a DER signature is 70-72 bytes) is
  // a malformed token rather than a wrong signature, and is refused as one before any curve arithmetic.
  if (signature.length !== 64) throw new errors.JWSInvalid('An ES256 signature must be 64 bytes (IEEE P1363)');
  const keyInput = verificationKeyInput(key);

  let verified: boolean;
  try {
    verified = verify('sha256', Buffer.from(token.slice(0, secondDot), 'latin1'), keyInput, signature);
  } catch (cause) {
    throw new errors.JWSSignatureVerificationFailed(undefined, { cause });
  }
  if (!verified) throw new errors.JWSSignatureVerificationFailed();
  // After the signature, as jose checks it, so a forged token reads as forged whatever its typ.
  if (options.typ !== undefined && !sameTyp(protectedHeader.typ, options.typ)) {
    throw new errors.JWSInvalid('unexpected "typ" JWS header value');
  }
  return { protectedHeader, payload: Buffer.from(encodedPayload, 'base64url') };
}

function parseProtectedHeader(encoded: string): CompactJWSHeaderParameters {
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8.decode(decodeBase64url(encoded, 'protected header')));
  } catch (cause) {
    throw new errors.JWSInvalid('JWS Protected Header is invalid', { cause });
  }
  if (!isJsonObject(header)) throw new errors.JWSInvalid('JWS Protected Header is invalid');
  // Every extension named in `crit` must be understood (RFC 7515 §4.1.11) and this verifier
  // understands none: refused, never ignored.
  if (header['crit'] !== undefined)
    throw new errors.JOSENotSupported('"crit" (Critical) Header Parameter is not supported');
  // An unencoded payload (RFC 7797) would change what the signature covers; no signer of ours makes one.
  if (header['b64'] !== undefined && header['b64'] !== true) {
    throw new errors.JWSInvalid('Unencoded payloads ("b64": false) are not supported');
  }
  if (!hasAlg(header)) throw new errors.JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  // Only ES256: `none`, HMAC and every other algorithm are refused before any key is looked up.
  if (header.alg !== ES256) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  return header;
}

const hasAlg = (header: Record<string, unknown>): header is CompactJWSHeaderParameters =>
  typeof header['alg'] === 'string' && header['alg'] !== '';

const normalizeTyp = (typ: string) => {
  const lower = typ.toLowerCase();
  return typ.includes('/') ? lower : `application/${lower}`;
};

const sameTyp = (actual: unknown, expected: string) =>
  typeof actual === 'string' && normalizeTyp(actual) === normalizeTyp(expected);

// Invalid UTF-8 is an error, not U+FFFD: a header or payload is read exactly as signed or not at all.
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON object, as opposed to an array, a string, a number or null. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const base64url = (data: string | Uint8Array) =>
  (typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  ).toString('base64url');

function decodeBase64url(encoded: string, part: string): Buffer {
  if (!isCanonicalBase64url(encoded)) throw new errors.JWSInvalid(`Failed to base64url decode the ${part}`);
  return Buffer.from(encoded, 'base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Unpadded base64url in its one canonical spelling. Node's decoder skips what it does not
 * understand (padding, `+`, `/`, spaces) and ignores the bits past the last byte, so without
 * this several strings would decode to the same header, payload or signature.
 */
function isCanonicalBase64url(encoded: string): boolean {
  if (!BASE64URL.test(encoded)) return false;
  const tail = encoded.length % 4;
  if (tail === 0) return true;
  if (tail === 1) return false;
  // The last character of a partial group holds 4 (two characters) or 2 (three) bits beyond the last byte; they must be zero.
  const last = ALPHABET.indexOf(encoded.charAt(encoded.length - 1));
  return (last & (tail === 2 ? 0x0f : 0x03)) === 0;
}
