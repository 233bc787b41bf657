import { badInput } from '@railgraph/service-kit';

/** Seat layouts as `trains` publishes them, and their per-class seat indexing. */
export type SeatClass = 'STANDARD' | 'FIRST';
export type SeatPosition = 'WINDOW' | 'AISLE' | 'MIDDLE';
export const SEAT_CLASSES: readonly SeatClass[] = ['STANDARD', 'FIRST'];

export interface SeatLayout {
  label: string;
  position: SeatPosition;
}

export interface CoachCapacity {
  number: number;
  seatClass: SeatClass;
  seatCount: number;
}

export interface CoachLayout extends CoachCapacity {
  seats: readonly SeatLayout[];
}

/** What availability needs: how many seats each coach has. */
export interface RunCapacity {
  runId: string;
  legCount: number;
  consistId: string;
  coaches: readonly CoachCapacity[];
}

/** What seat maps and holds need: every seat by label. */
export interface RunLayout extends RunCapacity {
  coaches: readonly CoachLayout[];
}

/** Whether a layout names its seats (seat maps, holds) or only counts them (availability). */
export const hasSeatLabels = (layout: RunCapacity): layout is RunLayout =>
  layout.coaches.every((coach) => Array.isArray((coach as Partial<CoachLayout>).seats));

/** A coach's seats as a range of its class's seat indexes. */
export interface CoachSpan {
  coach: number;
  start: number;
  size: number;
}

/**
 * A class's seats are numbered 0..capacity-1 in coach order, then seat order: the same
 * numbering whether the layout names the seats or only counts them.
 */
export interface ClassCapacity {
  seatClass: SeatClass;
  capacity: number;
  coaches: CoachSpan[];
}

export interface IndexedSeat extends SeatLayout {
  coach: number;
  seatClass: SeatClass;
  /** Index within the class. */
  index: number;
  /** `<coach>-<label>`, as seat requests name it. */
  seatId: string;
  /** Row within the coach (the label's leading number), so a group can sit side by side. */
  row: number;
}

export interface ClassSeats extends ClassCapacity {
  seats: IndexedSeat[];
  byId: Map<string, IndexedSeat>;
}

export const seatIdOf = (coach: number, label: string) => `${coach}-${label}`;

/** `12A` is in row 12; a label without a leading number is a row of its own. */
function rowOf(label: string, index: number): number {
  const digits = /^\d+/.exec(label);
  return digits ? Number(digits[0]) : -1 - index;
}

export function classCapacities(layout: RunCapacity): ClassCapacity[] {
  return SEAT_CLASSES.map((seatClass) => {
    const coaches: CoachSpan[] = [];
    let capacity = 0;
    for (const coach of layout.coaches) {
      if (coach.seatClass !== seatClass) continue;
      coaches.push({ coach: coach.number, start: capacity, size: coach.seatCount });
      capacity += coach.seatCount;
    }
    return { seatClass, capacity, coaches };
  });
}

const capacitiesByCoaches = new WeakMap<readonly CoachCapacity[], ClassCapacity[]>();

/** `classCapacities`, kept with the layout's coach list (layouts of one consist share it). */
export function capacitiesOf(layout: RunCapacity): ClassCapacity[] {
  let capacities = capacitiesByCoaches.get(layout.coaches);
  if (!capacities) {
    capacities = classCapacities(layout);
    capacitiesByCoaches.set(layout.coaches, capacities);
  }
  return capacities;
}

export function classSeats(layout: RunLayout): ClassSeats[] {
  return classCapacities(layout).map((capacity) => {
    const seats: IndexedSeat[] = [];
    for (const coach of layout.coaches) {
      if (coach.seatClass !== capacity.seatClass) continue;
      if (coach.seats.length !== coach.seatCount) {
        throw new Error(
          `layout ${layout.consistId} coach ${coach.number} lists ${coach.seats.length} seats, counts ${coach.seatCount}`,
        );
      }
      for (const seat of coach.seats) {
        seats.push({
          ...seat,
          coach: coach.number,
          seatClass: coach.seatClass,
          index: seats.length,
          seatId: seatIdOf(coach.number, seat.label),
          row: rowOf(seat.label, seats.length),
        });
      }
    }
    return { ...capacity, seats, byId: new Map(seats.map((s) => [s.seatId, s])) };
  });
}

/** Legs `fromStop`..`toStop-1`; rejects stops outside the run. */
export function assertStops(layout: Pick<RunCapacity, 'runId' | 'legCount'>, fromStop: number, toStop: number): void {
  const valid =
    Number.isInteger(fromStop) &&
    Number.isInteger(toStop) &&
    fromStop >= 0 &&
    fromStop < toStop &&
    toStop <= layout.legCount;
  if (!valid) {
    throw badInput(
      `Stops must satisfy 0 <= fromStop < toStop <= ${layout.legCount} on run ${layout.runId}; got ${fromStop} -> ${toStop}`,
      {
        runId: layout.runId,
        fromStop,
        toStop,
      },
    );
  }
}
