import { SERVICE_SCOPES, requireScope } from '@railgraph/auth';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';

// Internal operations: only a service holding `inventory:internal` (tickets) may call them.
const internal = SERVICE_SCOPES.inventoryInternal;

export const Mutation: MutationResolvers = {
  holdSeats: (_parent, { input }, { inventory, principal, requestId }) => {
    requireScope(principal, internal);
    return inventory.holdSeats(input, requestId);
  },
  holdSeatsBatch: (_parent, { inputs }, { inventory, principal, requestId, log }) => {
    requireScope(principal, internal);
    return inventory.holdSeatsBatch(inputs, requestId, log);
  },
  confirmHold: (_parent, { holdId }, { inventory, principal }) => {
    requireScope(principal, internal);
    return inventory.confirmHold(holdId);
  },
  confirmHolds: (_parent, { holdIds }, { inventory, principal }) => {
    requireScope(principal, internal);
    return inventory.confirmHolds(holdIds);
  },
  releaseHold: (_parent, { holdId }, { inventory, principal }) => {
    requireScope(principal, internal);
    return inventory.releaseHold(holdId);
  },
  releaseHoldSeats: (_parent, { holdId, seats }, { inventory, principal }) => {
    requireScope(principal, internal);
    return inventory.releaseHoldSeats(holdId, seats);
  },
};
