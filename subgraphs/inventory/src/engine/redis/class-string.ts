import { decodeSeatLegs, wordsPerSeatOf, type SeatLegs } from '../bitmap.js';

/**
 * A class's `seats` string in Redis, as this process reads it (the Lua scripts write it; its
 * layout is described in ../redis-scripts.ts): a 128-bit header (generation, legs, version,
 * capacity), then seat after seat, `stride` bits each.
 */

/** Bits before the first seat of a class string (the header). */
export const HEADER_BITS = 128;

/** Bits per seat in a class's Redis string: the run's legs rounded up to whole 32-bit words. */
export const strideOf = (legCount: number) => wordsPerSeatOf(legCount) * 32;

/** A class string as read: the run's generation and legs, the class's version and its seats. */
export interface ClassString {
  gen: string;
  legCount: number;
  version: number;
  occupancy: SeatLegs;
}

/** A class string's header and seats: this process's copy of the class. */
export function decodeClassString(raw: Buffer): ClassString {
  const header = HEADER_BITS / 8;
  if (raw.length < header) throw new Error('a class string in Redis is shorter than its header');
  const legCount = raw.readUInt16BE(6);
  return {
    gen: String(raw.readUIntBE(0, 6)),
    legCount,
    version: raw.readUInt32BE(8),
    occupancy: decodeSeatLegs(raw.subarray(header), raw.readUInt32BE(12), legCount),
  };
}
