"""The docs index and README link only to files and sections that exist."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)


def anchor(heading: str) -> str:
    """Return GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {anchor(h) for h in HEADING.findall(path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("doc", ["README.md", "docs/README.md"])
def test_every_relative_link_reaches_a_file_and_section(doc: str) -> None:
    source = ROOT / doc
    broken = []
    for target in LINK.findall(source.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file, _, section = target.partition("#")
        path = (source.parent / file).resolve() if file else source
        if not path.exists() or (section and section not in anchors(path)):
            broken.append(target)
    assert broken == []


def test_anchor_follows_githubs_rule() -> None:
    assert (
        anchor("Behind a reverse proxy: `TRUSTED_PROXIES`")
        == "behind-a-reverse-proxy-trusted_proxies"
    )
    assert (
        anchor("Verification modes: remote, jwks, hybrid")
        == "verification-modes-remote-jwks-hybrid"
    )
