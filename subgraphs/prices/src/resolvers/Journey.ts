import type { JourneyResolvers } from '../__generated__/resolvers-types.js';
import { journeyFromRepresentation, pricedJourney } from '../quotes/journey.js';

// The representation carries distance and availability via @requires: nothing to load.
export const Journey: JourneyResolvers = {
  __resolveReference: (reference) => journeyFromRepresentation(reference),
  fares: (journey, { passengers }, { fareOffers }) =>
    fareOffers.offersFor(
      pricedJourney(journey),
      passengers.map((p) => ({ type: p.type, age: p.age ?? null })),
    ),
};
