"""Behind a reverse proxy: X-Forwarded-For names the client only across proxies we trust (issue 15)."""

from __future__ import annotations

import ipaddress
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import start_server, stop_server
from tests.wire import exchange
from timeline.config import ConfigError, config_from_mapping
from timeline.web.forwarded import client_address

PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    "peer, forwarded, client",
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the client wrote 1.2.3.4 itself
        ("127.0.0.1", "198.51.100.7, 10.1.2.3", "198.51.100.7"),  # two proxies we trust
        ("192.0.2.9", "198.51.100.7", "192.0.2.9"),  # not a proxy of ours: its header is ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.7, garbage", "127.0.0.1"),  # stop at what cannot be an address
        ("127.0.0.1", "10.0.0.1, 10.0.0.2", "10.0.0.1"),  # all trusted: the farthest one
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(peer, forwarded, client):
    assert client_address(peer, forwarded, PROXIES) == client


def test_a_bad_entry_is_a_config_error_naming_the_key():
    with pytest.raises(ConfigError, match="server.trusted_proxies"):
        config_from_mapping({"server": {"trusted_proxies": ["10.0.0.0/33"]}})


def bad_token(server, forwarded_for: str) -> int:
    request = urllib.request.Request(
        server.url + "api/events",
        data=b"",
        method="POST",
        headers={"Authorization": "Bearer nope.nope", "X-Forwarded-For": forwarded_for},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def logged(server, text: str, within: float = 5.0) -> bool:
    """The access line is written once the answer is sent, so it may come a moment after the answer."""
    deadline = time.monotonic() + within
    while text not in server.output.read_text("utf-8"):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_behind_a_trusted_proxy_each_forwarded_client_is_limited_apart(tmp_path):
    server = start_server(tmp_path, tmp_path / "t.db", 'trusted_proxies = ["127.0.0.1"]')
    try:
        assert [bad_token(server, "198.51.100.7") for _ in range(5)] == [401] * 5
        assert bad_token(server, "198.51.100.7") == 429
        assert bad_token(server, "1.2.3.4, 198.51.100.7") == 429  # what the client writes is not believed
        assert bad_token(server, "198.51.100.8") == 401  # another reader behind the same proxy
        assert logged(server, '198.51.100.7 "POST /api/events" 429')
        assert logged(server, "refused a token that is not valid or was revoked, from 198.51.100.8")
        anonymous = "POST /api/events HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.9\r\n"
        assert exchange(server.url, f"{anonymous}Content-Length: 10\r\n\r\n".encode()).status == 401
        assert logged(server, '198.51.100.9 "POST /api/events" 401')  # answered on the wire, logged as well
    finally:
        stop_server(server)


def test_without_trusted_proxies_the_header_is_ignored(tmp_path):
    server = start_server(tmp_path, tmp_path / "t.db")
    try:
        assert [bad_token(server, f"198.51.100.{i}") for i in range(5)] == [401] * 5
        assert bad_token(server, "198.51.100.99") == 429  # the peer, 127.0.0.1, made every guess
        assert logged(server, '127.0.0.1 "POST /api/events" 429')
    finally:
        stop_server(server)
