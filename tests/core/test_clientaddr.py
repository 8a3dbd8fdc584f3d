"""The one function that says who the client is: REMOTE_ADDR, or X-Forwarded-For behind a
trusted proxy, and nothing a client can spoof."""

import pytest

from core.clientaddr import client_address, client_key, strip_untrusted_forwarding


@pytest.fixture
def proxies(settings):
    def trust(*cidrs: str) -> None:
        settings.REMOTE_AUTH = {**settings.REMOTE_AUTH, "TRUSTED_PROXIES": list(cidrs)}

    return trust


def test_without_trusted_proxies_x_forwarded_for_is_ignored():
    meta = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}

    assert str(client_address(meta)) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(proxies):
    proxies("10.0.0.0/8", "127.0.0.1/32")
    meta = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1, 10.1.2.3",
    }

    assert str(client_address(meta)) == "198.51.100.1"


def test_a_client_that_is_not_a_proxy_cannot_name_another_client(proxies):
    proxies("10.0.0.0/8")
    meta = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "10.0.0.1"}

    assert str(client_address(meta)) == "203.0.113.7"


def test_an_unreadable_hop_stops_at_the_last_trusted_proxy(proxies):
    proxies("127.0.0.1/32")
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, not-an-ip"}

    assert str(client_address(meta)) == "127.0.0.1"


def test_no_address_at_all_has_a_key_still():
    assert client_address({}) is None
    assert client_key({}) == "unknown"


def test_ipv6_clients_are_keyed_by_their_64():
    first = client_key({"REMOTE_ADDR": "2001:db8:1:2::1"})
    second = client_key({"REMOTE_ADDR": "2001:db8:1:2:ffff::9"})

    assert first == second == "2001:db8:1:2::/64"
    assert client_key({"REMOTE_ADDR": "2001:db8:1:3::1"}) != first


def test_ipv4_mapped_ipv6_is_the_ipv4_client():
    assert client_key({"REMOTE_ADDR": "::ffff:192.0.2.5"}) == "192.0.2.5"


def test_forwarding_headers_from_untrusted_peers_are_dropped(proxies):
    proxies("10.0.0.0/8")
    meta = {
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_X_FORWARDED_FOR": "1.2.3.4",
        "HTTP_X_FORWARDED_PROTO": "https",
    }

    strip_untrusted_forwarding(meta)

    assert meta == {"REMOTE_ADDR": "203.0.113.7"}


def test_forwarding_headers_from_trusted_proxies_stay(proxies):
    proxies("10.0.0.0/8")
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_PROTO": "https"}

    strip_untrusted_forwarding(meta)

    assert meta["HTTP_X_FORWARDED_PROTO"] == "https"
