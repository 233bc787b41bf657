import { principalOfRequest, type Principal, type TokenVerifier } from '@railgraph/auth';
import type { RequestContext } from '@railgraph/service-kit';
import type { RunCancellations } from './cancellations/run-cancellations.js';
import type { RunCancellationStore } from './cancellations/store.js';
import { createLoaders, type TrainsLoaders } from './loaders.js';
import type { TimetableStore } from './store/timetable-store.js';
import type { Timetable } from './timetable/timetable.js';

export interface TrainsContext extends RequestContext {
  /** The caller, from the bearer token verified against users' JWKS; null without one. */
  principal: Principal | null;
  loaders: TrainsLoaders;
  timetable: Timetable;
  cancellations: RunCancellations;
}

export interface TrainsContextParts {
  store: TimetableStore;
  timetable: Timetable;
  cancellationStore: RunCancellationStore;
  cancellations: RunCancellations;
  tokens: TokenVerifier;
}

/** Builds each request's context: the verified caller and fresh loaders over the shared stores and timetable. */
export function trainsContextFactory({
  store,
  timetable,
  cancellationStore,
  cancellations,
  tokens,
}: TrainsContextParts) {
  return async (base: RequestContext): Promise<TrainsContext> => ({
    ...base,
    principal: await principalOfRequest(tokens, base.authorization),
    loaders: createLoaders(store, timetable, cancellationStore),
    timetable,
    cancellations,
  });
}
