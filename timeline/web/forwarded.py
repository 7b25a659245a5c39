"""The client's address: the peer, or behind proxies we trust, the address they say they forwarded for.

X-Forwarded-For is whatever the client wrote plus what each proxy appended, so it is
read from the right and only across hops listed in `[server] trusted_proxies`: the
first address not trusted is the client. Without the setting it is never read, as
anyone can send it (issue 15). The limiters and the access log read REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(peer: str, forwarded_for: str, trusted: Iterable[Network]) -> str:
    trusted = tuple(trusted)
    client = peer
    if not _is_trusted(peer, trusted):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break  # garbage written by someone: the last hop we trust is all we know
        client = str(address)
        if not _is_trusted(client, trusted):
            break
    return client


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(text: str, trusted: tuple[Network, ...]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in trusted)


def behind_proxies(wsgi_app: Callable, networks: Iterable[str]) -> Callable:
    """WSGI middleware: REMOTE_ADDR becomes the client's address; the peer is kept in `timeline.peer`."""
    trusted = tuple(ipaddress.ip_network(network) for network in networks)

    def app(environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        environ["timeline.peer"] = peer
        environ["REMOTE_ADDR"] = client_address(peer, environ.get("HTTP_X_FORWARDED_FOR", ""), trusted)
        return wsgi_app(environ, start_response)

    return app
