"""`python -m bench.readme`: the README's performance block is rendered from one run's JSON."""

import json
from pathlib import Path
from typing import Any

import pytest

from bench.readme import BEGIN, END, ROOT, MarkersMissing, main, render, replace_block

META = {"mode": "full", "date": "2026-12-06 21:00 UTC", "commit": "abc1234", "cpu": "AMD EPYC",
        "cores": 2, "python": "3.11.7", "load_generator": "wrk 4.1.0 (-t1 -c4)"}  # fmt: skip


def run_data(mode: str = "full") -> dict[str, Any]:
    check = {"name": "churn: 2 users x 2 tokens, 1 instance", "requests": 8, "tokens": 4,
             "calls": 4, "expected": 4, "statuses": {"200": 8}, "seconds": 0.5, "rps": 16.0,
             "passed": True}  # fmt: skip
    return {
        "meta": {**META, "mode": mode},
        "targets": [{"name": "steady", "measured": "0.96x", "status": "PASS", "value": 0.96}],
        "inprocess": [],
        "endtoend": [],
        "churn": [check],
        "cold_split": None,
    }


def test_render_starts_with_the_run_and_nests_the_sections_under_performance() -> None:
    block = render(run_data())
    first, *rest = block.splitlines()
    assert first.startswith("One `make bench` run (full mode, 2026-12-06 21:00 UTC, commit abc1234")
    assert "### Targets" in rest
    assert "### Churn and two instances" in rest
    assert not [line for line in rest if line.startswith("## ")]
    assert "| steady | 0.96x | **PASS** |" in rest
    assert (
        "| churn: 2 users x 2 tokens, 1 instance | 8 | 4 | 4 | 4 | 200: 8 | 0.5 | 16 | PASS |"
        in rest
    )


def test_render_labels_a_run_that_is_not_a_full_one() -> None:
    first = render(run_data("quick")).splitlines()[0]
    assert first.startswith("One `python -m bench --quick` run (quick mode")
    assert "read as a check, not as numbers" in first


def test_replace_block_keeps_everything_outside_the_markers() -> None:
    text = f"## Performance\n\nprose\n\n{BEGIN}\nold numbers\n{END}\n\nmore prose\n"
    assert replace_block(text, "new numbers") == (
        f"## Performance\n\nprose\n\n{BEGIN}\nnew numbers\n{END}\n\nmore prose\n"
    )


@pytest.mark.parametrize("text", ["no markers", f"{END}\n{BEGIN}\n", f"{BEGIN}\nno end\n"])
def test_replace_block_refuses_a_readme_without_both_markers_in_order(text: str) -> None:
    with pytest.raises(MarkersMissing):
        replace_block(text, "numbers")


def test_main_rewrites_a_readme_from_a_results_file(tmp_path: Path) -> None:
    results, readme = tmp_path / "latest.json", tmp_path / "README.md"
    results.write_text(json.dumps(run_data()), encoding="utf-8")
    readme.write_text(f"intro\n{BEGIN}\n{END}\nafter\n", encoding="utf-8")
    assert main(["--results", str(results), "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"intro\n{BEGIN}\nOne `make bench` run")
    assert text.endswith(f"{END}\nafter\n")
    assert "### Targets" in text


def test_the_readme_has_the_markers_the_regeneration_needs() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1
    assert text.count(END) == 1
    assert text.index("## Performance") < text.index(BEGIN) < text.index(END)
