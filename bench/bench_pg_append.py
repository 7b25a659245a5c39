"""Append rate of the PostgreSQL log against the SQLite log and eventsourcing's PostgreSQL recorder, in one run.

    .venv/bin/pip install -e '.[test,bench]'
    .venv/bin/python bench/bench_pg_append.py [--facts 20000] [--singles 2000] [--batch 1000] [--rounds 10]

Starts a throwaway PostgreSQL cluster (tests/postgres_cluster.py: Debian's server,
initdb into a temporary folder) with durable commits (fsync on, synchronous_commit
on), as the SQLite files are (synchronous=FULL). The same events and stream ids go
to each contender, which take turns, a slice each per round (bench_store.py's
take_turns), so the machine's load falls on all alike. Ratios are ours over each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_store import (  # noqa: E402
    Run,
    es_batched,
    es_single,
    fact_event,
    ours_batched,
    ours_single,
    report,
    stored,
    take_turns,
)
from events.log.ids import uuid7  # noqa: E402
from events.log.model import NewEvent, StreamAppend  # noqa: E402
from events.log.postgres import PostgresEventStore, create_schema  # noqa: E402
from tests.postgres_cluster import fresh_database, start_cluster  # noqa: E402


def pg_batched(url: str, ids: list[str], events: list[NewEvent], batch: int) -> Run:
    store = PostgresEventStore(url)

    def run(start: int, stop: int) -> None:
        for s in range(start, stop, batch):
            end = min(s + batch, stop)
            store.append([StreamAppend(i, (e,), 0) for i, e in zip(ids[s:end], events[s:end])])

    return run


def pg_single(url: str, ids: list[str], events: list[NewEvent]) -> Run:
    store = PostgresEventStore(url)

    def run(start: int, stop: int) -> None:
        for i, e in zip(ids[start:stop], events[start:stop]):
            store.append_to(i, [e], expected_version=0)

    return run


def es_pg_recorder(url: str):
    """eventsourcing's PostgresApplicationRecorder (its own table lock for gap-free positions) on the same server."""
    from urllib.parse import urlparse

    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    parts = urlparse(url)
    datastore = PostgresDatastore(
        dbname=parts.path.lstrip("/"),
        host=parts.hostname,
        port=str(parts.port),
        user=parts.username,
        password=parts.password or "",
    )
    recorder = PostgresApplicationRecorder(datastore, events_table_name="es_events")
    recorder.create_table()
    return recorder


def es_pg_batched(url: str, ids: list[uuid.UUID], events: list[NewEvent], batch: int) -> Run:
    recorder = es_pg_recorder(url)

    def run(start: int, stop: int) -> None:
        for s in range(start, stop, batch):
            recorder.insert_events(stored(ids[s : min(s + batch, stop)], events[s : min(s + batch, stop)]))

    return run


def es_pg_single(url: str, ids: list[uuid.UUID], events: list[NewEvent]) -> Run:
    recorder = es_pg_recorder(url)

    def run(start: int, stop: int) -> None:
        for i, e in zip(ids[start:stop], events[start:stop]):
            recorder.insert_events(stored([i], [e]))

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=20_000)
    parser.add_argument("--singles", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    events = [fact_event(i) for i in range(args.facts)]
    ids = [uuid7() for _ in events]
    uuids = [uuid.UUID(i) for i in ids]
    cluster = start_cluster(durable=True)
    try:
        urls = {name: cluster.url(fresh_database(cluster, name)) for name in ("ours", "ours1", "es", "es1")}
        for name in ("ours", "ours1"):
            create_schema(urls[name])
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            print(
                f"batched: {args.facts} facts in batches of {args.batch}; single: {args.singles};"
                f" durable commits everywhere; {args.rounds} rounds"
            )
            batched = {
                "ours, PostgreSQL": pg_batched(urls["ours"], ids, events, args.batch),
                "ours, SQLite": ours_batched(folder / "b.db", ids, events, args.batch),
                "eventsourcing, PostgreSQL": es_pg_batched(urls["es"], uuids, events, args.batch),
                "eventsourcing, SQLite": es_batched(folder / "es.db", uuids, events, args.batch),
            }
            report("batched append", args.facts, take_turns(batched, args.facts, args.rounds))
            single = {
                "ours, PostgreSQL": pg_single(urls["ours1"], ids, events),
                "ours, SQLite": ours_single(folder / "s.db", ids, events),
                "eventsourcing, PostgreSQL": es_pg_single(urls["es1"], uuids, events),
                "eventsourcing, SQLite": es_single(folder / "es1.db", uuids, events),
            }
            report("single appends", args.singles, take_turns(single, args.singles, args.rounds))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
