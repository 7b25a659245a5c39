"""What /metrics' request counting costs the timeline page: the page with and without its hooks, same run.

    .venv/bin/python bench/bench_metrics.py [--rounds 11] [--requests 300]

In process (Flask's test client, no network), on the seeded database, so the page
is as cheap as it gets and the hooks' share as large as it can be. Rounds alternate
with and without, and each round's figure is the median request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from events.service import Timeline  # noqa: E402
from timeline import create_app  # noqa: E402
from timeline.web import metrics  # noqa: E402


def median_request(client, path: str, count: int) -> float:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        timeline = Timeline.open(db)
        timeline.init()
        timeline.close()
        app = create_app({"database": {"path": str(db)}})
        client = app.test_client()
        hooked = (list(app.before_request_funcs[None]), list(app.after_request_funcs[None]))
        bare = (
            [f for f in hooked[0] if f is not metrics._start_clock],
            [f for f in hooked[1] if f is not metrics._count],
        )
        median_request(client, "/", 50)  # warm up
        ratios, page = [], 0.0
        for _ in range(args.rounds):
            app.before_request_funcs[None], app.after_request_funcs[None] = list(bare[0]), list(bare[1])
            page = median_request(client, "/", args.requests)
            app.before_request_funcs[None], app.after_request_funcs[None] = list(hooked[0]), list(hooked[1])
            ratios.append(median_request(client, "/", args.requests) / page)
        print(f"/ without the hooks: {page * 1000:.2f} ms (median request, last round)")
        print("with / without, per round:", " ".join(f"{r:.3f}" for r in ratios))
        print(f"median ratio {statistics.median(ratios):.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
