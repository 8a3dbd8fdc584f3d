"""The auth server's failures: one parent for "could not vouch", one mapping of it to the 503."""

import pytest

from core.authentication import AuthServiceUnavailable, auth_service_unavailable
from core.exceptions import BadResponse, CouldNotVouch, ShareSpent, Unavailable


@pytest.mark.parametrize(
    "error",
    [Unavailable("down"), Unavailable("busy", retry_after=7, status=429), BadResponse("html")],
)
def test_unavailable_and_bad_response_are_could_not_vouch(error: Exception) -> None:
    assert isinstance(error, CouldNotVouch)


def test_a_spent_share_is_not_a_failure_of_the_auth_server() -> None:
    assert not isinstance(ShareSpent("share spent", retry_after=3), CouldNotVouch)


def test_a_bad_response_carries_a_retry_after_like_any_other() -> None:
    assert BadResponse("html").retry_after is None


@pytest.mark.parametrize(
    ("error", "wait"),
    [(Unavailable("busy", retry_after=7), 7), (Unavailable("down"), 5), (BadResponse("html"), 5)],
)
def test_one_function_maps_could_not_vouch_to_the_503(settings, error, wait) -> None:
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "RETRY_AFTER": 5}
    response = auth_service_unavailable(error)
    assert isinstance(response, AuthServiceUnavailable)
    assert (response.status_code, response.wait, response.default_code) == (
        503,
        wait,
        "auth_service_unavailable",
    )
