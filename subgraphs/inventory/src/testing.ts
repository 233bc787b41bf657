// `@railgraph/inventory/testing`: layouts for the inventory tests and benchmarks.
import type { CoachLayout, SeatClass, SeatPosition } from './engine/layout.js';

const positions: readonly SeatPosition[] = ['WINDOW', 'AISLE', 'AISLE', 'WINDOW'];

/** A coach with rows of four seats (window, aisle, aisle, window) labelled 1A 1B 1C 1D 2A ... */
export function coach(number: number, seatClass: SeatClass, seatCount: number): CoachLayout {
  return {
    number,
    seatClass,
    seatCount,
    seats: Array.from({ length: seatCount }, (_, i) => ({
      label: `${Math.floor(i / 4) + 1}${'ABCD'[i % 4]}`,
      position: positions[i % 4]!,
    })),
  };
}
