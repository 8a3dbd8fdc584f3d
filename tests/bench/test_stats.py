"""The bench's statistics: per-round ratios, their median and spread, and the rotated order."""

import pytest

from bench.stats import Spread, per_round_ratios, rotated


def test_per_round_ratios_divide_each_round_by_the_same_rounds_reference() -> None:
    assert per_round_ratios([90.0, 50.0, 80.0], [100.0, 100.0, 80.0]) == [0.9, 0.5, 1.0]


def test_per_round_ratios_skip_a_round_whose_reference_is_zero() -> None:
    assert per_round_ratios([1.0, 2.0], [0.0, 4.0]) == [0.5]


def test_per_round_ratios_refuse_rounds_that_do_not_pair_up() -> None:
    with pytest.raises(ValueError, match=r"shorter|longer"):
        per_round_ratios([1.0, 2.0], [1.0])


def test_the_median_of_per_round_ratios_ignores_one_noisy_round() -> None:
    # Round 2 ran while the machine was busy: the reference halved, the variant's ratio jumped.
    ratios = per_round_ratios([95.0, 90.0, 94.0, 96.0, 93.0], [100.0, 45.0, 100.0, 100.0, 100.0])
    spread = Spread.of(ratios)
    assert spread is not None
    assert spread.median == pytest.approx(0.95)
    assert spread.low == pytest.approx(0.93)
    assert spread.high == pytest.approx(2.0)
    # The ratio of the medians of each side (or of the means) says something else.
    assert sum([95.0, 90.0, 94.0, 96.0, 93.0]) / sum([100.0, 45.0, 100.0, 100.0, 100.0]) > 1


def test_spread_of_nothing_is_none() -> None:
    assert Spread.of([]) is None


def test_rotated_starts_each_round_one_further_and_wraps() -> None:
    items = ["a", "b", "c"]
    assert [rotated(items, turn) for turn in range(4)] == [
        ["a", "b", "c"],
        ["b", "c", "a"],
        ["c", "a", "b"],
        ["a", "b", "c"],
    ]
    assert rotated([], 3) == []
