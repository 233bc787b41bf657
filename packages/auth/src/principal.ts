import { forbidden, unauthenticated } from '@railgraph/service-kit';

/**
 * Who a request acts for. A traveller signed in with email and password; a client is a
 * partner app or an internal service using the client-credentials grant.
 */
export type Principal =
  | { kind: 'traveller'; userId: string; scopes: ReadonlySet<string> }
  | { kind: 'client'; clientId: string; scopes: ReadonlySet<string> };

export type Traveller = Extract<Principal, { kind: 'traveller' }>;

/** The signed-in traveller; UNAUTHENTICATED without a principal, FORBIDDEN for a client. */
export function requireTraveller(principal: Principal | null): Traveller {
  if (!principal) throw unauthenticated();
  if (principal.kind !== 'traveller') throw forbidden('Only a signed-in traveller can do this');
  return principal;
}

/** The principal, when it was granted `scope`; UNAUTHENTICATED without one, FORBIDDEN otherwise. */
export function requireScope(principal: Principal | null, scope: string): Principal {
  if (!principal) throw unauthenticated();
  if (!principal.scopes.has(scope)) throw forbidden(`This needs the ${scope} scope`);
  return principal;
}
