import type { Handlers } from './fake-api';
import { journeyTimes, money } from './fixtures';
import type { TripChoice } from '../trip';

/** What the review page tests share: a trip chosen, its fares answered, the booking answered. */

/** One adult, standard class, Amsterdam to Rotterdam, no seats named. */
export const adultTrip: TripChoice = {
  from: 'AMS',
  to: 'RTD',
  date: '2026-12-01',
  passengers: { ADULT: 1, CHILD: 0, YOUTH: 0, SENIOR: 0 },
  runId: 'BX602:2026-12-01',
  fromStop: 0,
  toStop: 2,
  seatClass: 'STANDARD',
  seats: [],
  departure: '2026-12-01T05:17:00Z',
};

/**
 * A `SearchJourneys` handler answering the trip's journey with one standard fare of these
 * passenger amounts; each answer's quote token comes from `quoteToken`.
 */
export function searchWithFare(
  breakdown: Array<{ passenger: string; amountMinor: number }>,
  quoteToken: () => string = () => 'quote-1',
): Handlers[string] {
  return () => ({
    data: {
      searchJourneys: [
        {
          ...journeyTimes,
          availability: [{ __typename: 'ClassAvailability', seatClass: 'STANDARD', seatsLeft: 200 }],
          fares: [
            {
              __typename: 'FareOffer',
              seatClass: 'STANDARD',
              total: money(breakdown.reduce((sum, b) => sum + b.amountMinor, 0)),
              breakdown: breakdown.map((b) => ({
                __typename: 'PassengerFare',
                passenger: b.passenger,
                amount: money(b.amountMinor),
              })),
              expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
              quoteToken: quoteToken(),
            },
          ],
        },
      ],
    },
  });
}

export const booked = () => ({
  data: { bookJourney: { __typename: 'Booking', id: 'booking-1', status: 'CONFIRMED' } },
});

/**
 * A `BookJourney` handler whose network fails ("network down") until `recover()`, and books
 * after: the traveller presses Book offline, then again once back online.
 */
export function bookingOfflineUntilRecovered(): { handler: Handlers[string]; recover: () => void } {
  let offline = true;
  return {
    handler: () => {
      if (offline) throw new Error('network down');
      return booked();
    },
    recover: () => {
      offline = false;
    },
  };
}

/** The inputs of the BookJourney calls the page made, in order. */
export const bookCalls = (calls: Array<{ operationName: string; variables: Record<string, unknown> }>) =>
  calls.filter((c) => c.operationName === 'BookJourney').map((c) => c.variables['input'] as Record<string, unknown>);
