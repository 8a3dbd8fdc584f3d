"""Who the client is: the one function every throttle, budget share, log line and /metrics uses.

`REMOTE_ADDR` is the client, unless it is a trusted proxy (`REMOTE_AUTH["TRUSTED_PROXIES"]`, a list
of CIDRs): then the right-most `X-Forwarded-For` address that is not a trusted proxy is. Forwarding
headers from anyone else are ignored (`strip_untrusted_forwarding` removes them).
"""

import ipaddress
from collections.abc import Iterable, MutableMapping
from functools import lru_cache
from typing import Any

from .conf import remote_auth_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    """Return the parsed networks of a CIDR list; raise ValueError for a malformed one."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def trusted_proxies() -> tuple[Network, ...]:
    """Return the configured trusted proxy networks (none by default)."""
    return networks(tuple(remote_auth_settings.TRUSTED_PROXIES or ()))


def parse(value: str) -> Address | None:
    """Return `value` as an IP address, or None when it is not one."""
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted(address: Address | None, proxies: Iterable[Network]) -> bool:
    """Return True when `address` lies inside one of `proxies`."""
    return address is not None and any(address in network for network in proxies)


def client_address(meta: MutableMapping[str, Any]) -> Address | None:
    """Return the client's address from a request's META; None when it cannot be told."""
    peer = parse(str(meta.get("REMOTE_ADDR") or ""))
    proxies = trusted_proxies()
    if not is_trusted(peer, proxies):
        return peer
    hops = str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for hop in reversed(hops):
        address = parse(hop)
        if address is None:
            return peer  # a hop we cannot read: stop at the last proxy we trust
        if not is_trusted(address, proxies):
            return address
    return peer


def client_key(meta: MutableMapping[str, Any]) -> str:
    """Return the client's key for throttles and budget shares: its IPv4 address or IPv6 /64."""
    address = client_address(meta)
    if address is None:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def strip_untrusted_forwarding(meta: MutableMapping[str, Any]) -> None:
    """Drop X-Forwarded-For/-Proto unless the peer is a trusted proxy, so nothing reads them."""
    if not is_trusted(parse(str(meta.get("REMOTE_ADDR") or "")), trusted_proxies()):
        for header in FORWARDING_HEADERS:
            meta.pop(header, None)
