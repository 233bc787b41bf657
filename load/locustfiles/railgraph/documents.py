"""The GraphQL documents the scenarios send: the web app's operations, trimmed to what they read."""

STATIONS = "query Stations($search: String) { stations(search: $search, first: 10) { code name } }"

SEARCH = """
query SearchJourneys($from: String!, $to: String!, $date: Date!) {
  searchJourneys(from: $from, to: $to, date: $date, first: 10) {
    runId fromStop toStop departure arrival durationMinutes
    train { number }
    availability { seatClass seatsLeft }
  }
}"""

FARES = """
query Fares($from: String!, $to: String!, $date: Date!, $passengers: [PassengerInput!]!) {
  searchJourneys(from: $from, to: $to, date: $date, first: 10) {
    runId fromStop toStop departure
    availability { seatClass seatsLeft }
    fares(passengers: $passengers) { seatClass quoteToken total { amountMinor currency } }
  }
}"""

BOOK = """
mutation BookJourney($input: BookJourneyInput!) {
  bookJourney(input: $input) { id status total { amountMinor currency } tickets { id seat coach fare { amountMinor } } }
}"""

BOOKING = """
query Booking($id: ID!) {
  booking(id: $id) { id status total { amountMinor } tickets { id seat coach code status journey { departure } } }
}"""

MY_BOOKINGS = "query MyBookings { myBookings(first: 5) { id status total { amountMinor } } }"

CANCEL = """
mutation CancelBooking($id: ID!) {
  cancelBooking(id: $id) { id status refunds { amount { amountMinor } } }
}"""

#: Refusals a buyer may get when booking a journey others are booking too (docs/design.md §5, invariant 6).
LOST_RACE = ("SOLD_OUT", "SEAT_TAKEN")
