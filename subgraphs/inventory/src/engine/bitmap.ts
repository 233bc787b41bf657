/**
 * A class's seat occupancy, seat by seat: seat `s` owns `wordsPerSeat` 32-bit words from
 * `s * wordsPerSeat`, and leg `L` is bit `31 - L % 32` of its word `L >> 5` (the first leg
 * in the high bit). A bit is set when the seat is taken on that leg.
 *
 * Seat-major, because every question a hold asks is about one seat across legs: is it free
 * on every leg of the journey (one AND), how far its free span reaches before and after the
 * journey (one count of leading or trailing zeros). The first leg sits in the high bit
 * because Redis numbers a string's bits from the high end of each byte: the Redis engine
 * stores these words big-endian, one string per class, and reads them back word for word.
 */
export interface SeatLegs {
  capacity: number;
  legCount: number;
  wordsPerSeat: number;
  words: Uint32Array;
  /**
   * Seats from this one on are free on every leg (seats before it may be too): a seat
   * taken raises it, and nothing lowers it but reading the class afresh.
   */
  freeFrom: number;
}

export const wordsPerSeatOf = (legCount: number) => Math.max(1, Math.ceil(legCount / 32));

export function emptySeatLegs(capacity: number, legCount: number): SeatLegs {
  const wordsPerSeat = wordsPerSeatOf(legCount);
  return { capacity, legCount, wordsPerSeat, words: new Uint32Array(capacity * wordsPerSeat), freeFrom: 0 };
}

/** Bits of legs `fromLeg`..`toLeg-1` that fall in word `w` of a seat. */
export function legBits(fromLeg: number, toLeg: number, w: number): number {
  const lo = Math.max(fromLeg, w * 32) - w * 32;
  const hi = Math.min(toLeg, w * 32 + 32) - w * 32;
  if (hi <= lo) return 0;
  // Bits 31-lo down to 32-hi: all ones shifted right by lo, minus those below 32-hi.
  const upTo = hi >= 32 ? 0 : 0xffffffff >>> hi;
  return ((0xffffffff >>> lo) & ~upTo) >>> 0;
}

/** Whether `seat` is taken on any leg `fromLeg`..`toLeg-1`. */
export function isTakenOn(occ: SeatLegs, seat: number, fromLeg: number, toLeg: number): boolean {
  const base = seat * occ.wordsPerSeat;
  for (let w = fromLeg >> 5; w <= (toLeg - 1) >> 5; w++) {
    if (((occ.words[base + w] ?? 0) & legBits(fromLeg, toLeg, w)) !== 0) return true;
  }
  return false;
}

export function isTakenOnLeg(occ: SeatLegs, seat: number, leg: number): boolean {
  return (((occ.words[seat * occ.wordsPerSeat + (leg >> 5)] ?? 0) >>> (31 - (leg & 31))) & 1) === 1;
}

/** Marks `seat` taken (or free) on legs `fromLeg`..`toLeg-1`. */
export function setSeat(occ: SeatLegs, seat: number, fromLeg: number, toLeg: number, taken: boolean): void {
  const base = seat * occ.wordsPerSeat;
  for (let w = fromLeg >> 5; w <= (toLeg - 1) >> 5; w++) {
    const bits = legBits(fromLeg, toLeg, w);
    const word = occ.words[base + w] ?? 0;
    occ.words[base + w] = taken ? word | bits : word & ~bits;
  }
  if (taken && seat >= occ.freeFrom) occ.freeFrom = seat + 1;
}

const popCount = (word: number): number => {
  let w = word - ((word >>> 1) & 0x55555555);
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** Seats free on every leg `fromLeg`..`toLeg-1`. */
export function countFree(occ: SeatLegs, fromLeg: number, toLeg: number): number {
  return journeyCounts(occ, fromLeg, toLeg).free;
}

/** Seats free on every leg of a journey, and seat-legs taken on it: one pass over the seats. */
export function journeyCounts(occ: SeatLegs, fromLeg: number, toLeg: number): { free: number; takenSeatLegs: number } {
  let free = 0;
  let taken = 0;
  if (occ.wordsPerSeat === 1) {
    const bits = legBits(fromLeg, toLeg, 0);
    const { words, capacity } = occ;
    for (let seat = 0; seat < capacity; seat++) {
      const word = words[seat]! & bits;
      if (word === 0) free++;
      else taken += popCount(word);
    }
    return { free, takenSeatLegs: taken };
  }
  for (let seat = 0; seat < occ.capacity; seat++) if (!isTakenOn(occ, seat, fromLeg, toLeg)) free++;
  return { free, takenSeatLegs: takenSeatLegs(occ, fromLeg, toLeg) };
}

/** Seat-legs taken on legs `fromLeg`..`toLeg-1`, over all seats. */
export function takenSeatLegs(occ: SeatLegs, fromLeg: number, toLeg: number): number {
  let taken = 0;
  for (let w = fromLeg >> 5; w <= (toLeg - 1) >> 5; w++) {
    const bits = legBits(fromLeg, toLeg, w);
    for (let seat = 0; seat < occ.capacity; seat++)
      taken += popCount((occ.words[seat * occ.wordsPerSeat + w] ?? 0) & bits);
  }
  return taken;
}

/** The seats taken on one leg, in seat order. */
export function takenOnLeg(occ: SeatLegs, leg: number): number[] {
  const seats: number[] = [];
  for (let seat = 0; seat < occ.capacity; seat++) if (isTakenOnLeg(occ, seat, leg)) seats.push(seat);
  return seats;
}

/** Legs `seat` is free for straight before `fromLeg` and straight after `toLeg - 1`. */
export function slackAround(occ: SeatLegs, seat: number, fromLeg: number, toLeg: number): number {
  let slack = 0;
  for (let leg = fromLeg - 1; leg >= 0 && !isTakenOnLeg(occ, seat, leg); leg--) slack++;
  for (let leg = toLeg; leg < occ.legCount && !isTakenOnLeg(occ, seat, leg); leg++) slack++;
  return slack;
}

/** Reads a class string from Redis (which leaves out trailing zero bytes never written). */
export function decodeSeatLegs(raw: Buffer, capacity: number, legCount: number): SeatLegs {
  const occ = emptySeatLegs(capacity, legCount);
  const whole = Math.min(occ.words.length, raw.length >>> 2);
  for (let i = 0; i < whole; i++) occ.words[i] = raw.readUInt32BE(i * 4);
  if (whole < occ.words.length && raw.length % 4 !== 0) {
    const tail = Buffer.alloc(4);
    raw.copy(tail, 0, whole * 4);
    occ.words[whole] = tail.readUInt32BE(0);
  }
  let last = occ.words.length - 1;
  while (last >= 0 && occ.words[last] === 0) last--;
  occ.freeFrom = last < 0 ? 0 : Math.floor(last / occ.wordsPerSeat) + 1;
  return occ;
}
