import getpass
import io
import json
import stat
import sys

import pytest
import requests
import responses

from saas_admin import SaaSAdminClient, Tokens
from saas_admin.cli import ERROR, config_dir, main
from saas_admin.store import TokenStore
from tests.saas_admin.conftest import ACCESS, API, AUTH, FRESH, ME, REFRESH, ROTATED, SECRETS

PASSWORD = "demo-password-1"
LOGIN_BODY = {
    "success": True,
    "data": {
        "user": {"sub": "u-1", "email": "alice@acme.test"},
        "organization": {"id": "org-1", "name": "Acme Corp"},
        "accessToken": ACCESS,
        "refreshToken": REFRESH,
    },
}
CHECK = f"{API}/api/subscriptions/check"


@pytest.fixture
def env(tmp_path):
    return {
        "SAAS_ADMIN_AUTH_URL": AUTH,
        "SAAS_ADMIN_API_URL": API,
        "SAAS_ADMIN_CONFIG_DIR": str(tmp_path / "cfg"),
    }


@pytest.fixture
def store(env):
    return TokenStore(config_dir(env) / "tokens.json")


@pytest.fixture
def cli(env, waits, capsys):
    """Run the CLI; return (status, stdout, stderr) after checking no secret was printed."""

    def run(*argv):
        status = main(list(argv), env, lambda a, b: SaaSAdminClient(a, b, sleep=waits.append))
        out, err = capsys.readouterr()
        assert all(secret not in out + err for secret in SECRETS)
        return status, out, err

    return run


@pytest.fixture
def logged_in(store):
    store.save(Tokens(ACCESS, REFRESH), AUTH, API)
    return store


@pytest.fixture
def prompts(monkeypatch):
    """Answer getpass with the password; record its prompts."""
    asked = []

    def fake_getpass(prompt="Password: "):
        asked.append(prompt)
        return PASSWORD

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    return asked


def stdin(monkeypatch, text):
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


# -- login -------------------------------------------------------------------------------


def test_login_asks_getpass_and_saves_a_0600_session(mocked, cli, store, prompts):
    mocked.post(f"{AUTH}/api/auth/login", json=LOGIN_BODY)
    status, out, _ = cli("login", "--email", "alice@acme.test")
    assert status == 0
    assert prompts == ["Password: "]
    assert json.loads(out)["organization"] == {"id": "org-1", "name": "Acme Corp"}
    assert store.load(AUTH, API) == Tokens(ACCESS, REFRESH)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert json.loads(mocked.calls[0].request.body)["password"] == PASSWORD


def test_login_prompts_for_the_email_on_stderr(mocked, cli, prompts, monkeypatch):
    mocked.post(f"{AUTH}/api/auth/login", json=LOGIN_BODY)
    stdin(monkeypatch, "alice@acme.test\n")
    status, out, err = cli("login")
    assert status == 0
    assert "E-mail:" in err
    assert "E-mail" not in out
    assert json.loads(mocked.calls[0].request.body)["email"] == "alice@acme.test"


def test_login_password_stdin_reads_one_line_spaces_kept(mocked, cli, monkeypatch):
    mocked.post(f"{AUTH}/api/auth/login", json=LOGIN_BODY)
    stdin(monkeypatch, " pass word \nignored\n")
    status, _, _ = cli("login", "--email", "alice@acme.test", "--password-stdin")
    assert status == 0
    assert json.loads(mocked.calls[0].request.body)["password"] == " pass word "


def test_login_password_stdin_needs_an_email(cli):
    with pytest.raises(SystemExit) as caught:
        cli("login", "--password-stdin")
    assert caught.value.code == ERROR


def test_login_with_an_empty_password_sends_nothing(mocked, cli, monkeypatch):
    stdin(monkeypatch, "\n")
    status, _, err = cli("login", "--email", "alice@acme.test", "--password-stdin")
    assert status == ERROR
    assert "[usage]" in err
    assert len(mocked.calls) == 0


def test_login_refused_exits_2_with_the_code_and_no_password(mocked, cli, store, prompts):
    body = {
        "success": False,
        "error": "invalid_credentials",
        "message": "Invalid email or password.",
    }
    mocked.post(f"{AUTH}/api/auth/login", status=401, json=body)
    status, out, err = cli("login", "--email", "alice@acme.test")
    assert status == ERROR
    assert out == ""
    assert "[invalid_credentials]" in err
    assert not store.path.exists()


def test_an_unwritable_config_dir_exits_2(mocked, cli, env, prompts, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    env["SAAS_ADMIN_CONFIG_DIR"] = str(blocker)
    mocked.post(f"{AUTH}/api/auth/login", json=LOGIN_BODY)
    status, _, err = cli("login", "--email", "alice@acme.test")
    assert status == ERROR
    assert "[config]" in err


def test_the_password_is_never_an_argument(cli):
    with pytest.raises(SystemExit):
        cli("login", "--email", "alice@acme.test", "--password", PASSWORD)


# -- session -----------------------------------------------------------------------------


def test_whoami_without_a_session_exits_2(mocked, cli):
    status, out, err = cli("whoami")
    assert status == ERROR
    assert out == ""
    assert "not logged in" in err
    assert "[authentication_required]" in err


def test_whoami_prints_pretty_json(mocked, cli, logged_in):
    mocked.get(f"{API}/api/auth/verify", json=ME)
    status, out, _ = cli("whoami")
    assert status == 0
    assert json.loads(out) == ME
    assert out.startswith("{\n  ")


def test_quiet_prints_nothing(mocked, cli, logged_in):
    mocked.get(f"{API}/api/auth/verify", json=ME)
    assert cli("--quiet", "whoami") == (0, "", "")


def test_a_refreshed_session_is_saved_with_the_rotated_token(mocked, cli, logged_in):
    def verify(request):
        ok = request.headers["Authorization"] == f"Bearer {FRESH}"
        return (200, {}, json.dumps(ME)) if ok else (401, {}, '{"code": "token_expired"}')

    mocked.add_callback(responses.GET, f"{API}/api/auth/verify", callback=verify)
    mocked.post(f"{AUTH}/api/auth/refresh", json={"accessToken": FRESH, "refreshToken": ROTATED})
    assert cli("whoami")[0] == 0
    assert logged_in.load(AUTH, API) == Tokens(FRESH, ROTATED)


def test_a_rotated_token_is_saved_even_when_the_command_then_fails(mocked, cli, logged_in):
    mocked.get(f"{API}/api/auth/verify", status=401, json={"code": "token_expired"})
    mocked.get(f"{API}/api/auth/verify", status=500, json={"code": "server_error", "detail": "x"})
    mocked.post(f"{AUTH}/api/auth/refresh", json={"accessToken": FRESH, "refreshToken": ROTATED})
    status, _, err = cli("whoami")
    assert status == ERROR
    assert "[server_error]" in err
    assert logged_in.load(AUTH, API) == Tokens(FRESH, ROTATED)


def test_a_refused_refresh_deletes_the_session(mocked, cli, logged_in):
    mocked.get(f"{API}/api/auth/verify", status=401, json={"code": "token_expired"})
    mocked.post(f"{AUTH}/api/auth/refresh", status=401, json={"error": "refresh_invalid"})
    status, _, err = cli("whoami")
    assert status == ERROR
    assert "[refresh_invalid]" in err
    assert not logged_in.path.exists()


def test_a_session_for_another_server_is_not_sent(mocked, cli, logged_in):
    status, _, err = cli("--api-url", "http://other.test", "whoami")
    assert status == ERROR
    assert "[other_server]" in err
    assert len(mocked.calls) == 0


def test_unavailable_says_when_to_retry(mocked, cli, logged_in, waits):
    busy = {
        "detail": "The authentication service is unavailable.",
        "code": "auth_service_unavailable",
    }
    mocked.get(f"{API}/api/auth/verify", status=503, headers={"Retry-After": "5"}, json=busy)
    status, _, err = cli("whoami")
    assert status == ERROR
    assert "[auth_service_unavailable]" in err
    assert "try again in 5s" in err
    assert waits == [5.0, 5.0, 5.0]


def test_logout_deletes_the_session(mocked, cli, logged_in):
    mocked.post(f"{API}/api/auth/logout", json={"detail": "Logged out.", "code": "logged_out"})
    status, out, _ = cli("logout")
    assert (status, json.loads(out)) == (0, {"loggedOut": True})
    assert not logged_in.path.exists()


def test_logout_not_confirmed_warns_and_still_forgets(mocked, cli, logged_in):
    mocked.post(f"{API}/api/auth/logout", body=requests.ConnectionError("down"))
    mocked.post(f"{AUTH}/api/auth/logout", body=requests.ConnectionError("down"))
    status, _, err = cli("logout")
    assert status == 0
    assert "warning" in err
    assert not logged_in.path.exists()


def test_logout_without_a_session_is_fine(mocked, cli):
    status, out, _ = cli("logout")
    assert (status, json.loads(out)) == (0, {"loggedOut": False})


# -- queries -----------------------------------------------------------------------------


def test_orgs_and_org_print_the_answers(mocked, cli, logged_in):
    mocked.get(f"{API}/api/organizations/", json={"organizations": [{"id": "org-1"}]})
    mocked.get(f"{API}/api/organizations/org-1/", json={"id": "org-1", "name": "Acme Corp"})
    assert json.loads(cli("orgs")[1]) == [{"id": "org-1"}]
    assert json.loads(cli("org", "org-1")[1])["name"] == "Acme Corp"


@pytest.mark.parametrize(("active", "status"), [(True, 0), (False, 1)])
def test_check_subscription_exit_status_is_the_answer(mocked, cli, logged_in, active, status):
    body = {
        "organizationId": "org-1",
        "productCode": "buildeasy",
        "hasActiveSubscription": active,
        "subscription": None,
    }
    mocked.get(CHECK, json=body)
    result, out, _ = cli("check-subscription", "--org", "org-1", "--product", "buildeasy")
    assert result == status
    assert json.loads(out)["hasActiveSubscription"] is active


def test_check_subscription_errors_exit_2(mocked, cli, logged_in):
    mocked.get(CHECK, status=404, json={"detail": "Not found.", "code": "not_found"})
    status, _, err = cli("check-subscription", "--org", "nope", "--product", "buildeasy")
    assert status == ERROR
    assert "[not_found]" in err


def test_help_documents_exit_statuses_and_environment(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit status" in out
    assert "SAAS_ADMIN_CONFIG_DIR" in out


def test_config_dir_defaults():
    assert str(config_dir({"XDG_CONFIG_HOME": "/x"})) == "/x/saas-admin"
    assert str(config_dir({"SAAS_ADMIN_CONFIG_DIR": "/y"})) == "/y"
    assert str(config_dir({})).endswith("/.config/saas-admin")
