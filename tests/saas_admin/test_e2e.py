"""The client and the CLI against the real SaaS Admin (gunicorn) and the local auth server."""

import json
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from saas_admin import ApiError, AuthenticationRequired, SaaSAdminClient, Tokens

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def no_sleep(seconds):
    raise AssertionError(f"unexpected wait of {seconds}s")


@pytest.fixture
def alice(demo_users):
    return demo_users["alice"]


@pytest.fixture
def carol_org(demo_users):
    return demo_users["carol"].org


@pytest.fixture
def client(api_server, remote_auth):
    return SaaSAdminClient(remote_auth.url, api_server.url, sleep=no_sleep)


def subscribe(remote_org_id, product_code):
    """Give the (mirrored) organization an active subscription to `product_code`."""
    from apps.organizations.models import Organization
    from apps.subscriptions.models import Product, Subscription

    product, _ = Product.objects.get_or_create(code=product_code, defaults={"name": product_code})
    Subscription.objects.create(
        organization=Organization.objects.get(remote_id=remote_org_id),
        product=product,
        status=Subscription.Status.ACTIVE,
        current_period_end=timezone.now() + timedelta(days=30),
    )


def test_login_whoami_orgs(client, alice, carol_org):
    identity = client.login(alice.email, alice.password)
    assert "accessToken" not in identity
    me = client.whoami()
    assert me["user"]["email"] == alice.email
    assert me["user"]["remoteId"] == alice.id
    assert me["organization"]["id"] == alice.org
    assert me["authSource"] == "remote"
    assert [org["id"] for org in client.organizations()] == [alice.org]
    assert client.organization(alice.org)["name"] == "Acme Corp"
    with pytest.raises(ApiError) as caught:
        client.organization(carol_org)
    assert (caught.value.status, caught.value.code) == (404, "not_found")


def test_an_expired_token_is_refreshed_once(client, remote_auth, alice):
    client.login(alice.email, alice.password)
    assert client.tokens is not None
    refresh = client.tokens.refresh_token
    expired = remote_auth.mint_token(alice.email, ttl=-10)
    client.tokens = Tokens(expired, refresh)
    remote_auth.reset_calls()
    assert client.whoami()["user"]["email"] == alice.email
    assert remote_auth.calls("POST /api/auth/refresh") == 1
    fresh = client.tokens
    assert fresh is not None
    assert fresh.access_token != expired
    assert fresh.refresh_token not in (None, refresh)  # the auth server rotates it


def test_a_refused_refresh_requires_login(client, remote_auth, alice):
    client.tokens = Tokens(remote_auth.mint_token(alice.email, ttl=-10), "not-a-refresh-token")
    with pytest.raises(AuthenticationRequired):
        client.whoami()
    assert client.tokens is None


def test_auth_server_outage_is_waited_out_with_saas_admins_retry_after(
    api_server, remote_auth, alice
):
    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 2:
            remote_auth.clear_faults()

    client = SaaSAdminClient(remote_auth.url, api_server.url, sleep=sleep)
    client.login(alice.email, alice.password)  # a token SaaS Admin has not cached yet
    assert client.tokens is not None
    remote_auth.fault("status", status=500)
    retry_after = api_server.get("/api/auth/verify", client.tokens.access_token)
    assert retry_after.status_code == 503
    assert client.whoami()["user"]["email"] == alice.email
    assert waits == [float(retry_after.headers["Retry-After"])] * 2


def test_the_cli_end_to_end_prints_no_token(api_server, remote_auth, alice, carol_org, tmp_path):
    env = {
        **os.environ,
        "SAAS_ADMIN_AUTH_URL": remote_auth.url,
        "SAAS_ADMIN_API_URL": api_server.url,
        "SAAS_ADMIN_CONFIG_DIR": str(tmp_path),
    }
    runs = []

    def cli(*args, stdin=None, status=0):
        run = subprocess.run(
            [sys.executable, "-m", "saas_admin", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        runs.append(run)
        assert run.returncode == status, run.stderr
        return run

    cli("login", "--email", alice.email, "--password-stdin", stdin=alice.password + "\n")
    session = tmp_path / "tokens.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    tokens = json.loads(session.read_text())
    assert json.loads(cli("whoami").stdout)["user"]["email"] == alice.email
    assert [org["id"] for org in json.loads(cli("orgs").stdout)] == [alice.org]
    assert json.loads(cli("org", alice.org).stdout)["name"] == "Acme Corp"
    subscribe(alice.org, "buildeasy")
    check = ["check-subscription", "--org", alice.org, "--product"]
    assert json.loads(cli(*check, "buildeasy").stdout)["hasActiveSubscription"] is True
    assert json.loads(cli(*check, "autoflow", status=1).stdout)["hasActiveSubscription"] is False
    other = ["check-subscription", "--org", carol_org, "--product", "buildeasy"]
    assert "[not_found]" in cli(*other, status=2).stderr
    assert cli("--quiet", "whoami").stdout == ""
    cli("logout")
    assert not session.exists()
    assert api_server.get("/api/auth/verify", tokens["accessToken"]).status_code == 401
    assert "not logged in" in cli("whoami", status=2).stderr

    secrets = [tokens["accessToken"], tokens["refreshToken"], alice.password]
    printed = "".join(run.stdout + run.stderr for run in runs)
    assert not [secret for secret in secrets if secret in printed]
