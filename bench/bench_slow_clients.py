"""Readers' latency while hundreds of sockets send their request headers one byte at a time (slowloris).

    .venv/bin/python bench/bench_slow_clients.py [--slow 500] [--every 2] [--seconds 30] [--readers 4]

Serves a seeded database with `timeline serve` in a child process, measures `/`,
`/feed.atom` and `/api/events` with no attack (the same-run baseline), then again
with the slow sockets held open, and reports how long the server let them live.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import start_server, stop_server  # noqa: E402
from tests.wire import SlowHeaders, get_many  # noqa: E402

PATHS = ("/", "/feed.atom", "/api/events")


def readers(url: str, count: int, seconds: float) -> list[tuple[str, int, float]]:
    """`count` readers asking each path in turn until `seconds` have passed."""
    results: list = []
    deadline = time.monotonic() + seconds

    def read() -> None:
        while time.monotonic() < deadline:
            results.extend(get_many(url, PATHS, 1))

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def summary(results: list) -> str:
    times = sorted(seconds for _path, status, seconds in results if status == 200)
    failed = sum(1 for _path, status, _s in results if status != 200)
    if len(times) < 2:
        return f"{len(results)} requests, {failed} failed"
    p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]
    return f"{len(results)} requests, {failed} failed, p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=500)
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--readers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder), Path(folder) / "bench.db")
        try:
            print("no attack:     ", summary(readers(server.url, args.readers, 5.0)))
            with SlowHeaders(server.url, args.slow, args.every) as slow:
                time.sleep(1.0)
                results = readers(server.url, args.readers, args.seconds)
            print(f"{args.slow} slow sockets:", summary(results))
            lived = f"longest lived {max(slow.lived):.1f} s" if slow.lived else "none dropped"
            print(f"slow sockets: {slow.refused} refused, {slow.dropped} dropped by the server, {lived}")
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
