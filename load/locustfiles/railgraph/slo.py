"""Thresholds from load/slo.json, judged when the run quits.

A threshold is broken by an operation's p95 or p99 over its objective, or by a share of failed
requests over the error budget. Broken thresholds set the exit code, except in a smoke run
(RAILGRAPH_LOAD_SMOKE=1), which reports timings and fails only on failures (Locust's own exit
code) and on checks the scenario makes itself. The verdicts go to thresholds.json in
RAILGRAPH_LOAD_OUT.
"""

from __future__ import annotations

import json
import os

from locust import events

SLO_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "slo.json")

with open(SLO_FILE, encoding="utf-8") as f:
    SLO = json.load(f)

SMOKE = os.environ.get("RAILGRAPH_LOAD_SMOKE") == "1"


def judge(stats) -> list[dict]:  # noqa: ANN001 - Locust's RequestStats
    verdicts = []
    for name, objective in SLO["operations"].items():
        if name.startswith("$"):
            continue
        entry = stats.entries.get((name, "POST"))
        if not entry or entry.num_requests == 0:
            continue
        for quantile in ("p95", "p99"):
            measured = entry.get_response_time_percentile(int(quantile[1:]) / 100)
            verdicts.append(
                {
                    "threshold": f"{name} {quantile} <= {objective[quantile]} ms",
                    "measured": measured,
                    "ok": measured <= objective[quantile],
                    "timing": True,
                }
            )
    total = stats.total
    ratio = total.num_failures / total.num_requests if total.num_requests else 0.0
    budget = SLO["availability"]["errorBudget"]
    verdicts.append(
        {
            "threshold": f"failed requests <= {budget:.1%}",
            "measured": round(ratio, 6),
            "ok": ratio <= budget,
            "timing": False,
        }
    )
    return verdicts


@events.quitting.add_listener
def _judge(environment, **_kwargs) -> None:  # noqa: ANN001 - Locust's hook signature
    verdicts = judge(environment.stats)
    for v in verdicts:
        flag = "ok  " if v["ok"] else ("SLOW" if v["timing"] else "FAIL")
        print(f"threshold {flag} {v['threshold']}: {v['measured']}")
    out = os.environ.get("RAILGRAPH_LOAD_OUT")
    if out:
        with open(os.path.join(out, "thresholds.json"), "w", encoding="utf-8") as f:
            json.dump({"smoke": SMOKE, "verdicts": verdicts}, f, indent=2)
    broken = [v for v in verdicts if not v["ok"] and not (SMOKE and v["timing"])]
    if broken:
        environment.process_exit_code = 1
