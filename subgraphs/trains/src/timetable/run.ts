import { runsOn } from './calendar.js';
import { formatRunId } from './run-id.js';
import { instantOf, type LocalDate } from './local-time.js';
import type { RunStop, Train, TrainRun } from './model.js';

const MINUTE_MS = 60_000;

/** When the train leaves its origin on a service date. */
export function originDeparture(train: Train, serviceDate: LocalDate): Date {
  return instantOf(serviceDate, train.departureMinutes, train.operator.timeZone);
}

/**
 * The train on one service date with the instant of every call. Offsets count elapsed
 * minutes from the origin departure, so a run through a DST change keeps its real
 * travel times.
 */
export function buildRun(train: Train, serviceDate: LocalDate): TrainRun {
  const origin = originDeparture(train, serviceDate).getTime();
  const at = (offset: number | null) => (offset === null ? null : new Date(origin + offset * MINUTE_MS));
  const stops: RunStop[] = train.stops.map((stop) => ({
    index: stop.index,
    stationCode: stop.stationCode,
    arrival: at(stop.arrivalOffsetMinutes),
    departure: at(stop.departureOffsetMinutes),
    distanceKm: stop.distanceKm,
    boarding: stop.boarding,
    alighting: stop.alighting,
  }));
  return { id: formatRunId({ trainId: train.id, serviceDate }), train, serviceDate, stops };
}

/** The run of a train on a date, or null when its calendar says it does not run then. */
export function runOnDate(train: Train, serviceDate: LocalDate): TrainRun | null {
  return runsOn(train.calendar, serviceDate) ? buildRun(train, serviceDate) : null;
}

/** Legs of a run: one between each pair of consecutive stops. */
export function legCount(run: TrainRun): number {
  return Math.max(0, run.stops.length - 1);
}
