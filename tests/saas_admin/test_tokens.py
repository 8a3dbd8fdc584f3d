import pytest

from saas_admin import Tokens
from tests.saas_admin.conftest import ACCESS, REFRESH


def test_repr_redacts_both_tokens():
    text = repr(Tokens(ACCESS, REFRESH)) + str(Tokens(ACCESS, REFRESH))
    assert ACCESS not in text
    assert REFRESH not in text
    assert "<redacted>" in text


def test_repr_says_when_there_is_no_refresh_token():
    assert "refresh_token=None" in repr(Tokens(ACCESS))


def test_dict_round_trip_keeps_both_tokens():
    tokens = Tokens(ACCESS, REFRESH)
    assert tokens.to_dict() == {"accessToken": ACCESS, "refreshToken": REFRESH}
    assert Tokens.from_dict(tokens.to_dict()) == tokens


def test_from_dict_treats_an_empty_refresh_token_as_none():
    assert Tokens.from_dict({"accessToken": ACCESS, "refreshToken": ""}).refresh_token is None


@pytest.mark.parametrize(
    "data",
    [{}, {"accessToken": ""}, {"accessToken": 3}, {"accessToken": ACCESS, "refreshToken": 5}],
)
def test_from_dict_refuses_unusable_tokens(data):
    with pytest.raises(ValueError, match=r"accessToken|access_token"):
        Tokens.from_dict(data)
