import type { RequestContext } from '@railgraph/service-kit';
import type { SeatInventory } from './inventory/seat-inventory.js';

export interface InventoryContext extends RequestContext {
  inventory: SeatInventory;
}
