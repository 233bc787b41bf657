import { runsOn } from './calendar.js';
import { addDays, localDateOf, type LocalDate } from './local-time.js';
import { buildRun } from './run.js';
import { journeyOnRun } from './journey.js';
import type { Journey, Station, Train } from './model.js';

/** Longest a run may take from its origin to any call, in days; bounds the service dates a search looks at. */
export const MAX_RUN_DAYS = 7;

export interface JourneyQuery {
  from: Station;
  to: Station;
  /** Local date at `from` on which the journey departs. */
  date: LocalDate;
  /** Only journeys departing at or after this instant. */
  after?: Date | null | undefined;
  first: number;
}

/** Service dates whose runs could call at `from` on `date`, whatever the zones involved. */
export function serviceDatesToSearch(date: LocalDate): { from: LocalDate; to: LocalDate } {
  return { from: addDays(date, -MAX_RUN_DAYS), to: addDays(date, 1) };
}

/** Index pairs (boarding, alighting) of a train where one may travel from `from` to `to`. */
function boardingPairs(train: Train, from: string, to: string): Array<[number, number]> {
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

/**
 * Direct journeys departing `from` on the local date `date` (in `from`'s time zone), by
 * departure. A run may depart its origin days before it reaches `from` and the operator's
 * zone may differ from the station's, so each train is tried on every service date that
 * could put its call at `from` on `date`.
 */
export function findJourneys(trains: readonly Train[], query: JourneyQuery): Journey[] {
  const journeys: Journey[] = [];
  for (const train of trains) {
    const pairs = boardingPairs(train, query.from.code, query.to.code);
    if (pairs.length === 0) continue;
    for (let back = -1; back <= MAX_RUN_DAYS; back += 1) {
      const serviceDate = addDays(query.date, -back);
      if (!runsOn(train.calendar, serviceDate)) continue;
      const run = buildRun(train, serviceDate);
      for (const [fromStop, toStop] of pairs) {
        const journey = journeyOnRun(run, fromStop, toStop);
        if (!journey || localDateOf(journey.departure, query.from.timeZone) !== query.date) continue;
        if (query.after && journey.departure < query.after) continue;
        journeys.push(journey);
      }
    }
  }
  journeys.sort(
    (a, b) =>
      a.departure.getTime() - b.departure.getTime() ||
      a.arrival.getTime() - b.arrival.getTime() ||
      (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0),
  );
  return journeys.slice(0, query.first);
}
