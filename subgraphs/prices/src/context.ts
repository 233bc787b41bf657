import type { Principal } from '@railgraph/auth';
import type { RequestContext } from '@railgraph/service-kit';
import type { FareOffers } from './quotes/offers.js';

export interface PricesContext extends RequestContext {
  /** The caller, from the bearer token verified against users' JWKS; null without one. */
  principal: Principal | null;
  fareOffers: FareOffers;
}
