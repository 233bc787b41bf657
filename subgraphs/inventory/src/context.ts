import type { Principal } from '@railgraph/auth';
import type { RequestContext } from '@railgraph/service-kit';
import type { SeatInventory } from './inventory/seat-inventory.js';

export interface InventoryContext extends RequestContext {
  /** The caller, from the bearer token verified against users' JWKS; null without one. */
  principal: Principal | null;
  inventory: SeatInventory;
}
