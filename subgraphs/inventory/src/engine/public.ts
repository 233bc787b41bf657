// `@railgraph/inventory/engine`: the seat-inventory engines and allocators, for callers outside the service (benchmarks).
export {
  bestFitAllocator,
  firstFitAllocator,
  type ClassOccupancy,
  type SeatAllocator,
  type SeatingRequest,
  type SeatPreference,
} from './allocate.js';
export type { SeatLegs } from './bitmap.js';
export type { ClassAvailability, Hold, HoldRequest, InventoryEngine } from './engine.js';
export type { CoachLayout, RunLayout, SeatClass, SeatLayout, SeatPosition } from './layout.js';
export { createMemoryEngine, type MemoryEngineOptions } from './memory.js';
export { createRedisEngine, type RedisEngineOptions } from './redis.js';
