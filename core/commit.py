"""Invalidation that also holds for what a transaction changes: run it now, and again at commit.

A mark written inside a transaction comes before the rows it announces are visible: another
process verifying meanwhile reads the old rows, after the mark, and keeps what it read (a
known-user snapshot, a cached answer) as if it were new. Running the invalidation again once the
transaction commits ends that too; outside a transaction the first run is the only one.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction


def now_and_at_commit(invalidate: Callable[[], Any]) -> None:
    """Run `invalidate` now, and again when the current transaction (if any) commits."""
    invalidate()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(invalidate)
