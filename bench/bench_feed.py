"""Atom feed: full render against the 304 path, at 1,000 and 1,000,000 facts, in one run.

    .venv/bin/python bench/bench_feed.py [--sizes 1000,1000000] [--repeat 30] [--dir DIR]

Each request goes through the Flask app as a reader's would (routing, a fresh
connection, catch-up, query, render). For every feed URL it prints the median
and p90 of a full 200 render, of a conditional GET answered 304, and their
ratio. Databases are built by appending events in big batches, then
projections.rebuild; --dir keeps them for the next run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from events.domain.fact import FACT_CORRECTED, FACT_RETRACTED, fact_recorded  # noqa: E402
from events.log.ids import uuid7  # noqa: E402
from events.log.model import NewEvent, StreamAppend  # noqa: E402
from events.log.store import EventStore, connect  # noqa: E402
from events.read import projections  # noqa: E402
from timeline import create_app  # noqa: E402
from timeline.web.atom import encode_cursor  # noqa: E402

BATCH = 20_000
RARE_EVERY = 100_000  # tag "rare" and the word "zebra": the sparse worst case for a filter
CORRECT_EVERY = 100  # the newest changes are corrections, so renders read fact histories
RETRACT_EVERY = 1_000


def recorded(i: int, fact_id: str) -> NewEvent:
    rare = i % RARE_EVERY == 0
    fields = {
        "date": f"{2001 + i % 24}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "end_date": None,
        "title": f"SCO fact number {i}: leaders meet in Astana",
        "summary": "Heads of state met & signed <documents>. " * 3 + ("A zebra was seen." if rare else ""),
        "tags": ["sco", "summit", ["china", "russia", "india"][i % 3]] + (["rare"] if rare else []),
        "sources": [
            {
                "url": f"https://example.org/news/{i}",
                "title": f"Report {i}",
                "outlet": "Example",
                "published": None,
            }
        ],
    }
    event = fact_recorded(fact_id, fields, "feed")
    return NewEvent(event.type, event.payload, {"actor": "bench"})


def later(i: int) -> NewEvent | None:
    if i % CORRECT_EVERY == 7:
        old, new = (
            f"SCO fact number {i}: leaders meet in Astana",
            f"SCO fact number {i}: leaders met in Astana",
        )
        payload = {"changes": {"title": new}, "previous": {"title": old}, "reason": "tense"}
        return NewEvent(FACT_CORRECTED, payload, {"actor": "editor"})
    if i % RETRACT_EVERY == 3:
        return NewEvent(FACT_RETRACTED, {"reason": "duplicate"}, {"actor": "editor"})
    return None


def build(path: Path, size: int) -> None:
    """Recorded facts: batched appends, then one rebuild. Changes: batched appends, then catch_up.

    Not one rebuild over everything: projections.rebuild cannot yet fold a
    stream whose events fall in different chunks of projections.BATCH events.
    """
    if path.exists():
        return
    store = EventStore(connect(path))
    ids = [uuid7() for _ in range(size)]
    started = time.perf_counter()
    for start in range(0, size, BATCH):
        store.append(
            [StreamAppend(ids[i], (recorded(i, ids[i]),), 0) for i in range(start, min(size, start + BATCH))]
        )
    appended = time.perf_counter()
    projections.rebuild(store)
    rebuilt = time.perf_counter()
    changes = [(i, event) for i in range(size) if (event := later(i))]
    for start in range(0, len(changes), BATCH):
        store.append([StreamAppend(ids[i], (event,), 1) for i, event in changes[start : start + BATCH]])
    projections.catch_up(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.close()
    print(
        f"built {size:,} facts: append {appended - started:.1f} s, rebuild {rebuilt - appended:.1f} s;"
        f" {len(changes):,} changes appended and projected in {time.perf_counter() - rebuilt:.1f} s",
        flush=True,
    )


def timings(client, url: str, headers: dict, repeat: int, status: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == status, (url, response.status_code, response.data[:200])
    return out


def measure(path: Path, size: int, repeat: int) -> None:
    client = create_app(
        {"database": {"path": str(path)}, "server": {"base_url": "http://bench/"}}
    ).test_client()
    middle = encode_cursor(size // 2)
    urls = [
        "/feed.atom",
        "/feed.atom?tag=china",
        f"/feed.atom?cursor={middle}",
        "/feed.atom?tag=rare",
        "/feed.atom?q=zebra",
        "/feed.atom?tag=rare&q=astana",
        "/feed.atom?q=astana",
    ]
    print(f"\n{size:,} facts, {repeat} requests each (ms)")
    heads = ("entries", "200 median", "200 p90", "304 median", "304 p90", "ratio")
    print(f"{'feed':34} " + " ".join(f"{head:>10}" for head in heads))
    for url in urls:
        first = client.get(url)
        entries = first.data.count(b"<entry>")
        full = timings(client, url, {}, repeat, 200)
        cached = timings(client, url, {"If-None-Match": first.headers["ETag"]}, repeat, 304)
        ratio = statistics.median(full) / statistics.median(cached)
        figures = (statistics.median(full), _p90(full), statistics.median(cached), _p90(cached))
        print(
            f"{url:34} {entries:>10} " + " ".join(f"{f:>10.2f}" for f in figures) + f" {ratio:>9.1f}x",
            flush=True,
        )


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,1000000", help="comma-separated fact counts")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--dir", help="keep the databases here and reuse them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.dir or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for size in (int(s) for s in args.sizes.split(",")):
            path = folder / f"feed-{size}.db"
            build(path, size)
            measure(path, size, args.repeat)


if __name__ == "__main__":
    main()
