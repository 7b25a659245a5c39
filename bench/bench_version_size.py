"""How much room the past versions of facts take after ingesting bench_ingest's feeds (issue 19, migration 19).

    .venv/bin/python bench/bench_version_size.py [--feeds 20] [--items 100]

Every generated item adds a source to one planned summit, so that fact changes at every poll: the case
where a version that copied the fact's whole sources list grew with the square of its sources. Prints the
database file's size, the log's payload bytes and the bytes of sources the version rows hold.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

import bench_ingest  # noqa: E402

from tests.feed_server import FeedServer, Route  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    bench_ingest.ITEMS[0] = args.items
    with tempfile.TemporaryDirectory() as folder, FeedServer() as server:
        paths = [f"/feed{number}" for number in range(args.feeds)]
        for number, path in enumerate(paths):
            server.routes[path] = Route(body=bench_ingest.rss(number, args.items))
        bench_ingest.run_ours(server, paths, Path(folder))
        database = Path(folder) / "ours.db"
        conn = sqlite3.connect(database)
        versions, listed, counted = conn.execute(
            "SELECT count(*), coalesce(sum(length(sources)), 0), count(*) - count(sources) FROM fact_versions"
        ).fetchone()
        most = conn.execute(
            "SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM fact_versions GROUP BY n)"
        ).fetchone()[0]
        payload = conn.execute("SELECT sum(length(payload)) FROM events").fetchone()[0]
        conn.close()
        print(f"database file {database.stat().st_size / 1e6:.1f} MB; log payloads {payload / 1e6:.1f} MB")
        print(
            f"fact_versions: {versions} rows ({counted} keeping a count), {listed / 1e6:.1f} MB of sources lists"
        )
        print(f"most versions of one fact: {most}")


if __name__ == "__main__":
    main()
