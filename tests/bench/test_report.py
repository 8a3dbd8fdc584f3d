"""The report's judging and rendering, on hand-made numbers (no run, no timing)."""

from typing import Any

import pytest

from bench.load import LoadResult
from bench.outage import OPEN_NEW_TOKENS, Outage, OutagePhase
from bench.report import (
    breaker_target,
    churn_targets,
    endtoend_lines,
    judge,
    split_lines,
    target_lines,
)
from bench.stats import Spread
from bench.upstream import UpstreamCheck


def wrk_run(p99_ms: float, requests: int = 1000) -> LoadResult:
    return LoadResult("wrk", requests, 1.0, p50_ms=1.0, p99_ms=p99_ms, non_2xx=requests)


def outage(p99s: list[float]) -> Outage:
    check = LoadResult("python", 5, 0.1, 1.0, 2.0, non_2xx=5, statuses={503: 5})
    phase = OutagePhase(OPEN_NEW_TOKENS, 503, check, ["t"], [wrk_run(p) for p in p99s])
    return Outage(check, 5, [phase], open_calls=0)


def churn(calls: int, statuses: dict[int, int] | None = None) -> UpstreamCheck:
    return UpstreamCheck("churn", 20, 10, calls, 10, 1.0, statuses or {200: 20})


def test_a_ratio_target_is_judged_on_the_median_and_shows_the_rounds() -> None:
    target = judge("steady", Spread(0.96, 0.80, 1.02), lambda v: v >= 0.95, "x")
    assert (target.status, target.value) == ("PASS", 0.96)
    assert target.measured == "0.96x (rounds 0.8 to 1.02)"


def test_a_target_with_nothing_measured_is_not_applicable() -> None:
    assert judge("oidc", None, lambda v: True, "x").status == "N/A"


def test_the_breaker_target_misses_when_any_round_is_slow() -> None:
    assert breaker_target(outage([1.0, 2.0, 3.0])).status == "PASS"
    slow = breaker_target(outage([1.0, 6.0, 2.0]))
    assert (slow.status, slow.value) == ("MISS", 6.0)
    assert slow.measured == "worst round 6 ms (rounds 1 to 6)"


def test_the_breaker_target_misses_when_an_answer_was_not_a_503() -> None:
    broken = outage([1.0])
    broken.phases[0].check.statuses = {503: 4, 200: 1}
    assert breaker_target(broken).status == "MISS"


def test_two_instances_pass_only_with_the_totals_of_one() -> None:
    assert [t.status for t in churn_targets([churn(10), churn(10)])] == ["PASS", "PASS"]
    assert [t.status for t in churn_targets([churn(10), churn(11)])] == ["PASS", "MISS"]
    other_answers = churn(10, {200: 19, 503: 1})
    assert [t.status for t in churn_targets([churn(10), other_answers])] == ["PASS", "MISS"]
    assert [t.status for t in churn_targets([churn(9), churn(9)])] == ["MISS", "MISS"]


def test_target_lines_render_every_target_with_its_result() -> None:
    data = {"targets": [{"name": "t1", "measured": "1x", "status": "PASS", "value": 1.0}]}
    assert "| t1 | 1x | **PASS** |" in target_lines(data)


@pytest.fixture
def endtoend() -> dict[str, Any]:
    row = {"label": "(6) ours", "rps": 950.0, "rps_runs": [900.0, 950.0, 1000.0],
           "x_none": {"median": 0.95, "low": 0.9, "high": 1.01}, "p50_ms": 1.0,
           "p99_ms": 2.5, "failures": 0, "skipped": ""}  # fmt: skip
    skipped = {**row, "label": "(3) oidc", "skipped": "not installed"}
    return {"endtoend": [row, skipped]}


def test_endtoend_lines_show_the_median_ratio_and_its_range(endtoend: dict[str, Any]) -> None:
    lines = endtoend_lines(endtoend)
    assert "| (6) ours | 950 | 900 to 1,000 | 0.950x (0.900 to 1.010) | 1.00 | 2.50 | 0 |" in lines
    assert "| (3) oidc | - | - | - | - | - | skipped: not installed |" in lines


def test_split_lines_give_each_part_and_its_share() -> None:
    split = {"tokens": 50, "total_us": 4000.0, "me_us": 1000.0, "redis_us": 1000.0,
             "db_us": 500.0, "rest_us": 1500.0, "me_calls": 1.0, "redis_round_trips": 4.0,
             "db_queries": 0.0}  # fmt: skip
    row = split_lines({"cold_split": split})[-2]
    assert row == (
        "| 4,000 µs | 1,000 µs (25%) · 1 calls | 1,000 µs (25%) · 4 round trips "
        "| 500 µs (12%) · 0 queries | 1,500 µs (38%) · Python |"
    )
    assert split_lines({"cold_split": None}) == []
