import type { Principal } from '@railgraph/auth';
import type { RequestContext } from '@railgraph/service-kit';
import type { Bookings } from './booking/bookings.js';
import type { TicketsLoaders } from './loaders.js';

export interface TicketsContext extends RequestContext {
  principal: Principal | null;
  bookings: Bookings;
  loaders: TicketsLoaders;
}
