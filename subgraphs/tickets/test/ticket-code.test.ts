import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CompactSign, compactVerify, importJWK, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '@railgraph/signing-keys';
import {
  inspectTicketCode,
  readTicketCode,
  signTicketCode,
  ticketValidity,
  type TicketCodeClaims,
} from '../src/booking/ticket-code.js';

async function keyRing() {
  const key = await generateSigningKey();
  return {
    current: { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'ES256')) as CryptoKey },
    jwks: { keys: [key.publicJwk] },
  };
}

// Leaves Amsterdam at 08:15 CET on 1 December 2026.
const validity = ticketValidity(
  { at: new Date('2026-12-01T07:15:00Z'), timeZone: 'Europe/Amsterdam' },
  'IC501:2026-12-01',
);
const claims: TicketCodeClaims = {
  ticketId: '0b6f6a52-3f1e-4c4b-9d40-0d5c1f8a6a11',
  runId: 'IC501:2026-12-01',
  fromStop: 0,
  toStop: 4,
  coach: 3,
  seat: '12A',
  passenger: 'ADULT',
  passengerName: null,
  validity,
};
/** The same ticket with its passenger's name, as a booking now issues it. */
const named: TicketCodeClaims = { ...claims, passengerName: 'Zoë O’Brien-Smith' };

/** The code with its payload changed (`undefined` removes a key) and the signature kept. */
function alter(code: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = code.split('.');
  const body = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${Buffer.from(JSON.stringify({ ...body, ...change })).toString('base64url')}.${signature}`;
}

describe('ticket codes', () => {
  it('are valid from 00:00 on the local travel day until 24 h after departure', () => {
    expect(validity.validFrom.toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(validity.validUntil.toISOString()).toBe('2026-12-02T07:15:00.000Z');
    const tokyo = ticketValidity({ at: new Date('2026-12-01T00:30:00Z'), timeZone: 'Asia/Tokyo' }, 'X:2026-12-01');
    expect(tokyo.validFrom.toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });

  it('round-trip with the public key alone and stay short enough for a QR code', async () => {
    const ring = await keyRing();
    const code = await signTicketCode(claims, ring.current);
    expect(await readTicketCode(code, ring.jwks)).toEqual(claims);
    expect(code.length).toBeLessThan(400);
    expect(await readTicketCode(await signTicketCode(named, ring.current), ring.jwks)).toEqual(named);
    // The longest name in a script of three UTF-8 bytes a character still fits a QR code easily.
    const longest = await signTicketCode({ ...claims, passengerName: '山'.repeat(70) }, ring.current);
    expect(longest.length).toBeLessThan(700);
  });

  it('bind the name: changing, removing or adding one breaks the signature; unnamed codes still verify', async () => {
    const ring = await keyRing();
    const now = new Date('2026-12-01T07:00:00Z');
    const code = await signTicketCode(named, ring.current);
    expect(await inspectTicketCode(code, ring.jwks, now)).toMatchObject({
      status: 'VALID',
      claims: { passengerName: 'Zoë O’Brien-Smith' },
    });
    for (const forged of [alter(code, { h: 'Ada Lovelace' }), alter(code, { h: undefined })]) {
      expect(await readTicketCode(forged, ring.jwks)).toBeNull();
      expect(await inspectTicketCode(forged, ring.jwks, now)).toMatchObject({ status: 'INVALID', claims: null });
    }
    // A code signed before tickets had names (no `h`) is as good as ever, and names nobody.
    const unnamed = await signTicketCode(claims, ring.current);
    expect(JSON.parse(Buffer.from(unnamed.split('.')[1]!, 'base64url').toString())).not.toHaveProperty('h');
    expect(await inspectTicketCode(unnamed, ring.jwks, now)).toMatchObject({
      status: 'VALID',
      claims: { passengerName: null },
    });
    expect(await readTicketCode(alter(unnamed, { h: 'Ada Lovelace' }), ring.jwks)).toBeNull();
  });

  it('pass the offline check on the travel day and are not valid the day before or once expired', async () => {
    const ring = await keyRing();
    const code = await signTicketCode(claims, ring.current);
    const at = (iso: string) => inspectTicketCode(code, ring.jwks, new Date(iso));
    expect(await at('2026-12-01T07:00:00Z')).toMatchObject({ status: 'VALID', reason: null });
    expect(await at('2026-11-30T23:00:00Z')).toMatchObject({ status: 'VALID' });
    expect(await at('2026-11-30T22:59:59Z')).toMatchObject({ status: 'NOT_VALID_TODAY', reason: /^Valid from/ });
    expect(await at('2026-12-02T07:15:00Z')).toMatchObject({ status: 'NOT_VALID_TODAY', reason: /^Expired/ });
  });

  it('reject an altered payload, another key, a stretched validity and garbage', async () => {
    const ring = await keyRing();
    const code = await signTicketCode(claims, ring.current);
    const payload = code.split('.')[1];
    const now = new Date('2026-12-01T07:00:00Z');
    for (const forged of [alter(code, { s: '1A' }), alter(code, { x: 4102444800 })]) {
      expect(await readTicketCode(forged, ring.jwks)).toBeNull();
      expect(await inspectTicketCode(forged, ring.jwks, now)).toMatchObject({ status: 'INVALID' });
    }

    const other = await generateSigningKey();
    const otherKey = (await importJWK(other.privateJwk, 'ES256')) as CryptoKey;
    const foreign = await signTicketCode(claims, { kid: ring.current.kid, privateKey: otherKey });
    expect(await readTicketCode(foreign, ring.jwks)).toBeNull();
    expect(await readTicketCode('not.a.code', ring.jwks)).toBeNull();
    expect(await readTicketCode('', ring.jwks)).toBeNull();
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    expect(await inspectTicketCode(unsigned, ring.jwks, now)).toMatchObject({ status: 'INVALID' });
  });
});

describe('the inspector script', () => {
  const script = fileURLToPath(new URL('../dist/cli/inspect-ticket.js', import.meta.url));

  it("checks a code offline from a saved JWKS, prints the passenger's name and exits 0 only for a valid one", async () => {
    const ring = await keyRing();
    const code = await signTicketCode(named, ring.current);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'inspect-'));
    try {
      const jwksFile = path.join(dir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify(ring.jwks));
      const run = (args: string[]) =>
        promisify(execFile)(process.execPath, [script, ...args]).then(
          ({ stdout }) => ({ exit: 0, verdict: JSON.parse(stdout) as { status: string; claims: unknown } }),
          (error: { code: number; stdout: string }) => ({
            exit: error.code,
            verdict: JSON.parse(error.stdout || '{}') as { status?: string; claims?: unknown },
          }),
        );
      expect(await run([jwksFile, code, '--at', '2026-12-01T07:00:00Z'])).toMatchObject({
        exit: 0,
        verdict: { status: 'VALID', claims: { passengerName: 'Zoë O’Brien-Smith', seat: '12A' } },
      });
      expect(await run([jwksFile, code, '--at', '2026-12-03T07:00:00Z'])).toMatchObject({
        exit: 1,
        verdict: { status: 'NOT_VALID_TODAY', claims: { passengerName: 'Zoë O’Brien-Smith' } },
      });
      expect(await run([jwksFile, alter(code, { h: 'Ada Lovelace' }), '--at', '2026-12-01T07:00:00Z'])).toMatchObject({
        exit: 1,
        verdict: { status: 'INVALID', claims: null },
      });
      expect(await run([jwksFile, `${code}x`, '--at', '2026-12-01T07:00:00Z'])).toMatchObject({
        exit: 1,
        verdict: { status: 'INVALID' },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/*
 * Ticket codes are signed with node:crypto rather than jose's CompactSign. Codes already
 * printed and every inspector's device depend on the format, so the header and payload must
 * stay byte for byte what CompactSign made, and the signature one jose verifies.
 */

/** The payload as the code has always carried it: these keys, in this order. */
const payloadOf = (name?: string) => ({
  iss: 'railgraph-tickets',
  t: claims.ticketId,
  r: claims.runId,
  f: 0,
  o: 4,
  c: 3,
  s: '12A',
  p: 'ADULT',
  ...(name ? { h: name } : {}),
  n: validity.validFrom.getTime() / 1000,
  x: validity.validUntil.getTime() / 1000,
});

describe('ticket codes signed on node:crypto', () => {
  it.each([
    ['an unnamed ticket', undefined],
    ['a named ticket', 'Zoë O’Brien-Smith'],
    ['a name in a three-byte script', '山'.repeat(70)],
  ])("have jose's header and payload bytes for %s, and a signature jose verifies", async (_name, passengerName) => {
    const ring = await keyRing();
    const code = await signTicketCode({ ...claims, passengerName: passengerName ?? null }, ring.current);
    const joseCode = await new CompactSign(new TextEncoder().encode(JSON.stringify(payloadOf(passengerName))))
      .setProtectedHeader({ alg: 'ES256', kid: ring.current.kid })
      .sign(ring.current.privateKey);
    const [header, payload, signature] = code.split('.') as [string, string, string];
    expect([header, payload]).toEqual(joseCode.split('.').slice(0, 2));
    expect(Buffer.from(header, 'base64url').toString()).toBe(`{"alg":"ES256","kid":"${ring.current.kid}"}`);
    // P1363 (r ‖ s), as JWS has it: 64 bytes, 86 base64url characters.
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);

    const publicKey = await importJWK(ring.jwks.keys[0]!, 'ES256');
    const verified = await compactVerify(code, publicKey, { algorithms: ['ES256'] });
    expect(verified.protectedHeader).toEqual({ alg: 'ES256', kid: ring.current.kid });
    expect(await readTicketCode(code, ring.jwks)).toEqual({ ...claims, passengerName: passengerName ?? null });
    // And a code jose signed reads the same: nothing about the old codes changes.
    expect(await readTicketCode(joseCode, ring.jwks)).toEqual(await readTicketCode(code, ring.jwks));
  });

  it('are signed afresh each time, under the key they name', async () => {
    const ring = await keyRing();
    const other = await keyRing();
    const first = await signTicketCode(claims, ring.current);
    const second = await signTicketCode(claims, ring.current);
    // ECDSA signatures are randomised: the same ticket never yields the same signature twice.
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
    expect(await readTicketCode(first, other.jwks)).toBeNull();
    const impostor = await signTicketCode(claims, { kid: ring.current.kid, privateKey: other.current.privateKey });
    expect(await readTicketCode(impostor, ring.jwks)).toBeNull();
  });

  it('refuse a key that cannot sign ES256', async () => {
    const ring = await keyRing();
    const publicKey = (await importJWK(ring.jwks.keys[0]!, 'ES256')) as CryptoKey;
    await expect(signTicketCode(claims, { kid: ring.current.kid, privateKey: publicKey })).rejects.toThrow(TypeError);
  });
});
