import type { StationResolvers } from '../__generated__/resolvers-types.js';

export const Station: StationResolvers = {
  __resolveReference: ({ code }, { loaders }) => (typeof code === 'string' ? loaders.stationByCode.load(code) : null),
};
