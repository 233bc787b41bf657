import type { LocalDate } from './local-time.js';
import type { ServiceCalendar } from './calendar.js';

/** A railway company; train times are local times in its time zone (as a GTFS agency's). */
export interface Operator {
  id: string;
  name: string;
  timeZone: string;
}

export interface Station {
  code: string;
  name: string;
  timeZone: string;
  latitude: number;
  longitude: number;
}

/** One call of a train's stop pattern. */
export interface StopCall {
  index: number;
  stationCode: string;
  /** Minutes after the origin departure; null at the origin. */
  arrivalOffsetMinutes: number | null;
  /** Minutes after the origin departure; null at the terminus. */
  departureOffsetMinutes: number | null;
  /** Cumulative distance from the origin. */
  distanceKm: number;
  boarding: boolean;
  alighting: boolean;
}

/** A train as published: one stop pattern, run on the days of its calendar. */
export interface Train {
  id: string;
  number: string;
  operator: Operator;
  consistId: string;
  /** Origin departure, minutes after midnight of the service date in the operator's time zone. */
  departureMinutes: number;
  calendar: ServiceCalendar;
  /** In index order, index 0 first. */
  stops: StopCall[];
}

/** One call of a train run, with its instants. */
export interface RunStop {
  index: number;
  stationCode: string;
  arrival: Date | null;
  departure: Date | null;
  distanceKm: number;
  boarding: boolean;
  alighting: boolean;
}

/** One train on one service date. */
export interface TrainRun {
  /** `<trainId>:<YYYY-MM-DD>`. */
  id: string;
  train: Train;
  serviceDate: LocalDate;
  stops: RunStop[];
}

/** Travel on a run from stop `fromStop` to the later stop `toStop`. */
export interface Journey {
  run: TrainRun;
  fromStop: number;
  toStop: number;
  departure: Date;
  arrival: Date;
  durationMinutes: number;
  distanceKm: number;
}

/** Travel from one station to another on one or more journeys, changing trains between them. */
export interface Trip {
  /** The journeys in order; each next one leaves from the station where the previous one arrives. */
  legs: Journey[];
  departure: Date;
  arrival: Date;
  durationMinutes: number;
  /** Changes of train: legs minus one. */
  changes: number;
}
