"""Slowloris against `timeline serve` on 127.0.0.1: readers keep being served, slow sockets are dropped (issue 15).

500 sockets each send one more header byte every 2 s. Before, waitress took 100
connections and then stopped accepting, and a byte every few seconds kept a socket
open forever: every reader timed out; the drops are counted on /metrics. Latency
figures: bench/bench_slow_clients.py.
"""

from __future__ import annotations

import time

from tests.conftest import start_server, stop_server
from tests.test_metrics import samples
from tests.wire import SlowHeaders, get_many
from timeline.server import HEADER_SECONDS

SLOW = 500
PATHS = ("/", "/feed.atom", "/api/events")


def test_readers_are_served_while_500_slow_sockets_are_held_and_those_are_dropped(tmp_path):
    server = start_server(tmp_path, tmp_path / "t.db")
    try:
        with SlowHeaders(server.url, SLOW, every=2.0) as slow:
            time.sleep(1.0)  # all connected and dripping
            answers = get_many(server.url, PATHS, rounds=2, timeout=5.0)
            deadline = time.monotonic() + HEADER_SECONDS + 10
            while slow.dropped < SLOW and time.monotonic() < deadline:
                time.sleep(0.5)
        assert [(path, status) for path, status, _s in answers] == [(path, 200) for path in PATHS * 2]
        assert slow.refused == 0
        assert slow.dropped == SLOW, "the server kept slow sockets open"
        assert max(slow.lived) < HEADER_SECONDS + 5  # the deadline, plus the check's second and the drip
        seen = samples(server.get("/metrics")[1].decode())
    finally:
        stop_server(server)
    # the drops were silent before: an operator now sees them on /metrics
    assert seen[("timeline_http_slow_clients_dropped_total", frozenset({("stage", "headers")}))] == SLOW
    assert seen[("timeline_http_slow_clients_dropped_total", frozenset({("stage", "body")}))] == 0
