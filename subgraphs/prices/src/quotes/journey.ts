import { badInput, isTimeZone, z } from '@railgraph/service-kit';
import type { PricedJourney } from './offers.js';

/** A journey as the router hands it over, with the `@requires` fields when it sent them. */
export interface JourneyEntity {
  runId: string;
  fromStop: number;
  toStop: number;
  distanceKm: number | null;
  availability: PricedJourney['availability'] | null;
  /** Departure instant and boarding station time zone, when the router sent them (`@requires`). */
  departure: PricedJourney['departure'] | null;
}

const required = z.object({
  distanceKm: z.number().min(0),
  availability: z.array(
    z.object({
      seatClass: z.enum(['STANDARD', 'FIRST']),
      seatsLeft: z.number().int(),
      loadFactor: z.number().min(0).max(1),
    }),
  ),
});

const requiredDeparture = z.object({
  departure: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
  origin: z.object({ timeZone: z.string().refine(isTimeZone, 'not an IANA time zone') }),
});

export function journeyFromRepresentation(rep: {
  runId: string;
  fromStop: number;
  toStop: number;
  distanceKm?: unknown;
  availability?: unknown;
  departure?: unknown;
  origin?: unknown;
}): JourneyEntity {
  const base = { runId: String(rep.runId), fromStop: rep.fromStop, toStop: rep.toStop };
  const departure = departureOf(rep);
  if (rep.distanceKm === undefined && rep.availability === undefined)
    return { ...base, distanceKm: null, availability: null, departure };
  const parsed = required.safeParse({ distanceKm: rep.distanceKm, availability: rep.availability });
  if (!parsed.success) throw badInput(`Journey representation is malformed: ${z.prettifyError(parsed.error)}`);
  return { ...base, ...parsed.data, departure };
}

function departureOf(rep: { departure?: unknown; origin?: unknown }): JourneyEntity['departure'] {
  if (rep.departure === undefined && rep.origin === undefined) return null;
  const parsed = requiredDeparture.safeParse({ departure: rep.departure, origin: rep.origin });
  if (!parsed.success) throw badInput(`Journey representation is malformed: ${z.prettifyError(parsed.error)}`);
  return { at: parsed.data.departure, timeZone: parsed.data.origin.timeZone };
}

const runIdPattern = /^.+:(\d{4}-\d{2}-\d{2})$/;

/** The service date of a run id `<trainId>:<YYYY-MM-DD>`, or null when it has none. */
export function serviceDateOfRun(runId: string): string | null {
  const date = runIdPattern.exec(runId)?.[1];
  if (!date) return null;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : null;
}

/** The journey with what pricing needs, or BAD_USER_INPUT when the representation lacked it. */
export function pricedJourney(journey: JourneyEntity): PricedJourney {
  if (journey.distanceKm === null || journey.availability === null) {
    throw badInput('Journey.fares needs distanceKm and availability in the representation');
  }
  if (
    !Number.isInteger(journey.fromStop) ||
    !Number.isInteger(journey.toStop) ||
    journey.fromStop < 0 ||
    journey.fromStop >= journey.toStop
  ) {
    throw badInput(`Stops must satisfy 0 <= fromStop < toStop; got ${journey.fromStop} -> ${journey.toStop}`);
  }
  const serviceDate = serviceDateOfRun(journey.runId);
  if (!serviceDate) throw badInput(`Run id ${journey.runId} is not <trainId>:<YYYY-MM-DD>`);
  return {
    ...journey,
    serviceDate,
    distanceKm: journey.distanceKm,
    availability: journey.availability,
    departure: journey.departure ?? undefined,
  };
}
