import type { Booking, BookingLeg, PrismaClient } from '../__generated__/prisma/client.js';
import { furtherLegsOf } from '../booking/legs.js';
import type { BookingFacts, LegFacts } from './content.js';
import type { JourneyDetails, JourneyDirectory } from './journeys.js';

/**
 * The journey facts of a booking's email: the first leg's, as every email has always shown
 * them, and for a trip with changes every leg's (docs/design.md §4, "Trips with changes").
 */

type Departure = { at: Date; timeZone: string };

/** A leg as tickets stores it: its journey key and the departure the quote bound (null on old bookings). */
export interface StoredLeg {
  leg: number;
  runId: string;
  fromStop: number;
  toStop: number;
  bound: Departure | null;
}

type BookingJourney = Pick<
  Booking,
  'id' | 'runId' | 'fromStop' | 'toStop' | 'seatClass' | 'legCount' | 'departure' | 'departureTimeZone'
>;

/**
 * Every leg of the booking in travel order; a direct booking reads no leg rows, its journey is
 * the row's own, and a trip's further legs are read unless the booking comes with them.
 */
export async function storedLegsOf(
  prisma: Pick<PrismaClient, 'bookingLeg'>,
  booking: BookingJourney & { legs?: readonly BookingLeg[] },
): Promise<StoredLeg[]> {
  const further =
    booking.legCount <= 1 ? [] : (booking.legs ?? (await furtherLegsOf(prisma, [booking.id])).get(booking.id) ?? []);
  return [
    {
      leg: 0,
      runId: booking.runId,
      fromStop: booking.fromStop,
      toStop: booking.toStop,
      bound:
        booking.departure && booking.departureTimeZone
          ? { at: booking.departure, timeZone: booking.departureTimeZone }
          : null,
    },
    ...further.map((leg) => ({
      leg: leg.leg,
      runId: leg.runId,
      fromStop: leg.fromStop,
      toStop: leg.toStop,
      bound: { at: leg.departure, timeZone: leg.departureTimeZone },
    })),
  ];
}

/** The departure the quote bound (in the boarding station's zone); else trains' departure in UTC. */
const departureOf = (bound: Departure | null, journey: JourneyDetails | null): Departure | null =>
  bound ?? (journey ? { at: journey.departure, timeZone: 'UTC' } : null);

/** The facts of the booking's journey over `legs` (`storedLegsOf`), named by trains; rejects when trains cannot answer. */
export async function bookingFactsOf(
  booking: BookingJourney,
  legs: readonly StoredLeg[],
  journeys: JourneyDirectory,
): Promise<BookingFacts> {
  const details = await Promise.all(
    legs.map(({ runId, fromStop, toStop }) => journeys.journeyOf({ runId, fromStop, toStop })),
  );
  const facts: LegFacts[] = legs.map(({ bound, ...key }, i) => {
    const journey = details[i] ?? null;
    return { ...key, journey, departure: departureOf(bound, journey) };
  });
  const first = facts[0]!;
  return {
    bookingId: booking.id,
    runId: booking.runId,
    seatClass: booking.seatClass,
    journey: first.journey,
    departure: first.departure,
    ...(facts.length > 1 ? { legs: facts } : {}),
  };
}
