"""Order statistics over samples: the report's summaries are the median, p99 and a spread.

The percentiles themselves come from `core.contract.probe.percentile` (nearest rank, `share` in 0..1).
A ratio between two variants is judged on the median of its per-round ratios: each round measures
every variant once, so a round's ratio compares numbers taken under the same machine load.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from core.contract.probe import percentile

T = TypeVar("T")


def median(samples: Sequence[float]) -> float:
    """Return the median (nearest rank)."""
    return percentile(samples, 0.5)


def ratio(value: float, reference: float) -> float | None:
    """Return value / reference, or None when the reference is zero."""
    return value / reference if reference else None


@dataclass(frozen=True)
class Spread:
    """The median of some values and the range they cover."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread | None":
        """Return the median, min and max of `values`; None when there are none."""
        if not values:
            return None
        return cls(median(values), min(values), max(values))


def per_round_ratios(values: Sequence[float], references: Sequence[float]) -> list[float]:
    """Return values[i] / references[i] for each round where both were measured and the
    reference is not zero."""
    return [
        value / reference for value, reference in zip(values, references, strict=True) if reference
    ]


def round_order(items: Sequence[T], turn: int) -> list[T]:
    """Return the order round `turn` of an interleaved run measures `items` in: rotated to start
    one further every other round, and reversed on odd rounds, so each item is measured at every
    position and follows each of its two neighbours in turn (a rotation alone would keep every
    item behind the same one, and the leftovers of its load run)."""
    if not items:
        return []
    start = (turn // 2) % len(items)
    order = [*items[start:], *items[:start]]
    return order[::-1] if turn % 2 else order
