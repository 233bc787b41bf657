import { KeyObject, sign as nodeSign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { b64, codeOf, decodePart } from './support.js';
import { createLocalJWKSet, errors, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { signCompactEs256 } from '@railgraph/signing-keys';
import {
  createLocalQuoteVerifier,
  QUOTE_ISSUER,
  QUOTE_TOKEN_TYPE,
  signQuote,
  type QuoteClaims,
  type QuoteRequest,
} from '../src/index.js';

/*
 * The quote verifier checks signatures with node:crypto rather than jose's jwtVerify. Each
 * token below is judged by both: the verifier must answer with the DomainError code that
 * jwtVerify's outcome mapped to (QUOTE_EXPIRED, SERVICE_UNAVAILABLE or QUOTE_INVALID). Tokens
 * are validly signed by prices' key over exactly their own header and payload, so the check
 * under test is the only one that can refuse them.
 */

const now = new Date('2026-12-01T08:00:00Z');
const nowSeconds = now.getTime() / 1000;
const clock = () => now;

const claims: QuoteClaims = {
  quoteId: 'q-1',
  journey: { runId: 'IC501:2026-12-01', fromStop: 0, toStop: 3 },
  seatClass: 'STANDARD',
  passengers: [{ type: 'ADULT' }],
  total: { amountMinor: 3000, currency: 'EUR' },
  breakdown: [3000],
  ruleVersion: 1,
  expiresAt: new Date('2026-12-01T08:15:00Z'),
};
const request: QuoteRequest = { passengers: ['ADULT'] };

describe('quote verification on node:crypto', () => {
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  let payload: Record<string, unknown>;
  const header = { alg: 'ES256', kid: 'prices-1', typ: QUOTE_TOKEN_TYPE };

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'prices-1', alg: 'ES256', use: 'sig' };
    payload = decodePart((await signQuote(claims, { kid: 'prices-1', privateKey })).split('.')[1]!);
  });

  const verifier = () => createLocalQuoteVerifier({ keys: [publicJwk] }, { clock });

  /** How the verifier answered before, with jose's jwtVerify and the same mapping. */
  async function joseCode(token: string): Promise<unknown> {
    try {
      await jwtVerify(token, createLocalJWKSet({ keys: [publicJwk] }), {
        algorithms: ['ES256'],
        issuer: QUOTE_ISSUER,
        typ: QUOTE_TOKEN_TYPE,
        requiredClaims: ['exp', 'jti'],
        currentDate: now,
      });
      return 'no error';
    } catch (error) {
      if (error instanceof errors.JWTExpired) return 'QUOTE_EXPIRED';
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'SERVICE_UNAVAILABLE';
      return error instanceof errors.JOSEError ? 'QUOTE_INVALID' : 'SERVICE_UNAVAILABLE';
    }
  }

  function signed(h: string, p: string, dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363'): string {
    const signature = nodeSign('sha256', Buffer.from(`${h}.${p}`), { key: KeyObject.from(privateKey), dsaEncoding });
    return `${h}.${p}.${signature.toString('base64url')}`;
  }
  const quote = (changes: Record<string, unknown> = {}, headerChanges: Record<string, unknown> = {}) =>
    signed(
      b64(Object.fromEntries(Object.entries({ ...header, ...headerChanges }).filter(([, v]) => v !== undefined))),
      b64(Object.fromEntries(Object.entries({ ...payload, ...changes }).filter(([, v]) => v !== undefined))),
    );

  const cases: Array<[string, string, () => string]> = [
    ['a genuine quote', 'no error', () => quote()],
    [
      'a typ with the application/ prefix, in capitals',
      'no error',
      () => quote({}, { typ: 'APPLICATION/Railgraph-Quote+JWT' }),
    ],
    ['another typ', 'QUOTE_INVALID', () => quote({}, { typ: 'JWT' })],
    ['no typ', 'QUOTE_INVALID', () => quote({}, { typ: undefined })],
    ['another issuer', 'QUOTE_INVALID', () => quote({ iss: 'urn:someone-else' })],
    ['no issuer', 'QUOTE_INVALID', () => quote({ iss: undefined })],
    ['no exp', 'QUOTE_INVALID', () => quote({ exp: undefined })],
    ['no jti', 'QUOTE_INVALID', () => quote({ jti: undefined })],
    ['exp now', 'QUOTE_EXPIRED', () => quote({ exp: nowSeconds })],
    ['exp a second ago', 'QUOTE_EXPIRED', () => quote({ exp: nowSeconds - 1 })],
    ['exp in a second', 'no error', () => quote({ exp: nowSeconds + 1 })],
    ['expired, from another issuer', 'QUOTE_INVALID', () => quote({ exp: nowSeconds - 1, iss: 'urn:x' })],
    ['nbf in a second', 'QUOTE_INVALID', () => quote({ nbf: nowSeconds + 1 })],
    ['nbf now', 'no error', () => quote({ nbf: nowSeconds })],
    ['iat not a number', 'QUOTE_INVALID', () => quote({ iat: 'now' })],
    ['a null payload', 'QUOTE_INVALID', () => signed(b64(header), b64(null))],
    ['an array payload', 'QUOTE_INVALID', () => signed(b64(header), b64([payload]))],
    ['alg none', 'QUOTE_INVALID', () => quote({}, { alg: 'none' })],
    ['alg HS256', 'QUOTE_INVALID', () => quote({}, { alg: 'HS256' })],
    ['a crit header', 'QUOTE_INVALID', () => quote({}, { crit: ['exp'], exp: 1 })],
    ['an unknown kid', 'QUOTE_INVALID', () => quote({}, { kid: 'prices-2' })],
    ['no kid', 'no error', () => quote({}, { kid: undefined })],
    ['a DER signature', 'QUOTE_INVALID', () => signed(b64(header), b64(payload), 'der')],
    [
      'an altered payload',
      'QUOTE_INVALID',
      () => quote().replace(/\.[^.]+\./, `.${b64({ ...payload, breakdown: [1] })}.`),
    ],
    ['a signature one byte short', 'QUOTE_INVALID', () => quote().slice(0, -3)],
    ['a fourth segment', 'QUOTE_INVALID', () => `${quote()}.e30`],
    ['two segments', 'QUOTE_INVALID', () => quote().split('.').slice(0, 2).join('.')],
  ];

  it.each(cases)('%s: %s, as with jwtVerify', async (_name, expected, token) => {
    const t = token();
    expect(await joseCode(t)).toBe(expected);
    expect(await codeOf(verifier().verify(t, request))).toBe(expected);
  });

  // Spellings jose's base64url decoder lets through and node's would too; no signer makes them.
  it.each([
    ['a padded signature', () => `${quote()}==`],
    [
      'a signature in the standard base64 alphabet',
      () => {
        let token = quote();
        while (!/[-_]/.test(token.split('.')[2]!)) token = quote();
        const [h, p, s] = token.split('.') as [string, string, string];
        return `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}`;
      },
    ],
    ['a crit b64 header', () => quote({}, { crit: ['b64'], b64: true })],
  ])('refuses %s as QUOTE_INVALID', async (_name, token) => {
    expect(await codeOf(verifier().verify(token(), request))).toBe('QUOTE_INVALID');
  });

  it('verifies a quote signed on node:crypto with typ, as jose does', async () => {
    const token = signCompactEs256(JSON.stringify(payload), { kid: 'prices-1', privateKey }, { typ: QUOTE_TOKEN_TYPE });
    expect(token.split('.')[0]).toBe(b64(header));
    expect(await joseCode(token)).toBe('no error');
    expect(await verifier().verify(token, request)).toEqual(claims);
  });
});
