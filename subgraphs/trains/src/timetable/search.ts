import { runsOn } from './calendar.js';
import { NO_CANCELLED_RUNS, type CancelledRunCheck } from './cancelled.js';
import { addDays, instantOf, localDateOf, type LocalDate } from './local-time.js';
import { buildRun } from './run.js';
import { journeyOnRun } from './journey.js';
import type { Journey, Station, Train } from './model.js';

/** Longest a run may take from its origin to any call, in days; bounds the service dates a search looks at. */
export const MAX_RUN_DAYS = 7;

const MINUTE_MS = 60_000;

export interface JourneyQuery {
  from: Station;
  to: Station;
  /** Local date at `from` on which the journey departs. */
  date: LocalDate;
  /** Only journeys departing at or after this instant. */
  after?: Date | null | undefined;
  first: number;
  /** Runs to leave out; none by default. */
  cancelled?: CancelledRunCheck;
}

/** A train on which one may board at one stop and alight at a later one: a journey on any date it runs. */
export interface JourneyCandidate {
  train: Train;
  fromStop: number;
  toStop: number;
}

/** Service dates whose runs could call at `from` on `date`, whatever the zones involved. */
export function serviceDatesToSearch(date: LocalDate, maxRunDays = MAX_RUN_DAYS): { from: LocalDate; to: LocalDate } {
  return { from: addDays(date, -maxRunDays), to: addDays(date, 1) };
}

/** Index pairs (boarding, alighting) of a train where one may travel from `from` to `to`. */
export function boardingPairs(train: Train, from: string, to: string): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const boardAt of train.stops) {
    if (boardAt.stationCode !== from || !boardAt.boarding || boardAt.departureOffsetMinutes === null) continue;
    const alightAt = train.stops.find(
      (s) => s.index > boardAt.index && s.stationCode === to && s.alighting && s.arrivalOffsetMinutes !== null,
    );
    if (alightAt) pairs.push([boardAt.index, alightAt.index]);
  }
  return pairs;
}

function byDeparture(a: Journey, b: Journey): number {
  return (
    a.departure.getTime() - b.departure.getTime() ||
    a.arrival.getTime() - b.arrival.getTime() ||
    (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0)
  );
}

/**
 * Journeys of the candidates departing `from` on the local date `date` (in `from`'s time
 * zone), by departure. A run may leave its origin days before it reaches `from` and the
 * operator's zone may differ from the station's, so each candidate is tried on every
 * service date from `date + 1` back to `date - maxRunDays`; a run is built only for the
 * dates that match, so the cost follows the number of matching trains.
 */
export function journeysFromCandidates(
  candidates: Iterable<JourneyCandidate>,
  query: JourneyQuery,
  maxRunDays = MAX_RUN_DAYS,
): Journey[] {
  const journeys: Journey[] = [];
  const after = query.after?.getTime() ?? -Infinity;
  const cancelled = query.cancelled ?? NO_CANCELLED_RUNS;
  for (const { train, fromStop, toStop } of candidates) {
    const boardingOffset = train.stops[fromStop]?.departureOffsetMinutes;
    if (boardingOffset === null || boardingOffset === undefined) continue;
    for (let back = -1; back <= maxRunDays; back += 1) {
      const serviceDate = addDays(query.date, -back);
      if (!runsOn(train.calendar, serviceDate)) continue;
      if (cancelled.size > 0 && cancelled.isCancelled(train.id, serviceDate)) continue;
      const origin = instantOf(serviceDate, train.departureMinutes, train.operator.timeZone).getTime();
      const departure = new Date(origin + boardingOffset * MINUTE_MS);
      if (departure.getTime() < after || localDateOf(departure, query.from.timeZone) !== query.date) continue;
      const journey = journeyOnRun(buildRun(train, serviceDate), fromStop, toStop);
      if (journey) journeys.push(journey);
    }
  }
  journeys.sort(byDeparture);
  return journeys.slice(0, query.first);
}

/** Direct journeys over a list of trains (no index): every boarding/alighting pair of every train. */
export function findJourneys(trains: readonly Train[], query: JourneyQuery): Journey[] {
  const candidates: JourneyCandidate[] = [];
  for (const train of trains) {
    for (const [fromStop, toStop] of boardingPairs(train, query.from.code, query.to.code)) {
      candidates.push({ train, fromStop, toStop });
    }
  }
  return journeysFromCandidates(candidates, query);
}
