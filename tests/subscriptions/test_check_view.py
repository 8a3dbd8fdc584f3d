"""GET /api/subscriptions/check: answers from SaaS Admin's subscriptions only."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.organizations.models import Membership
from tests.fixtures.authserver import DemoUser, LocalAuthServer
from tests.organizations.factories import ORG_A, ORG_B, make_organization
from tests.organizations.helpers import error, get_as

from .factories import NOW, PERIOD_END, US, make_subscription

pytestmark = pytest.mark.django_db

Clock = Callable[[datetime], None]


def check(api: APIClient, query: str, token: str | None = None) -> Any:
    """Return the response of the check endpoint for `query`, with `token` when given."""
    url = f"/api/subscriptions/check?{query}"
    return get_as(api, url, token) if token else api.get(url)


def test_active_subscription_is_reported_with_its_limits(
    member_api: APIClient, member: Membership, stop_clock: Clock
) -> None:
    stop_clock(NOW)
    make_subscription(member.organization, "teamspace", tier="pro", max_users=10, storage_gb=100)
    response = check(member_api, f"organizationId={ORG_A}&productCode=teamspace")
    assert response.status_code == 200
    assert response.json() == {
        "organizationId": ORG_A,
        "productCode": "teamspace",
        "hasActiveSubscription": True,
        "subscription": {
            "status": "active",
            "tier": "pro",
            "expiresAt": "2030-01-31T23:59:59Z",
            "limits": {"maxUsers": 10, "storageGb": 100},
        },
    }


@pytest.mark.parametrize(("at", "expected"), [(PERIOD_END, True), (PERIOD_END + US, False)])
def test_active_subscription_ends_exactly_after_its_period_end(
    member_api: APIClient, member: Membership, stop_clock: Clock, at: datetime, expected: bool
) -> None:
    stop_clock(at)
    make_subscription(member.organization, "teamspace")
    body = check(member_api, f"organizationId={ORG_A}&productCode=teamspace").json()
    assert body["hasActiveSubscription"] is expected


@pytest.mark.parametrize(("days", "expected"), [(0, False), (1, True)])
def test_past_due_grace_follows_the_setting(
    member_api: APIClient,
    member: Membership,
    stop_clock: Clock,
    settings: Any,
    days: int,
    expected: bool,
) -> None:
    settings.SUBSCRIPTION_GRACE_DAYS = days
    stop_clock(PERIOD_END + timedelta(hours=1))
    make_subscription(member.organization, "buildeasy", "past_due")
    body = check(member_api, f"organizationId={ORG_A}&productCode=buildeasy").json()
    assert body["hasActiveSubscription"] is expected
    assert body["subscription"]["expiresAt"] == (
        "2030-02-01T23:59:59Z" if days else "2030-01-31T23:59:59Z"
    )


def test_stopped_subscription_is_shown_but_does_not_count(
    member_api: APIClient, member: Membership, stop_clock: Clock
) -> None:
    stop_clock(NOW)
    make_subscription(member.organization, "autoflow", "cancelled", current_period_end=PERIOD_END)
    body = check(member_api, f"organizationId={ORG_A}&productCode=autoflow").json()
    assert body["hasActiveSubscription"] is False
    assert (body["subscription"]["status"], body["subscription"]["expiresAt"]) == (
        "cancelled",
        None,
    )


def test_subscription_never_matches_another_product(
    member_api: APIClient, member: Membership, stop_clock: Clock
) -> None:
    stop_clock(NOW)
    make_subscription(member.organization, "buildeasy")
    body = check(member_api, f"organizationId={ORG_A}&productCode=teamspace").json()
    assert (body["hasActiveSubscription"], body["subscription"]) == (False, None)


@pytest.mark.parametrize("code", ["no-such-product", "all", "TEAMSPACE", "team"])
def test_unknown_product_is_false_not_an_error(
    member_api: APIClient, member: Membership, code: str
) -> None:
    make_subscription(member.organization, "teamspace")
    response = check(member_api, f"organizationId={ORG_A}&productCode={code}")
    assert response.status_code == 200
    assert response.json()["hasActiveSubscription"] is False


@pytest.mark.parametrize(
    "query",
    [
        f"organizationId={ORG_A}",
        f"organizationId={ORG_A}&productCode=",
        f"organizationId={ORG_A}&productCode=%20",
        "productCode=teamspace",
        "organizationId=&productCode=teamspace",
        "",
    ],
)
def test_missing_parameter_is_400(member_api: APIClient, member: Membership, query: str) -> None:
    assert error(check(member_api, query)) == (400, "missing_parameter")


@pytest.mark.parametrize("bad_id", ["bad%20id", "..%2F..", "%27%3B--", "a" * 300])
def test_malformed_organization_id_is_400(
    member_api: APIClient, member: Membership, bad_id: str
) -> None:
    response = check(member_api, f"organizationId={bad_id}&productCode=teamspace")
    assert error(response) == (400, "invalid_id")


@pytest.mark.parametrize("org_id", [ORG_B, "unknown-org"])
def test_non_member_gets_404(member_api: APIClient, member: Membership, org_id: str) -> None:
    make_subscription(make_organization(ORG_B, "Org B"), "teamspace")
    response = check(member_api, f"organizationId={org_id}&productCode=teamspace")
    assert error(response) == (404, "not_found")


def test_anonymous_caller_is_401(api: APIClient, member: Membership) -> None:
    response = check(api, f"organizationId={ORG_A}&productCode=teamspace")
    assert error(response) == (401, "not_authenticated")


def test_auth_server_licenses_are_never_trusted_for_access(
    api: APIClient, remote_auth: LocalAuthServer, demo_users: dict[str, DemoUser]
) -> None:
    carol = demo_users["carol"]  # the auth server gives Globex an "all" licence until 2031
    access_token = remote_auth.login(carol.email, carol.password)["accessToken"]
    for code in ("teamspace", "buildeasy", "autoflow", "all"):
        response = check(api, f"organizationId={carol.org}&productCode={code}", access_token)
        assert response.status_code == 200
        assert response.json()["hasActiveSubscription"] is False
