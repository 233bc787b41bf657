import { graphql } from '../__generated__/gql';

/**
 * Direct trains between two stations on a day, each with seats left and fares for the
 * passengers. The review page finds the chosen journey again here for a fresh quote
 * (`TripSummary`, `QuotedFare`); a journey carries what a result shows of it (`JourneyCard`), as
 * the results page lists the same journeys as trips (search-trips.ts).
 */
export const SearchJourneysQuery = graphql(`
  query SearchJourneys(
    $from: String!
    $to: String!
    $date: Date!
    $after: DateTime
    $first: Int
    $passengers: [PassengerInput!]!
  ) {
    searchJourneys(from: $from, to: $to, date: $date, after: $after, first: $first) {
      runId
      fromStop
      toStop
      departure
      origin {
        code
        name
      }
      destination {
        code
        name
      }
      ...JourneyCard
      ...TripSummary
      fares(passengers: $passengers) {
        ...QuotedFare
      }
    }
  }
`);
