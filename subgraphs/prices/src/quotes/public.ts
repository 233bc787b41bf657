// `@railgraph/prices/offers`: pricing and signing fare offers without the network, for callers outside the service (benchmarks).
export { DEFAULT_FARE_RULES } from '../fares/default-rules.js';
export { createFareOffers, type FareOffer, type FareOffers, type PricedJourney } from './offers.js';
