import { describe, expect, it, beforeAll } from 'vitest';
import { b64, codeOf, decodePart } from './support.js';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import {
  createLocalQuoteVerifier,
  createQuoteVerifier,
  signQuote,
  type QuoteClaims,
  type QuoteRequest,
  type QuoteSigningKey,
} from '../src/index.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const now = new Date('2026-12-01T08:00:00Z');
const clock = () => now;

const claims: QuoteClaims = {
  quoteId: 'q-1',
  journey: { runId: 'IC501:2026-12-01', fromStop: 0, toStop: 3 },
  seatClass: 'STANDARD',
  passengers: [{ type: 'ADULT' }, { type: 'CHILD' }, { type: 'CHILD', age: 2 }],
  total: { amountMinor: 4500, currency: 'EUR' },
  breakdown: [3000, 1500, 0],
  ruleVersion: 1,
  expiresAt: new Date('2026-12-01T08:15:00Z'),
};
const request: QuoteRequest = {
  journey: { runId: 'IC501:2026-12-01', fromStop: 0, toStop: 3 },
  passengers: ['ADULT', 'CHILD', { type: 'CHILD', age: 2 }],
};

async function makeKey(kid: string): Promise<{ key: QuoteSigningKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { key: { kid, privateKey }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

describe('quotes', () => {
  let prices: { key: QuoteSigningKey; publicJwk: JWK };
  let other: { key: QuoteSigningKey; publicJwk: JWK };
  let token: string;

  beforeAll(async () => {
    prices = await makeKey('prices-1');
    other = await makeKey('other-1');
    token = await signQuote(claims, prices.key);
  });

  const verifier = () => createLocalQuoteVerifier({ keys: [prices.publicJwk] }, { clock });

  it('returns the signed claims for a matching request', async () => {
    const verified = await verifier().verify(token, request);
    expect(verified).toEqual(claims);
  });

  it('binds the departure instant and the boarding station time zone when prices gives them', async () => {
    const departure = { at: new Date('2026-12-01T09:15:00Z'), timeZone: 'Europe/Amsterdam' };
    const signed = await signQuote({ ...claims, departure }, prices.key);
    expect((await verifier().verify(signed, request)).departure).toEqual(departure);
    // A quote signed before departures were bound still verifies, without one.
    expect((await verifier().verify(token, request)).departure).toBeUndefined();
  });

  it('rejects a quote whose departure time zone is not an IANA zone as QUOTE_INVALID', async () => {
    const signed = await signQuote(
      { ...claims, departure: { at: new Date('2026-12-01T09:15:00Z'), timeZone: 'Mars/Olympus' } },
      prices.key,
    );
    expect(await codeOf(verifier().verify(signed, request))).toBe('QUOTE_INVALID');
  });

  describe('a trip with changes', () => {
    const firstDeparture = { at: new Date('2026-12-01T09:15:00Z'), timeZone: 'Europe/Amsterdam' };
    const trip: QuoteClaims = {
      ...claims,
      quoteId: 'q-trip',
      departure: firstDeparture,
      legs: [
        { journey: claims.journey, breakdown: [2000, 1000, 0], departure: firstDeparture },
        {
          journey: { runId: 'ICE12:2026-12-01', fromStop: 2, toStop: 5 },
          breakdown: [1000, 500, 0],
          departure: { at: new Date('2026-12-01T11:02:00Z'), timeZone: 'Europe/Berlin' },
        },
      ],
    };

    it('binds every leg with its own price per passenger and departure', async () => {
      const signed = await signQuote(trip, prices.key);
      expect(await verifier().verify(signed, request)).toEqual(trip);
    });

    it('refuses to sign legs that do not add up, do not start at the quoted journey or are fewer than two', async () => {
      const [first, second] = trip.legs as [NonNullable<QuoteClaims['legs']>[0], NonNullable<QuoteClaims['legs']>[0]];
      const wrong: QuoteClaims[] = [
        { ...trip, legs: [first] },
        { ...trip, legs: [] },
        { ...trip, legs: [first, { ...second, breakdown: [1000, 500, 1] }] },
        { ...trip, legs: [first, { ...second, breakdown: [1000, 500] }] },
        { ...trip, legs: [second, first] },
        { ...trip, departure: undefined },
        { ...trip, legs: [{ ...first, departure: second.departure }, second] },
      ];
      for (const quote of wrong) await expect(signQuote(quote, prices.key)).rejects.toThrow(/trip quote/);
    });

    // Signed honestly by prices' key, so only the payload rules can catch them.
    const signedPayload = async (alter: (payload: Record<string, unknown>) => void) => {
      const [, payload] = (await signQuote(trip, prices.key)).split('.') as [string, string];
      const body = decodePart(payload);
      alter(body);
      const { SignJWT } = await import('jose');
      return new SignJWT(body)
        .setProtectedHeader({ alg: 'ES256', kid: 'prices-1', typ: 'railgraph-quote+jwt' })
        .sign(prices.key.privateKey);
    };
    type LegPayload = { journey: unknown; breakdown: number[]; departure: unknown };
    const badPayloads: Array<[string, (payload: Record<string, unknown>) => void]> = [
      ['one leg', (p) => void (p['legs'] = (p['legs'] as LegPayload[]).slice(0, 1))],
      ['legs that add up to less than the breakdown', (p) => void ((p['legs'] as LegPayload[])[1]!.breakdown[0] = 900)],
      ['a leg without an entry per passenger', (p) => void (p['legs'] as LegPayload[])[1]!.breakdown.pop()],
      ['legs in another order than the quoted journey', (p) => void (p['legs'] as LegPayload[]).reverse()],
      ['no departure', (p) => void delete p['departure']],
      [
        'a first leg without a departure',
        (p) => void delete (p['legs'] as Array<Record<string, unknown>>)[0]!['departure'],
      ],
      ['a leg without a departure', (p) => void delete (p['legs'] as Array<Record<string, unknown>>)[1]!['departure']],
      [
        'a leg with stops reversed',
        (p) => void ((p['legs'] as LegPayload[])[1]!.journey = { runId: 'X:2026-12-01', fromStop: 5, toStop: 2 }),
      ],
      ['a negative leg price', (p) => void ((p['legs'] as LegPayload[])[1]!.breakdown = [-1000, 500, 0])],
    ];
    it.each(badPayloads)('rejects a trip quote with %s as QUOTE_INVALID', async (_name, alter) => {
      expect(await codeOf(verifier().verify(await signedPayload(alter), request))).toBe('QUOTE_INVALID');
    });

    it('rejects a trip quote whose leg price was altered under the old signature as QUOTE_INVALID', async () => {
      const [header, payload, signature] = (await signQuote(trip, prices.key)).split('.') as [string, string, string];
      const changed = decodePart(payload);
      const legs = changed['legs'] as LegPayload[];
      legs[0]!.breakdown = [1000, 1000, 0];
      legs[1]!.breakdown = [2000, 500, 0];
      expect(await codeOf(verifier().verify(`${header}.${b64(changed)}.${signature}`, request))).toBe('QUOTE_INVALID');
    });
  });

  it('signs ES256 with the key id in the header', () => {
    const header = decodePart(token.split('.')[0] ?? '');
    expect(header).toMatchObject({ alg: 'ES256', kid: 'prices-1' });
  });

  const alterations: Array<[string, (payload: Record<string, unknown>) => void]> = [
    [
      'total',
      (p) => {
        p['total'] = { amountMinor: 1, currency: 'EUR' };
      },
    ],
    [
      'currency',
      (p) => {
        p['total'] = { amountMinor: 4500, currency: 'USD' };
      },
    ],
    [
      'breakdown',
      (p) => {
        p['breakdown'] = [4000, 500, 0];
      },
    ],
    [
      'seat class',
      (p) => {
        p['seatClass'] = 'FIRST';
      },
    ],
    [
      'journey',
      (p) => {
        p['journey'] = { runId: 'IC501:2026-12-01', fromStop: 0, toStop: 2 };
      },
    ],
    [
      'passengers',
      (p) => {
        p['passengers'] = [{ type: 'ADULT' }, { type: 'ADULT' }, { type: 'CHILD', age: 2 }];
      },
    ],
    [
      'passenger age',
      (p) => {
        p['passengers'] = [{ type: 'ADULT' }, { type: 'CHILD' }, { type: 'CHILD', age: 3 }];
      },
    ],
    [
      'currency only',
      (p) => {
        (p['total'] as { currency: string }).currency = 'GBP';
      },
    ],
    [
      'expiry',
      (p) => {
        p['exp'] = (p['exp'] as number) + 3600;
      },
    ],
    [
      'rule version',
      (p) => {
        p['ruleVersion'] = 2;
      },
    ],
    [
      'quote id',
      (p) => {
        p['jti'] = 'q-2';
      },
    ],
  ];
  it.each(alterations)(
    'rejects a quote whose %s was altered under the old signature as QUOTE_INVALID',
    async (_name, alter) => {
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const changed = decodePart(payload);
      alter(changed);
      const forged = `${header}.${b64(changed)}.${signature}`;
      expect(await codeOf(verifier().verify(forged, request))).toBe('QUOTE_INVALID');
    },
  );

  it('rejects a quote signed by another key as QUOTE_INVALID', async () => {
    const foreign = await signQuote(claims, other.key);
    expect(await codeOf(verifier().verify(foreign, request))).toBe('QUOTE_INVALID');
  });

  it('rejects a quote signed by another key under the published key id as QUOTE_INVALID', async () => {
    const impostor = await signQuote(claims, { kid: 'prices-1', privateKey: other.key.privateKey as CryptoKey });
    expect(await codeOf(verifier().verify(impostor, request))).toBe('QUOTE_INVALID');
  });

  it('rejects an unsigned quote (alg none) as QUOTE_INVALID', async () => {
    const payload = token.split('.')[1] ?? '';
    const unsigned = `${b64({ alg: 'none', typ: 'railgraph-quote+jwt' })}.${payload}.`;
    expect(await codeOf(verifier().verify(unsigned, request))).toBe('QUOTE_INVALID');
  });

  it('rejects a quote from another issuer as QUOTE_INVALID', async () => {
    const [, payload] = token.split('.') as [string, string];
    const body = decodePart(payload);
    // Re-sign honestly with prices' key but another issuer: only the issuer check can catch it.
    const { SignJWT } = await import('jose');
    const wrongIssuer = await new SignJWT({ ...body, iss: 'urn:someone-else' })
      .setProtectedHeader({ alg: 'ES256', kid: 'prices-1', typ: 'railgraph-quote+jwt' })
      .sign(prices.key.privateKey);
    expect(await codeOf(verifier().verify(wrongIssuer, request))).toBe('QUOTE_INVALID');
  });

  it('rejects garbage as QUOTE_INVALID', async () => {
    expect(await codeOf(verifier().verify('not-a-token', request))).toBe('QUOTE_INVALID');
    expect(await codeOf(verifier().verify('', request))).toBe('QUOTE_INVALID');
  });

  it('rejects an expired quote as QUOTE_EXPIRED', async () => {
    const late = createLocalQuoteVerifier(
      { keys: [prices.publicJwk] },
      { clock: () => new Date('2026-12-01T08:15:01Z') },
    );
    expect(await codeOf(late.verify(token, request))).toBe('QUOTE_EXPIRED');
  });

  it('rejects a quote for another journey as QUOTE_MISMATCH', async () => {
    for (const journey of [
      { runId: 'IC503:2026-12-01', fromStop: 0, toStop: 3 },
      { runId: 'IC501:2026-12-01', fromStop: 1, toStop: 3 },
      { runId: 'IC501:2026-12-01', fromStop: 0, toStop: 2 },
    ]) {
      expect(await codeOf(verifier().verify(token, { ...request, journey }))).toBe('QUOTE_MISMATCH');
    }
  });

  it('rejects a quote for other passengers as QUOTE_MISMATCH', async () => {
    const others: QuoteRequest['passengers'][] = [
      ['ADULT'],
      ['ADULT', 'CHILD', 'CHILD'],
      ['CHILD', 'ADULT', { type: 'CHILD', age: 2 }],
      ['ADULT', 'CHILD', { type: 'CHILD', age: 3 }],
      ['ADULT', { type: 'CHILD', age: 5 }, { type: 'CHILD', age: 2 }],
      ['ADULT', 'CHILD', { type: 'CHILD', age: 2 }, 'ADULT'],
    ];
    for (const passengers of others) {
      expect(await codeOf(verifier().verify(token, { ...request, passengers }))).toBe('QUOTE_MISMATCH');
    }
  });

  it('matches passengers given as bare types or with a null age to passengers quoted without one', async () => {
    const verified = await verifier().verify(token, {
      passengers: [{ type: 'ADULT', age: null }, { type: 'CHILD' }, { type: 'CHILD', age: 2 }],
    });
    expect(verified.passengers).toEqual(claims.passengers);
  });

  it('verifies against a JWKS served over HTTP and reports an unreachable one as SERVICE_UNAVAILABLE', async () => {
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [prices.publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const remote = createQuoteVerifier({ jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`, clock });
      expect((await remote.verify(token, request)).quoteId).toBe('q-1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = createQuoteVerifier({ jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`, clock });
    expect(await codeOf(down.verify(token, request))).toBe('SERVICE_UNAVAILABLE');
  });
});
