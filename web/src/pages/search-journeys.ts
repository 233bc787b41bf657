import { graphql } from '../__generated__/gql';

/**
 * Direct trains between two stations on a day, each with seats left and fares for the
 * passengers. The results page lists them (`JourneyCard`); the review page finds the chosen one
 * again for a fresh quote (`TripSummary`, `PriceCard`). One operation, so both send
 * `SearchJourneys`, and the fields read here are the pages' own.
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
        seatClass
        total {
          amountMinor
          currency
        }
        expiresAt
        quoteToken
        ...PriceCard
      }
    }
  }
`);
