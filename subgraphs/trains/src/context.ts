import { principalOfRequest, type Principal, type TokenVerifier } from '@railgraph/auth';
import type { RequestContext } from '@railgraph/service-kit';
import { createLoaders, type TrainsLoaders } from './loaders.js';
import type { TimetableStore } from './store/timetable-store.js';
import type { Timetable } from './timetable/timetable.js';

export interface TrainsContext extends RequestContext {
  /** The caller, from the bearer token verified against users' JWKS; null without one. */
  principal: Principal | null;
  loaders: TrainsLoaders;
  timetable: Timetable;
}

/** Builds each request's context: the verified caller and fresh loaders over the shared store and timetable. */
export function trainsContextFactory(store: TimetableStore, timetable: Timetable, tokens: TokenVerifier) {
  return async (base: RequestContext): Promise<TrainsContext> => ({
    ...base,
    principal: await principalOfRequest(tokens, base.authorization),
    loaders: createLoaders(store, timetable),
    timetable,
  });
}
