import json
import stat

import pytest

from saas_admin import AuthenticationRequired, Tokens
from saas_admin.store import TokenStore
from tests.saas_admin.conftest import ACCESS, API, AUTH, REFRESH


@pytest.fixture
def store(tmp_path):
    return TokenStore(tmp_path / "config" / "tokens.json")


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_save_then_load_round_trips(store):
    store.save(Tokens(ACCESS, REFRESH), AUTH, API)
    assert store.load(AUTH, API) == Tokens(ACCESS, REFRESH)


def test_the_file_is_0600_in_a_0700_directory(store):
    store.save(Tokens(ACCESS, REFRESH), AUTH, API)
    assert mode(store.path) == 0o600
    assert mode(store.path.parent) == 0o700


def test_saving_over_a_loose_file_makes_it_0600(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{}")
    store.path.chmod(0o644)
    store.save(Tokens(ACCESS), AUTH, API)
    assert mode(store.path) == 0o600


def test_saving_leaves_no_temporary_file(store):
    store.save(Tokens(ACCESS), AUTH, API)
    store.save(Tokens(ACCESS, REFRESH), AUTH, API)
    assert [p.name for p in store.path.parent.iterdir()] == ["tokens.json"]


def test_the_file_names_its_servers(store):
    store.save(Tokens(ACCESS, REFRESH), AUTH, API)
    data = json.loads(store.path.read_text())
    assert (data["authUrl"], data["apiUrl"]) == (AUTH, API)


def test_no_file_means_no_session(store):
    assert store.load(AUTH, API) is None


@pytest.mark.parametrize(("auth", "api"), [(AUTH, "http://other.test"), ("http://other.test", API)])
def test_a_session_of_other_servers_is_not_used(store, auth, api):
    store.save(Tokens(ACCESS, REFRESH), AUTH, API)
    with pytest.raises(AuthenticationRequired) as caught:
        store.load(auth, api)
    assert caught.value.code == "other_server"
    assert ACCESS not in str(caught.value)


@pytest.mark.parametrize(
    "content", ["not json", "[]", json.dumps({"authUrl": AUTH, "apiUrl": API})]
)
def test_an_unusable_file_requires_login(store, content):
    store.path.parent.mkdir(parents=True)
    store.path.write_text(content)
    with pytest.raises(AuthenticationRequired):
        store.load(AUTH, API)


def test_delete_removes_the_file_and_tolerates_none(store):
    store.save(Tokens(ACCESS), AUTH, API)
    store.delete()
    store.delete()
    assert not store.path.exists()
