import { requireScope, SERVICE_SCOPES } from '@railgraph/auth';
import { badInput } from '@railgraph/service-kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { parseRunId } from '../timetable/run-id.js';

export const Query: QueryResolvers = {
  stations: (_root, { search, first }, { timetable }) => timetable.stations(search, first),
  station: (_root, { code }, { loaders }) => loaders.stationByCode.load(code),
  searchJourneys: (_root, { from, to, date, after, first }, { timetable }) =>
    timetable.searchJourneys({ from, to, date, after, first }),
  searchTrips: (_root, { from, to, date, after, first, maxChanges }, { timetable }) =>
    timetable.searchTrips({ from, to, date, after, first, maxChanges }),
  trainRun: (_root, { id }, { loaders }) => {
    if (!parseRunId(id))
      throw badInput(`run id must be <trainId>:<YYYY-MM-DD>; got ${JSON.stringify(id)}`, { argument: 'id' });
    return loaders.runById.load(id);
  },
  runCancellations: (_root, { after, first }, { principal, cancellations }) => {
    requireScope(principal, SERVICE_SCOPES.runsCancellations);
    return cancellations.list(after, first);
  },
};
