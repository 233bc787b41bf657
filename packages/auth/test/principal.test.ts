import { describe, expect, it } from 'vitest';
import { requireScope, requireTraveller, type Principal } from '../src/index.js';

const traveller: Principal = { kind: 'traveller', userId: 'user-1', scopes: new Set(['bookings:read']) };
const client: Principal = { kind: 'client', clientId: 'partner-7', scopes: new Set(['journeys:read']) };

function codeOf(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return (error as { extensions?: Record<string, unknown> }).extensions?.['code'];
  }
  return 'no error';
}

describe('requireTraveller', () => {
  it('returns the traveller', () => {
    expect(requireTraveller(traveller)).toBe(traveller);
  });

  it('is UNAUTHENTICATED without a principal', () => {
    expect(codeOf(() => requireTraveller(null))).toBe('UNAUTHENTICATED');
  });

  it('is FORBIDDEN for a client', () => {
    expect(codeOf(() => requireTraveller(client))).toBe('FORBIDDEN');
  });
});

describe('requireScope', () => {
  it('returns a principal that was granted the scope', () => {
    expect(requireScope(traveller, 'bookings:read')).toBe(traveller);
    expect(requireScope(client, 'journeys:read')).toBe(client);
  });

  it('is UNAUTHENTICATED without a principal', () => {
    expect(codeOf(() => requireScope(null, 'bookings:read'))).toBe('UNAUTHENTICATED');
  });

  it('is FORBIDDEN when the scope was not granted', () => {
    expect(codeOf(() => requireScope(traveller, 'bookings:write'))).toBe('FORBIDDEN');
    expect(codeOf(() => requireScope(client, 'inventory:internal'))).toBe('FORBIDDEN');
  });
});
