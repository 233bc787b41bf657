import { countTaken, isTaken, legMask, type SeatBitmap } from './bitmap.js';
import type { ClassAvailability, SeatMapEntry } from './engine.js';
import { seatsOf } from './hold-plan.js';
import type { RunLayout, SeatClass } from './layout.js';

/** What availability and seat maps show, computed from a class's leg bitmaps by either engine. */

/** Seats left, capacity and load factor of one class on legs `fromStop`..`toStop-1`. */
export function classAvailability(
  seatClass: SeatClass,
  { capacity, legs }: { capacity: number; legs: readonly SeatBitmap[] },
  fromStop: number,
  toStop: number,
): ClassAvailability {
  const taken = countTaken(legMask(legs, fromStop, toStop, capacity));
  let takenSeatLegs = 0;
  for (let leg = fromStop; leg < toStop; leg++) takenSeatLegs += countTaken(legs[leg]!);
  const offeredSeatLegs = capacity * (toStop - fromStop);
  const loadFactor = offeredSeatLegs === 0 ? 0 : takenSeatLegs / offeredSeatLegs;
  return { seatClass, seatsLeft: capacity - taken, capacity, loadFactor };
}

/** Every seat of the layout, free or taken on the journey's legs. */
export function seatMapOf(
  layout: RunLayout,
  legsOf: (seatClass: SeatClass) => readonly SeatBitmap[],
  fromStop: number,
  toStop: number,
): SeatMapEntry[] {
  const freeBySeat = new Map<string, boolean>();
  for (const cls of seatsOf(layout)) {
    const mask = legMask(legsOf(cls.seatClass), fromStop, toStop, cls.capacity);
    for (const seat of cls.seats) freeBySeat.set(seat.seatId, !isTaken(mask, seat.index));
  }
  return layout.coaches.flatMap((coach) =>
    coach.seats.map((seat): SeatMapEntry => {
      const seatId = `${coach.number}-${seat.label}`;
      return {
        coach: coach.number,
        seatClass: coach.seatClass,
        label: seat.label,
        position: seat.position,
        seatId,
        free: freeBySeat.get(seatId) ?? false,
      };
    }),
  );
}
