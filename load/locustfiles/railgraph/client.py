"""A traveller's GraphQL client over Locust's fast HTTP user.

Every call is one Locust request named after its operation. A call fails (counts against the
error budget) on a transport error, an HTTP status other than 200, an error code that is not
among those the caller expects, or a failed check of the answer. Expected error codes are
contractual outcomes (SOLD_OUT for a buyer who lost a rush) and are tallied, not failed.
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from typing import Any, Callable, Iterable

import gevent
from locust import FastHttpUser

from . import documents, outcomes

PASSWORD = "correct horse battery staple"
# The sandbox payment provider's test card that always authorizes: a traveller's booking pays with it.
TEST_PAYMENT_METHOD = "pm_card_visa"


class CheckFailed(Exception):
    """An answer that arrived but is not what the contract promises."""


class GraphQLUser(FastHttpUser):
    abstract = True
    #: Each user keeps one connection, as a browser tab or partner client does.
    concurrency = 1

    authorization: str | None = None
    #: The first error of the last answer that had one (its message and extensions).
    last_error: dict[str, Any] | None = None
    #: What the last failed call got: an error code, `HTTP <status>`, or a transport failure.
    last_failure: str = "failed"

    def gql(
        self,
        name: str,
        document: str,
        variables: dict[str, Any] | None = None,
        expect: Iterable[str] = (),
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> tuple[dict[str, Any] | None, str | None]:
        """Sends one operation; returns (data, None), (None, expected code) or (None, None) on failure."""
        headers = {"content-type": "application/json"}
        if self.authorization:
            headers["authorization"] = self.authorization
        body = {"query": document, "variables": variables or {}}
        started = time.time()
        data, code = self._send(name, body, headers, expect, check)
        if data is not None:
            outcome = "CONFIRMED" if name == "bookJourney" else "ok"
        else:
            outcome = code or self.last_failure
        outcomes.answered(time.time(), (time.time() - started) * 1000, name, outcome)
        return data, code

    def _send(self, name, body, headers, expect, check):  # noqa: ANN001, ANN202 - see gql
        with self.client.post("/graphql", json=body, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                code = _code_of(response)
                self.last_failure = code or (f"HTTP {response.status_code}" if response.status_code else "transport")
                outcomes.record(name, f"HTTP {response.status_code}" + (f" {code}" if code else ""))
                response.failure(f"HTTP {response.status_code} {code or ''}".strip())
                return None, None
            try:
                answer = response.json()
            except ValueError:
                self.last_failure = "unreadable"
                outcomes.record(name, "unreadable")
                response.failure("the answer is not JSON")
                return None, None
            errors = answer.get("errors")
            if errors:
                self.last_error = errors[0]
                code = (errors[0].get("extensions") or {}).get("code", "no code")
                outcomes.record(name, code)
                if code in expect:
                    response.success()
                    return None, code
                self.last_failure = code
                response.failure(f"{code}: {errors[0].get('message')}")
                return None, None
            data = answer.get("data") or {}
            if check:
                try:
                    check(data)
                except CheckFailed as failed:
                    self.last_failure = "check failed"
                    outcomes.record(name, "check failed")
                    response.failure(f"check: {failed}")
                    return None, None
            outcomes.record(name, "ok")
            response.success()
            return data, None

    def book(self, variables: dict[str, Any], expect: Iterable[str], check=None, retries: int = 10):  # noqa: ANN001
        """bookJourney as the web app sends it: on RATE_LIMITED (the booking queue is full) it
        waits the `retryAfterSeconds` it was told and sends the same key again, up to `retries`
        times. Returns (data, code) of the last answer."""
        for _ in range(retries + 1):
            data, code = self.gql("bookJourney", documents.BOOK, variables, expect=(*expect, "RATE_LIMITED"), check=check)
            if code != "RATE_LIMITED":
                return data, code
            wait = float(((self.last_error or {}).get("extensions") or {}).get("retryAfterSeconds", 1))
            gevent.sleep(wait + random.random())
        return None, "RATE_LIMITED"

    def sign_up(self) -> bool:
        email = f"load-{uuid.uuid4().hex[:16]}@example.test"
        data, _ = self.gql(
            "signUp",
            "mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken } }",
            {"input": {"email": email, "password": PASSWORD, "name": "Load Traveller"}},
        )
        if not data:
            return False
        self.email = email
        self.authorization = f"Bearer {data['signUp']['accessToken']}"
        return True

    def log_in(self) -> None:
        data, _ = self.gql(
            "logIn",
            "mutation LogIn($input: LogInInput!) { logIn(input: $input) { accessToken } }",
            {"input": {"email": self.email, "password": PASSWORD}},
        )
        if data:
            self.authorization = f"Bearer {data['logIn']['accessToken']}"


def _code_of(response: Any) -> str | None:
    try:
        errors = response.json().get("errors") or []
        return (errors[0].get("extensions") or {}).get("code") if errors else None
    except Exception:  # noqa: BLE001 - any unreadable body has no code
        return None


def travel_date() -> str:
    """Tomorrow (UTC): every demo train runs daily and can be booked."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).date().isoformat()


NAMES = ["Ada Lovelace", "Brunel Isambard", "Grace O'Neil", "Zoë Varga-Szabó", "Mei Tanaka", "J. R. Smith"]


def passengers(count: int | None = None) -> list[dict[str, str]]:
    """A party, each passenger named (a traveller's booking must name everyone; fares ignore it)."""
    count = count or random.choices([1, 2, 3, 4], weights=[55, 30, 10, 5])[0]
    return [
        {"type": "ADULT" if i == 0 else random.choice(["ADULT", "CHILD", "YOUTH", "SENIOR"]), "name": random.choice(NAMES)}
        for i in range(count)
    ]


def expect_that(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)
