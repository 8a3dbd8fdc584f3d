"""Order statistics over samples: the only summaries the report uses are the median and p99.

The percentiles themselves come from `core.contract.probe.percentile` (nearest rank, `share` in 0..1).
"""

from collections.abc import Sequence

from core.contract.probe import percentile


def median(samples: Sequence[float]) -> float:
    """Return the median (nearest rank)."""
    return percentile(samples, 0.5)


def ratio(value: float, reference: float) -> float | None:
    """Return value / reference, or None when the reference is zero."""
    return value / reference if reference else None
