import type { RequestContext } from '@railgraph/service-kit';
import { createLoaders, type TrainsLoaders } from './loaders.js';
import type { TimetableStore } from './store/timetable-store.js';
import type { Timetable } from './timetable/timetable.js';

export interface TrainsContext extends RequestContext {
  loaders: TrainsLoaders;
  timetable: Timetable;
}

/** Builds each request's context: fresh loaders over the shared store and timetable. */
export function trainsContextFactory(store: TimetableStore, timetable: Timetable) {
  return (base: RequestContext): TrainsContext => ({ ...base, loaders: createLoaders(store, timetable), timetable });
}
