import type { BookingFacts, LegFacts, TicketLine } from './content.js';
import { formatClock, formatDeparture, formatMinutes } from './format.js';

/**
 * How an email names the trains of a trip with changes (docs/design.md §4, "Trips with
 * changes"): each leg, the change between two legs, and the leg a ticket is for. A direct
 * booking's email uses none of it and reads as it did before trips.
 */

/** A booking of a trip with changes: two legs or more. */
export type TripFacts = BookingFacts & { legs: LegFacts[] };

export const isTrip = (booking: BookingFacts): booking is TripFacts => (booking.legs?.length ?? 0) > 1;

const originOf = (leg: LegFacts): string => leg.journey?.origin ?? `run ${leg.runId}`;
const destinationOf = (leg: LegFacts): string => leg.journey?.destination ?? `run ${leg.runId}`;

/** `Amsterdam Centraal → Frankfurt (Main) Hbf`: where the trip starts and where it ends. */
export const tripTitle = ({ legs }: TripFacts): string => `${originOf(legs[0]!)} → ${destinationOf(legs.at(-1)!)}`;

/** `2 trains, 1 change`. */
export const tripShape = ({ legs }: TripFacts): string =>
  `${legs.length} trains, ${legs.length - 1} ${legs.length === 2 ? 'change' : 'changes'}`;

/** `Leg 1 of 2`. */
export const legName = (leg: LegFacts, trip: TripFacts): string =>
  `Leg ${trip.legs.indexOf(leg) + 1} of ${trip.legs.length}`;

/** `Amsterdam Centraal → Köln Hbf, train EC 117 (run EC117:2026-12-01), departs Tue, 1 Dec 2026, 10:00 CET`. */
export function legDescription(leg: LegFacts): string {
  const route = leg.journey ? `${leg.journey.origin} → ${leg.journey.destination}, ` : '';
  const train = leg.journey ? `train ${leg.journey.trainNumber} (run ${leg.runId})` : `run ${leg.runId}`;
  const departs = leg.departure ? `, departs ${formatDeparture(leg.departure)}` : '';
  return `${route}${train}${departs}`;
}

/**
 * A change between `arriving` and `leaving`: where (`Change at Köln Hbf`) and, when trains knows
 * both trains' times, how long (`25 min (arrive 12:40 CET, leave 13:05 CET)`), else null. The
 * times are the change station's (the leaving train's boarding zone).
 */
export function changeBetween(arriving: LegFacts, leaving: LegFacts): { where: string; time: string | null } {
  const at = arriving.journey?.destination;
  const from = leaving.journey?.origin;
  const where = at && from && at !== from ? ` from ${at} to ${from}` : at || from ? ` at ${at ?? from}` : ' trains';
  return { where: `Change${where}`, time: changeTimes(arriving, leaving) };
}

/** `Change at Köln Hbf: 25 min (arrive 12:40 CET, leave 13:05 CET)`, or only where when the times are not known. */
export function changeSentence(arriving: LegFacts, leaving: LegFacts): string {
  const { where, time } = changeBetween(arriving, leaving);
  return time ? `${where}: ${time}` : where;
}

function changeTimes(arriving: LegFacts, leaving: LegFacts): string | null {
  if (!arriving.journey || !leaving.journey) return null;
  const arrival = arriving.journey.arrival;
  const departure = leaving.journey.departure;
  const minutes = Math.round((departure.getTime() - arrival.getTime()) / 60_000);
  // Trains' timetable gave a departure before the arrival: no time to state.
  if (!Number.isFinite(minutes) || minutes < 0) return null;
  const timeZone = leaving.departure?.timeZone ?? 'UTC';
  return `${formatMinutes(minutes)} (arrive ${formatClock({ at: arrival, timeZone })}, leave ${formatClock({ at: departure, timeZone })})`;
}

/**
 * The legs in travel order, each with its heading (`Leg 1 of 2: <legDescription>`) and its
 * tickets; a ticket of no known leg goes with the last, so none is left out.
 */
export function ticketsByLeg<T extends TicketLine>(
  trip: TripFacts,
  tickets: readonly T[],
): Array<{ leg: LegFacts; heading: string; tickets: T[] }> {
  const sections = trip.legs.map((leg) => ({
    leg,
    heading: `${legName(leg, trip)}: ${legDescription(leg)}`,
    tickets: tickets.filter((t) => (t.leg ?? 0) === leg.leg),
  }));
  const placed = new Set(sections.flatMap((s) => s.tickets));
  sections.at(-1)!.tickets.push(...tickets.filter((t) => !placed.has(t)));
  return sections;
}

/** `, leg 2 of 2 (Köln Hbf → Frankfurt (Main) Hbf)`: which train a listed ticket is for. */
export function ticketLegSuffix(ticket: TicketLine, trip: TripFacts): string {
  const leg = trip.legs.find((l) => l.leg === (ticket.leg ?? 0));
  if (!leg) return '';
  const route = leg.journey ? `${leg.journey.origin} → ${leg.journey.destination}` : `run ${leg.runId}`;
  return `, ${legName(leg, trip).toLowerCase()} (${route})`;
}
