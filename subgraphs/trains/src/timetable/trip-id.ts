import type { JourneyKey } from './journey.js';
import type { Journey, Trip } from './model.js';
import { parseRunId } from './run-id.js';
import { MAX_CHANGES } from './timetable.js';

/**
 * A trip's id names its legs, so that any subgraph can hand the trip back (prices does, to add
 * `Trip.fares`) and trains can rebuild it from the timetable without keeping search results:
 * each leg as `<runId>:<fromStop>-<toStop>`, joined by `,` in travel order, e.g.
 * `IC501:2026-12-01:0-3,ICE12:2026-12-01:2-5`. Run ids hold no `,` and train ids no `:`, so the
 * last `:` of a leg always comes before its stops.
 */

const MINUTE_MS = 60_000;
const legPattern = /^(.+):(\d{1,4})-(\d{1,4})$/;
/** A trip has at most this many legs (the most changes a search allows, plus one). */
const MAX_LEGS = MAX_CHANGES.max + 1;

export function tripIdOf(trip: Pick<Trip, 'legs'>): string {
  return trip.legs.map((leg) => `${leg.run.id}:${leg.fromStop}-${leg.toStop}`).join(',');
}

/** The journeys a trip id names, in order; null when it is not a trip id. */
export function parseTripId(id: string): JourneyKey[] | null {
  const parts = id.split(',');
  if (parts.length > MAX_LEGS) return null;
  const legs: JourneyKey[] = [];
  for (const part of parts) {
    const match = legPattern.exec(part);
    const runId = match?.[1];
    if (!match || runId === undefined || !parseRunId(runId)) return null;
    legs.push({ runId, fromStop: Number(match[2]), toStop: Number(match[3]) });
  }
  return legs;
}

/**
 * The trip made of `legs`, or null unless each leg leaves from the station where the one before
 * arrives, no earlier than it arrives: what every trip a search returns keeps. Change times are
 * the search's business; an id only has to name a trip one could make.
 */
export function tripOfLegs(legs: readonly Journey[]): Trip | null {
  const first = legs[0];
  const last = legs.at(-1);
  if (!first || !last) return null;
  for (let k = 1; k < legs.length; k += 1) {
    const before = legs[k - 1]!;
    const after = legs[k]!;
    const arrivedAt = before.run.stops[before.toStop]?.stationCode;
    const leavesFrom = after.run.stops[after.fromStop]?.stationCode;
    if (arrivedAt === undefined || arrivedAt !== leavesFrom) return null;
    if (after.departure.getTime() < before.arrival.getTime()) return null;
  }
  return {
    legs: [...legs],
    departure: first.departure,
    arrival: last.arrival,
    durationMinutes: Math.round((last.arrival.getTime() - first.departure.getTime()) / MINUTE_MS),
    changes: legs.length - 1,
  };
}
