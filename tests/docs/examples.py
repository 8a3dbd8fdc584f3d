"""The request/answer examples of the Markdown docs: found, run in one bash session, compared.

An example block is a fenced block whose first line starts with `$ `. In it, each `$ ` line is a
command (a line ending in `\\` continues it), and the lines up to the next `$ ` line are its
answer: everything the command prints, stdout and stderr. The commands run in order in one bash
session (so `TOKEN=$(...)` carries on), with `localhost:4000` / `127.0.0.1:4000` replaced by the
auth server's address and `localhost:8000` / `127.0.0.1:8000` by SaaS Admin's.

An answer is compared as JSON when the README's answer is JSON: the same keys, the same list
lengths and the same values, except for ids and times: the value of a key `id`, `token` or ending
in `Id`, `At` or `Token` matches any value of the same JSON type (so null matches only null), an
ISO 8601 timestamp (`2027-01-31T23:59:59Z`) any timestamp, and the string `"…"` anything. Any
other answer is compared line by line, where `…` matches any text within a line. An empty answer
means the command prints nothing.
"""

import json
import re
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FENCE = re.compile(r"^\s*```")
PROMPT = "$ "
ANY = "…"
WILDCARD_KEY = re.compile(r"^(id|token)$|[a-z](Id|At|Token)$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
ADDRESS = re.compile(r"\b(?:localhost|127\.0\.0\.1):(4000|8000)\b")


@dataclass(frozen=True)
class Example:
    """One command of a doc and the answer the doc shows for it."""

    path: str
    line: int
    command: str
    answer: str

    def where(self) -> str:
        """Return `README.md:123`, where the command starts."""
        return f"{self.path}:{self.line}"


def fenced_blocks(text: str) -> list[tuple[int, list[str]]]:
    """Return each fenced block's first content line number and its lines."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            if current is None:
                current, start = [], number + 1
            else:
                blocks.append((start, current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def block_examples(path: str, start: int, lines: list[str]) -> list[Example]:
    """Return the examples of one block (none unless its first line is a `$ ` command)."""
    if not lines or not lines[0].startswith(PROMPT):
        return []
    found: list[Example] = []
    index = 0
    while index < len(lines):
        command, line = [lines[index][len(PROMPT) :]], start + index
        index += 1
        while command[-1].endswith("\\") and index < len(lines):
            command.append(lines[index])
            index += 1
        answer: list[str] = []
        while index < len(lines) and not lines[index].startswith(PROMPT):
            answer.append(lines[index])
            index += 1
        found.append(Example(path, line, "\n".join(command), "\n".join(answer).strip()))
    return found


def examples_in(path: Path, root: Path) -> list[Example]:
    """Return every example of a Markdown file, in order."""
    name = str(path.relative_to(root))
    blocks = fenced_blocks(path.read_text(encoding="utf-8"))
    return [example for start, lines in blocks for example in block_examples(name, start, lines)]


def localised(command: str, addresses: Mapping[str, str]) -> str:
    """Return the command with the documented ports replaced by the live servers' host:port."""
    return ADDRESS.sub(lambda match: addresses[match.group(1)], command)


def run_session(
    examples: list[Example], addresses: Mapping[str, str], env: Mapping[str, str], cwd: Path
) -> list[str]:
    """Run the commands in order in one bash session; return what each printed."""
    with tempfile.TemporaryDirectory() as outputs:
        script = "\n".join(
            f"{{ {localised(example.command, addresses)}\n}} >{outputs}/{n} 2>&1"
            for n, example in enumerate(examples)
        )
        subprocess.run(
            ["bash", "-c", script],
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            timeout=120,
            check=False,
        )
        return [_read(Path(outputs) / str(n)) for n in range(len(examples))]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip() if path.exists() else "<not run>"


def mismatches(documented: str, actual: str) -> list[str]:
    """Return how `actual` differs from the documented answer (empty: it matches)."""
    if not documented:
        return [f"printed {actual!r}, the doc shows nothing"] if actual else []
    try:
        expected = json.loads(documented)
    except ValueError:
        return _text_mismatches(documented, actual)
    try:
        answer = json.loads(actual)
    except ValueError:
        return [f"not JSON: {actual!r}"]
    return _json_mismatches(expected, answer, "$")


def _text_mismatches(documented: str, actual: str) -> list[str]:
    wanted, got = documented.splitlines(), actual.splitlines()
    if len(wanted) != len(got):
        return [f"{len(got)} lines, the doc shows {len(wanted)}: {actual!r}"]
    patterns = [re.compile(".*".join(map(re.escape, line.strip().split(ANY)))) for line in wanted]
    return [
        f"line {n}: {line!r}, the doc shows {wanted[n]!r}"
        for n, (pattern, line) in enumerate(zip(patterns, got, strict=True))
        if not pattern.fullmatch(line.strip())
    ]


def _json_mismatches(expected: Any, actual: Any, where: str, key: str = "") -> list[str]:
    if expected == ANY or (WILDCARD_KEY.search(key) and type(expected) is type(actual)):
        return []
    if isinstance(expected, str) and TIMESTAMP.match(expected):
        ok = isinstance(actual, str) and TIMESTAMP.match(actual)
        return [] if ok else [f"{where}: {actual!r}, the doc shows a timestamp"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        return _dict_mismatches(expected, actual, where)
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        pairs = zip(expected, actual, strict=True)
        return [
            m for n, (e, a) in enumerate(pairs) for m in _json_mismatches(e, a, f"{where}[{n}]")
        ]
    if type(expected) is type(actual) and expected == actual:
        return []
    return [f"{where}: {json.dumps(actual)}, the doc shows {json.dumps(expected)}"]


def _dict_mismatches(expected: dict[str, Any], actual: dict[str, Any], where: str) -> list[str]:
    found = [f"{where}: no key {k!r}" for k in expected if k not in actual]
    found += [f"{where}: key {k!r} is not in the doc" for k in actual if k not in expected]
    for name in sorted(expected.keys() & actual.keys()):
        found += _json_mismatches(expected[name], actual[name], f"{where}.{name}", name)
    return found
