import { OPERATOR_SCOPES, requireScope } from '@railgraph/auth';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  cancelTrainRun: (_root, { runId, reason }, { principal, cancellations }) => {
    requireScope(principal, OPERATOR_SCOPES.operationsWrite);
    return cancellations.cancelByOperator(runId, reason);
  },
};
