"""Judge the targets and write `latest.md` (tables) and `latest.json` (the same numbers).

`as_json` turns one run's results into plain data, targets judged; every table is rendered from
that data (`markdown`), so `bench.readme` can render the README's copy from `latest.json` alone.
Targets are printed as PASS or MISS (N/A when a variant could not run); nothing here fails a run.
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .endtoend import Throughput
from .flood import BUDGET, SHARE, Flood
from .outage import OPEN_NEW_TOKENS, Outage
from .stats import Spread, per_round_ratios
from .upstream import UpstreamCheck
from .variants import NEW_TOKEN, NONE, OIDC, SIMPLEJWT, STEADY

if TYPE_CHECKING:  # these modules need Django configured; this one must not
    from .coldsplit import ColdSplit
    from .inprocess import CallCost

Data = dict[str, Any]
# The targets (#16): ratios are judged on the median of per-round ratios.
COLD_INPROCESS_MAX = 1.2  # x mozilla-django-oidc's per-call cost
COLD_ENDTOEND_MIN = 1.0  # x mozilla-django-oidc's req/s
STEADY_ENDTOEND_MIN = 0.95  # x no authentication's req/s
STEADY_INPROCESS_MAX_US = 5.0
BREAKER_P99_MAX_MS = 5.0


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
    churn: list[UpstreamCheck] = field(default_factory=list)  # one instance, then two
    split: "ColdSplit | None" = None

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


def spread_text(spread: Spread, unit: str, digits: int = 3) -> str:
    """Return e.g. "0.93x (rounds 0.88 to 0.97)"."""
    return (
        f"{spread.median:.{digits}g}{unit} "
        f"(rounds {spread.low:.{digits}g} to {spread.high:.{digits}g})"
    )


def judge(name: str, spread: Spread | None, passes: Callable[[float], bool], unit: str) -> Target:
    """Return a Target judged on `spread.median`: N/A when nothing was measured."""
    if spread is None:
        return Target(name, "not measured", "N/A", None)
    status = "PASS" if passes(spread.median) else "MISS"
    return Target(name, spread_text(spread, unit), status, spread.median)


def check(name: str, measured: str, value: float, passed: bool) -> Target:
    """Return a Target that is a count compared exactly."""
    return Target(name, measured, "PASS" if passed else "MISS", value)


def call_ratios(results: Results, key: str, reference: str) -> Spread | None:
    """Return the spread of the per-round ratios of two variants' median µs per call."""
    cost, base = results.cost(key), results.cost(reference)
    if not cost.rounds_us or not base.rounds_us:
        return None
    return Spread.of(per_round_ratios(cost.round_medians_us, base.round_medians_us))


def rps_ratios(results: Results, key: str, reference: str) -> Spread | None:
    """Return the spread of the per-round ratios of two variants' requests/s."""
    item, base = results.throughput(key), results.throughput(reference)
    if not item.runs or not base.runs:
        return None
    return Spread.of(per_round_ratios(item.rps_runs, base.rps_runs))


def breaker_target(outage: Outage) -> Target:
    """503 p99 under the limit in every round: judged on the worst round."""
    name = (
        f"breaker open: 503 p99 < {BREAKER_P99_MAX_MS:g} ms in every round (all 503 + Retry-After)"
    )
    phase = next((p for p in outage.phases if p.name == OPEN_NEW_TOKENS), None)
    if phase is None or not phase.timings:
        return Target(name, "not measured", "N/A", None)
    worst, best = max(phase.p99_ms_runs), min(phase.p99_ms_runs)
    measured = f"worst round {worst:.3g} ms (rounds {best:.3g} to {worst:.3g})"
    return check(name, measured, worst, worst < BREAKER_P99_MAX_MS and phase.as_expected)


def churn_targets(churn: list[UpstreamCheck]) -> list[Target]:
    """Churn on one instance: exact calls; on two: the same totals as on one."""
    if len(churn) != 2:
        return []
    one, two = churn
    same = (one.requests, one.tokens, one.calls, one.statuses) == (
        two.requests,
        two.tokens,
        two.calls,
        two.statuses,
    )
    return [
        check(f"churn: /me calls = distinct tokens ({one.tokens:,}), all answers 200",
              f"{one.calls:,} calls", float(one.calls), one.passed),
        check("two instances: the same totals as one (requests, answers, /me calls)",
              f"{two.calls:,} calls, {_statuses(two.statuses)}", float(two.calls),
              two.passed and same),
    ]  # fmt: skip


def targets(results: Results) -> list[Target]:
    """Return every target of the issue, judged, and the upstream exactness checks."""
    spread, burst = results.upstream
    steady = results.cost(STEADY.key)
    return [
        judge(f"cold path in process: a new token (8) ≤ {COLD_INPROCESS_MAX:g}x "
              "mozilla-django-oidc (3) per call",
              call_ratios(results, NEW_TOKEN.key, OIDC.key),
              lambda v: v <= COLD_INPROCESS_MAX, "x"),
        judge(f"cold path end to end: a new token per request (8) ≥ {COLD_ENDTOEND_MIN:g}x the "
              "req/s of mozilla-django-oidc (3)",
              rps_ratios(results, NEW_TOKEN.key, OIDC.key),
              lambda v: v >= COLD_ENDTOEND_MIN, "x"),
        judge(f"steady state end to end: (6) ≥ {STEADY_ENDTOEND_MIN:g}x the req/s of no auth (1)",
              rps_ratios(results, STEADY.key, NONE.key),
              lambda v: v >= STEADY_ENDTOEND_MIN, "x"),
        judge(f"steady state in process: (6) ≤ {STEADY_INPROCESS_MAX_US:g} µs",
              Spread.of(steady.round_medians_us), lambda v: v <= STEADY_INPROCESS_MAX_US, " µs"),
        breaker_target(results.outage),
        *churn_targets(results.churn),
        check(f"upstream: /me calls = distinct tokens ({spread.tokens}), all answers 200",
              f"{spread.calls} calls", float(spread.calls), spread.passed),
        check("upstream: a burst with one new token makes exactly 1 call, all answers 200",
              f"{burst.calls} calls", float(burst.calls), burst.passed),
    ]  # fmt: skip


# --- plain data -------------------------------------------------------------------------------


def _spread_json(spread: Spread | None) -> dict[str, float] | None:
    return asdict(spread) if spread else None


def _json_statuses(statuses: dict[int, int]) -> dict[str, int]:
    return {str(status): n for status, n in sorted(statuses.items())}


def _check_json(c: UpstreamCheck) -> Data:
    return {**vars(c), "statuses": _json_statuses(c.statuses), "passed": c.passed, "rps": c.rps}


def as_json(results: Results) -> Data:
    """Return the report's numbers, targets judged, as a JSON-ready dict."""
    has_simplejwt = bool(results.cost(SIMPLEJWT.key).rounds_us)
    has_none = bool(results.throughput(NONE.key).runs)
    outage = results.outage
    return {
        "meta": results.meta,
        "targets": [vars(t) for t in targets(results)],
        "inprocess": [
            {"variant": c.variant.number, "key": c.variant.key, "label": c.variant.label,
             "median_us": c.median_us if c.rounds_us else None,
             "p99_us": c.p99_us if c.rounds_us else None,
             "round_medians_us": c.round_medians_us, "calls": len(c.samples_us),
             "x_simplejwt": _spread_json(call_ratios(results, c.variant.key, SIMPLEJWT.key))
             if has_simplejwt and c.rounds_us else None,
             "answer": c.answer, "skipped": c.skipped}
            for c in results.inprocess
        ],
        "endtoend": [
            {"variant": t.variant.number, "key": t.variant.key, "label": t.variant.label,
             "rps": t.rps, "rps_runs": t.rps_runs, "requests": [run.requests for run in t.runs],
             "x_none": _spread_json(rps_ratios(results, t.variant.key, NONE.key))
             if has_none and t.runs else None,
             "p50_ms": t.p50_ms, "p99_ms": t.p99_ms, "failures": t.failures,
             "skipped": t.skipped}
            for t in results.endtoend
        ],
        "upstream": [_check_json(c) for c in results.upstream],
        "churn": [_check_json(c) for c in results.churn],
        "cold_split": {**asdict(results.split), "rest_us": results.split.rest_us}
        if results.split else None,
        "outage": {
            "trip": {"requests": outage.trip.requests,
                     "statuses": _json_statuses(outage.trip.statuses),
                     "upstream_calls": outage.trip_calls},
            "open_calls": outage.open_calls,
            "phases": [
                {"name": p.name, "expected_status": p.expected_status,
                 "checked": _json_statuses(p.check.statuses), "timed_requests": p.timed_requests,
                 "p50_ms": p.p50_ms, "p99_ms_runs": p.p99_ms_runs,
                 "unexpected": p.unexpected, "as_expected": p.as_expected}
                for p in outage.phases
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


# --- Markdown, from the plain data -------------------------------------------------------------


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _range(values: list[float], digits: int = 1) -> str:
    return f"{min(values):,.{digits}f} to {max(values):,.{digits}f}" if values else "-"


def _ratio(spread: dict[str, float] | None) -> str:
    if spread is None:
        return "-"
    return f"{spread['median']:.3f}x ({spread['low']:.3f} to {spread['high']:.3f})"


def _statuses(statuses: dict[Any, int]) -> str:
    items = sorted((int(status), n) for status, n in statuses.items())
    return ", ".join(f"{status or 'error'}: {n:,}" for status, n in items)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Return a Markdown table's lines."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def header_lines(meta: Data) -> list[str]:
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


def run_line(meta: Data) -> str:
    """Return one line naming the run: date, mode, commit, machine; a run that is not a full
    one says so, since its fewer, shorter rounds are not the numbers to quote."""
    command = "make bench" if meta["mode"] == "full" else f"python -m bench --{meta['mode']}"
    line = (
        f"One `{command}` run ({meta['mode']} mode, {meta['date']}, commit {meta['commit']}, "
        f"{meta['cpu']}, {meta['cores']} cores, Python {meta['python']}, {meta['load_generator']})"
    )
    if meta["mode"] != "full":
        line += ": fewer, shorter rounds than a full `make bench`, read as a check, not as numbers"
    return line + ":"


def target_lines(data: Data) -> list[str]:
    rows = [[t["name"], t["measured"], f"**{t['status']}**"] for t in data["targets"]]
    intro = (
        "Ratios are the median of per-round ratios (each round measures every variant once); "
        "the range is the lowest and highest round."
    )
    return ["## Targets", "", intro, "", *table(["target", "measured", "result"], rows), ""]


def inprocess_lines(data: Data) -> list[str]:
    rows = []
    for cost in data["inprocess"]:
        if cost["skipped"]:
            rows.append([cost["label"], *["-"] * 4, f"skipped: {cost['skipped']}", "0"])
            continue
        rows.append([
            cost["label"], _num(cost["median_us"]), _num(cost["p99_us"]),
            _range(cost["round_medians_us"]), _ratio(cost["x_simplejwt"]), cost["answer"],
            f"{cost['calls']:,}",
        ])  # fmt: skip
    head = ["variant", "median µs", "p99 µs", "round medians µs", "x simplejwt (rounds)",
            "answer", "calls"]  # fmt: skip
    intro = "One `authenticate()` call on a DRF `Request`, called directly (no HTTP, no view)."
    return ["## In process", "", intro, "", *table(head, rows), ""]


def split_lines(data: Data) -> list[str]:
    split = data["cold_split"]
    if not split:
        return []
    total = split["total_us"]

    def part(us: float, calls: str) -> str:
        share = f"{us / total:.0%}" if total else "-"
        return f"{us:,.0f} µs ({share}) · {calls}"

    rows = [[
        f"{total:,.0f} µs",
        part(split["me_us"], f"{split['me_calls']:g} calls"),
        part(split["redis_us"], f"{split['redis_round_trips']:.3g} round trips"),
        part(split["db_us"], f"{split['db_queries']:.3g} queries"),
        part(split["rest_us"], "Python"),
    ]]  # fmt: skip
    head = ["per new token", "network: `/me`", "Redis", "database", "the rest"]
    intro = (
        f"Where a new token's time goes (variant 8, mean over {split['tokens']} new tokens of "
        "already mirrored users, metered): the auth server's `/me` (network and its answer), "
        "Redis commands (send and reply), database queries and commits, and the rest (Python)."
    )
    return ["## The cold path's cost split", "", intro, "", *table(head, rows), ""]


def endtoend_lines(data: Data) -> list[str]:
    rows = []
    for item in data["endtoend"]:
        if item["skipped"]:
            rows.append([item["label"], *["-"] * 5, f"skipped: {item['skipped']}"])
            continue
        rows.append([
            item["label"], _num(item["rps"], 0), _range(item["rps_runs"], 0),
            _ratio(item["x_none"]), _num(item["p50_ms"], 2), _num(item["p99_ms"], 2),
            str(item["failures"]),
        ])  # fmt: skip
    head = ["variant", "req/s (median)", "req/s rounds", "x (1) (rounds)", "p50 ms", "p99 ms",
            "non-2xx/errors"]  # fmt: skip
    intro = (
        "Requests/s of `GET /bench/<variant>` under gunicorn (wrk). `x (1)` is the median of "
        "the per-round ratios to variant 1 (no authentication) and their range. p50: median of "
        "the rounds; p99: the worst round."
    )
    return ["## End to end", "", intro, "", *table(head, rows), ""]


def _check_rows(checks: list[Data]) -> list[list[str]]:
    return [
        [c["name"], f"{c['requests']:,}", f"{c['tokens']:,}", f"{c['calls']:,}",
         f"{c['expected']:,}", _statuses(c["statuses"]), _num(c["seconds"], 1),
         _num(c["rps"], 0), "PASS" if c["passed"] else "MISS"]
        for c in checks
    ]  # fmt: skip


CHECK_HEAD = ["scenario", "requests", "tokens", "/me calls", "expected", "answers", "s", "req/s",
              "result"]  # fmt: skip


def upstream_lines(data: Data) -> list[str]:
    title = "## Upstream load (calls counted by the auth server)"
    return [title, "", *table(CHECK_HEAD, _check_rows(data["upstream"])), ""]


def churn_lines(data: Data) -> list[str]:
    if not data["churn"]:
        return []
    intro = (
        "Users each refreshing their token: every token new, each requested twice in a row, "
        "on one instance, then on two instances (2 workers each) on one Redis and one "
        "PostgreSQL. `/me` calls counted by the auth server."
    )
    title = "## Churn and two instances"
    return [title, "", intro, "", *table(CHECK_HEAD, _check_rows(data["churn"])), ""]


def outage_lines(data: Data) -> list[str]:
    outage = data["outage"]
    rows = [
        [p["name"], _statuses(p["checked"]), f"{p['timed_requests']:,}", _num(p["p50_ms"], 2),
         _num(max(p["p99_ms_runs"], default=None), 2), _range(p["p99_ms_runs"], 2),
         str(p["unexpected"]), "yes" if p["as_expected"] else "NO"]
        for p in outage["phases"]
    ]  # fmt: skip
    head = ["answers", "checked (each token once)", "timed requests (wrk)", "p50 ms",
            "p99 ms (worst round)", "p99 ms rounds", "unexpected", "as expected"]  # fmt: skip
    trip = outage["trip"]
    intro = (
        f"Opening the breaker: {trip['requests']} new tokens answered "
        f"{_statuses(trip['statuses'])} after {trip['upstream_calls']} failed /me calls. "
        f"While it was open, the phases below made {outage['open_calls']} /me calls."
    )
    title = "## Outage (auth server down: every connection dropped)"
    return [title, "", intro, "", *table(head, rows), ""]


def flood_lines(data: Data) -> list[str]:
    rows = [
        [f["name"], f"{f['requests']:,}", _statuses(f["statuses"]), str(f["upstream_calls"]),
         _statuses(f["user_statuses"]), _num(f["user_p50_ms"], 1), _num(f["user_max_ms"], 1),
         "yes" if f["user_unaffected"] else "NO"]
        for f in data["floods"]
    ]  # fmt: skip
    head = ["flood", "requests", "flooder's answers", "/me calls (all)", "real user's answers",
            "user p50 ms", "user max ms", "user unaffected"]  # fmt: skip
    intro = (
        f"One client address floods an instance with the production budget ({BUDGET}/min) and "
        f"per-client share ({SHARE}/min) while a real user on another address verifies new tokens."
    )
    return ["## Floods from one client", "", intro, "", *table(head, rows), ""]


def markdown(data: Data) -> str:
    """Return the whole report as Markdown."""
    lines = header_lines(data["meta"]) + target_lines(data)
    lines += inprocess_lines(data) + split_lines(data) + endtoend_lines(data)
    lines += upstream_lines(data) + churn_lines(data) + outage_lines(data) + flood_lines(data)
    lines += ["## How it was measured", "", *[f"- {note}" for note in data["notes"]], ""]
    return "\n".join(lines)


def write(results: Results, out: Path) -> tuple[Path, Path]:
    """Write latest.md and latest.json into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    data = as_json(results)
    md, js = out / "latest.md", out / "latest.json"
    md.write_text(markdown(data), encoding="utf-8")
    js.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return md, js
