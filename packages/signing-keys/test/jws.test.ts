import { createHmac, generateKeyPairSync, KeyObject, sign as nodeSign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CompactSign,
  compactVerify,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { signCompactEs256, verifyCompactEs256 } from '../src/jws.js';
import { verifyJwtEs256 } from '../src/jwt.js';

/*
 * Every malformed token below carries a valid ES256 signature over exactly its own header and
 * payload (signed by `signed`), so that the check under test is the only thing refusing it.
 */

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const bytes = (text: string) => Buffer.from(text, 'utf8');

interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

async function makeKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** A token over these exact segments, validly signed with `key` (P1363 unless told otherwise). */
function signed(header: string, payload: string, key: TestKey, dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363') {
  const signature = nodeSign('sha256', Buffer.from(`${header}.${payload}`), {
    key: KeyObject.from(key.privateKey),
    dsaEncoding,
  });
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

const now = new Date('2026-12-01T08:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const claims = { iss: 'urn:test:issuer', jti: 'id-1', iat: nowSeconds - 60, exp: nowSeconds + 600, x: 'y' };
// Options both verifiers take, so that each token is judged by jose and by ours alike.
const jwtOptions = {
  issuer: 'urn:test:issuer',
  typ: 'test+jwt',
  requiredClaims: ['exp', 'jti'],
  currentDate: now,
};

/** What a caller can tell apart, as packages/quotes maps jose's errors: accepted, expired, key set unusable, invalid. */
async function outcome(verification: Promise<unknown>): Promise<string> {
  try {
    await verification;
    return 'accepted';
  } catch (error) {
    if (error instanceof errors.JWTExpired) return 'expired';
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'unavailable';
    return error instanceof errors.JOSEError ? 'invalid' : 'unavailable';
  }
}

async function rejection(verification: Promise<unknown>): Promise<unknown> {
  try {
    await verification;
  } catch (error) {
    return error;
  }
  throw new Error('the token was accepted');
}

describe('compact JWS ES256 on node:crypto', () => {
  let key: TestKey;
  let other: TestKey;
  let jwks: JWTVerifyGetKey;
  const header = { alg: 'ES256', kid: 'k1' };

  beforeAll(async () => {
    key = await makeKey('k1');
    other = await makeKey('k2');
    jwks = createLocalJWKSet({ keys: [key.publicJwk, other.publicJwk] });
  });

  describe('interoperates with jose', () => {
    it("verifies jose's CompactSign and SignJWT output, through a key set or a bare key", async () => {
      const payload = bytes('{"hello":"wörld"}');
      const token = await new CompactSign(payload).setProtectedHeader(header).sign(key.privateKey);
      for (const keys of [jwks, key.publicKey, KeyObject.from(key.publicKey)]) {
        const verified = await verifyCompactEs256(token, keys);
        expect(verified.protectedHeader).toEqual(header);
        expect(verified.payload.equals(payload)).toBe(true);
      }
      const jwt = await new SignJWT(claims).setProtectedHeader({ ...header, typ: 'test+jwt' }).sign(key.privateKey);
      expect((await verifyJwtEs256(jwt, jwks, jwtOptions)).payload).toEqual(claims);
    });

    it('signs what jose verifies, with the header and payload segments jose makes', async () => {
      const payload = JSON.stringify({ name: 'Zoë O’Brien-Smith', lone: '\ud800', n: 1 });
      const ours = signCompactEs256(payload, { kid: 'k1', privateKey: key.privateKey });
      const jose = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader(header)
        .sign(key.privateKey);
      expect(ours.split('.').slice(0, 2)).toEqual(jose.split('.').slice(0, 2));
      const verified = await compactVerify(ours, jwks, { algorithms: ['ES256'] });
      expect(new TextDecoder().decode(verified.payload)).toBe(
        new TextDecoder().decode(new TextEncoder().encode(payload)),
      );

      const withTyp = signCompactEs256(
        JSON.stringify(claims),
        { kid: 'k2', privateKey: other.privateKey },
        { typ: 'test+jwt' },
      );
      expect(Buffer.from(withTyp.split('.')[0]!, 'base64url').toString()).toBe(
        '{"alg":"ES256","kid":"k2","typ":"test+jwt"}',
      );
      const { payload: verifiedClaims } = await jwtVerify(withTyp, jwks, { ...jwtOptions, algorithms: ['ES256'] });
      expect(verifiedClaims).toEqual(claims);
      expect((await verifyJwtEs256(withTyp, jwks, jwtOptions)).payload).toEqual(claims);
    });

    it('signs with a KeyObject or a CryptoKey, and refuses a public or non-P-256 key', async () => {
      const fromKeyObject = signCompactEs256('{}', { kid: 'k1', privateKey: KeyObject.from(key.privateKey) });
      await expect(compactVerify(fromKeyObject, key.publicKey)).resolves.toBeDefined();
      expect(() => signCompactEs256('{}', { kid: 'k1', privateKey: key.publicKey })).toThrow(TypeError);
      const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
      expect(() => signCompactEs256('{}', { kid: 'k1', privateKey: p384.privateKey })).toThrow(TypeError);
      // And verifies only with a P-256 public key: a private or P-384 key is a configuration fault, not a bad token.
      const token = signed(segment(header), segment({}), key);
      await expect(verifyCompactEs256(token, p384.publicKey)).rejects.toThrow(TypeError);
      await expect(verifyCompactEs256(token, KeyObject.from(key.privateKey))).rejects.toThrow(TypeError);
      // A CryptoKey keeps its algorithm and uses: the same P-256 point imported for ECDH does not verify.
      const { alg: _alg, use: _use, kid: _kid, ...point } = key.publicJwk;
      const ecdh = await crypto.subtle.importKey('jwk', point, { name: 'ECDH', namedCurve: 'P-256' }, true, []);
      await expect(verifyCompactEs256(token, ecdh)).rejects.toThrow(TypeError);
      const verifyOnly = await crypto.subtle.importKey('jwk', point, { name: 'ECDSA', namedCurve: 'P-256' }, true, []);
      await expect(verifyCompactEs256(token, verifyOnly)).rejects.toThrow(TypeError);
    });
  });

  describe('refuses', () => {
    // A bare key, not a key set: jose's key set would refuse an unknown alg by itself, hiding a missing check.
    const verifyWithKey = (token: string) => verifyCompactEs256(token, key.publicKey);

    it.each([
      ['none', { alg: 'none', kid: 'k1' }],
      ['HS256', { alg: 'HS256', kid: 'k1' }],
      ['ES384', { alg: 'ES384', kid: 'k1' }],
      ['es256 in lower case', { alg: 'es256', kid: 'k1' }],
    ])('alg %s, even with a valid ES256 signature', async (_name, badHeader) => {
      const error = await rejection(verifyWithKey(signed(segment(badHeader), segment(claims), key)));
      expect(error).toBeInstanceOf(errors.JOSEAlgNotAllowed);
    });

    it('an unsigned token and an HMAC keyed with the public key', async () => {
      const payload = segment(claims);
      const none = segment({ alg: 'none', kid: 'k1' });
      expect(await rejection(verifyWithKey(`${none}.${payload}.`))).toBeInstanceOf(errors.JOSEAlgNotAllowed);
      const hs = segment({ alg: 'HS256', kid: 'k1' });
      const secret = KeyObject.from(key.publicKey).export({ format: 'der', type: 'spki' });
      const mac = createHmac('sha256', secret).update(`${hs}.${payload}`).digest('base64url');
      expect(await rejection(verifyWithKey(`${hs}.${payload}.${mac}`))).toBeInstanceOf(errors.JOSEAlgNotAllowed);
    });

    it('a header without alg, or that is not a JSON object', async () => {
      expect(await rejection(verifyWithKey(signed(segment({ kid: 'k1' }), segment(claims), key)))).toBeInstanceOf(
        errors.JWSInvalid,
      );
      for (const notObject of ['["ES256"]', '"ES256"', 'null', '{"alg":"ES256"', '']) {
        const token = signed(Buffer.from(notObject).toString('base64url'), segment(claims), key);
        expect(await rejection(verifyWithKey(token))).toBeInstanceOf(errors.JWSInvalid);
      }
      const latin1 = Buffer.from('{"alg":"ES256","kid":"\xe9"}', 'latin1').toString('base64url');
      expect(await rejection(verifyWithKey(signed(latin1, segment(claims), key)))).toBeInstanceOf(errors.JWSInvalid);
    });

    it.each([
      ['an unknown extension', { ...header, crit: ['exp'], exp: 1 }],
      ['b64 with a true value', { ...header, crit: ['b64'], b64: true }],
      ['an empty list', { ...header, crit: [] }],
    ])('a crit header naming %s', async (_name, critical) => {
      expect(await rejection(verifyWithKey(signed(segment(critical), segment(claims), key)))).toBeInstanceOf(
        errors.JOSEError,
      );
    });

    it('an unencoded payload (b64: false)', async () => {
      const token = signed(segment({ ...header, b64: false }), segment(claims), key);
      expect(await rejection(verifyWithKey(token))).toBeInstanceOf(errors.JWSInvalid);
      // b64: true changes nothing and is accepted, as jose accepts it.
      await expect(
        verifyWithKey(signed(segment({ ...header, b64: true }), segment(claims), key)),
      ).resolves.toBeDefined();
    });

    it('a kid the key set does not have, and a key named by another key', async () => {
      const unknownKid = signed(segment({ alg: 'ES256', kid: 'k3' }), segment(claims), key);
      expect(
        await rejection(verifyCompactEs256(unknownKid, createLocalJWKSet({ keys: [key.publicJwk] }))),
      ).toBeInstanceOf(errors.JWKSNoMatchingKey);
      const misnamed = signed(segment({ alg: 'ES256', kid: 'k2' }), segment(claims), key);
      expect(await rejection(verifyCompactEs256(misnamed, jwks))).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
      // The kid picks the key: the same token under its own kid verifies.
      await expect(verifyCompactEs256(signed(segment(header), segment(claims), key), jwks)).resolves.toBeDefined();
    });

    it('an altered payload or signature', async () => {
      const [h, p, s] = signed(segment(header), segment(claims), key).split('.') as [string, string, string];
      const forged = `${h}.${segment({ ...claims, x: 'z' })}.${s}`;
      expect(await rejection(verifyCompactEs256(forged, jwks))).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
      const signature = Buffer.from(s, 'base64url');
      signature[10] = signature[10]! ^ 0x01;
      const flipped = `${h}.${p}.${signature.toString('base64url')}`;
      expect(await rejection(verifyCompactEs256(flipped, jwks))).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    });

    it('a signature that is not 64 bytes', async () => {
      const [h, p, s] = signed(segment(header), segment(claims), key).split('.') as [string, string, string];
      const signature = Buffer.from(s, 'base64url');
      for (const wrong of [Buffer.concat([signature, Buffer.from([0])]), signature.subarray(0, 63), Buffer.alloc(0)]) {
        const token = `${h}.${p}.${wrong.toString('base64url')}`;
        expect(await rejection(verifyCompactEs256(token, jwks))).toBeInstanceOf(errors.JWSInvalid);
      }
    });

    it('a DER-encoded signature', async () => {
      const der = signed(segment(header), segment(claims), key, 'der');
      expect(Buffer.from(der.split('.')[2]!, 'base64url').length).toBeGreaterThan(64);
      expect(await rejection(verifyCompactEs256(der, jwks))).toBeInstanceOf(errors.JOSEError);
    });

    it('extra or missing segments', async () => {
      const token = signed(segment(header), segment(claims), key);
      const [h, p, s] = token.split('.') as [string, string, string];
      for (const wrong of [`${token}.`, `${token}.${s}`, `${h}.${p}`, `${h}.${p}${s}`, h, '', '..', '...']) {
        const error = await rejection(verifyCompactEs256(wrong, jwks));
        expect(error, wrong).toBeInstanceOf(errors.JWSInvalid);
      }
      // Refused before any key is looked up, as jose does: invalid even while the key set is out of reach.
      const unreachable: JWTVerifyGetKey = () => Promise.reject(new errors.JWKSTimeout());
      expect(await outcome(verifyCompactEs256(`${token}.${s}`, unreachable))).toBe('invalid');
      expect(await outcome(compactVerify(`${token}.${s}`, unreachable))).toBe('invalid');
      expect(await outcome(verifyCompactEs256(token, unreachable))).toBe('unavailable');
    });

    it('padded base64 in any segment', async () => {
      const paddedHeader = { alg: 'ES256', kid: 'k1', n: 1 };
      const h = segment(paddedHeader);
      const p = segment(claims);
      const pad = (part: string) => part + '='.repeat((4 - (part.length % 4)) % 4);
      for (const part of [h, p]) expect(pad(part)).not.toBe(part);
      const [, , s] = signed(h, p, key).split('.') as [string, string, string];
      const tokens = [signed(pad(h), p, key), signed(h, pad(p), key), `${h}.${p}.${pad(s)}`];
      for (const token of tokens) {
        expect(token).toContain('=');
        expect(await rejection(verifyWithKey(token)), token).toBeInstanceOf(errors.JWSInvalid);
      }
    });

    it('a segment with a dangling character (4n + 1 long), which decodes to no byte', async () => {
      let filler = '';
      while (segment({ ...claims, filler }).length % 4 !== 0) filler += 'x';
      const p = segment({ ...claims, filler });
      expect(Buffer.from(`${p}A`, 'base64url').equals(Buffer.from(p, 'base64url'))).toBe(true);
      expect(await rejection(verifyWithKey(signed(segment(header), `${p}A`, key)))).toBeInstanceOf(errors.JWSInvalid);
    });

    it('characters outside the base64url alphabet, and non-canonical trailing bits', async () => {
      // A payload whose base64url has both - and _, signed in the standard alphabet (+ and /).
      const p = segment({ ...claims, q: '???>>>~~~' });
      const standard = (part: string) => part.replace(/-/g, '+').replace(/_/g, '/');
      expect(p).toMatch(/[-_]/);
      let valid = signed(segment(header), p, key);
      while (!/[-_]/.test(valid.split('.')[2]!)) valid = signed(segment(header), p, key);
      const [h, , s] = valid.split('.') as [string, string, string];
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(s.at(-1)!);
      // 86 characters for 64 bytes: the last character's low 4 bits lie beyond the last byte.
      const nonCanonical = s.slice(0, -1) + alphabet[last | 0x01];
      expect(Buffer.from(nonCanonical, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
      const tokens = [
        signed(segment(header), standard(p), key),
        `${h}.${p}.${standard(s)}`,
        `${h}.${p}.${nonCanonical}`,
        `${h}.${p}.${s.slice(0, 40)} ${s.slice(40)}`,
      ];
      for (const token of tokens) {
        expect(await rejection(verifyWithKey(token)), token).toBeInstanceOf(errors.JWSInvalid);
      }
    });

    it('a wrong or missing typ when one is required, comparing typ as jose does', async () => {
      const typed = (typ: unknown) => signed(segment({ ...header, typ }), segment(claims), key);
      for (const typ of ['test+jwt', 'TEST+JWT', 'application/test+jwt', 'Application/Test+JWT']) {
        await expect(verifyCompactEs256(typed(typ), jwks, { typ: 'test+jwt' })).resolves.toBeDefined();
        await expect(jwtVerify(typed(typ), jwks, { typ: 'test+jwt', currentDate: now })).resolves.toBeDefined();
      }
      for (const typ of ['JWT', 'test+jwt ', 'text/test+jwt', 'at+jwt', 7]) {
        expect(await rejection(verifyCompactEs256(typed(typ), jwks, { typ: 'test+jwt' }))).toBeInstanceOf(
          errors.JWSInvalid,
        );
        expect(await outcome(jwtVerify(typed(typ), jwks, { typ: 'test+jwt', currentDate: now }))).toBe('invalid');
      }
      const untyped = signed(segment(header), segment(claims), key);
      expect(await rejection(verifyCompactEs256(untyped, jwks, { typ: 'test+jwt' }))).toBeInstanceOf(errors.JWSInvalid);
      await expect(verifyCompactEs256(untyped, jwks)).resolves.toBeDefined();
    });
  });

  describe('JWT claims, as jose checks them', () => {
    const typedHeader = segment({ ...header, typ: 'test+jwt' });
    const jwt = (payload: unknown) => signed(typedHeader, segment(payload), key);
    const minus = (name: string) => Object.fromEntries(Object.entries(claims).filter(([claim]) => claim !== name));

    const cases: Array<[string, unknown, string, (new (...args: never[]) => Error) | null]> = [
      ['a valid token', claims, 'accepted', null],
      ['another issuer', { ...claims, iss: 'urn:someone-else' }, 'invalid', errors.JWTClaimValidationFailed],
      ['no issuer', minus('iss'), 'invalid', errors.JWTClaimValidationFailed],
      ['no exp', minus('exp'), 'invalid', errors.JWTClaimValidationFailed],
      ['no jti', minus('jti'), 'invalid', errors.JWTClaimValidationFailed],
      ['exp now', { ...claims, exp: nowSeconds }, 'expired', errors.JWTExpired],
      ['exp a second ago', { ...claims, exp: nowSeconds - 1 }, 'expired', errors.JWTExpired],
      ['exp in a second', { ...claims, exp: nowSeconds + 1 }, 'accepted', null],
      ['exp not a number', { ...claims, exp: String(nowSeconds + 600) }, 'invalid', errors.JWTClaimValidationFailed],
      ['nbf in a second', { ...claims, nbf: nowSeconds + 1 }, 'invalid', errors.JWTClaimValidationFailed],
      ['nbf now', { ...claims, nbf: nowSeconds }, 'accepted', null],
      ['nbf not a number', { ...claims, nbf: null }, 'invalid', errors.JWTClaimValidationFailed],
      ['iat not a number', { ...claims, iat: 'yesterday' }, 'invalid', errors.JWTClaimValidationFailed],
      ['iat in the future', { ...claims, iat: nowSeconds + 3600 }, 'accepted', null],
      // Another issuer that has also expired is refused as invalid, not as expired: the issuer is checked first.
      [
        'expired and from another issuer',
        { ...claims, iss: 'x', exp: nowSeconds - 1 },
        'invalid',
        errors.JWTClaimValidationFailed,
      ],
      ['an array', [claims], 'invalid', errors.JWTInvalid],
      ['null', null, 'invalid', errors.JWTInvalid],
      ['a string', 'claims', 'invalid', errors.JWTInvalid],
    ];

    it.each(cases)('%s: as jose decides, with the same error', async (_name, payload, expected, errorClass) => {
      const token = jwt(payload);
      expect(await outcome(jwtVerify(token, jwks, { ...jwtOptions, algorithms: ['ES256'] }))).toBe(expected);
      expect(await outcome(verifyJwtEs256(token, jwks, jwtOptions))).toBe(expected);
      if (errorClass) expect(await rejection(verifyJwtEs256(token, jwks, jwtOptions))).toBeInstanceOf(errorClass);
    });

    it('counts whole seconds: exp is current until its second begins', async () => {
      const token = jwt({ ...claims, exp: nowSeconds + 1 });
      const almost = new Date(now.getTime() + 999);
      await expect(verifyJwtEs256(token, jwks, { ...jwtOptions, currentDate: almost })).resolves.toBeDefined();
      const at = new Date(now.getTime() + 1000);
      expect(await rejection(verifyJwtEs256(token, jwks, { ...jwtOptions, currentDate: at }))).toBeInstanceOf(
        errors.JWTExpired,
      );
    });

    it('refuses a payload that is not a JSON object even when no claim is required', async () => {
      for (const payload of [[1], 'text', 42, null, true]) {
        expect(await rejection(verifyJwtEs256(jwt(payload), jwks))).toBeInstanceOf(errors.JWTInvalid);
      }
      for (const raw of ['not json', '\xff{}']) {
        const token = signed(typedHeader, Buffer.from(raw, 'latin1').toString('base64url'), key);
        expect(await rejection(verifyJwtEs256(token, jwks))).toBeInstanceOf(errors.JWTInvalid);
        expect(await outcome(jwtVerify(token, jwks))).toBe('invalid');
      }
    });

    it('lets key set failures through for the caller to tell apart', async () => {
      const timeout: JWTVerifyGetKey = () => Promise.reject(new errors.JWKSTimeout());
      expect(await outcome(verifyJwtEs256(jwt(claims), timeout, jwtOptions))).toBe('unavailable');
      // As with jose, the key is looked up before the rest of the token is read: garbage is uncheckable too.
      expect(await outcome(verifyJwtEs256(`${typedHeader}.%%%.%%%`, timeout, jwtOptions))).toBe('unavailable');
      expect(await outcome(jwtVerify(`${typedHeader}.%%%.%%%`, timeout, jwtOptions))).toBe('unavailable');
    });
  });
});
