import type { TrainRunResolvers } from '../__generated__/resolvers-types.js';
import { legCount } from '../timetable/run.js';

export const TrainRun: TrainRunResolvers = {
  __resolveReference: ({ id }, { loaders }) => (typeof id === 'string' ? loaders.runById.load(id) : null),
  legCount: (run) => legCount(run),
  cancellation: (run, _args, { loaders }) => loaders.cancellationByRunId.load(run.id),
  consist: async (run, _args, { loaders }) => {
    const consist = await loaders.consistById.load(run.train.consistId);
    if (!consist) throw new Error(`train ${run.train.id} names consist ${run.train.consistId}, which does not exist`);
    return consist;
  },
};
