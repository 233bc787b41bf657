"""book: travellers who buy: sign in, search with fares, book, read the booking, sometimes cancel.

A booking that loses a race for the last seats gets SOLD_OUT or SEAT_TAKEN: contractual, so
tallied, not failed. Anything else refused fails the request.
"""

import random
import time
import uuid

from locust import between, task

from railgraph import documents, outcomes, slo  # noqa: F401 - slo judges the run when it quits
from railgraph.client import TEST_PAYMENT_METHOD, GraphQLUser, expect_that, passengers, travel_date
from railgraph.network import station_pair

#: Share of bookings the traveller cancels afterwards.
CANCEL_SHARE = 0.15
#: Share of iterations that sign in again first (a new session, as after closing the app).
SIGN_IN_SHARE = 0.1


class Traveller(GraphQLUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.sign_up()

    @task
    def buy(self) -> None:
        if not self.authorization:
            self.sign_up()
            return
        if random.random() < SIGN_IN_SHARE:
            self.log_in()
        party = passengers()
        origin, destination = station_pair()
        data, _ = self.gql(
            "fares",
            documents.FARES,
            {"from": origin, "to": destination, "date": travel_date(), "passengers": party},
        )
        if not data:
            return
        offers = [
            (journey, fare)
            for journey in data["searchJourneys"]
            for fare in journey["fares"]
            if any(a["seatClass"] == fare["seatClass"] and a["seatsLeft"] >= len(party) for a in journey["availability"])
        ]
        if not offers:
            return
        journey, fare = random.choice(offers)
        outcomes.booked_on(journey["runId"], fare["seatClass"])
        booked, _ = self.book(
            {
                "input": {
                    "quoteToken": fare["quoteToken"],
                    "passengers": party,
                    "idempotencyKey": f"load-{uuid.uuid4()}",
                    "paymentMethod": TEST_PAYMENT_METHOD,
                }
            },
            documents.LOST_RACE,
            check=lambda d: (
                expect_that(d["bookJourney"]["status"] == "CONFIRMED", "booking not confirmed"),
                expect_that(len(d["bookJourney"]["tickets"]) == len(party), "a ticket per passenger"),
                expect_that(
                    d["bookJourney"]["total"]["amountMinor"] == fare["total"]["amountMinor"], "charged the quoted total"
                ),
            ),
        )
        if not booked:
            return
        outcomes.confirmed(time.time())
        booking_id = booked["bookJourney"]["id"]
        self.gql(
            "booking",
            documents.BOOKING,
            {"id": booking_id},
            check=lambda d: expect_that(
                d["booking"] is not None and all(t["code"] for t in d["booking"]["tickets"]), "the booking and its codes"
            ),
        )
        self.gql(
            "myBookings",
            documents.MY_BOOKINGS,
            check=lambda d: expect_that(any(b["id"] == booking_id for b in d["myBookings"]), "the booking is listed"),
        )
        if random.random() < CANCEL_SHARE:
            self.gql(
                "cancelBooking",
                documents.CANCEL,
                {"id": booking_id},
                check=lambda d: expect_that(
                    d["cancelBooking"]["status"] in ("CANCELLED", "REFUNDED"), "the booking is cancelled"
                ),
            )
