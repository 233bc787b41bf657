import { graphql } from '../__generated__/gql';

/**
 * Trips between two stations on a day, direct or with one change, each with seats left on its
 * legs and its fares for the passengers: what the results page lists (`TripCard`). A trip's
 * fares cover every leg with one quote; a direct trip's are exactly its journey's.
 */
export const SearchTripsQuery = graphql(`
  query SearchTrips(
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
      legs {
        origin {
          name
        }
        destination {
          name
        }
      }
      ...TripCard
      fares(passengers: $passengers) {
        ...ResultFare
      }
    }
  }
`);
