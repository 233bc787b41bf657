import type { RequestContext } from '@railgraph/service-kit';
import type { FareOffers } from './quotes/offers.js';

export interface PricesContext extends RequestContext {
  fareOffers: FareOffers;
}
