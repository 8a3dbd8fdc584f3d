"""Judge the targets and write `latest.md` (tables) and `latest.json` (the same numbers).

Targets are printed as PASS or MISS (N/A when a variant could not run); nothing here fails a run.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .endtoend import Throughput
from .flood import BUDGET, SHARE, Flood
from .outage import OPEN_NEW_TOKENS, Outage
from .stats import ratio
from .upstream import UpstreamCheck
from .variants import NONE, OIDC, SHARED_HIT, SIMPLEJWT, STEADY

if TYPE_CHECKING:  # bench.inprocess needs Django configured; this module must not
    from .inprocess import CallCost


@dataclass
class Results:
    """Everything one run measured."""

    meta: dict[str, Any]
    inprocess: list["CallCost"]
    endtoend: list[Throughput]
    upstream: list[UpstreamCheck]
    outage: Outage
    notes: list[str] = field(default_factory=list)
    floods: list[Flood] = field(default_factory=list)

    def cost(self, key: str) -> "CallCost":
        return next(cost for cost in self.inprocess if cost.variant.key == key)

    def throughput(self, key: str) -> Throughput:
        return next(item for item in self.endtoend if item.variant.key == key)


@dataclass(frozen=True)
class Target:
    """One target with what was measured against it."""

    name: str
    measured: str
    status: str  # PASS | MISS | N/A
    value: float | None


def judge(name: str, value: float | None, passes: Callable[[float], bool], unit: str) -> Target:
    """Return a Target: N/A when `value` is None, else PASS/MISS by `passes`."""
    if value is None:
        return Target(name, "not measured", "N/A", None)
    return Target(name, f"{value:.3g}{unit}", "PASS" if passes(value) else "MISS", value)


def call_ratio(results: Results, key: str, reference: str) -> float | None:
    cost, base = results.cost(key), results.cost(reference)
    if not cost.samples_us or not base.samples_us:
        return None
    return ratio(cost.median_us, base.median_us)


def rps_ratio(results: Results, key: str, reference: str) -> float | None:
    item, base = results.throughput(key), results.throughput(reference)
    return ratio(item.rps, base.rps) if item.runs and base.runs else None


def targets(results: Results) -> list[Target]:
    """Return every target of the issue, judged."""
    spread, burst = results.upstream
    open_503 = next((p for p in results.outage.phases if p.name == OPEN_NEW_TOKENS), None)
    return [
        judge("in-process: steady state (6) ≤ 0.05x simplejwt (2)",
              call_ratio(results, STEADY.key, SIMPLEJWT.key), lambda v: v <= 0.05, "x"),
        judge("in-process: shared cache hit (5) ≤ 0.5x simplejwt (2)",
              call_ratio(results, SHARED_HIT.key, SIMPLEJWT.key), lambda v: v <= 0.5, "x"),
        judge("end to end: steady state (6) ≥ 0.9x the req/s of no auth (1)",
              rps_ratio(results, STEADY.key, NONE.key), lambda v: v >= 0.9, "x"),
        judge("end to end: steady state (6) ≥ 2x the req/s of simplejwt (2)",
              rps_ratio(results, STEADY.key, SIMPLEJWT.key), lambda v: v >= 2, "x"),
        judge("end to end: steady state (6) ≥ 3x the req/s of mozilla-django-oidc (3)",
              rps_ratio(results, STEADY.key, OIDC.key), lambda v: v >= 3, "x"),
        judge(f"upstream: /me calls = distinct tokens ({spread.tokens}), all answers 200",
              float(spread.calls), lambda v: spread.passed, " calls"),
        judge("upstream: a burst with one new token makes exactly 1 call, all answers 200",
              float(burst.calls), lambda v: burst.passed, " calls"),
        judge("outage: 503 answers with the breaker open, p99 < 5 ms (all 503 + Retry-After)",
              open_503.timing.p99_ms if open_503 else None,
              lambda v: v < 5 and open_503 is not None and open_503.as_expected, " ms"),
    ]  # fmt: skip


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}x"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Return a Markdown table's lines."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def header_lines(meta: dict[str, Any]) -> list[str]:
    versions = " · ".join(f"{name} {v}" for name, v in meta["versions"].items())
    return [
        "# Authentication cost per request: ours against the alternatives",
        "",
        f"- **Date**: {meta['date']} · **commit** {meta['commit']} · **mode** {meta['mode']}",
        f"- **Machine**: {meta['cpu']}, {meta['cores']} cores (shared and noisy: read the ratios,"
        " which compare variants measured side by side, more than the absolute numbers)",
        f"- **Software**: Python {meta['python']} · {versions}",
        f"- **Setup**: {meta['setup']}",
        "",
    ]


def target_lines(judged: list[Target]) -> list[str]:
    rows = [[t.name, t.measured, f"**{t.status}**"] for t in judged]
    return ["## Targets", "", *table(["target", "measured", "result"], rows), ""]


def inprocess_lines(results: Results) -> list[str]:
    base = results.cost(SIMPLEJWT.key)
    rows = []
    for cost in results.inprocess:
        if cost.skipped:
            rows.append([cost.variant.label, "-", "-", "-", f"skipped: {cost.skipped}", "0"])
            continue
        rows.append([
            cost.variant.label, _num(cost.median_us), _num(cost.p99_us),
            _ratio(ratio(cost.median_us, base.median_us) if base.samples_us else None),
            cost.answer, f"{len(cost.samples_us):,}",
        ])  # fmt: skip
    head = ["variant", "median µs", "p99 µs", "x simplejwt (median)", "answer", "calls"]
    intro = "One `authenticate()` call on a DRF `Request`, called directly (no HTTP, no view)."
    return ["## In process", "", intro, "", *table(head, rows), ""]


def endtoend_lines(results: Results) -> list[str]:
    base = results.throughput(NONE.key)
    rows = []
    for item in results.endtoend:
        if item.skipped:
            rows.append([item.variant.label, *["-"] * 6, f"skipped: {item.skipped}"])
            continue
        runs = " / ".join(_num(run.rps, 0) for run in item.runs)
        pairs = zip(item.runs, base.runs, strict=False)  # (1) has as many runs, or none
        per_round = " / ".join(_ratio(ratio(run.rps, ref.rps)) for run, ref in pairs)
        rows.append([
            item.variant.label, runs, _num(item.rps, 0),
            _ratio(ratio(item.rps, base.rps) if base.runs else None), per_round or "-",
            _num(item.p50_ms, 2), _num(item.p99_ms, 2), str(item.failures),
        ])  # fmt: skip
    head = ["variant", "req/s per round", "req/s mean", "x (1)", "x (1) per round",
            "p50 ms", "p99 ms", "non-2xx/errors"]  # fmt: skip
    intro = (
        "Requests/s of `GET /bench/<variant>` under gunicorn. `x (1)` (judged) divides the mean"
        " req/s by variant 1's; per round, by variant 1's in the same round, which shows how much"
        " the machine's load moved between rounds. p50: median of the rounds; p99: the worst."
    )
    return ["## End to end", "", intro, "", *table(head, rows), ""]


def upstream_lines(results: Results) -> list[str]:
    rows = [
        [c.name, f"{c.requests:,}", str(c.tokens), str(c.calls), str(c.expected),
         _statuses(c.statuses), _num(c.seconds, 1), "PASS" if c.passed else "MISS"]
        for c in results.upstream
    ]  # fmt: skip
    head = ["scenario", "requests", "tokens", "/me calls", "expected", "answers", "s", "result"]
    return ["## Upstream load (calls counted by the auth server)", "", *table(head, rows), ""]


def outage_lines(results: Results) -> list[str]:
    outage = results.outage
    rows = [
        [p.name, _statuses(p.check.statuses), f"{p.timing.requests:,} ({p.timing.tool})",
         _num(p.timing.p50_ms, 2), _num(p.timing.p99_ms, 2), str(p.unexpected),
         str(p.upstream_calls), "yes" if p.as_expected else "NO"]
        for p in outage.phases
    ]  # fmt: skip
    head = ["answers", "checked (each token once)", "timed requests", "p50 ms", "p99 ms",
            "unexpected", "/me calls", "as expected"]  # fmt: skip
    trip = (
        f"Opening the breaker: {outage.trip.requests} new tokens answered "
        f"{_statuses(outage.trip.statuses)} after {outage.trip_calls} failed /me calls."
    )
    title = "## Outage (auth server down: every connection dropped)"
    return [title, "", trip, "", *table(head, rows), ""]


def flood_lines(results: Results) -> list[str]:
    rows = [
        [f.name, f"{f.requests:,}", _statuses(f.statuses), str(f.upstream_calls),
         _statuses(f.user_statuses), _num(f.user_p50_ms, 1), _num(f.user_max_ms, 1),
         "yes" if f.user_unaffected else "NO"]
        for f in results.floods
    ]  # fmt: skip
    head = ["flood", "requests", "flooder's answers", "/me calls (all)", "real user's answers",
            "user p50 ms", "user max ms", "user unaffected"]  # fmt: skip
    intro = (
        f"One client address floods an instance with the production budget ({BUDGET}/min) and "
        f"per-client share ({SHARE}/min) while a real user on another address verifies new tokens."
    )
    return ["## Floods from one client", "", intro, "", *table(head, rows), ""]


def _statuses(statuses: dict[int, int]) -> str:
    return ", ".join(f"{status or 'error'}: {n:,}" for status, n in sorted(statuses.items()))


def markdown(results: Results) -> str:
    """Return the whole report as Markdown."""
    lines = header_lines(results.meta) + target_lines(targets(results))
    lines += inprocess_lines(results) + endtoend_lines(results)
    lines += upstream_lines(results) + outage_lines(results) + flood_lines(results)
    lines += ["## How it was measured", "", *[f"- {note}" for note in results.notes], ""]
    return "\n".join(lines)


def as_json(results: Results) -> dict[str, Any]:
    """Return the report's numbers as a JSON-ready dict."""
    return {
        "meta": results.meta,
        "targets": [vars(t) for t in targets(results)],
        "inprocess": [
            {"variant": c.variant.number, "key": c.variant.key, "title": c.variant.title,
             "median_us": c.median_us, "p99_us": c.p99_us, "calls": len(c.samples_us),
             "answer": c.answer, "skipped": c.skipped}
            for c in results.inprocess
        ],
        "endtoend": [
            {"variant": t.variant.number, "key": t.variant.key, "title": t.variant.title,
             "rps": t.rps, "rps_runs": [run.rps for run in t.runs], "p50_ms": t.p50_ms,
             "requests": [run.requests for run in t.runs],
             "p99_ms": t.p99_ms, "failures": t.failures, "tool": [run.tool for run in t.runs],
             "skipped": t.skipped}
            for t in results.endtoend
        ],
        "upstream": [
            {**vars(c), "statuses": _json_statuses(c.statuses), "passed": c.passed}
            for c in results.upstream
        ],
        "outage": {
            "trip": {"requests": results.outage.trip.requests,
                     "statuses": _json_statuses(results.outage.trip.statuses),
                     "upstream_calls": results.outage.trip_calls},
            "phases": [
                {"name": p.name, "expected_status": p.expected_status,
                 "checked": _json_statuses(p.check.statuses), "timed_requests": p.timing.requests,
                 "tool": p.timing.tool, "p50_ms": p.timing.p50_ms, "p99_ms": p.timing.p99_ms,
                 "unexpected": p.unexpected, "upstream_calls": p.upstream_calls,
                 "as_expected": p.as_expected}
                for p in results.outage.phases
            ],
        },
        "floods": [
            {"name": f.name, "requests": f.requests, "statuses": _json_statuses(f.statuses),
             "upstream_calls": f.upstream_calls, "user_statuses": _json_statuses(f.user_statuses),
             "user_p50_ms": f.user_p50_ms, "user_max_ms": f.user_max_ms,
             "user_unaffected": f.user_unaffected}
            for f in results.floods
        ],
        "notes": results.notes,
    }  # fmt: skip


def _json_statuses(statuses: dict[int, int]) -> dict[str, int]:
    return {str(status): n for status, n in sorted(statuses.items())}


def write(results: Results, out: Path) -> tuple[Path, Path]:
    """Write latest.md and latest.json into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "latest.md", out / "latest.json"
    md.write_text(markdown(results), encoding="utf-8")
    js.write_text(json.dumps(as_json(results), indent=2) + "\n", encoding="utf-8")
    return md, js
