// Kept for bench/tickets/booking.mjs until it moves to TypeScript: the compiled
// bench/inventory/common.ts (run `npm run build` first, as that bench already asks).
export { coach, intercityRun, print, seededRandom } from '../dist/inventory/common.js';
