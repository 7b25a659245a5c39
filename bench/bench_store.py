"""Event store throughput against raw sqlite3 and the eventsourcing library, in one run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/bench_store.py [--facts 100000] [--singles 10000] [--batch 1000] [--rounds 10]

Prints events/s for batched appends, single appends and rebuild, each next to
its baselines measured here and now, as ratios. Every database is a fresh file
with synchronous=FULL (durable commits) in a temporary folder.

Like with like: every contender gets the same events and the same stream ids
(UUIDv7, made before timing starts), and each timed run goes from those to
durable rows, serialising the payloads inside the timer. eventsourcing also
runs with random uuid4 ids, its default for aggregates, since its index cost
depends on them. The contenders take turns, a slice each per round, so a
neighbour's load on the machine falls on all of them alike.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from events.domain.fact import fact_recorded
from events.log.chain import GENESIS, link
from events.log.ids import uuid7
from events.log.model import NewEvent, StreamAppend
from events.log.store import _INSERT, EventStore, canonical_json, connect
from events.read import projections

RECORDED_AT = "2024-07-03T00:00:00.000000Z"
Run = Callable[[int, int], None]  # appends the events [start, stop)


def fact_event(i: int) -> NewEvent:
    fields = {
        "date": f"{2001 + i % 24}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "end_date": None,
        "title": f"SCO fact number {i}: leaders meet in Astana",
        "summary": "A benchmark fact " * 4,
        "tags": ["sco", "summit", ["china", "russia", "india"][i % 3]],
        "sources": [
            {"url": f"https://example.org/{i}", "title": None, "outlet": "Example", "published": None}
        ],
    }
    event = fact_recorded(f"fact-{i}", fields, "feed")
    return NewEvent(event.type, event.payload, {"actor": "bench"})


def ours_batched(path: Path, ids: list[str], events: list[NewEvent], batch: int) -> Run:
    store = EventStore(connect(path))

    def run(start: int, stop: int) -> None:
        for s in range(start, stop, batch):
            end = min(s + batch, stop)
            store.append([StreamAppend(i, (e,), 0) for i, e in zip(ids[s:end], events[s:end])])

    return run


def chained_rows(event_ids: list[str], streams: list[str], events: list[NewEvent]) -> list[tuple]:
    """The log's rows for these events (each the first of its stream, no key), hash chain included."""
    rows, previous = [], GENESIS
    for position, (event_id, stream, e) in enumerate(zip(event_ids, streams, events), 1):
        payload, metadata = canonical_json(e.payload), canonical_json(e.metadata)
        row = (
            position,
            event_id,
            stream,
            1,
            e.type,
            e.schema_version,
            payload,
            metadata,
            None,
            0,
            RECORDED_AT,
        )
        previous = link(previous, row)
        rows.append((*row, previous))
    return rows


def raw_batched(path: Path, ids: list[str], events: list[NewEvent], batch: int) -> Run:
    """The same rows, serialised and hashed before timing, into the same schema (triggers included) with bare executemany."""
    conn = connect(path)
    rows = chained_rows([uuid7() for _ in ids], ids, events)

    def run(start: int, stop: int) -> None:
        for s in range(start, stop, batch):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(_INSERT, rows[s : min(s + batch, stop)])
            conn.execute("COMMIT")

    return run


def ours_single(path: Path, ids: list[str], events: list[NewEvent]) -> Run:
    store = EventStore(connect(path))

    def run(start: int, stop: int) -> None:
        for i, e in zip(ids[start:stop], events[start:stop]):
            store.append_to(i, [e], expected_version=0)

    return run


def eventsourcing_recorder(path: Path):
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    recorder = SQLiteApplicationRecorder(SQLiteDatastore(str(path)))
    recorder.create_table()
    return recorder


def stored(ids: list[uuid.UUID], events: list[NewEvent]) -> list:
    """eventsourcing's input, its StoredEvent, with the payload serialised as we serialise ours."""
    from eventsourcing.persistence import StoredEvent

    return [StoredEvent(i, 1, e.type, canonical_json(e.payload).encode()) for i, e in zip(ids, events)]


def es_batched(path: Path, ids: list[uuid.UUID], events: list[NewEvent], batch: int) -> Run:
    recorder = eventsourcing_recorder(path)

    def run(start: int, stop: int) -> None:
        for s in range(start, stop, batch):
            recorder.insert_events(stored(ids[s : min(s + batch, stop)], events[s : min(s + batch, stop)]))

    return run


def es_single(path: Path, ids: list[uuid.UUID], events: list[NewEvent]) -> Run:
    recorder = eventsourcing_recorder(path)

    def run(start: int, stop: int) -> None:
        for i, e in zip(ids[start:stop], events[start:stop]):
            recorder.insert_events(stored([i], [e]))

    return run


def take_turns(runs: dict[str, Run], count: int, rounds: int) -> dict[str, float]:
    """Seconds each contender took for all count events, run in turns of count/rounds events."""
    seconds = dict.fromkeys(runs, 0.0)
    step = -(-count // rounds)
    for start in range(0, count, step):
        for name, run in runs.items():
            began = time.perf_counter()
            run(start, min(start + step, count))
            seconds[name] += time.perf_counter() - began
    return seconds


def report(label: str, count: int, seconds: dict[str, float]) -> None:
    ours, *baselines = seconds
    rate = count / seconds[ours]
    print(f"{label:<22} {rate:>10,.0f} events/s")
    for name in baselines:
        other = count / seconds[name]
        print(f"  {name:<32} {other:>10,.0f}/s  -> ratio {rate / other:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    events = [fact_event(i) for i in range(args.facts)]
    ids = [uuid7() for _ in events]
    same_ids, random_ids = [uuid.UUID(i) for i in ids], [uuid.uuid4() for _ in events]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(
            f"batched: {args.facts} facts in batches of {args.batch}; single: {args.singles};"
            f" synchronous=FULL; {args.rounds} rounds"
        )
        batched = {
            "ours": ours_batched(folder / "ours_batched.db", ids, events, args.batch),
            "raw sqlite3, same schema": raw_batched(folder / "raw.db", ids, events, args.batch),
            "eventsourcing, same uuid7 ids": es_batched(folder / "es7.db", same_ids, events, args.batch),
            "eventsourcing, uuid4 ids": es_batched(folder / "es4.db", random_ids, events, args.batch),
        }
        report("batched append", args.facts, take_turns(batched, args.facts, args.rounds))
        single = {
            "ours": ours_single(folder / "ours_single.db", ids, events),
            "eventsourcing, same uuid7 ids": es_single(folder / "es7s.db", same_ids, events),
            "eventsourcing, uuid4 ids": es_single(folder / "es4s.db", random_ids, events),
        }
        report("single appends", args.singles, take_turns(single, args.singles, args.rounds))
        store = EventStore(connect(folder / "ours_batched.db"))
        began = time.perf_counter()
        projections.rebuild(store)
        print(
            f"{'rebuild':<22} {args.facts / (time.perf_counter() - began):>10,.0f} events/s  (target >= 50,000)"
        )


if __name__ == "__main__":
    main()
