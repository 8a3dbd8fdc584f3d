"""The churn scenario's plan and seed, the new-token runs' fresh tokens, and the bench's refusal
to run without wrk."""

import os
from pathlib import Path

import pytest

from authserver.seed import load_seed
from bench.churn import REQUESTS_PER_TOKEN, churn_email, churn_plan, write_seed
from bench.endtoend import EndToEndError, FreshTokens
from bench.load import WrkMissing, require_wrk


def test_the_plan_refreshes_every_user_in_turn_and_asks_twice_per_token() -> None:
    plan = churn_plan([["a1", "a2"], ["b1", "b2"]])
    assert REQUESTS_PER_TOKEN == 2
    assert plan == ["a1", "a1", "b1", "b1", "a2", "a2", "b2", "b2"]
    assert churn_plan([]) == []


def test_the_seed_is_the_demo_seed_plus_the_churn_users(tmp_path: Path) -> None:
    seed = load_seed(write_seed(tmp_path / "seed.json", 3))
    emails = {user.email for user in seed.users}
    assert {churn_email(n) for n in range(3)} <= emails
    assert "alice@acme.test" in emails
    assert len({user.id for user in seed.users}) == len(seed.users)


def test_without_wrk_the_bench_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert os.environ["PATH"] == str(tmp_path)
    with pytest.raises(WrkMissing, match=r"apt-get install wrk"):
        require_wrk()


def test_fresh_tokens_are_used_up_in_order_and_never_twice() -> None:
    fresh = FreshTokens([f"t{i}" for i in range(10)])

    assert fresh.take(3) == ["t0", "t1", "t2"]
    assert fresh.rest()[0] == "t3"
    fresh.spend(7)
    with pytest.raises(EndToEndError, match="FRESH_PER_SECOND"):
        fresh.spend(1)
