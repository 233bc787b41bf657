import { describe, expect, it } from 'vitest';
import { CompactSign, compactVerify, importJWK, type CryptoKey } from 'jose';
import { generateSigningKey } from '@railgraph/signing-keys';
import { readTicketCode, signTicketCode, ticketValidity, type TicketCodeClaims } from '../src/booking/ticket-code.js';

/*
 * Ticket codes are signed with node:crypto rather than jose's CompactSign. Codes already
 * printed and every inspector's device depend on the format, so the header and payload must
 * stay byte for byte what CompactSign made, and the signature one jose verifies.
 */

async function keyRing() {
  const key = await generateSigningKey();
  return {
    current: { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'ES256')) as CryptoKey },
    jwks: { keys: [key.publicJwk] },
  };
}

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
