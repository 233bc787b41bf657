import { describe, expect, it } from 'vitest';
import { allocateSeats } from '../src/engine/allocate.js';

const coaches = [
  { coach: 1, start: 0, size: 4 },
  { coach: 2, start: 4, size: 4 },
];
const freeExcept = (...taken: number[]) => Array.from({ length: 8 }, (_, i) => !taken.includes(i));

describe('allocateSeats', () => {
  it('prefers adjacent seats within the first coach with room', () => {
    expect(allocateSeats(freeExcept(1), coaches, 2)).toEqual([2, 3]);
  });

  it('takes any free seats of one coach when none are adjacent', () => {
    expect(allocateSeats(freeExcept(1, 3, 4, 5, 6), coaches, 2)).toEqual([0, 2]);
  });

  it('moves a group to a coach that seats it whole rather than splitting it', () => {
    expect(allocateSeats(freeExcept(0, 1), coaches, 3)).toEqual([4, 5, 6]);
  });

  it('splits over the emptiest coaches when no coach has room', () => {
    expect(allocateSeats(freeExcept(0, 1, 4), coaches, 5)).toEqual([5, 6, 7, 2, 3]);
  });

  it('returns null when fewer seats are free than wanted', () => {
    expect(allocateSeats(freeExcept(0, 1, 2, 3, 4, 5), coaches, 3)).toBeNull();
  });
});
