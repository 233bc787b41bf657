import { z } from '@railgraph/service-kit';

/**
 * Coach layouts. A consist is stored as a compact spec (per coach: class, rows and the
 * seats of one row) and expanded here into numbered coaches with labelled seats.
 */

export type SeatClass = 'FIRST' | 'STANDARD';
export type SeatPosition = 'WINDOW' | 'AISLE' | 'MIDDLE';

/** One seat of every row: its letter and where it sits. */
export interface RowSeatSpec {
  letter: string;
  position: SeatPosition;
}

export interface CoachSpec {
  seatClass: SeatClass;
  rows: number;
  seatsPerRow: RowSeatSpec[];
}

/** A consist as stored: its id and coach specs in train order. */
export interface ConsistSpec {
  id: string;
  coaches: CoachSpec[];
}

export interface SeatLayout {
  /** `<row><letter>`, e.g. `12A`. */
  label: string;
  position: SeatPosition;
}

export interface CoachLayout {
  /** From 1, in train order. */
  number: number;
  seatClass: SeatClass;
  seatCount: number;
  seats: SeatLayout[];
}

export interface ConsistLayout {
  id: string;
  coaches: CoachLayout[];
}

export const coachSpecsSchema = z
  .array(
    z.object({
      seatClass: z.enum(['FIRST', 'STANDARD']),
      rows: z.number().int().min(1).max(99),
      seatsPerRow: z
        .array(z.object({ letter: z.string().regex(/^[A-Z]$/), position: z.enum(['WINDOW', 'AISLE', 'MIDDLE']) }))
        .min(1),
    }),
  )
  .min(1);

/** Seats row by row, front to back; within a row in the spec's order. */
export function expandCoach(number: number, spec: CoachSpec): CoachLayout {
  const seats: SeatLayout[] = [];
  for (let row = 1; row <= spec.rows; row += 1) {
    for (const seat of spec.seatsPerRow) seats.push({ label: `${row}${seat.letter}`, position: seat.position });
  }
  return { number, seatClass: spec.seatClass, seatCount: seats.length, seats };
}

export function expandConsist(spec: ConsistSpec): ConsistLayout {
  return { id: spec.id, coaches: spec.coaches.map((coach, i) => expandCoach(i + 1, coach)) };
}

const W = 'WINDOW' as const;
const A = 'AISLE' as const;
const M = 'MIDDLE' as const;
const twoPlusOne: RowSeatSpec[] = [
  { letter: 'A', position: W },
  { letter: 'C', position: A },
  { letter: 'D', position: W },
];
const twoPlusTwo: RowSeatSpec[] = [
  { letter: 'A', position: W },
  { letter: 'B', position: A },
  { letter: 'C', position: A },
  { letter: 'D', position: W },
];
const threePlusTwo: RowSeatSpec[] = [
  { letter: 'A', position: W },
  { letter: 'B', position: M },
  { letter: 'C', position: A },
  { letter: 'D', position: A },
  { letter: 'F', position: W },
];

/**
 * Coach types by consist family. A consist id `<family>-<n>F<m>S` means n first-class
 * coaches (numbered first) then m standard coaches of that family. These entries are
 * part of what an id means: never edit one, add a new family instead.
 */
const families: Record<string, { first: CoachSpec; standard: CoachSpec }> = {
  /** Intercity: first 12 rows 2+1, standard 16 rows 2+2. */
  IC: {
    first: { seatClass: 'FIRST', rows: 12, seatsPerRow: twoPlusOne },
    standard: { seatClass: 'STANDARD', rows: 16, seatsPerRow: twoPlusTwo },
  },
  /** High speed: first 11 rows 2+1, standard 18 rows 2+2. */
  HS: {
    first: { seatClass: 'FIRST', rows: 11, seatsPerRow: twoPlusOne },
    standard: { seatClass: 'STANDARD', rows: 18, seatsPerRow: twoPlusTwo },
  },
  /** Regional: first 8 rows 2+2, standard 20 rows 3+2. */
  RE: {
    first: { seatClass: 'FIRST', rows: 8, seatsPerRow: twoPlusTwo },
    standard: { seatClass: 'STANDARD', rows: 20, seatsPerRow: threePlusTwo },
  },
};

const consistIdPattern = /^([A-Z]{2})-(\d)F(\d{1,2})S$/;

/** The coach specs a consist id describes, or null when it is not `<family>-<n>F<m>S` of a known family. */
export function consistSpecFromId(id: string): ConsistSpec | null {
  const match = consistIdPattern.exec(id);
  const family = match ? families[match[1] ?? ''] : undefined;
  if (!match || !family) return null;
  const firstCoaches = Number(match[2]);
  const standardCoaches = Number(match[3]);
  if (firstCoaches + standardCoaches === 0) return null;
  return {
    id,
    coaches: [
      ...Array.from({ length: firstCoaches }, () => family.first),
      ...Array.from({ length: standardCoaches }, () => family.standard),
    ],
  };
}

/** Seats of a layout per class, e.g. for capacity checks. */
export function seatsPerClass(layout: ConsistLayout): Record<SeatClass, number> {
  const totals: Record<SeatClass, number> = { FIRST: 0, STANDARD: 0 };
  for (const coach of layout.coaches) totals[coach.seatClass] += coach.seatCount;
  return totals;
}
