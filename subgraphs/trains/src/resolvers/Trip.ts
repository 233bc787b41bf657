import type { TripResolvers } from '../__generated__/resolvers-types.js';
import { parseTripId, tripIdOf, tripOfLegs } from '../timetable/trip-id.js';

export const Trip: TripResolvers = {
  // Rebuilt from the legs its id names, each looked up as a Journey reference is; an id that
  // names no trip (malformed, an unknown run or stops, legs that do not connect) is null.
  __resolveReference: async ({ id }, { loaders }) => {
    const keys = typeof id === 'string' ? parseTripId(id) : null;
    if (!keys) return null;
    const legs = await Promise.all(keys.map((key) => loaders.journeyByKey.load(key)));
    return legs.every((leg) => leg !== null) ? tripOfLegs(legs) : null;
  },
  id: (trip) => tripIdOf(trip),
};
