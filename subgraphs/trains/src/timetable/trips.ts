import { journeyOnRun } from './journey.js';
import { addDays, instantOf, type LocalDate } from './local-time.js';
import type { CancelledRunCheck } from './cancelled.js';
import type { Journey, Station, Trip } from './model.js';
import { RangeRaptor, type RaptorNetwork, type Ride } from './raptor.js';
import { buildRun } from './run.js';

const MINUTE_MS = 60_000;
/** Later rides may be on trains of up to this many service dates after the departure date. */
const LATER_DAYS = 2;

export interface TripQuery {
  from: Station;
  to: Station;
  /** Local date at `from` on which the trip departs. */
  date: LocalDate;
  /** Only trips departing at or after this instant. */
  after?: Date | null | undefined;
  first: number;
  /** 0 to 2. */
  maxChanges: number;
  /** Change time at stations without a transfer rule of their own. */
  defaultChangeMinutes: number;
  /** Runs to leave out; none by default. */
  cancelled?: CancelledRunCheck;
}

/** A departure from the origin: route, position, service-date slot, train. */
type Departure = readonly [number, number, number, number];

/**
 * Every departure from the origin in [start, end): each (route, stop) where one may board
 * there, on every service date from which a train could be there then.
 */
function departuresFrom(search: RangeRaptor, network: RaptorNetwork, start: number, end: number) {
  const byInstant = new Map<number, Departure[]>();
  const boardings = network.index.boardingsAt[search.origin]!;
  for (let k = 0; k < boardings.length; k += 2) {
    const routeNumber = boardings[k]!;
    const position = boardings[k + 1]!;
    const route = network.index.routes[routeNumber]!;
    const n = route.trains.length;
    for (let slot = 0; slot < search.dates.length; slot += 1) {
      for (let train = 0; train < n; train += 1) {
        const at = search.instant(route, slot, train, route.departures[position * n + train]!);
        if (at < start || at >= end) continue;
        if (!search.trainRuns(route, slot, train)) continue;
        let list = byInstant.get(at);
        if (!list) byInstant.set(at, (list = []));
        list.push([routeNumber, position, slot, train]);
      }
    }
  }
  return [...byInstant].sort((a, b) => b[0] - a[0]);
}

/**
 * The trip that set the destination's label of `round`, leg by leg from the end. Labels only
 * come from rides that board and alight where allowed, so a chain that does not make a trip
 * is a fault of the search, not of the query.
 */
function tripOf(search: RangeRaptor, network: RaptorNetwork, round: number): Trip {
  const legs: Journey[] = [];
  let station = search.target;
  let ride: Ride | null = search.rideTo(round, search.target);
  while (ride) {
    const route = network.index.routes[ride.route]!;
    const run = buildRun(route.trains[ride.train]!, search.dates[ride.slot]!);
    const leg = journeyOnRun(run, ride.boardAt, ride.alightAt);
    if (!leg) throw new Error(`trip search chained an impossible ride on ${run.id} (${ride.boardAt}-${ride.alightAt})`);
    legs.unshift(leg);
    station = route.stations[ride.boardAt]!;
    if (ride.via >= 0) ride = search.arrivingRide(ride.via);
    else ride = ride.round > 1 ? search.rideTo(ride.round - 1, station) : null;
  }
  if (station !== search.origin || legs.length === 0) {
    throw new Error('trip search chained rides that do not start at the origin');
  }
  const departure = legs[0]!.departure;
  const arrival = legs.at(-1)!.arrival;
  return {
    legs,
    departure,
    arrival,
    durationMinutes: Math.round((arrival.getTime() - departure.getTime()) / MINUTE_MS),
    changes: legs.length - 1,
  };
}

/**
 * Trips from `from` to `to` leaving on the local date `date` (at or after `after`), direct or
 * with up to `maxChanges` changes, none dominated by another (leaving no earlier, arriving no
 * later, with no more changes), by departure.
 */
export function findTrips(
  network: RaptorNetwork,
  query: TripQuery,
  maxRunDays: number,
  paging: TripPaging = DEFAULT_TRIP_PAGING,
): Trip[] {
  const origin = network.index.stationIds.get(query.from.code);
  const target = network.index.stationIds.get(query.to.code);
  if (origin === undefined || target === undefined || origin === target) return [];
  const dayStart = instantOf(query.date, 0, query.from.timeZone).getTime();
  const dayEnd = instantOf(addDays(query.date, 1), 0, query.from.timeZone).getTime();
  const start = Math.max(dayStart, query.after?.getTime() ?? -Infinity);
  if (start >= dayEnd) return [];
  const dates: LocalDate[] = [];
  for (let day = -maxRunDays; day <= LATER_DAYS; day += 1) dates.push(addDays(query.date, day));
  const newSearch = () =>
    new RangeRaptor(
      network,
      dates,
      origin,
      target,
      query.maxChanges + 1,
      query.defaultChangeMinutes * MINUTE_MS,
      query.cancelled,
    );
  let search = newSearch();
  const departures = departuresFrom(search, network, start, dayEnd);
  if (departures.length <= paging.wholeDayDepartures) return paretoTrips(search, network, departures, query.first);
  // A busy station: the first page rarely needs the whole day. Trips departing before a
  // horizon that also arrive before it are settled, since anything that could dominate one
  // departs between its departure and arrival; when the first page is all settled, it is the
  // answer, else the horizon doubles (so at most about twice the work of the whole day).
  for (let hours = paging.firstHorizonHours; ; hours *= 2) {
    const horizon = Math.min(dayEnd, start + hours * 3_600_000);
    const page = paretoTrips(
      search,
      network,
      departures.filter(([at]) => at < horizon),
      query.first,
    );
    if (horizon >= dayEnd) return page;
    if (page.length === query.first && page.every((trip) => trip.arrival.getTime() < horizon)) return page;
    search = newSearch();
  }
}

/** How a search with many departures limits itself to what the first page needs. */
export interface TripPaging {
  /** Up to this many departures from the origin, the whole day is taken in one pass. */
  wholeDayDepartures: number;
  /** Else departures up to this many hours after the start come first, then twice as many, and so on. */
  firstHorizonHours: number;
}

export const DEFAULT_TRIP_PAGING: TripPaging = { wholeDayDepartures: 200, firstHorizonHours: 4 };

/**
 * Range RAPTOR over `departures` (latest first): a departure gives a trip of k rides when it
 * reaches the destination earlier with k rides than any later departure does and than it
 * does with fewer rides. The first `first` of them by departure.
 */
function paretoTrips(
  search: RangeRaptor,
  network: RaptorNetwork,
  departures: ReadonlyArray<readonly [number, Departure[]]>,
  first: number,
): Trip[] {
  const { rides, target } = search;
  const found: Trip[] = [];
  const before = new Float64Array(rides + 1);
  for (const [departure, trips] of departures) {
    for (let round = 1; round <= rides; round += 1) before[round] = search.label(round, target);
    search.depart(departure, trips);
    for (let round = 1; round <= rides; round += 1) {
      const arrival = search.label(round, target);
      if (arrival < before[round]! && arrival < search.label(round - 1, target)) {
        found.push(tripOf(search, network, round));
      }
    }
  }
  found.sort(
    (a, b) =>
      a.departure.getTime() - b.departure.getTime() ||
      a.arrival.getTime() - b.arrival.getTime() ||
      a.changes - b.changes,
  );
  return found.slice(0, first);
}
