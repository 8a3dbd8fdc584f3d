"""Service tokens: the command, the first authentication step, revocation, expiry, HasScope."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from apps.gateway.models import ServiceToken
from apps.gateway.permissions import HasScope
from apps.gateway.tokenformat import digest
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

FORWARD = "/api/auth/forward"


def create(name: str, *args: str) -> tuple[str, str]:
    """Run `service_token create`; return (its whole output, its last line)."""
    out = io.StringIO()
    call_command("service_token", "create", name, *args, stdout=out)
    text = out.getvalue()
    return text, text.strip().splitlines()[-1]


def test_create_prints_the_token_alone_on_the_last_line_and_stores_only_its_digest() -> None:
    text, token = create("billing", "--scopes", "metrics:read,orgs:read")

    stored = ServiceToken.objects.get(name="billing")
    assert token.startswith("sat_")
    assert " " not in token
    assert text.count(token) == 1
    assert stored.digest == digest(token)
    assert token not in stored.digest
    assert stored.scopes == ["metrics:read", "orgs:read"]
    assert timedelta(days=89) < stored.expires_at - timezone.now() <= timedelta(days=90)


def test_create_refuses_a_duplicate_name() -> None:
    create("billing")

    with pytest.raises(CommandError):
        create("billing")


def test_list_json_never_shows_a_secret() -> None:
    _, token = create("billing", "--scopes", "metrics:read", "--expires-in", "7")
    out = io.StringIO()

    call_command("service_token", "list", "--json", stdout=out)

    rows = json.loads(out.getvalue())
    assert [row["name"] for row in rows] == ["billing"]
    assert rows[0]["status"] == "active"
    assert token not in out.getvalue()
    assert digest(token) not in out.getvalue()


def test_a_service_token_at_forward_names_the_service(remote_auth, api) -> None:
    _, token = create("billing", "--scopes", "metrics:read,orgs:read")

    response = api.get(FORWARD, **bearer(token))

    assert response.status_code == 200
    assert response["X-Service-Name"] == "billing"
    assert response["X-Service-Scopes"] == "metrics:read,orgs:read"
    assert response["X-Auth-Source"] == "service"
    assert "X-User-Id" not in response


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("?scope=metrics:read", 200, None),
        ("?scope=metrics:write", 403, "insufficient_scope"),
        ("?role=viewer", 403, "not_a_member"),
    ],
)
def test_service_tokens_meet_route_requirements(remote_auth, api, query, status, code) -> None:
    _, token = create("billing", "--scopes", "metrics:read")

    response = api.get(FORWARD + query, **bearer(token))

    assert response.status_code == status
    if code:
        assert response.json()["code"] == code


def test_service_tokens_never_reach_the_auth_server_and_work_while_it_is_down(
    remote_auth, api
) -> None:
    _, token = create("billing")
    remote_auth.fault("down")
    remote_auth.reset_calls()

    assert api.get(FORWARD, **bearer(token)).status_code == 200
    assert api.get(FORWARD, **bearer("sat_unknown")).status_code == 401
    assert remote_auth.calls() == {}


def test_revoke_is_refused_at_once(remote_auth, api) -> None:
    _, token = create("billing")
    assert api.get(FORWARD, **bearer(token)).status_code == 200

    call_command("service_token", "revoke", "billing", stdout=io.StringIO())

    response = api.get(FORWARD, **bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert ServiceToken.objects.get(name="billing").revoked_at is not None


def test_revoke_of_an_unknown_name_fails() -> None:
    with pytest.raises(CommandError):
        call_command("service_token", "revoke", "nobody", stdout=io.StringIO())


def test_an_expired_service_token_is_401_token_expired(remote_auth, api) -> None:
    _, token = create("billing")
    ServiceToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = api.get(FORWARD, **bearer(token))

    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_or_malformed_service_token_is_401(remote_auth, api) -> None:
    assert api.get(FORWARD, **bearer("sat_" + "x" * 43)).json()["code"] == "token_not_valid"
    too_long = api.get(FORWARD, **bearer("sat_" + "x" * 200))
    assert too_long.json()["code"] == "bad_authorization_header"


def test_endpoints_for_users_refuse_service_tokens_with_403_not_500(remote_auth, api) -> None:
    _, token = create("billing")

    response = api.get("/api/auth/verify", **bearer(token))

    assert response.status_code == 403
    assert response.json()["code"] == "service_token_not_accepted"


def test_last_used_is_written_at_most_once_a_minute() -> None:
    create("billing")
    stored = ServiceToken.objects.get(name="billing")
    now = timezone.now()

    stored.mark_used(now)
    ServiceToken.objects.update(last_used_at=now)  # what another instance wrote
    stored.mark_used(now + timedelta(seconds=30))
    assert ServiceToken.objects.get().last_used_at == now
    stored.mark_used(now + timedelta(seconds=61))
    assert ServiceToken.objects.get().last_used_at == now + timedelta(seconds=61)


class MetricsView(APIView):
    permission_classes = [HasScope("metrics:read")]

    def get(self, request: object) -> Response:
        return Response({"ok": True})


def test_has_scope_grants_the_scope_and_refuses_the_rest() -> None:
    _, allowed = create("metrics", "--scopes", "metrics:read")
    _, other = create("billing", "--scopes", "billing:read")
    factory, view = APIRequestFactory(), MetricsView.as_view()

    assert view(factory.get("/m", HTTP_AUTHORIZATION=f"Bearer {allowed}")).status_code == 200
    refused = view(factory.get("/m", HTTP_AUTHORIZATION=f"Bearer {other}"))
    assert refused.status_code == 403
    assert refused.data["code"] == "insufficient_scope"
    assert view(factory.get("/m")).status_code == 401


def test_has_scope_refuses_a_blank_scope() -> None:
    with pytest.raises(ValueError, match="blank"):
        HasScope(" ")
