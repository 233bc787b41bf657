import type { CoachSpan } from './layout.js';

/**
 * Picks `count` free seats of one class, or null when fewer are free. Pure, so a better
 * strategy (best-fit over free gaps) can replace it without touching the engines.
 *
 * Now: a group sits in one coach when any coach has room, preferring adjacent seats
 * in layout order within it; otherwise it is split over the fewest coaches, the emptiest first.
 */
export type SeatAllocator = (free: readonly boolean[], coaches: readonly CoachSpan[], count: number) => number[] | null;

export const allocateSeats: SeatAllocator = (free, coaches, count) => {
  if (count <= 0) return [];
  const freeByCoach = coaches.map((span) => freeSeatsOf(free, span));
  const total = freeByCoach.reduce((sum, seats) => sum + seats.length, 0);
  if (total < count) return null;

  const together = freeByCoach.find((seats) => seats.length >= count);
  if (together) return adjacentRun(together, count) ?? together.slice(0, count);

  const emptiestFirst = [...freeByCoach].sort((a, b) => b.length - a.length);
  const chosen: number[] = [];
  for (const seats of emptiestFirst) {
    chosen.push(...seats.slice(0, count - chosen.length));
    if (chosen.length === count) break;
  }
  return chosen;
};

function freeSeatsOf(free: readonly boolean[], span: CoachSpan): number[] {
  const seats: number[] = [];
  for (let seat = span.start; seat < span.start + span.size; seat++) if (free[seat]) seats.push(seat);
  return seats;
}

/** The first `count` consecutive seat indexes among `seats` (ascending), if any. */
function adjacentRun(seats: readonly number[], count: number): number[] | null {
  let runStart = 0;
  for (let i = 0; i < seats.length; i++) {
    if (i > runStart && seats[i] !== (seats[i - 1] ?? -2) + 1) runStart = i;
    if (i - runStart + 1 === count) return seats.slice(runStart, i + 1);
  }
  return null;
}
