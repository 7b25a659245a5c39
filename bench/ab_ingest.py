"""Ingest throughput of two checkouts, interleaved: for a shared machine, where wall-clock ratios drift.

    .venv/bin/python bench/ab_ingest.py OLD_CHECKOUT NEW_CHECKOUT [--runs 8] [--feeds 20] [--items 100]

OLD_CHECKOUT can be made with `git worktree add /tmp/old main` (or `git archive main | tar -x -C /tmp/old`).

Each run is a fresh process on one checkout: bench_ingest.py's whole pipeline
(fetch + parse + tag + extract + record) on generated feeds served from
127.0.0.1, between two runs of feedparser.parse alone on the same bytes, all in
CPU time (process_time: other processes' load does not count). Runs alternate
between the checkouts; it prints each one's median ratio ours/feedparser (the
same-run ratio of bench_ingest.py, higher is faster) and their quotient, and the
median of each round's quotient (old and new back to back), which a drifting VM moves less.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

ONE_RUN = """
import json, sys, tempfile, time
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/bench"]
import bench_ingest
from tests.feed_server import FeedServer, Route
bench_ingest.time = type("CPUTime", (), {"perf_counter": staticmethod(time.process_time)})
feeds, items = int(sys.argv[2]), int(sys.argv[3])
bench_ingest.ITEMS[0] = items
bodies = [bench_ingest.rss(f, items) for f in range(feeds)]
with FeedServer() as server, tempfile.TemporaryDirectory() as tmp:
    paths = [f"/feed{f}" for f in range(feeds)]
    for path, body in zip(paths, bodies):
        server.routes[path] = Route(body=body)
    alone = bench_ingest.run_feedparser(bodies)
    ours = bench_ingest.run_ours(server, paths, Path(tmp))
    alone += bench_ingest.run_feedparser(bodies)
print(json.dumps(alone / 2 / ours))
"""


def ratio(checkout: str, feeds: int, items: int) -> float:
    args = [sys.executable, "-c", ONE_RUN, checkout, str(feeds), str(items)]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    ratios: dict[str, list[float]] = {args.old: [], args.new: []}
    for _ in range(args.runs):
        for checkout in (args.old, args.new):
            ratios[checkout].append(ratio(checkout, args.feeds, args.items))
    medians = {checkout: statistics.median(values) for checkout, values in ratios.items()}
    for checkout, median in medians.items():
        print(f"{checkout}: median ratio ours/feedparser {median:.3f} over {args.runs} runs (CPU time)")
    print(f"new/old {medians[args.new] / medians[args.old]:.3f}")
    # Each round runs old then new back to back: their quotient cancels a VM's speed drifting between rounds
    # (on a shared VM the same tree's medians moved 0.081 -> 0.100 between two batches).
    pairs = [new / old for old, new in zip(ratios[args.old], ratios[args.new], strict=True)]
    spread = ", ".join(f"{q:.2f}" for q in sorted(pairs))
    print(f"new/old per round: median {statistics.median(pairs):.3f} ({spread})")


if __name__ == "__main__":
    main()
