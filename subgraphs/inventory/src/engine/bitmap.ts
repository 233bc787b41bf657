/**
 * Seat bitmaps: bit i of a leg's map is set when seat i of the class is taken on that
 * leg. Maps are Uint32Array words, seat i in word i>>>5, bit i&31.
 */
export type SeatBitmap = Uint32Array;

export const emptyBitmap = (capacity: number): SeatBitmap => new Uint32Array(Math.ceil(capacity / 32));

export const isTaken = (map: SeatBitmap, seat: number): boolean => ((map[seat >>> 5] ?? 0) & (1 << (seat & 31))) !== 0;

export function takeSeat(map: SeatBitmap, seat: number): void {
  map[seat >>> 5] = (map[seat >>> 5] ?? 0) | (1 << (seat & 31));
}

export function freeSeat(map: SeatBitmap, seat: number): void {
  map[seat >>> 5] = (map[seat >>> 5] ?? 0) & ~(1 << (seat & 31));
}

/** The seats taken on any of the legs `fromLeg`..`toLeg-1`: the OR of their maps. */
export function legMask(legs: readonly SeatBitmap[], fromLeg: number, toLeg: number, capacity: number): SeatBitmap {
  const mask = emptyBitmap(capacity);
  for (let leg = fromLeg; leg < toLeg; leg++) {
    const map = legs[leg];
    if (!map) throw new Error(`no bitmap for leg ${leg}`);
    for (let w = 0; w < mask.length; w++) mask[w] = (mask[w] ?? 0) | (map[w] ?? 0);
  }
  return mask;
}

export function countTaken(map: SeatBitmap): number {
  let count = 0;
  for (const word of map) {
    let w = word;
    while (w !== 0) {
      w &= w - 1;
      count++;
    }
  }
  return count;
}

/** Free flags for seats 0..capacity-1 of a mask. */
export function freeFlags(mask: SeatBitmap, capacity: number): boolean[] {
  return Array.from({ length: capacity }, (_, seat) => !isTaken(mask, seat));
}

export function takenSeats(map: SeatBitmap, capacity: number): number[] {
  const seats: number[] = [];
  for (let seat = 0; seat < capacity; seat++) if (isTaken(map, seat)) seats.push(seat);
  return seats;
}
