"""core/ reads as a reusable library: no product names, nothing the project alone knows."""

import re
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"
# The product and its upstream's particulars belong to the project's docs, not the library.
PROJECT_ONLY = re.compile(r"saas[ _-]?admin|150 requests", re.IGNORECASE)


def library_files() -> list[Path]:
    return [
        path
        for path in CORE.rglob("*")
        if path.suffix in {".py", ".json", ".txt", ".md"} and "migrations" not in path.parts
    ]


@pytest.mark.parametrize("path", library_files(), ids=lambda path: str(path.relative_to(CORE)))
def test_core_names_no_product(path: Path) -> None:
    hits = [line for line in path.read_text().splitlines() if PROJECT_ONLY.search(line)]
    assert hits == []
