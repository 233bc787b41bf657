import type { RunCancellationEntryResolvers } from '../__generated__/resolvers-types.js';

export const RunCancellationEntry: RunCancellationEntryResolvers = {
  cursor: (cancellation) => cancellation.position.toString(),
};
