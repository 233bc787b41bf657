import { useQuery } from '@apollo/client/react';
import { getFragmentData } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import type { PassengerInput } from '../../__generated__/graphql';
import { hasChanges, type TripChoice } from '../../trip';
import { queryStatus } from '../query-status';
import { SearchJourneysQuery } from '../search-journeys';

/**
 * What a fresh quote reads of each class's offer, the same for a journey and for a trip with
 * changes: the total, the signed quote booking pays and when it expires, and the price card's
 * breakdown.
 */
export const QuotedFareFragment = graphql(`
  fragment QuotedFare on FareOffer {
    seatClass
    total {
      amountMinor
      currency
    }
    expiresAt
    quoteToken
    ...PriceCard
  }
`);

/**
 * Trips from a departure on, with a fresh quote for the passengers: the review finds the chosen
 * trip with changes again here (by its id), as the results found it (`maxChanges: 1`).
 */
const TripQuoteQuery = graphql(`
  query TripQuote(
    $from: String!
    $to: String!
    $date: Date!
    $after: DateTime
    $first: Int
    $passengers: [PassengerInput!]!
  ) {
    searchTrips(from: $from, to: $to, date: $date, after: $after, first: $first, maxChanges: 1) {
      id
      departure
      ...TripItinerary
      fares(passengers: $passengers) {
        ...QuotedFare
      }
    }
  }
`);

/**
 * A fresh quote for the chosen class of the chosen journey, or of the chosen trip with changes
 * (one quote covering every leg), for exactly these passengers. Searched again from the
 * departure chosen, so the quote is new and the price current; `skip` until the party is known.
 */
export function useQuote(choice: TripChoice, passengers: PassengerInput[], skip: boolean) {
  const variables = {
    from: choice.from,
    to: choice.to,
    date: choice.date,
    after: choice.departure ?? null,
    first: choice.departure ? 3 : 50,
    passengers,
  };
  const isTrip = hasChanges(choice);
  const direct = useQuery(SearchJourneysQuery, { skip: skip || isTrip, variables, fetchPolicy: 'network-only' });
  const trips = useQuery(TripQuoteQuery, { skip: skip || !isTrip, variables, fetchPolicy: 'network-only' });
  const journey = isTrip
    ? undefined
    : direct.data?.searchJourneys.find(
        (j) => j.runId === choice.runId && j.fromStop === choice.fromStop && j.toStop === choice.toStop,
      );
  const trip = isTrip ? trips.data?.searchTrips.find((t) => t.id === choice.tripId) : undefined;
  const fares = getFragmentData(QuotedFareFragment, trip?.fares ?? journey?.fares);
  const offer = fares?.find((f) => f.seatClass === choice.seatClass);
  const active = isTrip ? trips : direct;
  return {
    journey,
    trip,
    offer,
    /** When the journey or trip leaves, once found. */
    departure: trip?.departure ?? journey?.departure,
    status: queryStatus(active),
    /** Asks for a fresh quote. */
    refetch: () => active.refetch(),
  };
}
