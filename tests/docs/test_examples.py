"""The doc-example reader and comparator: what counts as an example, and what a mismatch is."""

import json
from pathlib import Path
from typing import Any

import pytest

from .examples import examples_in, localised, mismatches, run_session

DOC = """\
Some text.

```sh
make run    # not an example: no prompt
```

```sh
$ TOKEN=$(echo abc)
$ curl -s localhost:8000/api/x \\
    -H "Authorization: Bearer $TOKEN"
{"id": 7, "name": "Acme Corp",
 "isActive": true}

$ saas-admin whoami
saas-admin: error: not logged in […]
```
"""

SUBSCRIPTION = {"status": "active", "expiresAt": "2027-01-31T23:59:59Z", "limits": [1, 2]}
ANSWER: dict[str, Any] = {
    "organizationId": "d283930d-137c-4ffe-abbf-fbed33913676",
    "hasActiveSubscription": True,
    "subscription": SUBSCRIPTION,
}


def documented(**changes: Any) -> str:
    """Return the answer as a doc would show it, with `changes`."""
    return json.dumps({**ANSWER, **changes})


ACTUAL = documented()


def test_reads_only_blocks_that_start_with_a_prompt(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(DOC)
    examples = examples_in(tmp_path / "README.md", tmp_path)
    assert [(e.line, e.answer) for e in examples] == [
        (8, ""),
        (9, '{"id": 7, "name": "Acme Corp",\n "isActive": true}'),
        (14, "saas-admin: error: not logged in […]"),
    ]
    assert examples[1].command.endswith('-H "Authorization: Bearer $TOKEN"')
    assert examples[1].where() == "README.md:9"


def test_documented_ports_become_the_live_servers() -> None:
    command = "curl localhost:4000/a 127.0.0.1:8000/b http://localhost:8000/c localhost:40000"
    live = {"4000": "127.0.0.1:41001", "8000": "127.0.0.1:41002"}
    assert localised(command, live) == (
        "curl 127.0.0.1:41001/a 127.0.0.1:41002/b http://127.0.0.1:41002/c localhost:40000"
    )


def test_the_same_answer_matches() -> None:
    assert mismatches(documented(), ACTUAL) == []


@pytest.mark.parametrize(
    ("doc", "why"),
    [
        (
            documented(hasActiveSubscription=False),
            "$.hasActiveSubscription: true, the doc shows false",
        ),
        (documented(subscription=None), "$.subscription: {"),
        (documented(extra=1), "$: no key 'extra'"),
        (documented(subscription={"status": "active", "limits": [1, 2]}), "key 'expiresAt' is not"),
        (
            documented(subscription={**SUBSCRIPTION, "limits": [1]}),
            "$.subscription.limits",
        ),
        (
            documented(subscription={**SUBSCRIPTION, "status": "trial"}),
            '"active", the doc',
        ),
        (documented(hasActiveSubscription=1), "$.hasActiveSubscription: true, the doc shows 1"),
    ],
)
def test_a_changed_value_key_or_length_is_caught(doc: str, why: str) -> None:
    found = mismatches(doc, ACTUAL)
    assert len(found) == 1
    assert why in found[0]


def test_ids_times_and_the_ellipsis_match_any_value_of_their_kind() -> None:
    doc = documented(
        organizationId="0000",
        subscription={"status": "…", "expiresAt": "2020-01-01T00:00:00Z", "limits": "…"},
    )
    assert mismatches(doc, ACTUAL) == []
    assert mismatches('{"id": null}', '{"id": 3}') == ["$.id: 3, the doc shows null"]
    assert mismatches('{"when": "2020-01-01T00:00:00Z"}', '{"when": "soon"}') != []


def test_text_answers_compare_line_by_line_with_the_ellipsis_as_any_text() -> None:
    assert (
        mismatches("error: not logged in […]", "error: not logged in [authentication_required]")
        == []
    )
    assert mismatches("error: not logged in […]", "error: refused [x]") != []
    assert mismatches("one\ntwo", "one") != []
    assert mismatches("", "") == []
    assert mismatches("", "something") != []
    assert mismatches("{}", "not json") == ["not JSON: 'not json'"]


def test_a_session_keeps_its_variables_and_reports_each_output(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(DOC.replace("curl -s", "echo"))
    examples = examples_in(tmp_path / "README.md", tmp_path)[:2]
    outputs = run_session(
        examples, {"8000": "h:1", "4000": "h:2"}, {"PATH": "/usr/bin:/bin"}, tmp_path
    )
    assert outputs == ["", "h:1/api/x -H Authorization: Bearer abc"]
