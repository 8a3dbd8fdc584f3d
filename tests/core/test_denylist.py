"""Durable revocations: rows in PostgreSQL, copies in Redis; a lost copy never un-revokes."""

import time
from typing import Any

import jwt
import pytest

from core.denylist import token_digest
from core.models import Revocation
from core.wiring import default_cache, default_denylist
from tests.conftest import clear_shared_cache

pytestmark = pytest.mark.django_db


def token(**claims: Any) -> str:
    return jwt.encode({"sub": "u1", **claims}, "not-the-auth-servers-key-0123456789abcdef", "HS256")


def test_a_revoked_token_is_refused_from_the_database() -> None:
    raw, other = token(exp=int(time.time()) + 60), token(exp=int(time.time()) + 61)

    default_denylist().revoke_token(raw, int(time.time()) + 60)

    assert default_denylist().refuses(raw, "u1")
    assert not default_denylist().refuses(other, "u1")
    assert Revocation.objects.get(subject=token_digest(raw)).kind == Revocation.TOKEN


def test_a_user_revocation_refuses_older_tokens_only() -> None:
    now = int(time.time())

    default_denylist().revoke_user("u1")

    assert default_denylist().refuses(token(iat=now - 60), "u1")
    assert default_denylist().refuses(token(iat=now + 4), "u1")  # within EXP_SKEW (5 s)
    assert default_denylist().refuses(token(), "u1")  # no iat: cannot be shown to be newer
    assert not default_denylist().refuses(token(iat=now + 10), "u1")
    assert not default_denylist().refuses(token(iat=now - 60), "u2")


def test_a_user_revocation_belongs_to_one_auth_server(settings) -> None:
    now = int(time.time())

    default_denylist().revoke_user("u1", "staging")  # the same id at another auth server

    assert not default_denylist().refuses(token(iat=now - 60), "u1")
    assert Revocation.objects.get().subject == "staging:u1"
    settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "ISSUER_ID": "staging"}
    assert default_denylist().refuses(token(iat=now - 60), "u1")


def test_a_logged_out_jti_is_refused_after_its_cached_answer_is_lost() -> None:
    exp = int(time.time()) + 60
    assert not default_denylist().refuses_jti("jti-1", exp)  # cached as "not refused"

    default_denylist().revoke_jti("jti-1", exp)

    assert default_denylist().refuses_jti("jti-1", exp)
    clear_shared_cache()
    assert default_denylist().refuses_jti("jti-1", exp)
    assert not default_denylist().refuses_jti("jti-2", exp)


def test_a_jti_answer_is_cached_no_longer_than_the_token_lives() -> None:
    default_denylist().revoke_jti("jti-1", int(time.time()) + 3)

    key = default_cache().state.key("jti", "jti-1")
    assert 1 <= default_cache().state.shared.primary.ttl(key) <= 3  # type: ignore[attr-defined]


def test_expired_rows_are_deleted_when_a_new_one_is_written() -> None:
    default_denylist().revoke_jti("old", int(time.time()) - 10)
    Revocation.objects.filter(subject="old").update(expires_at="2000-01-01T00:00:00Z")

    default_denylist().revoke_jti("new", int(time.time()) + 60)

    assert list(Revocation.objects.values_list("subject", flat=True)) == ["new"]
