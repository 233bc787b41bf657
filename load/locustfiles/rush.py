"""rush: more buyers than seats, released at once on one train.

Every buyer signs up and takes a quote for the same journey (first class, the whole route of
the first East Coast train tomorrow that has first class free) while the crowd gathers; when
the last buyer is ready, all book at the same instant, one seat each, and stop. At the end
the scenario itself checks that exactly the seats there were got sold (all of them, when there
were more buyers than seats) and that every loser was told SOLD_OUT or SEAT_TAKEN; anything
else fails the run. The verdict goes to rush.json in RAILGRAPH_LOAD_OUT.
"""

from __future__ import annotations

import json
import os
import time
import uuid

import gevent
import requests
from gevent.event import Event
from locust import constant, events, task
from locust.exception import StopUser

from railgraph import documents, outcomes, slo  # noqa: F401 - slo judges the run when it quits
from railgraph.client import TEST_PAYMENT_METHOD, GraphQLUser, travel_date

ORIGIN, DESTINATION, SEAT_CLASS = "KGX", "EDB", "FIRST"

released = Event()
target: dict = {}
results: dict[str, int] = {}
finished = {"ready": 0, "buyers": 0}


def _journeys(host: str) -> list[dict]:
    """The rushed route's journeys tomorrow, with their availability."""
    answer = requests.post(
        f"{host}/graphql",
        json={"query": documents.SEARCH, "variables": {"from": ORIGIN, "to": DESTINATION, "date": travel_date()}},
        timeout=30,
    ).json()
    if "data" not in answer or answer["data"] is None:
        raise RuntimeError(f"no journeys {ORIGIN}-{DESTINATION}: {answer}")
    return answer["data"]["searchJourneys"]


def _seats_left(journey: dict) -> int:
    return next((a["seatsLeft"] for a in journey["availability"] if a["seatClass"] == SEAT_CLASS), 0)


def _availability(host: str) -> tuple[str, int]:
    """The first train with seats of the class left, and how many."""
    for journey in _journeys(host):
        if _seats_left(journey) > 0:
            return journey["runId"], _seats_left(journey)
    raise RuntimeError(f"no {SEAT_CLASS} seats {ORIGIN}-{DESTINATION} tomorrow")


@events.test_start.add_listener
def _choose_train(environment, **_kwargs) -> None:  # noqa: ANN001 - Locust's hook signature
    run_id, seats = _availability(environment.host)
    target.update(runId=run_id, seatsAtStart=seats, buyers=environment.parsed_options.num_users)
    outcomes.booked_on(run_id, SEAT_CLASS)
    print(f"rush: {target['buyers']} buyers for {seats} {SEAT_CLASS} seats on {run_id}")


def _arrived() -> None:
    """Counts a buyer ready (signed up and quoted, or failed trying); the last one releases all."""
    finished["ready"] += 1
    if finished["ready"] >= target["buyers"] and not released.is_set():
        target["releasedAt"] = time.time()
        released.set()


class Buyer(GraphQLUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.quote = None
        try:
            if self.sign_up():
                self.take_quote()
        finally:
            _arrived()

    def take_quote(self) -> None:
        data, _ = self.gql(
            "fares",
            documents.FARES,
            {"from": ORIGIN, "to": DESTINATION, "date": travel_date(), "passengers": [{"type": "ADULT"}]},
        )
        for journey in (data or {}).get("searchJourneys", []):
            if journey["runId"] == target["runId"]:
                self.quote = next((f["quoteToken"] for f in journey["fares"] if f["seatClass"] == SEAT_CLASS), None)

    @task
    def buy(self) -> None:
        released.wait()
        outcome = "no quote"
        if self.quote:
            data, code = self.book(
                {
                    "input": {
                        "quoteToken": self.quote,
                        "passengers": [{"type": "ADULT", "name": "Ada Lovelace"}],
                        "idempotencyKey": f"rush-{uuid.uuid4()}",
                        "paymentMethod": TEST_PAYMENT_METHOD,
                    }
                },
                documents.LOST_RACE,
            )
            outcome = "CONFIRMED" if data else (code or "failed")
            if data:
                outcomes.confirmed(time.time())
        results[outcome] = results.get(outcome, 0) + 1
        finished["buyers"] += 1
        if finished["buyers"] >= target["buyers"]:
            gevent.spawn_later(0.5, self.environment.runner.quit)
        raise StopUser()


@events.quitting.add_listener
def _verdict(environment, **_kwargs) -> None:  # noqa: ANN001 - Locust's hook signature
    if not target:
        environment.process_exit_code = 1
        return
    _, seats_left = _availability_or_zero(environment.host)
    sold = results.get("CONFIRMED", 0)
    expected = min(target["seatsAtStart"], target["buyers"])
    losers = {code: n for code, n in results.items() if code != "CONFIRMED"}
    problems = []
    if finished["buyers"] != target["buyers"]:
        problems.append(f"{finished['buyers']} of {target['buyers']} buyers got an answer")
    if sold != expected:
        problems.append(f"{sold} seats sold, {expected} expected")
    if target["buyers"] > target["seatsAtStart"] and seats_left != 0:
        problems.append(f"{seats_left} seats left after more buyers than seats")
    for code, n in losers.items():
        if code not in documents.LOST_RACE:
            problems.append(f"{n} buyers got {code}")
    verdict = {**target, "sold": sold, "seatsLeft": seats_left, "outcomes": results, "problems": problems}
    print(f"rush: {json.dumps(verdict)}")
    out = os.environ.get("RAILGRAPH_LOAD_OUT")
    if out:
        with open(os.path.join(out, "rush.json"), "w", encoding="utf-8") as f:
            json.dump(verdict, f, indent=2)
    if problems:
        environment.process_exit_code = 1


def _availability_or_zero(host: str) -> tuple[str, int]:
    """Seats left on the rushed run after the rush (0 when it no longer shows as available)."""
    for journey in _journeys(host):
        if journey["runId"] == target["runId"]:
            return target["runId"], _seats_left(journey)
    return target["runId"], 0
