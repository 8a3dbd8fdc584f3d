"""The bench's statistics: per-round ratios, their median and spread, and the order of each round."""

import pytest

from bench.stats import Spread, per_round_ratios, round_order


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


def test_each_item_takes_every_position_and_follows_each_neighbour() -> None:
    items = ["a", "b", "c"]
    orders = [round_order(items, turn) for turn in range(6)]
    assert orders == [
        ["a", "b", "c"],
        ["c", "b", "a"],
        ["b", "c", "a"],
        ["a", "c", "b"],
        ["c", "a", "b"],
        ["b", "a", "c"],
    ]
    # Behind "a" in turn: nothing (first), "b", "c".
    before_a = {order[order.index("a") - 1] if order.index("a") else None for order in orders}
    assert before_a == {None, "b", "c"}
    assert round_order([], 3) == []
