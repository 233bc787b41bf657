import type { TrainRunResolvers } from '../__generated__/resolvers-types.js';
import { trainRunFromRepresentation } from '../layouts/representation.js';

// The representation carries the run's layout via @requires: nothing to load.
export const TrainRun: TrainRunResolvers = {
  __resolveReference: (reference) => trainRunFromRepresentation(reference),
  seatMap: (run, { fromStop, toStop, seatClass }, { inventory }) =>
    inventory.seatMap(run, fromStop, toStop, seatClass ?? null),
};
