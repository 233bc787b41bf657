import type { PassengerType, SeatClass } from './__generated__/graphql';

export const PASSENGER_TYPES: readonly PassengerType[] = ['ADULT', 'CHILD', 'YOUTH', 'SENIOR'];

export const PASSENGER_LABELS: Record<PassengerType, { one: string; many: string; hint: string }> = {
  ADULT: { one: 'adult', many: 'adults', hint: '26–64' },
  YOUTH: { one: 'youth', many: 'youths', hint: '12–25' },
  CHILD: { one: 'child', many: 'children', hint: '4–11' },
  SENIOR: { one: 'senior', many: 'seniors', hint: '65+' },
};

export const MAX_PASSENGERS = 9;

export type PassengerCounts = Record<PassengerType, number>;

/** What a traveller searched for; it lives in the URL so it can be shared and reloaded. */
export interface TripSearch {
  from: string;
  to: string;
  date: string;
  passengers: PassengerCounts;
  /** Show trains departing at or after this instant (the earlier/later pages). */
  after?: string;
}

/** The journey (or trip with changes) and class chosen from the results. */
export interface TripChoice extends TripSearch {
  /**
   * The trip with changes chosen (its `Trip.id`); absent for a direct journey. Its first leg is
   * `runId`/`fromStop`/`toStop`, and it has no seats chosen: they are assigned on every leg.
   */
  tripId?: string;
  runId: string;
  fromStop: number;
  toStop: number;
  seatClass: SeatClass;
  /** Explicit seats `<coach>-<label>`; empty for "any seat". */
  seats: string[];
  /** The journey's departure instant, to find its fresh price again. */
  departure?: string;
}

const PARAM: Record<PassengerType, string> = { ADULT: 'adults', CHILD: 'children', YOUTH: 'youths', SENIOR: 'seniors' };

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

export function emptyCounts(): PassengerCounts {
  return { ADULT: 0, CHILD: 0, YOUTH: 0, SENIOR: 0 };
}

export function totalPassengers(counts: PassengerCounts): number {
  return PASSENGER_TYPES.reduce((sum, type) => sum + counts[type], 0);
}

/** One `PassengerInput` per traveller, in a stable order. */
export function passengerList(counts: PassengerCounts): Array<{ type: PassengerType }> {
  return PASSENGER_TYPES.flatMap((type) => Array.from({ length: counts[type] }, () => ({ type })));
}

export function describePassengers(counts: PassengerCounts): string {
  return PASSENGER_TYPES.filter((type) => counts[type] > 0)
    .map((type) => `${counts[type]} ${counts[type] === 1 ? PASSENGER_LABELS[type].one : PASSENGER_LABELS[type].many}`)
    .join(', ');
}

export function writeSearch(search: TripSearch, params = new URLSearchParams()): URLSearchParams {
  params.set('from', search.from);
  params.set('to', search.to);
  params.set('date', search.date);
  for (const type of PASSENGER_TYPES) {
    if (search.passengers[type] > 0) params.set(PARAM[type], String(search.passengers[type]));
  }
  if (search.after) params.set('after', search.after);
  return params;
}

/** The search in a URL, or null when it is incomplete or malformed. */
export function readSearch(params: URLSearchParams): TripSearch | null {
  const from = params.get('from')?.trim().toUpperCase() ?? '';
  const to = params.get('to')?.trim().toUpperCase() ?? '';
  const date = params.get('date') ?? '';
  if (!from || !to || !isDate(date)) return null;
  const passengers = emptyCounts();
  for (const type of PASSENGER_TYPES) {
    const n = Number.parseInt(params.get(PARAM[type]) ?? '0', 10);
    passengers[type] = Number.isFinite(n) ? Math.min(Math.max(n, 0), MAX_PASSENGERS) : 0;
  }
  if (totalPassengers(passengers) === 0) passengers.ADULT = 1;
  if (totalPassengers(passengers) > MAX_PASSENGERS) return null;
  const after = params.get('after') ?? undefined;
  return { from, to, date, passengers, ...(after && !Number.isNaN(Date.parse(after)) ? { after } : {}) };
}

export function writeChoice(choice: TripChoice): URLSearchParams {
  const params = writeSearch(choice);
  params.set('run', choice.runId);
  params.set('board', String(choice.fromStop));
  params.set('alight', String(choice.toStop));
  params.set('class', choice.seatClass);
  if (choice.seats.length > 0) params.set('seats', choice.seats.join(','));
  if (choice.departure) params.set('departs', choice.departure);
  if (choice.tripId) params.set('trip', choice.tripId);
  return params;
}

export function readChoice(params: URLSearchParams): TripChoice | null {
  const search = readSearch(params);
  const runId = params.get('run');
  const fromStop = Number(params.get('board'));
  const toStop = Number(params.get('alight'));
  const seatClass = params.get('class');
  if (!search || !runId || !Number.isInteger(fromStop) || !Number.isInteger(toStop) || fromStop >= toStop) return null;
  if (seatClass !== 'STANDARD' && seatClass !== 'FIRST') return null;
  const tripId = params.get('trip');
  // Seats are chosen on one train only: a trip with changes has them assigned on every leg.
  const seats = tripId ? [] : (params.get('seats') ?? '').split(',').filter((s) => /^\d+-\w+$/.test(s));
  const departure = params.get('departs');
  return {
    ...search,
    ...(tripId ? { tripId } : {}),
    runId,
    fromStop,
    toStop,
    seatClass,
    seats,
    ...(departure && !Number.isNaN(Date.parse(departure)) ? { departure } : {}),
  };
}

/** The choice is a trip with changes (booked whole, seats assigned), not a direct journey. */
export const hasChanges = (choice: TripChoice): choice is TripChoice & { tripId: string } => Boolean(choice.tripId);

export const searchHref = (search: TripSearch) => `/journeys?${writeSearch(search).toString()}`;
export const seatsHref = (choice: TripChoice) => `/seats?${writeChoice(choice).toString()}`;
export const reviewHref = (choice: TripChoice) => `/review?${writeChoice(choice).toString()}`;
export const passengersHref = (choice: TripChoice) => `/passengers?${writeChoice(choice).toString()}`;
/** Where the booking steps start: the seat map for a journey, the passengers for a trip with changes. */
export const firstStepHref = (choice: TripChoice) => (hasChanges(choice) ? passengersHref(choice) : seatsHref(choice));
