import { isTaken, legMask, type SeatBitmap } from './bitmap.js';
import type { ClassSeats } from './layout.js';

/** A traveller's wish for where to sit; honoured when such a seat is free. */
export type SeatPreference = 'WINDOW' | 'AISLE';

/** What the allocator is asked: `count` seats free on legs `fromLeg`..`toLeg-1`. */
export interface SeatingRequest {
  fromLeg: number;
  toLeg: number;
  count: number;
  preference?: SeatPreference | undefined;
}

/** A class's seats and, per leg of the run, which of them are taken. */
export interface ClassOccupancy {
  seats: ClassSeats;
  legs: readonly SeatBitmap[];
}

/**
 * Picks `count` free seats of one class (indexes within the class), or null when fewer
 * are free on every leg of the journey. Pure and deterministic: both engines call it on
 * the same bitmaps and must choose the same seats.
 */
export type SeatAllocator = (occupancy: ClassOccupancy, request: SeatingRequest) => number[] | null;

/** Lexicographic score, lower is better. */
type Score = number[];

const better = (a: Score, b: Score | null): boolean => {
  if (!b) return true;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
};

/**
 * Seat-legs a seat leaves unused around the journey: how many legs it is also free for
 * straight before `fromLeg` and straight after `toLeg - 1`. A seat free only A->C scores 0
 * for an A->C traveller; one free A->Z scores more, and is kept for a longer journey.
 */
function slackOf(legs: readonly SeatBitmap[], seat: number, fromLeg: number, toLeg: number): number {
  let slack = 0;
  for (let leg = fromLeg - 1; leg >= 0 && !isTaken(legs[leg]!, seat); leg--) slack++;
  for (let leg = toLeg; leg < legs.length && !isTaken(legs[leg]!, seat); leg++) slack++;
  return slack;
}

/**
 * Best fit (DESIGN §6). For one traveller: a seat of the preferred position if any, then
 * the tightest free span around the journey. For a group: side by side in one coach
 * (consecutive seats, fewest rows), else anywhere in one coach (closest together), and
 * only then split over the coaches with most room; within each choice the tightest seats
 * win, then the preferred positions, then layout order.
 */
export const bestFitAllocator: SeatAllocator = ({ seats: cls, legs }, request) => {
  const { fromLeg, toLeg, count, preference } = request;
  if (count <= 0) return [];
  const mask = legMask(legs, fromLeg, toLeg, cls.capacity);
  // -1 for a seat taken somewhere on the journey, else its slack.
  const slack = new Int32Array(cls.capacity).fill(-1);
  let freeTotal = 0;
  for (let seat = 0; seat < cls.capacity; seat++) {
    if (isTaken(mask, seat)) continue;
    slack[seat] = slackOf(legs, seat, fromLeg, toLeg);
    freeTotal++;
  }
  if (freeTotal < count) return null;
  const miss = (seat: number) => (preference && cls.seats[seat]?.position !== preference ? 1 : 0);

  if (count === 1) {
    let best = -1;
    let bestScore: Score | null = null;
    for (let seat = 0; seat < cls.capacity; seat++) {
      const s = slack[seat]!;
      if (s < 0) continue;
      const score = [miss(seat), s];
      if (better(score, bestScore)) {
        best = seat;
        bestScore = score;
      }
    }
    return [best];
  }

  const freeInCoach = cls.coaches.map((span) => {
    const free: number[] = [];
    for (let seat = span.start; seat < span.start + span.size; seat++) if (slack[seat]! >= 0) free.push(seat);
    return free;
  });
  const rowsOf = (seats: readonly number[]) => new Set(seats.map((seat) => cls.seats[seat]?.row)).size;
  const sumOf = (seats: readonly number[], f: (seat: number) => number) =>
    seats.reduce((sum, seat) => sum + f(seat), 0);

  // Side by side: `count` consecutive seats of one coach, all free.
  let best: number[] | null = null;
  let bestScore: Score | null = null;
  for (const span of cls.coaches) {
    let freeRun = 0;
    for (let seat = span.start; seat < span.start + span.size; seat++) {
      freeRun = slack[seat]! >= 0 ? freeRun + 1 : 0;
      if (freeRun < count) continue;
      const window = Array.from({ length: count }, (_, i) => seat - count + 1 + i);
      const score = [rowsOf(window), sumOf(window, (s) => slack[s]!), sumOf(window, miss)];
      if (better(score, bestScore)) {
        best = window;
        bestScore = score;
      }
    }
  }
  if (best) return best;

  // Together in one coach, as close as its free seats allow.
  const closest = (free: readonly number[], k: number): { seats: number[]; score: Score } | null => {
    let found: { seats: number[]; score: Score } | null = null;
    for (let i = 0; i + k <= free.length; i++) {
      const window = free.slice(i, i + k);
      const score = [window[k - 1]! - window[0]!, sumOf(window, (s) => slack[s]!), sumOf(window, miss)];
      if (better(score, found?.score ?? null)) found = { seats: window, score };
    }
    return found;
  };
  for (const free of freeInCoach) {
    const found = free.length >= count ? closest(free, count) : null;
    if (found && better(found.score, bestScore)) {
      best = found.seats;
      bestScore = found.score;
    }
  }
  if (best) return best;

  // Split over the coaches with most free seats, each part as close as it can sit.
  const roomiest = freeInCoach.map((free, order) => ({ free, order })).sort((a, b) => b.free.length - a.free.length);
  const chosen: number[] = [];
  for (const { free } of roomiest) {
    const part = Math.min(free.length, count - chosen.length);
    if (part === 0) break;
    chosen.push(...(closest(free, part)?.seats ?? []));
  }
  return chosen;
};

/** The first free seats in layout order: the baseline the bench compares best fit with. */
export const firstFitAllocator: SeatAllocator = ({ seats: cls, legs }, { fromLeg, toLeg, count }) => {
  if (count <= 0) return [];
  const mask = legMask(legs, fromLeg, toLeg, cls.capacity);
  const chosen: number[] = [];
  for (let seat = 0; seat < cls.capacity && chosen.length < count; seat++) if (!isTaken(mask, seat)) chosen.push(seat);
  return chosen.length === count ? chosen : null;
};
