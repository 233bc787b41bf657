import type { Journey, TrainRun } from './model.js';

const MINUTE_MS = 60_000;

/** What identifies a journey across the graph: a run and two of its stop indexes. */
export interface JourneyKey {
  runId: string;
  fromStop: number;
  toStop: number;
}

/** Kilometres to one decimal, so subtracting cumulative distances leaves no float dust. */
export function roundKm(km: number): number {
  return Math.round(km * 10) / 10;
}

/**
 * Travel on `run` from stop `fromStop` to stop `toStop`, or null unless
 * 0 <= fromStop < toStop < stop count, boarding is allowed at the first and alighting at
 * the second.
 */
export function journeyOnRun(run: TrainRun, fromStop: number, toStop: number): Journey | null {
  if (!Number.isInteger(fromStop) || !Number.isInteger(toStop)) return null;
  if (fromStop < 0 || fromStop >= toStop || toStop >= run.stops.length) return null;
  const boardAt = run.stops[fromStop];
  const alightAt = run.stops[toStop];
  if (!boardAt?.boarding || !alightAt?.alighting) return null;
  if (!boardAt.departure || !alightAt.arrival) return null;
  return {
    run,
    fromStop,
    toStop,
    departure: boardAt.departure,
    arrival: alightAt.arrival,
    durationMinutes: Math.round((alightAt.arrival.getTime() - boardAt.departure.getTime()) / MINUTE_MS),
    distanceKm: roundKm(alightAt.distanceKm - boardAt.distanceKm),
  };
}
