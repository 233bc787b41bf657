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

/**
 * Seat-legs each seat free on the journey leaves unused around it (-1 for a seat taken on
 * the journey): how many legs it is also free for straight before `fromLeg` and straight
 * after `toLeg - 1`. A seat free only A->C scores 0 for an A->C traveller; one free A->Z
 * scores more, and is kept for a longer journey. Works a word of 32 seats at a time,
 * walking away from the journey leg by leg and noting where each seat stops being free.
 */
function slackOf(legs: readonly SeatBitmap[], mask: SeatBitmap, capacity: number, fromLeg: number, toLeg: number) {
  const slack = new Int32Array(capacity).fill(-1);
  const free = new Uint32Array(mask.length);
  for (let w = 0; w < mask.length; w++) free[w] = ~(mask[w] ?? 0);
  if (capacity % 32 !== 0) free[free.length - 1]! &= (1 << (capacity % 32)) - 1;
  const walk = (first: number, step: number, stop: number) => {
    const alive = free.slice();
    let run = 0;
    for (let leg = first; leg !== stop; leg += step, run++) {
      const map = legs[leg]!;
      let any = 0;
      for (let w = 0; w < alive.length; w++) {
        const before = alive[w]!;
        if (before === 0) continue;
        const after = before & ~(map[w] ?? 0);
        let ended = before & ~after;
        while (ended !== 0) {
          const seat = w * 32 + 31 - Math.clz32(ended & -ended);
          slack[seat] = (slack[seat] === -1 ? 0 : slack[seat]!) + run;
          ended &= ended - 1;
        }
        alive[w] = after;
        any |= after;
      }
      if (any === 0) break;
    }
    for (let w = 0; w < alive.length; w++) {
      let left = alive[w]!;
      while (left !== 0) {
        const seat = w * 32 + 31 - Math.clz32(left & -left);
        slack[seat] = (slack[seat] === -1 ? 0 : slack[seat]!) + Math.abs(stop - first);
        left &= left - 1;
      }
    }
  };
  walk(fromLeg - 1, -1, -1);
  walk(toLeg, 1, legs.length);
  // Free seats no walk touched (journey at both ends of the run) have no slack.
  for (let w = 0; w < free.length; w++) {
    let seats = free[w]!;
    while (seats !== 0) {
      const seat = w * 32 + 31 - Math.clz32(seats & -seats);
      if (slack[seat] === -1) slack[seat] = 0;
      seats &= seats - 1;
    }
  }
  return slack;
}

// Scores are single numbers (lower is better) with the criteria in decimal places, so
// choosing allocates nothing per candidate: slack sums stay below 1000 (9 seats x 100
// legs), preference misses below 10, rows below 10, spreads below 10^5.
const SLACK = 10;
const FIRST = 10_000;

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
  const capacity = cls.capacity;
  const mask = legMask(legs, fromLeg, toLeg, capacity);
  const slack = slackOf(legs, mask, capacity, fromLeg, toLeg);
  const miss = new Uint8Array(capacity);
  let freeTotal = 0;
  for (let seat = 0; seat < capacity; seat++) {
    if (slack[seat]! < 0) continue;
    if (preference && cls.seats[seat]?.position !== preference) miss[seat] = 1;
    freeTotal++;
  }
  if (freeTotal < count) return null;

  if (count === 1) {
    let best = -1;
    let bestScore = Infinity;
    for (let seat = 0; seat < capacity; seat++) {
      const s = slack[seat]!;
      if (s < 0) continue;
      const score = miss[seat]! * FIRST + s;
      if (score < bestScore) {
        best = seat;
        bestScore = score;
      }
    }
    return [best];
  }

  const row = (seat: number) => cls.seats[seat]?.row ?? seat;

  // Side by side: `count` consecutive seats of one coach, all free; fewest rows, then
  // tightest, then fewest preference misses.
  let bestStart = -1;
  let bestScore = Infinity;
  for (const span of cls.coaches) {
    const end = span.start + span.size;
    for (let start = span.start; start + count <= end; start++) {
      let sumSlack = 0;
      let sumMiss = 0;
      let rows = 1;
      let ok = true;
      for (let seat = start; seat < start + count; seat++) {
        const s = slack[seat]!;
        if (s < 0) {
          ok = false;
          start = seat; // no window starting at or before this seat can be free
          break;
        }
        sumSlack += s;
        sumMiss += miss[seat]!;
        if (seat > start && row(seat) !== row(seat - 1)) rows++;
      }
      if (!ok) continue;
      const score = rows * FIRST * 100 + sumSlack * SLACK + sumMiss;
      if (score < bestScore) {
        bestStart = start;
        bestScore = score;
      }
    }
  }
  if (bestStart >= 0) return Array.from({ length: count }, (_, i) => bestStart + i);

  // Together in one coach, as close as its free seats allow: smallest spread, then
  // tightest, then fewest preference misses.
  const freeInCoach = cls.coaches.map((span) => {
    const free: number[] = [];
    for (let seat = span.start; seat < span.start + span.size; seat++) if (slack[seat]! >= 0) free.push(seat);
    return free;
  });
  const closest = (free: readonly number[], k: number): { at: number; score: number } | null => {
    let found: { at: number; score: number } | null = null;
    let sumSlack = 0;
    let sumMiss = 0;
    for (let i = 0; i < free.length; i++) {
      sumSlack += slack[free[i]!]!;
      sumMiss += miss[free[i]!]!;
      if (i >= k) {
        sumSlack -= slack[free[i - k]!]!;
        sumMiss -= miss[free[i - k]!]!;
      }
      if (i + 1 < k) continue;
      const spread = free[i]! - free[i + 1 - k]!;
      const score = spread * FIRST * 100 + sumSlack * SLACK + sumMiss;
      if (!found || score < found.score) found = { at: i + 1 - k, score };
    }
    return found;
  };
  let bestCoach = -1;
  let bestAt = -1;
  bestScore = Infinity;
  freeInCoach.forEach((free, coachOrder) => {
    const found = free.length >= count ? closest(free, count) : null;
    if (found && found.score < bestScore) {
      bestCoach = coachOrder;
      bestAt = found.at;
      bestScore = found.score;
    }
  });
  if (bestCoach >= 0) return freeInCoach[bestCoach]!.slice(bestAt, bestAt + count);

  // Split over the coaches with most free seats, each part as close as it can sit.
  const roomiest = freeInCoach.map((free, order) => ({ free, order })).sort((a, b) => b.free.length - a.free.length);
  const chosen: number[] = [];
  for (const { free } of roomiest) {
    const part = Math.min(free.length, count - chosen.length);
    if (part === 0) break;
    const found = closest(free, part);
    if (found) chosen.push(...free.slice(found.at, found.at + part));
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
