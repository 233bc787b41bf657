import { OPERATOR_SCOPES, SERVICE_SCOPES } from '@railgraph/auth';

/** Scopes a partner app is granted when `clients:create` names none (docs/design.md §7). */
export const PARTNER_SCOPES = ['journeys:read', 'bookings:read', 'bookings:write'] as const;

/** Every scope this issuer knows; a client is never granted anything else. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set<string>([
  ...PARTNER_SCOPES,
  // An operator's client is a partner client created with `--scopes operations:write`.
  OPERATOR_SCOPES.operationsWrite,
  SERVICE_SCOPES.inventoryInternal,
  SERVICE_SCOPES.bookingsInternal,
  SERVICE_SCOPES.usersContacts,
  SERVICE_SCOPES.runsCancellations,
]);

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
const scopeTokenPattern = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The scopes a space-separated `scope` parameter names, de-duplicated, or null when it is
 * not well formed. An absent or empty parameter names none.
 */
export function parseScopeParameter(raw: string | undefined): string[] | null {
  if (raw === undefined || raw === '') return [];
  const tokens = raw.split(' ');
  if (tokens.some((token) => !scopeTokenPattern.test(token))) return null;
  return [...new Set(tokens)];
}
