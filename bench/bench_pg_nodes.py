"""Two app nodes on one PostgreSQL log: read throughput with one node and with two, and how long an
append on one node takes to show on the other.

    .venv/bin/pip install -e '.[test,bench]'
    .venv/bin/python bench/bench_pg_nodes.py [--facts 2000] [--seconds 5] [--workers 8] [--delays 50]

A throwaway cluster (tests/postgres_cluster.py, durable commits), two `timeline serve`
processes on 127.0.0.1, each with its own SQLite read models, seeded with --facts facts.
Throughput: --workers keep-alive clients read `/api/events` for --seconds, all on node A,
then spread over A and B, in the same run (the ratio is two nodes over one; on this
machine both nodes share its cores with the clients, so it says what the second node's
own read models cost, not what a second machine gives). Delay: a fact posted to A by
the API, then B's `/api/events?limit=1` asked every millisecond until it shows the
fact, --delays times: p50 and p95.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_web import Client, throughput  # noqa: E402
from events.domain.token import issue_token  # noqa: E402
from events.service import Timeline  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402
from tests.postgres_cluster import start_cluster  # noqa: E402
from tests.test_pg_nodes import shared_log  # noqa: E402


def post(port: int, token: str, title: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps(
        {
            "date": "2024-07-04",
            "title": title,
            "sources": [{"url": f"https://example.org/{title.replace(' ', '-')}"}],
        }
    )
    conn.request(
        "POST", "/api/events", body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    response = conn.getresponse()
    response.read()
    if response.status != 201:
        raise RuntimeError(f"POST answered {response.status}")


def seed(url: str, folder: Path, facts: int) -> str:
    """facts facts in the shared log, and an editor's token; returns the token."""
    timeline = Timeline.open(folder / "seeder.db", log_url=url)
    try:
        for i in range(facts):
            fields = {
                "date": f"{2001 + i % 24}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "title": f"Bench fact {i}",
                "tags": ["sco", ["china", "russia", "india"][i % 3]],
                "sources": [{"url": f"https://example.org/seed/{i}"}],
            }
            timeline.record_fact(fields, actor="bench", origin="manual")
        return issue_token(timeline.store, "bench")
    finally:
        timeline.close()


def delays(a: int, b: int, token: str, count: int) -> list[float]:
    """Milliseconds from a 201 on node a to the fact's title on node b's newest-recorded page."""
    reader, out = Client(b), []
    for i in range(count):
        title = f"Visible {i} {time.monotonic_ns()}"
        post(a, token, title)
        began = time.perf_counter()
        while title.encode() not in reader.get("/api/events?order=desc&limit=50")[1]:
            if time.perf_counter() - began > 10:
                raise RuntimeError("not visible on the other node within 10 s")
            time.sleep(0.001)
        out.append((time.perf_counter() - began) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--delays", type=int, default=50)
    args = parser.parse_args()
    cluster = start_cluster(durable=True)
    servers = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            _, url = shared_log(cluster, "bench")
            token = seed(url, folder, args.facts)
            for node in ("a", "b"):
                (folder / node).mkdir()
                servers.append(
                    start_server(folder / node, folder / node / "read.db", database_settings=f'url = "{url}"')
                )
            ports = [int(s.url.rsplit(":", 1)[1].strip("/")) for s in servers]
            time.sleep(2)  # both projectors caught up with the seeded log
            one = throughput(ports[:1], "/api/events", args.seconds, args.workers)
            two = throughput(ports, "/api/events", args.seconds, args.workers)
            print(f"{args.facts} facts; {args.workers} clients for {args.seconds} s each")
            print(f"/api/events one node  {one:8.0f} requests/s")
            print(f"/api/events two nodes {two:8.0f} requests/s  -> ratio {two / one:.2f}x")
            waited = delays(ports[0], ports[1], token, args.delays)
            p95 = statistics.quantiles(waited, n=20)[18]
            print(
                f"append on A visible on B: p50 {statistics.median(waited):.1f} ms  p95 {p95:.1f} ms  (n={len(waited)})"
            )
    finally:
        for server in servers:
            stop_server(server)
        cluster.stop()


if __name__ == "__main__":
    main()
