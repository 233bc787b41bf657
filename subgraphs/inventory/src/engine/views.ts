import { isTakenOn, journeyCounts, type SeatLegs } from './bitmap.js';
import type { ClassAvailability, SeatMapEntry } from './engine.js';
import { seatsOf } from './hold-plan.js';
import type { RunLayout, SeatClass } from './layout.js';

/** What availability and seat maps show, computed from a class's occupancy by either engine. */

/** Seats left, capacity and load factor of one class on legs `fromStop`..`toStop-1`. */
export function classAvailability(
  seatClass: SeatClass,
  occupancy: SeatLegs,
  fromStop: number,
  toStop: number,
): ClassAvailability {
  const { capacity } = occupancy;
  const { free, takenSeatLegs } = journeyCounts(occupancy, fromStop, toStop);
  const offeredSeatLegs = capacity * (toStop - fromStop);
  const loadFactor = offeredSeatLegs === 0 ? 0 : takenSeatLegs / offeredSeatLegs;
  return { seatClass, seatsLeft: free, capacity, loadFactor };
}

/** Every seat of the layout, free or taken on the journey's legs. */
export function seatMapOf(
  layout: RunLayout,
  occupancyOf: (seatClass: SeatClass) => SeatLegs,
  fromStop: number,
  toStop: number,
): SeatMapEntry[] {
  const freeBySeat = new Map<string, boolean>();
  for (const cls of seatsOf(layout)) {
    const occupancy = occupancyOf(cls.seatClass);
    for (const seat of cls.seats) freeBySeat.set(seat.seatId, !isTakenOn(occupancy, seat.index, fromStop, toStop));
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
