"""Event store throughput against raw sqlite3 and the eventsourcing library, in one run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/bench_store.py [--facts 100000] [--singles 10000] [--batch 1000]

Prints events/s for batched appends, single appends and rebuild, each next to
its baseline measured here and now, as a ratio. Every database is a fresh file
with synchronous=FULL (durable commits) in a temporary folder.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from events import projections
from events.facts import fact_recorded
from events.ids import uuid7
from events.model import NewEvent, StreamAppend
from events.store import _INSERT, EventStore, _row, connect


def fact_event(i: int) -> NewEvent:
    fields = {"date": f"{2001 + i % 24}-{1 + i % 12:02d}-{1 + i % 28:02d}", "end_date": None,
              "title": f"SCO fact number {i}: leaders meet in Astana", "summary": "A benchmark fact " * 4,
              "tags": ["sco", "summit", ["china", "russia", "india"][i % 3]],
              "sources": [{"url": f"https://example.org/{i}", "title": None, "outlet": "Example", "published": None}]}  # fmt: skip
    event = fact_recorded(f"fact-{i}", fields, "feed")
    return NewEvent(event.type, event.payload, {"actor": "bench"})


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def ours_batched(folder: Path, events: list[NewEvent], batch: int) -> float:
    store = EventStore(connect(folder / "ours_batched.db"))

    def run():
        for start in range(0, len(events), batch):
            chunk = [StreamAppend(uuid7(), (e,), 0) for e in events[start:start + batch]]
            store.append(chunk)

    return timed(run)


def raw_batched(folder: Path, events: list[NewEvent], batch: int) -> float:
    """The same rows into the same schema (triggers included) with bare executemany."""
    conn = connect(folder / "raw.db")
    rows = [_row(uuid7(), 1, e, None, 0, "2024-07-03T00:00:00.000000Z") for e in events]

    def run():
        for start in range(0, len(rows), batch):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(_INSERT, rows[start:start + batch])
            conn.execute("COMMIT")

    return timed(run)


def ours_single(folder: Path, events: list[NewEvent]) -> float:
    store = EventStore(connect(folder / "ours_single.db"))
    return timed(lambda: [store.append_to(uuid7(), [e], expected_version=0) for e in events])


def eventsourcing_recorder(folder: Path, name: str):
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    recorder = SQLiteApplicationRecorder(SQLiteDatastore(str(folder / name)))
    recorder.create_table()
    return recorder


def stored(events: list[NewEvent]):
    from eventsourcing.persistence import StoredEvent

    from events.store import canonical_json

    return [StoredEvent(uuid.uuid4(), 1, e.type, canonical_json(e.payload).encode()) for e in events]


def es_batched(folder: Path, events: list[NewEvent], batch: int) -> float:
    recorder, items = eventsourcing_recorder(folder, "es_batched.db"), stored(events)
    return timed(lambda: [recorder.insert_events(items[s:s + batch]) for s in range(0, len(items), batch)])


def es_single(folder: Path, events: list[NewEvent]) -> float:
    recorder, items = eventsourcing_recorder(folder, "es_single.db"), stored(events)
    return timed(lambda: [recorder.insert_events([item]) for item in items])


def rebuild(folder: Path) -> float:
    store = EventStore(connect(folder / "ours_batched.db"))
    return timed(lambda: projections.rebuild(store))


def report(label: str, count: int, ours: float, baselines: dict[str, float]) -> None:
    rate = count / ours
    parts = [f"{label:<22} {rate:>10,.0f} events/s"]
    for name, seconds in baselines.items():
        parts.append(f"{name} {count / seconds:,.0f}/s -> ratio {rate / (count / seconds):.2f}x")
    print("  ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    events = [fact_event(i) for i in range(args.facts)]
    singles = events[: args.singles]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"batched: {args.facts} facts in batches of {args.batch}; single: {args.singles}; synchronous=FULL")
        report("batched append", args.facts, ours_batched(folder, events, args.batch),
               {"raw sqlite3": raw_batched(folder, events, args.batch),
                "eventsourcing": es_batched(folder, events, args.batch)})  # fmt: skip
        report("single appends", args.singles, ours_single(folder, singles),
               {"eventsourcing": es_single(folder, singles)})  # fmt: skip
        seconds = rebuild(folder)
        print(f"{'rebuild':<22} {args.facts / seconds:>10,.0f} events/s  (target >= 50,000)")


if __name__ == "__main__":
    main()
