import type { JourneyResolvers } from '../__generated__/resolvers-types.js';
import { stationCalledAt } from '../loaders.js';

export const Journey: JourneyResolvers = {
  __resolveReference: ({ runId, fromStop, toStop }, { loaders }) =>
    typeof runId === 'string' && Number.isInteger(fromStop) && Number.isInteger(toStop)
      ? loaders.journeyByKey.load({ runId, fromStop, toStop })
      : null,
  runId: (journey) => journey.run.id,
  train: (journey) => journey.run.train,
  origin: (journey, _args, { loaders }) => stationCalledAt(loaders, journey.run.stops[journey.fromStop]?.stationCode),
  destination: (journey, _args, { loaders }) =>
    stationCalledAt(loaders, journey.run.stops[journey.toStop]?.stationCode),
};
