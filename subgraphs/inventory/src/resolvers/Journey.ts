import type { JourneyResolvers } from '../__generated__/resolvers-types.js';
import { journeyFromRepresentation } from '../layouts/representation.js';

// The representation carries everything (the run's capacity via @requires): nothing to load.
export const Journey: JourneyResolvers = {
  __resolveReference: (reference) => journeyFromRepresentation(reference),
  availability: (journey, _args, { inventory }) => inventory.availability(journey),
};
