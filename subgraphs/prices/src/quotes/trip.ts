import { badInput, z } from '@railgraph/service-kit';
import { journeyFromRepresentation, pricedJourney, type JourneyEntity } from './journey.js';
import type { PricedJourney } from './offers.js';

/** A trip as the router hands it over, with its legs when it sent them (`@requires`). */
export interface TripEntity {
  id: string;
  legs: JourneyEntity[] | null;
}

/**
 * More legs than any trip trains searches (two changes): a representation with more is not a
 * trip, and pricing it would only cost work.
 */
export const MAX_TRIP_LEGS = 6;

const legKeys = z
  .array(z.looseObject({ runId: z.string().min(1), fromStop: z.number(), toStop: z.number() }))
  .min(1)
  .max(MAX_TRIP_LEGS);

export function tripFromRepresentation(rep: { id?: unknown; legs?: unknown }): TripEntity {
  const id = String(rep.id);
  if (rep.legs === undefined) return { id, legs: null };
  const parsed = legKeys.safeParse(rep.legs);
  if (!parsed.success) throw badInput(`Trip representation is malformed: ${z.prettifyError(parsed.error)}`);
  return { id, legs: parsed.data.map(journeyFromRepresentation) };
}

/**
 * The trip's legs with what pricing needs, or BAD_USER_INPUT when the representation lacked it.
 * A quote binds each leg's departure when there are several, so each leg must carry one then.
 */
export function pricedTrip(trip: TripEntity): PricedJourney[] {
  if (trip.legs === null) throw badInput('Trip.fares needs the legs in the representation');
  const legs = trip.legs.map(pricedJourney);
  if (legs.length > 1 && legs.some((leg) => leg.departure === undefined)) {
    throw badInput("Trip.fares needs each leg's departure and boarding station time zone in the representation");
  }
  return legs;
}
