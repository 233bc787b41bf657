import { graphql } from './__generated__/gql';

// Every operation the app sends. The build lists them in the trusted-documents manifest.

/** When and where a journey runs, with the stations' time zones for local times. */
export const JourneyTimesFragment = graphql(`
  fragment JourneyTimes on Journey {
    runId
    fromStop
    toStop
    departure
    arrival
    durationMinutes
    train {
      number
      operator
    }
    origin {
      code
      name
      timeZone
    }
    destination {
      code
      name
      timeZone
    }
  }
`);

/** A new session: tokens, their lifetime and who signed in. */
export const AuthSessionFragment = graphql(`
  fragment AuthSession on AuthPayload {
    accessToken
    refreshToken
    expiresIn
    user {
      id
      name
      email
    }
  }
`);

export const StationsQuery = graphql(`
  query Stations($search: String, $first: Int) {
    stations(search: $search, first: $first) {
      code
      name
    }
  }
`);

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
      ...JourneyTimes
      availability {
        seatClass
        seatsLeft
      }
      fares(passengers: $passengers) {
        seatClass
        total {
          amountMinor
          currency
        }
        breakdown {
          passenger
          amount {
            amountMinor
            currency
          }
        }
        expiresAt
        quoteToken
      }
    }
  }
`);

export const SeatMapQuery = graphql(`
  query SeatMap($runId: ID!, $fromStop: Int!, $toStop: Int!, $seatClass: SeatClass) {
    trainRun(id: $runId) {
      id
      seatMap(fromStop: $fromStop, toStop: $toStop, seatClass: $seatClass) {
        number
        seatClass
        seats {
          seatId
          label
          position
          free
        }
      }
    }
  }
`);

/** What a list of bookings shows of each. */
export const BookingSummaryFragment = graphql(`
  fragment BookingSummary on Booking {
    id
    status
    createdAt
    total {
      amountMinor
      currency
    }
  }
`);

export const BookJourneyMutation = graphql(`
  mutation BookJourney($input: BookJourneyInput!) {
    bookJourney(input: $input) {
      id
      status
    }
  }
`);

export const BookingQuery = graphql(`
  query Booking($id: ID!) {
    booking(id: $id) {
      ...BookingSummary
      tickets {
        id
        seat
        coach
        passenger
        code
        status
        fare {
          amountMinor
          currency
        }
        journey {
          runId
          fromStop
          toStop
          ...JourneyTimes
        }
      }
    }
  }
`);

export const MyBookingsQuery = graphql(`
  query MyBookings($first: Int) {
    me {
      id
      bookings(first: $first) {
        ...BookingSummary
        tickets {
          id
          journey {
            ...JourneyTimes
          }
        }
      }
    }
  }
`);

export const CancelBookingMutation = graphql(`
  mutation CancelBooking($id: ID!) {
    cancelBooking(id: $id) {
      id
      status
    }
  }
`);

/** Cancels some tickets of a booking; the answer updates the cached tickets' status. */
export const CancelTicketsMutation = graphql(`
  mutation CancelTickets($bookingId: ID!, $ticketIds: [ID!]!) {
    cancelTickets(bookingId: $bookingId, ticketIds: $ticketIds) {
      id
      status
      tickets {
        id
        status
      }
    }
  }
`);

/** What cancelling the booking (or only `ticketIds`) would refund. */
export const RefundQuoteQuery = graphql(`
  query RefundQuote($bookingId: ID!, $ticketIds: [ID!]) {
    refundQuote(bookingId: $bookingId, ticketIds: $ticketIds) {
      amount {
        amountMinor
        currency
      }
      paid {
        amountMinor
        currency
      }
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      id
      name
      email
    }
  }
`);

export const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      ...AuthSession
    }
  }
`);

export const LogInMutation = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      ...AuthSession
    }
  }
`);

export const RefreshSessionMutation = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      ...AuthSession
    }
  }
`);

export const LogOutMutation = graphql(`
  mutation LogOut($refreshToken: String!) {
    logOut(refreshToken: $refreshToken)
  }
`);

/** The signed-in traveller's saved passengers, to fill in a booking's passengers. */
export const SavedPassengersQuery = graphql(`
  query SavedPassengers {
    me {
      id
      savedPassengers {
        id
        name
        type
      }
    }
  }
`);

export const AddSavedPassengerMutation = graphql(`
  mutation AddSavedPassenger($input: SavedPassengerInput!) {
    addSavedPassenger(input: $input) {
      id
      name
      type
    }
  }
`);
