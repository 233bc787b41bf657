"""browse: travellers looking, not buying: station look-ups, journey searches, fares.

Each user starts one look-up per second (constant_throughput), so the arrival rate is the
number of users per second, whatever the latency (up to a second).
"""

import random

from locust import constant_throughput, task

from railgraph import documents, slo  # noqa: F401 - slo judges the run when it quits
from railgraph.client import GraphQLUser, expect_that, passengers, travel_date
from railgraph.network import STATION_SEARCHES, station_pair


class Browser(GraphQLUser):
    wait_time = constant_throughput(1)

    @task(1)
    def look_up_station(self) -> None:
        self.gql(
            "stations",
            documents.STATIONS,
            {"search": random.choice(STATION_SEARCHES)},
            check=lambda d: expect_that(isinstance(d.get("stations"), list), "no station list"),
        )

    @task(3)
    def search(self) -> None:
        origin, destination = station_pair()
        self.gql(
            "searchJourneys",
            documents.SEARCH,
            {"from": origin, "to": destination, "date": travel_date()},
            # Some pairs have no train in one direction (Eurostar's London-bound calls only set
            # down at Ebbsfleet and Ashford): an empty list is an answer.
            check=lambda d: expect_that(isinstance(d.get("searchJourneys"), list), "no journey list"),
        )

    @task(2)
    def fares(self) -> None:
        origin, destination = station_pair()
        self.gql(
            "fares",
            documents.FARES,
            {"from": origin, "to": destination, "date": travel_date(), "passengers": passengers()},
            check=lambda d: expect_that(
                all(j["fares"] for j in d["searchJourneys"] if j["availability"]),
                f"a journey {origin}-{destination} without fares",
            ),
        )
