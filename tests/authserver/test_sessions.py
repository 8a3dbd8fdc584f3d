"""Session bookkeeping: refresh rotation, expiry, logout revocation, password resets."""

import pytest

from authserver.sessions import InvalidRefreshToken, SessionBook


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rotate_returns_new_token_and_refuses_the_old_one() -> None:
    book = SessionBook(refresh_ttl=60, clock=FakeClock())
    session_id, first = book.open("user-1")
    rotated_session, user_id, second = book.rotate(first)
    assert (rotated_session, user_id) == (session_id, "user-1")
    assert second != first
    with pytest.raises(InvalidRefreshToken):
        book.rotate(first)


def test_expired_refresh_token_is_refused() -> None:
    clock = FakeClock()
    book = SessionBook(refresh_ttl=60, clock=clock)
    _, token = book.open("user-1")
    clock.now += 61
    with pytest.raises(InvalidRefreshToken):
        book.rotate(token)


def test_close_revokes_every_access_token_of_the_session() -> None:
    book = SessionBook(refresh_ttl=60, clock=FakeClock())
    session_id, token = book.open("user-1")
    book.attach(session_id, "jti-1", 2000)
    book.attach(session_id, "jti-2", 2000)
    assert book.close(token) is True
    assert book.is_revoked("jti-1")
    assert book.is_revoked("jti-2")
    assert book.close(token) is False


def test_close_user_ends_refresh_tokens_but_not_access_tokens() -> None:
    book = SessionBook(refresh_ttl=60, clock=FakeClock())
    session_id, token = book.open("user-1")
    book.attach(session_id, "jti-1", 2000)
    _, other = book.open("user-2")
    assert book.close_user("user-1") == 1
    with pytest.raises(InvalidRefreshToken):
        book.rotate(token)
    assert not book.is_revoked("jti-1")
    assert book.rotate(other)[1] == "user-2"


def test_revocations_are_forgotten_once_the_token_expired() -> None:
    clock = FakeClock()
    book = SessionBook(refresh_ttl=60, clock=clock)
    book.revoke_access("old", exp=1010)
    clock.now = 1020
    book.revoke_access("new", exp=2000)
    assert not book.is_revoked("old")
    assert book.is_revoked("new")
