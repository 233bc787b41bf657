"""Tallies what each operation answered, and the runs bookings touched, for the run's report.

`npm run load` reads `outcomes.json` from RAILGRAPH_LOAD_OUT: the tally per operation (ok, an
error code, a failed check) and the (run, class) pairs bookings were attempted on, which are
the ones whose seats the invariants compare with inventory's.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict

from locust import events

_tally: dict[str, Counter[str]] = defaultdict(Counter)
_run_classes: set[tuple[str, str]] = set()
_confirmed_at: list[float] = []
#: Every answer as it ended: (end time s, latency ms, operation, outcome), for the run's chart
#: and the fault windows.
_answers: list[tuple[float, float, str, str]] = []


def record(operation: str, outcome: str) -> None:
    _tally[operation][outcome] += 1


def booked_on(run_id: str, seat_class: str) -> None:
    _run_classes.add((run_id, seat_class))


def confirmed(at: float) -> None:
    _confirmed_at.append(at)


def answered(ended_at: float, latency_ms: float, operation: str, outcome: str) -> None:
    _answers.append((ended_at, latency_ms, operation, outcome))


def tally(operation: str) -> Counter[str]:
    return _tally[operation]


@events.quitting.add_listener
def _write(environment, **_kwargs) -> None:  # noqa: ANN001 - Locust's hook signature
    out = os.environ.get("RAILGRAPH_LOAD_OUT")
    if not out:
        return
    confirmations = sorted(_confirmed_at)
    with open(os.path.join(out, "outcomes.json"), "w", encoding="utf-8") as f:
        json.dump(
            {
                "operations": {name: dict(counts) for name, counts in sorted(_tally.items())},
                "runClasses": [{"runId": r, "seatClass": c} for r, c in sorted(_run_classes)],
                "confirmedBookings": len(confirmations),
                "firstConfirmedAt": confirmations[0] if confirmations else None,
                "lastConfirmedAt": confirmations[-1] if confirmations else None,
                "answers": [[round(t, 3), round(ms, 1), op, outcome] for t, ms, op, outcome in sorted(_answers)],
            },
            f,
            indent=2,
        )
