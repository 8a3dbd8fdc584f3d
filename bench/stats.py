"""Order statistics over samples: the only summaries the report uses are the median and p99."""

import math
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """Return the nearest-rank `q`-th percentile (0 < q ≤ 100); 0.0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return float(ordered[rank - 1])


def median(samples: Sequence[float]) -> float:
    """Return the median (nearest rank)."""
    return percentile(samples, 50)


def ratio(value: float, reference: float) -> float | None:
    """Return value / reference, or None when the reference is zero."""
    return value / reference if reference else None
