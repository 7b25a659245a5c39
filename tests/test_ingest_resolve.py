"""A slow name lookup ends at the fetch's one deadline; names resolve to IPv4 or IPv6, and TLS still checks
the name. The resolver is a stub in this process: no test reaches a real DNS server."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import subprocess
import threading
import time

import httpx
import pytest

from events.log.clock import FixedClock
from events.log.store import EventStore, connect
from events.read.source_feeds import feed_status
from events.service import Timeline
from tests.feed_server import DATA, FeedServer, Route
from timeline.config import config_from_mapping
from timeline.ingest.fetch import Fetcher, FetchLimits
from timeline.ingest.poll import Ingestor

NOW = dt.datetime(2024, 5, 23, 12, 0, tzinfo=dt.UTC)
FEED = (DATA / "ingest/sco_news.rss").read_bytes()
SLOW = 5.0  # seconds the stub resolver takes when slow: past every deadline below


class StubResolver:
    """getaddrinfo answering made-up names, slowly when told to; other hosts go to the real one."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.slow: set[str] = set()
        self.released = threading.Event()  # set at teardown so no lookup thread outlives its test
        self._real = socket.getaddrinfo

    def __call__(self, host, port, *args, **kwargs):
        if host not in self.names:
            return self._real(host, port, *args, **kwargs)
        if host in self.slow:
            self.released.wait(SLOW)
        return [_info(address, int(port)) for address in self.names[host]]


def _info(address: str, port: int):
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))


@pytest.fixture
def resolver(monkeypatch):
    stub = StubResolver()
    monkeypatch.setattr(socket, "getaddrinfo", stub)
    yield stub
    stub.released.set()


@pytest.fixture
def timeline(tmp_path):
    t = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(NOW)))
    yield t
    t.close()


def poller(timeline, feeds: dict[str, str]):
    config = config_from_mapping(
        {
            "database": {"path": ":memory:"},
            "ingest": {"timeout_seconds": 1},
            "feeds": [{"name": name, "url": url} for name, url in feeds.items()],
        }
    )
    fetcher = Fetcher(FetchLimits(timeout_seconds=1))
    return Ingestor(timeline, config, fetcher, clock=FixedClock(NOW)), config.feeds


def timed_poll(ingestor, feed):
    started = time.monotonic()
    report = ingestor.poll(feed)
    return report, time.monotonic() - started


@pytest.mark.parametrize(
    ("listen", "addresses"),
    [
        ("127.0.0.1", ["127.0.0.1"]),
        ("::1", ["::1"]),
        ("127.0.0.1", ["::1", "127.0.0.1"]),  # the first address refuses: the next one is tried
    ],
    ids=["ipv4", "ipv6", "ipv6-refused-then-ipv4"],
)
def test_a_slow_name_lookup_ends_at_timeout_seconds_and_the_feed_s_polls_go_on(
    resolver, timeline, listen, addresses
):
    """getaddrinfo has no timeout: a resolver answering after 5 s held a poll with timeout_seconds = 1 for
    5 s (issue 15). The lookup now counts against the one deadline, the error names it, and the other feed
    and the next poll of this one are fetched as usual, by name (the Host header)."""
    with FeedServer(listen) as server:
        server.routes["/rss"] = Route(body=FEED)
        port = server.httpd.server_port
        resolver.names.update({"slow.feed.test": addresses, "steady.feed.test": addresses})
        resolver.slow.add("slow.feed.test")
        ingestor, (slow, steady) = poller(
            timeline,
            {"slow": f"http://slow.feed.test:{port}/rss", "steady": f"http://steady.feed.test:{port}/rss"},
        )
        report, elapsed = timed_poll(ingestor, slow)
        print(f"\nresolver answering after {SLOW:g} s, timeout_seconds 1: poll ended after {elapsed:.2f} s")
        assert elapsed < 2
        assert report.errors == [
            "timed out after 1 s resolving slow.feed.test (the limit covers the whole fetch)"
        ]
        assert timed_poll(ingestor, steady)[0].errors == []
        resolver.slow.clear()
        assert timed_poll(ingestor, slow)[0].errors == []
    assert feed_status(timeline.conn, "slow").error_streak == 0
    assert [headers["Host"] for _, headers in server.requests] == [
        f"steady.feed.test:{port}",
        f"slow.feed.test:{port}",
    ]


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """An HTTPS feed server on 127.0.0.1 whose certificate names only feed.test, and the fetcher's trust."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=feed.test"]
        + ["-addext", "subjectAltName=DNS:feed.test", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    monkeypatch.setattr(httpx, "create_ssl_context", lambda **_: ssl.create_default_context(cafile=cert))
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    server = FeedServer()
    server.httpd.socket = served.wrap_socket(server.httpd.socket, server_side=True)
    server.routes["/rss"] = Route(body=FEED)
    with server:
        yield server


def test_https_by_name_resolves_under_the_deadline_and_checks_the_certificate_against_the_name(
    resolver, tls_server
):
    """The connection goes to the address the lookup found, but SNI and the certificate check use the name:
    a certificate for feed.test is accepted for feed.test, refused for another name on the same address."""
    resolver.names.update({"feed.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    resolver.slow.add("feed.test")
    url = f"https://feed.test:{tls_server.httpd.server_port}/rss"
    fetch = Fetcher(FetchLimits(timeout_seconds=1))
    assert fetch(url).error == "timed out after 1 s resolving feed.test (the limit covers the whole fetch)"
    resolver.slow.clear()
    assert fetch(url).body == FEED
    refused = fetch(url.replace("feed.test", "other.test")).error
    assert refused.startswith("ConnectError: ") and "certificate verify failed" in refused
