import { useRef, useState, type KeyboardEvent } from 'react';
import { graphql } from '../__generated__/gql';
import type { SeatMapCoachFragment as SeatMapCoachData, SeatPosition } from '../__generated__/graphql';
import { CLASS_NAMES } from '../format';

/** What the seat map shows of each coach. */
export const SeatMapCoachFragment = graphql(`
  fragment SeatMapCoach on SeatMapCoach {
    number
    seatClass
    seats {
      seatId
      label
      position
      free
    }
  }
`);

/** A coach as the map takes it: the fragment's fields, unmasked (or built by hand). */
export type SeatMapCoach = SeatMapCoachData;
export type SeatMapSeat = SeatMapCoach['seats'][number];

interface SeatMapProps {
  coaches: readonly SeatMapCoach[];
  /** How many seats to pick: one per passenger. */
  required: number;
  selected: string[];
  onChange: (seatIds: string[]) => void;
}

const POSITION_NAMES: Record<SeatPosition, string> = { WINDOW: 'window', AISLE: 'aisle', MIDDLE: 'middle' };
const POSITION_MARKS: Record<SeatPosition, string> = { WINDOW: 'W', AISLE: 'A', MIDDLE: '' };

interface PlacedSeat extends SeatMapSeat {
  row: number;
  rowIndex: number;
  column: number;
}

/** Seats laid out by row (the label's number) and column (its letter), aisle in the middle. */
export function layoutCoach(seats: SeatMapSeat[]): {
  rows: number[];
  columns: string[];
  placed: PlacedSeat[];
  /** The aisle runs after this column. */
  aisleAfter: number;
} {
  const parsed = seats.map((seat) => {
    const match = /^(\d+)([A-Za-z]*)$/.exec(seat.label);
    return { seat, row: Number(match?.[1] ?? 0), letter: match?.[2] ?? '' };
  });
  const columns = [...new Set(parsed.map((p) => p.letter))].sort();
  const rows = [...new Set(parsed.map((p) => p.row))].sort((a, b) => a - b);
  const placed = parsed.map(({ seat, row, letter }) => ({
    ...seat,
    row,
    rowIndex: rows.indexOf(row),
    column: columns.indexOf(letter),
  }));
  return { rows, columns, placed, aisleAfter: aisleColumn(columns, placed) };
}

/** Between two aisle-seat columns (2+2), else before the only aisle-seat column (1+2). */
function aisleColumn(columns: string[], placed: PlacedSeat[]): number {
  const isAisle = columns.map((_, i) => placed.some((s) => s.column === i && s.position === 'AISLE'));
  for (let i = 0; i + 1 < columns.length; i += 1) if (isAisle[i] && isAisle[i + 1]) return i;
  const single = isAisle.indexOf(true);
  if (single > 0) return single - 1;
  return Math.ceil(columns.length / 2) - 1;
}

/**
 * Coaches and their seats. Free seats are toggle buttons; taken seats are marked and cannot
 * be chosen. Arrow keys move between seats of a coach, Space or Enter picks one.
 */
export function SeatMap({ coaches, required, selected, onChange }: SeatMapProps) {
  const root = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState<number | null>(null);
  const firstWithSeat = coaches.find((c) => c.seats.some((s) => selected.includes(s.seatId)));
  const roomiest = [...coaches].sort(
    (a, b) => b.seats.filter((s) => s.free).length - a.seats.filter((s) => s.free).length,
  )[0];
  const firstWithRoom = coaches.find((c) => c.seats.filter((s) => s.free).length >= required);
  const current = coaches.find((c) => c.number === shown) ?? firstWithSeat ?? firstWithRoom ?? roomiest;

  const toggle = (seat: SeatMapSeat) => {
    if (!seat.free) return;
    if (selected.includes(seat.seatId)) onChange(selected.filter((id) => id !== seat.seatId));
    else if (required === 1) onChange([seat.seatId]);
    else if (selected.length < required) onChange([...selected, seat.seatId]);
    else onChange([...selected.slice(1), seat.seatId]);
  };

  const move = (event: KeyboardEvent<HTMLButtonElement>, coach: number, placed: PlacedSeat[], seat: PlacedSeat) => {
    const steps: Record<string, [number, number]> = {
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
    };
    const step = steps[event.key];
    if (!step) return;
    event.preventDefault();
    const rows = [...new Set(placed.map((p) => p.row))].sort((a, b) => a - b);
    let rowIndex = rows.indexOf(seat.row);
    let column = seat.column;
    for (let i = 0; i < placed.length; i += 1) {
      rowIndex += step[0];
      column += step[1];
      const target = placed.find((p) => p.row === rows[rowIndex] && p.column === column);
      if (rowIndex < 0 || rowIndex >= rows.length || column < 0) return;
      if (target) {
        root.current?.querySelector<HTMLButtonElement>(`[data-seat="${coach}-${target.label}"]`)?.focus();
        return;
      }
    }
  };

  return (
    <div className="seat-map" ref={root}>
      <ul className="seat-legend" aria-label="Legend">
        <li>
          <span className="seat-swatch free" aria-hidden="true" /> Free
        </li>
        <li>
          <span className="seat-swatch chosen" aria-hidden="true" /> Your seat
        </li>
        <li>
          <span className="seat-swatch taken" aria-hidden="true" /> Taken
        </li>
        <li>
          <span className="seat-mark" aria-hidden="true">
            W
          </span>{' '}
          Window
        </li>
        <li>
          <span className="seat-mark" aria-hidden="true">
            A
          </span>{' '}
          Aisle
        </li>
      </ul>
      {coaches.length > 1 ? (
        <div className="coach-picker" role="group" aria-label="Coach">
          {coaches.map((coach) => {
            const free = coach.seats.filter((s) => s.free).length;
            const mine = coach.seats.filter((s) => selected.includes(s.seatId)).length;
            return (
              <button
                key={coach.number}
                type="button"
                className="secondary"
                aria-pressed={coach === current}
                onClick={() => setShown(coach.number)}
              >
                Coach {coach.number}
                <span className="coach-free">
                  {free} free{mine > 0 ? ` · ${mine} yours` : ''}
                </span>
              </button>
            );
          })}
        </div>
      ) : null}
      {coaches
        .filter((coach) => coach === current)
        .map((coach) => {
          const { columns, placed, aisleAfter } = layoutCoach(coach.seats);
          const firstFocusable =
            placed.find((s) => selected.includes(s.seatId)) ?? placed.find((s) => s.free) ?? placed[0];
          const free = coach.seats.filter((s) => s.free).length;
          return (
            <section key={coach.number} className="coach" aria-labelledby={`coach-${coach.number}`}>
              <h3 id={`coach-${coach.number}`}>
                Coach {coach.number}{' '}
                <span className="subtitle">
                  {CLASS_NAMES[coach.seatClass]} · {free} free
                </span>
              </h3>
              <div
                className="coach-seats"
                role="group"
                aria-label={`Seats in coach ${coach.number}`}
                style={{
                  gridTemplateColumns: columns.map((_, i) => (i === aisleAfter ? '1fr 0.6fr' : '1fr')).join(' '),
                }}
              >
                {placed.map((seat) => {
                  const chosen = selected.includes(seat.seatId);
                  const name = `${seat.label} ${POSITION_NAMES[seat.position]} seat, coach ${coach.number}${seat.free ? '' : ', taken'}`;
                  const gridColumn = seat.column + 1 + (seat.column > aisleAfter ? 1 : 0);
                  return (
                    <button
                      key={seat.seatId}
                      type="button"
                      data-seat={`${coach.number}-${seat.label}`}
                      className={`seat ${seat.free ? 'free' : 'taken'}${chosen ? ' chosen' : ''}`}
                      style={{ gridColumn, gridRow: seat.rowIndex + 1 }}
                      aria-pressed={seat.free ? chosen : undefined}
                      aria-disabled={seat.free ? undefined : true}
                      title={name}
                      tabIndex={seat === firstFocusable ? 0 : -1}
                      onClick={() => toggle(seat)}
                      onKeyDown={(event) => move(event, coach.number, placed, seat)}
                    >
                      {seat.label}
                      {POSITION_MARKS[seat.position] ? (
                        <span className="seat-mark" aria-hidden="true">
                          {POSITION_MARKS[seat.position]}
                        </span>
                      ) : null}
                      <span className="visually-hidden">{name.slice(seat.label.length)}</span>
                    </button>
                  );
                })}
              </div>
            </section>
          );
        })}
    </div>
  );
}
