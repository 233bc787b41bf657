import type { RunStopResolvers } from '../__generated__/resolvers-types.js';
import { stationCalledAt } from '../loaders.js';

export const RunStop: RunStopResolvers = {
  station: (stop, _args, { loaders }) => stationCalledAt(loaders, stop.stationCode),
};
