import type { PassengerInput, PassengerType, SeatClass } from '../../__generated__/graphql';
import { AGE_RANGE } from '../../party';
import { emptyCounts, type PassengerCounts, type TripChoice, type TripSearch } from '../../trip';

/**
 * What changing a booking to another train searches for and exchanges: the booking's travelling
 * passengers (as `exchangeQuote` and `exchangeBooking` want them), the search for later trains
 * between the same stations, and the step of the change the URL is at.
 */

/** A ticket as the change reads it: which leg, whether it is still valid, whose fare category. */
export interface TicketPlace {
  leg: number;
  status: string;
  passenger: PassengerType;
}

/**
 * The booking's passengers with an active ticket, in booking order. Tickets come in travel
 * order, each leg's passengers in the order booked, so the n-th ticket of every leg is the n-th
 * passenger; a passenger travels while any of their tickets is active.
 */
export function travellingPassengers(tickets: readonly TicketPlace[]): PassengerType[] {
  const legs = new Map<number, TicketPlace[]>();
  for (const ticket of tickets) legs.set(ticket.leg, [...(legs.get(ticket.leg) ?? []), ticket]);
  const places = Math.max(0, ...[...legs.values()].map((leg) => leg.length));
  const travelling: PassengerType[] = [];
  for (let place = 0; place < places; place++) {
    const theirs = [...legs.values()].map((leg) => leg[place]).filter((t): t is TicketPlace => t !== undefined);
    const active = theirs.find((t) => t.status === 'ACTIVE');
    if (active) travelling.push(active.passenger);
  }
  return travelling;
}

/**
 * The passengers as quoted and exchanged: each category, and for the n-th child the n-th age
 * given (ages are not kept on tickets; a child under 4 travels free only when the age is given).
 */
export function exchangePassengers(
  types: readonly PassengerType[],
  ages: readonly (number | null)[],
): PassengerInput[] {
  let child = 0;
  return types.map((type) => {
    if (type !== 'CHILD') return { type };
    const age = ages[child++];
    return typeof age === 'number' ? { type, age } : { type };
  });
}

export function countsOf(types: readonly PassengerType[]): PassengerCounts {
  const counts = emptyCounts();
  for (const type of types) counts[type] += 1;
  return counts;
}

/** Why a child's age cannot be used, or null when it can (blank: no age given). */
export function ageProblem(value: string): string | null {
  const range = AGE_RANGE.CHILD;
  if (value.trim() === '' || !range) return null;
  const age = Number(value);
  return Number.isInteger(age) && age >= range.min && age <= range.max
    ? null
    : `A child is ${range.min} to ${range.max} years old.`;
}

/** The day (`YYYY-MM-DD`) an instant falls on at a station, as searches take it. */
export function localDate(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone })
    .formatToParts(new Date(instant))
    .reduce<Record<string, string>>((all, part) => ({ ...all, [part.type]: part.value }), {});
  return `${parts['year']}-${parts['month']}-${parts['day']}`;
}

/** The booked trip as the change needs it: its stations, when it leaves, and the rebooking window of a cancelled train. */
export interface BookedTrip {
  from: { code: string; timeZone: string };
  to: { code: string };
  departure: string;
  /** A run of the booking was cancelled: trains leaving from then on are free to change to. */
  rebookAfter?: string | null;
}

/**
 * The trains the booking can change to: the same stations, from just after the booked train (or,
 * when its train was cancelled, from `rebookAfter`), on the day that starts at, unless the
 * traveller paged on (`after`).
 */
export function changeSearch(
  trip: BookedTrip,
  types: readonly PassengerType[],
  after?: string,
): TripSearch & { after: string } {
  const from = after ?? trip.rebookAfter ?? new Date(Date.parse(trip.departure) + 60_000).toISOString();
  return {
    from: trip.from.code,
    to: trip.to.code,
    date: localDate(from, trip.from.timeZone),
    passengers: countsOf(types),
    after: from,
  };
}

/** Where the change is: its search paged on, children's ages, and the train and class chosen. */
export interface ChangeStep {
  after?: string;
  ages: Array<number | null>;
  choice?: Pick<TripChoice, 'runId' | 'fromStop' | 'toStop' | 'seatClass' | 'tripId' | 'departure'>;
}

/** The change's page for a booking, at a step. */
export function changeHref(bookingId: string, step: ChangeStep): string {
  const params = new URLSearchParams();
  if (step.after) params.set('after', step.after);
  if (step.ages.length > 0) params.set('ages', step.ages.map((age) => (age === null ? '' : String(age))).join(','));
  const { choice } = step;
  if (choice) {
    params.set('run', choice.runId);
    params.set('board', String(choice.fromStop));
    params.set('alight', String(choice.toStop));
    params.set('class', choice.seatClass);
    if (choice.departure) params.set('departs', choice.departure);
    if (choice.tripId) params.set('trip', choice.tripId);
  }
  const query = params.toString();
  return `/bookings/${encodeURIComponent(bookingId)}/change${query ? `?${query}` : ''}`;
}

const isInstant = (value: string | null): value is string => value !== null && !Number.isNaN(Date.parse(value));

/** The step in the URL; a malformed part is left out (the search starts over rather than failing). */
export function readChangeStep(params: URLSearchParams): ChangeStep {
  const after = params.get('after');
  const ages = (params.get('ages') ?? '')
    .split(',')
    .filter((_, i, all) => all.length > 1 || all[0] !== '')
    .map((value) => (value !== '' && ageProblem(value) === null ? Number(value) : null));
  const runId = params.get('run');
  const fromStop = Number(params.get('board'));
  const toStop = Number(params.get('alight'));
  const seatClass = params.get('class');
  const tripId = params.get('trip');
  const departure = params.get('departs');
  const valid =
    runId &&
    Number.isInteger(fromStop) &&
    Number.isInteger(toStop) &&
    fromStop >= 0 &&
    fromStop < toStop &&
    (seatClass === 'STANDARD' || seatClass === 'FIRST');
  return {
    ...(isInstant(after) ? { after } : {}),
    ages,
    ...(valid
      ? {
          choice: {
            runId,
            fromStop,
            toStop,
            seatClass: seatClass as SeatClass,
            ...(tripId ? { tripId } : {}),
            ...(isInstant(departure) ? { departure } : {}),
          },
        }
      : {}),
  };
}
