import { isTakenOn, legBits, slackAround, type SeatLegs } from './bitmap.js';
import type { ClassSeats, CoachSpan } from './layout.js';

/** A traveller's wish for where to sit; honoured when such a seat is free. */
export type SeatPreference = 'WINDOW' | 'AISLE';

/** What the allocator is asked: `count` seats free on legs `fromLeg`..`toLeg-1`. */
export interface SeatingRequest {
  fromLeg: number;
  toLeg: number;
  count: number;
  preference?: SeatPreference | undefined;
}

/** A class's seats and which of them are taken on which legs. */
export interface ClassOccupancy {
  seats: ClassSeats;
  occupancy: SeatLegs;
}

/**
 * Picks `count` free seats of one class (indexes within the class), or null when fewer
 * are free on every leg of the journey. Pure and deterministic: both engines call it on
 * the same occupancy and must choose the same seats.
 */
export type SeatAllocator = (occupancy: ClassOccupancy, request: SeatingRequest) => number[] | null;

/**
 * Seat-legs a seat free on the journey leaves unused around it (-1 for a seat taken on the
 * journey): how many legs it is also free for straight before `fromLeg` and straight after
 * `toLeg - 1`. A seat free only A->C scores 0 for an A->C traveller; one free A->Z scores
 * more, and is kept for a longer journey. With up to 32 legs each seat is one word, and the
 * nearest taken leg on either side is one count of leading zeros.
 */
function slackOf(occ: SeatLegs, seat: number, fromLeg: number, toLeg: number, masks: JourneyMasks): number {
  if (occ.wordsPerSeat !== 1) return isTakenOn(occ, seat, fromLeg, toLeg) ? -1 : slackAround(occ, seat, fromLeg, toLeg);
  const word = occ.words[seat]!;
  if ((word & masks.journey) !== 0) return -1;
  const before = word & masks.before;
  const after = word & masks.after;
  // The lowest set bit before the journey is its nearest taken leg; the highest after it, likewise.
  const freeBefore = before === 0 ? fromLeg : fromLeg - 1 - Math.clz32(before & -before);
  const freeAfter = after === 0 ? occ.legCount - toLeg : Math.clz32(after) - toLeg;
  return freeBefore + freeAfter;
}

interface JourneyMasks {
  journey: number;
  before: number;
  after: number;
}

const masksOf = (fromLeg: number, toLeg: number): JourneyMasks => ({
  journey: legBits(fromLeg, toLeg, 0),
  before: legBits(0, fromLeg, 0),
  after: legBits(toLeg, 32, 0),
});

const WINDOW = 1;
const AISLE = 2;

/** Per class seat: whether it begins a row, and its position (WINDOW, AISLE or 0). */
interface SeatTraits {
  rowStart: Uint8Array;
  position: Uint8Array;
}
const traitsByClass = new WeakMap<ClassSeats, SeatTraits>();

function seatTraitsOf(cls: ClassSeats): SeatTraits {
  let traits = traitsByClass.get(cls);
  if (!traits) {
    const rowStart = new Uint8Array(cls.capacity);
    const position = new Uint8Array(cls.capacity);
    cls.seats.forEach((seat, i) => {
      const before = cls.seats[i - 1];
      rowStart[i] = before && before.coach === seat.coach && before.row === seat.row ? 0 : 1;
      position[i] = seat.position === 'WINDOW' ? WINDOW : seat.position === 'AISLE' ? AISLE : 0;
    });
    traits = { rowStart, position };
    traitsByClass.set(cls, traits);
  }
  return traits;
}

/** Reused between calls (the allocator is synchronous): choosing allocates almost nothing. */
let slackScratch = new Int32Array(1024);
let missScratch = new Uint8Array(1024);

// Scores are single numbers (lower is better) with the criteria in decimal places, so
// choosing allocates nothing per candidate: slack sums stay below 1000 (9 seats x 100
// legs), preference misses below 10, rows below 10, spreads below 10^5.
const SLACK = 10;
const FIRST = 10_000;

/**
 * Best fit (docs/design.md §6). For one traveller: a seat of the preferred position if any, then
 * the tightest free span around the journey. For a group: side by side in one coach
 * (consecutive seats, fewest rows), else anywhere in one coach (closest together), and
 * only then split over the coaches with most room; within each choice the tightest seats
 * win, then the preferred positions, then layout order.
 */
export const bestFitAllocator: SeatAllocator = ({ seats: cls, occupancy: occ }, request) => {
  const { fromLeg, toLeg, count, preference } = request;
  if (count <= 0) return [];
  const capacity = cls.capacity;
  const masks = masksOf(fromLeg, toLeg);

  const { rowStart, position } = seatTraitsOf(cls);
  const wanted = preference === undefined ? 0 : preference === 'WINDOW' ? WINDOW : AISLE;

  if (count === 1) {
    // Scanning in layout order, the first seat scoring 0 (tight and as preferred) is the
    // answer. Seats from `freeFrom` on are free on every leg, so they all score the same
    // but for the preference: the first of them as preferred is the last one to look at.
    let best = -1;
    let bestScore = Infinity;
    for (let seat = 0; seat < capacity && bestScore > 0; seat++) {
      const s = slackOf(occ, seat, fromLeg, toLeg, masks);
      if (s < 0) continue;
      const missed = wanted !== 0 && position[seat] !== wanted;
      const score = (missed ? FIRST : 0) + s;
      if (score < bestScore) {
        best = seat;
        bestScore = score;
      }
      if (seat >= occ.freeFrom && !missed) break;
    }
    return best < 0 ? null : [best];
  }

  if (slackScratch.length < capacity) {
    slackScratch = new Int32Array(capacity);
    missScratch = new Uint8Array(capacity);
  }
  const slack = slackScratch;
  const miss = missScratch;
  let freeTotal = 0;
  for (let seat = 0; seat < capacity; seat++) {
    const s = slackOf(occ, seat, fromLeg, toLeg, masks);
    slack[seat] = s;
    miss[seat] = s >= 0 && wanted !== 0 && position[seat] !== wanted ? 1 : 0;
    if (s >= 0) freeTotal++;
  }
  if (freeTotal < count) return null;

  const bestStart = sideBySide(cls.coaches, slack, miss, rowStart, count);
  if (bestStart >= 0) return Array.from({ length: count }, (_, i) => bestStart + i);
  return apart(cls.coaches, slack, miss, count);
};

/**
 * Side by side: the first seat of `count` consecutive seats of one coach, all free; fewest
 * rows, then tightest, then fewest preference misses; -1 when no coach has such a run. One
 * pass per coach with a window sliding over runs of free seats.
 */
function sideBySide(
  coaches: readonly CoachSpan[],
  slack: Int32Array,
  miss: Uint8Array,
  rowStart: Uint8Array,
  count: number,
): number {
  let bestStart = -1;
  let bestScore = Infinity;
  for (const span of coaches) {
    const end = span.start + span.size;
    let run = 0;
    let sumSlack = 0;
    let sumMiss = 0;
    let rowStarts = 0; // seats in the window, after its first, that begin a row
    for (let seat = span.start; seat < end; seat++) {
      const s = slack[seat]!;
      if (s < 0) {
        run = sumSlack = sumMiss = rowStarts = 0;
        continue;
      }
      run++;
      sumSlack += s;
      sumMiss += miss[seat]!;
      if (run > 1) rowStarts += rowStart[seat]!;
      if (run > count) {
        const out = seat - count;
        sumSlack -= slack[out]!;
        sumMiss -= miss[out]!;
        rowStarts -= rowStart[out + 1]!;
      }
      if (run < count) continue;
      const score = (1 + rowStarts) * FIRST * 100 + sumSlack * SLACK + sumMiss;
      if (score < bestScore) {
        bestStart = seat - count + 1;
        bestScore = score;
      }
    }
  }
  return bestStart;
}

/**
 * A group no coach seats side by side: together in one coach, as close as its free seats
 * allow (smallest spread, then tightest, then fewest preference misses), else split over
 * the coaches with most free seats, each part as close as it can sit.
 */
function apart(coaches: readonly CoachSpan[], slack: Int32Array, miss: Uint8Array, count: number): number[] {
  const freeInCoach = coaches.map((span) => {
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
  let bestScore = Infinity;
  freeInCoach.forEach((free, coachOrder) => {
    const found = free.length >= count ? closest(free, count) : null;
    if (found && found.score < bestScore) {
      bestCoach = coachOrder;
      bestAt = found.at;
      bestScore = found.score;
    }
  });
  if (bestCoach >= 0) return freeInCoach[bestCoach]!.slice(bestAt, bestAt + count);

  const roomiest = freeInCoach.map((free, order) => ({ free, order })).sort((a, b) => b.free.length - a.free.length);
  const chosen: number[] = [];
  for (const { free } of roomiest) {
    const part = Math.min(free.length, count - chosen.length);
    if (part === 0) break;
    const found = closest(free, part);
    if (found) chosen.push(...free.slice(found.at, found.at + part));
  }
  return chosen;
}

/** The first free seats in layout order: the baseline the bench compares best fit with. */
export const firstFitAllocator: SeatAllocator = ({ seats: cls, occupancy }, { fromLeg, toLeg, count }) => {
  if (count <= 0) return [];
  const chosen: number[] = [];
  for (let seat = 0; seat < cls.capacity && chosen.length < count; seat++)
    if (!isTakenOn(occupancy, seat, fromLeg, toLeg)) chosen.push(seat);
  return chosen.length === count ? chosen : null;
};
