import { importJWK, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '@railgraph/signing-keys';
import { readTicketCode, signTicketCode, type TicketCodeClaims } from '../src/booking/ticket-code.js';

async function keyRing() {
  const key = await generateSigningKey();
  return {
    current: { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'ES256')) as CryptoKey },
    jwks: { keys: [key.publicJwk] },
  };
}

const claims: TicketCodeClaims = {
  ticketId: '0b6f6a52-3f1e-4c4b-9d40-0d5c1f8a6a11',
  runId: 'IC501:2026-12-01',
  fromStop: 0,
  toStop: 4,
  coach: 3,
  seat: '12A',
  passenger: 'ADULT',
};

describe('ticket codes', () => {
  it('round-trips with the public key alone and stays short enough for a QR code', async () => {
    const ring = await keyRing();
    const code = await signTicketCode(claims, ring.current);
    expect(await readTicketCode(code, ring.jwks)).toEqual(claims);
    expect(code.length).toBeLessThan(400);
  });

  it('rejects an altered payload, another key and garbage', async () => {
    const ring = await keyRing();
    const code = await signTicketCode(claims, ring.current);
    const [header, payload, signature] = code.split('.');
    const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    altered['s'] = '1A';
    const tampered = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    expect(await readTicketCode(tampered, ring.jwks)).toBeNull();

    const other = await generateSigningKey();
    const otherKey = (await importJWK(other.privateJwk, 'ES256')) as CryptoKey;
    const foreign = await signTicketCode(claims, { kid: ring.current.kid, privateKey: otherKey });
    expect(await readTicketCode(foreign, ring.jwks)).toBeNull();
    expect(await readTicketCode('not.a.code', ring.jwks)).toBeNull();
    expect(await readTicketCode('', ring.jwks)).toBeNull();
  });
});
