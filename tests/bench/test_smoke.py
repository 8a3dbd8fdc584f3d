"""The benchmark harness still runs end to end: one tiny run, checking what it writes.

Benchmarks are not tests: this never looks at a timing or at whether a target passed. It uses its
own PostgreSQL database and Redis db so it never disturbs a `make bench` running beside it.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["none", "simplejwt", "oidc", "uncached", "redis", "remote", "forward", "new"]
STATUSES = {"PASS", "MISS", "N/A"}

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run `python -m bench --tiny` once; return the directory it wrote its report into."""
    out = tmp_path_factory.mktemp("bench")
    command = [sys.executable, "-m", "bench", "--tiny", "--out", str(out)]
    command += ["--database", "bench_smoke", "--redis-db", "13"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return out


def load(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    return data


def test_tiny_run_writes_markdown_with_every_section(tiny_run: Path) -> None:
    text = (tiny_run / "latest.md").read_text(encoding="utf-8")
    for heading in (
        "## Targets",
        "## In process",
        "## End to end",
        "## The cold path's cost split",
        "## Upstream load",
        "## Churn and two instances",
        "## Outage",
        "## Floods from one client",
    ):
        assert heading in text
    assert "| variant | median µs |" in text


def test_tiny_run_json_has_the_machine_and_versions(tiny_run: Path) -> None:
    meta = load(tiny_run)["meta"]
    assert meta["mode"] == "tiny"
    assert {"date", "cpu", "cores", "python", "commit", "versions"} <= set(meta)
    assert "Django" in meta["versions"]


def test_tiny_run_measures_every_variant_in_order(tiny_run: Path) -> None:
    data = load(tiny_run)
    assert [row["key"] for row in data["inprocess"]] == KEYS
    assert [row["key"] for row in data["endtoend"]] == KEYS
    # mozilla-django-oidc is a bench-only dependency: without it, its variant says it was skipped.
    for row in data["inprocess"]:
        assert len(row["round_medians_us"]) == 2 or (row["key"] == "oidc" and row["skipped"])
    for row in data["endtoend"]:
        assert len(row["rps_runs"]) == 2 or (row["key"] == "oidc" and row["skipped"])


def test_tiny_run_judges_every_target(tiny_run: Path) -> None:
    targets = load(tiny_run)["targets"]
    assert len(targets) == 9
    assert all(target["status"] in STATUSES for target in targets)


def test_tiny_run_splits_the_cold_path_and_counts_churn_exactly(tiny_run: Path) -> None:
    data = load(tiny_run)
    split = data["cold_split"]
    assert split["tokens"] == 5
    assert split["me_calls"] > 0  # the meters saw the calls
    assert split["redis_round_trips"] > 0
    # The parts are disjoint waits inside the total.
    assert split["total_us"] >= split["me_us"] + split["redis_us"] + split["db_us"]
    one, two = data["churn"]
    assert one["expected"] == two["expected"] == 10  # tiny: 5 users x 2 tokens
    assert one["requests"] == two["requests"] == 20  # each token twice


def test_tiny_run_reports_upstream_and_outage_phases(tiny_run: Path) -> None:
    data = load(tiny_run)
    assert [check["expected"] for check in data["upstream"]] == [5, 1]
    assert data["outage"]["trip"]["requests"] > 0
    phases = data["outage"]["phases"]
    assert [phase["expected_status"] for phase in phases] == [503, 503, 200]
    assert all(len(phase["p99_ms_runs"]) == 2 for phase in phases)


def test_modes_bench_prints_every_mode_and_no_forgery_reaches_the_auth_server() -> None:
    command = [sys.executable, "-m", "bench.modes", "--tokens", "3"]
    command += ["--database", "bench_smoke_modes", "--redis-db", "13"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines()[2:]}
    assert set(rows) == {"remote", "jwks", "hybrid"}
    assert [rows[mode].rstrip(" |").rsplit("|", 1)[1].strip() for mode in rows] == ["3", "0", "0"]
