import type { TripResolvers } from '../__generated__/resolvers-types.js';
import { pricedTrip, tripFromRepresentation } from '../quotes/trip.js';

// The representation carries every leg's distance, departure and availability via @requires: nothing to load.
export const Trip: TripResolvers = {
  __resolveReference: (reference) => tripFromRepresentation(reference),
  fares: (trip, { passengers }, { fareOffers, log }) =>
    fareOffers.offersForTrip(
      pricedTrip(trip),
      passengers.map((p) => ({ type: p.type, age: p.age ?? null })),
      log,
    ),
};
