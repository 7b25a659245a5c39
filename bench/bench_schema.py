"""What each guarantee of the log's schema costs an insert, against eventsourcing's one-index table.

    .venv/bin/python bench/bench_schema.py [--rows 100000] [--batch 1000] [--rounds 3] [--singles 4000]

Inserts the same pre-serialised rows (bench_store's facts, UUIDv7 ids) with
bare executemany, in durable transactions of --batch rows, into:
  our schema as migrated, then our schema with one guarantee taken away,
  and eventsourcing's SQLite application table fed the same ids and payloads.
Prints the best microseconds per row of each, and the difference to ours.
Then --singles rows one durable transaction each (BEGIN IMMEDIATE, INSERT,
COMMIT), the variants taking turns 100 rows at a time, as rows per second.
No Python of ours runs inside the timer: this is the floor the schema sets.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import chained_rows, fact_event  # noqa: E402

from events.log.ids import uuid7s  # noqa: E402
from events.log.migrations import MIGRATIONS  # noqa: E402
from events.log.store import _INSERT  # noqa: E402

# The log as migrated today: its table, the guard, and the hash column of the chain (migration 14).
_LOG = MIGRATIONS[0]
_GUARD = (
    MIGRATIONS[4].split("-- The search index")[0]
    + "ALTER TABLE events ADD COLUMN hash BLOB CHECK (length(hash) = 32);"
)
_NO_INSERT_GUARD = "DROP TRIGGER events_refuse_replace; DROP TRIGGER events_refuse_replace_version;"
_ES_TABLE = (
    "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB,"
    " PRIMARY KEY (originator_id, originator_version))"
)
_ES_INSERT = "INSERT INTO stored_events VALUES (?, ?, ?, ?)"

# name -> (schema script, statement); each variant takes one guarantee away from ours.
VARIANTS = {
    "ours, as migrated": (_LOG + _GUARD, _INSERT),
    "without the INSERT OR REPLACE guard (2 triggers)": (_LOG + _GUARD + _NO_INSERT_GUARD, _INSERT),
    "without json_valid checks": (
        _LOG.replace("CHECK (json_valid(payload))", "").replace("CHECK (json_valid(metadata))", "") + _GUARD,
        _INSERT,
    ),
    "without the recorded_at index (time travel)": (
        _LOG + _GUARD + "DROP INDEX events_recorded_at;",
        _INSERT,
    ),
    "without AUTOINCREMENT": (_LOG.replace("AUTOINCREMENT", "") + _GUARD, _INSERT),
    "eventsourcing's table, same ids and payloads": (_ES_TABLE, _ES_INSERT),
}


def durable(path: Path, schema: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript(schema)
    return conn


def insert_all(path: Path, schema: str, statement: str, rows: list[tuple], batch: int) -> float:
    conn = durable(path, schema)
    start = time.perf_counter()
    for low in range(0, len(rows), batch):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(statement, rows[low : low + batch])
        conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def insert_singly(folder: Path, rows: dict[str, list[tuple]], count: int) -> dict[str, float]:
    """Seconds each variant took for count one-row durable transactions, taking turns 100 rows at a time."""
    conns = {name: durable(folder / f"single-{i}.db", VARIANTS[name][0]) for i, name in enumerate(rows)}
    seconds = dict.fromkeys(rows, 0.0)
    for low in range(0, count, 100):
        for name, conn in conns.items():
            statement = VARIANTS[name][1]
            start = time.perf_counter()
            for row in rows[name][low : min(low + 100, count)]:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(statement, row)
                conn.execute("COMMIT")
            seconds[name] += time.perf_counter() - start
    for conn in conns.values():
        conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--singles", type=int, default=4000)
    args = parser.parse_args()
    events = [fact_event(i) for i in range(args.rows)]
    streams, ids = uuid7s(args.rows), uuid7s(args.rows)
    ours = chained_rows(ids, streams, events)
    theirs = [
        (s.replace("-", ""), 1, row[4], row[6].encode()) for s, row in zip(streams, ours)
    ]  # as it stores them
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):  # variants take turns, so a neighbour's load falls on all alike
            for name, (schema, statement) in VARIANTS.items():
                rows = theirs if statement == _ES_INSERT else ours
                seconds = insert_all(
                    Path(tmp) / f"{round_}-{len(best)}-{hash(name)}.db", schema, statement, rows, args.batch
                )
                best[name] = min(best.get(name, seconds), seconds)
        singles = {name: theirs if VARIANTS[name][1] == _ES_INSERT else ours for name in VARIANTS}
        single_seconds = insert_singly(Path(tmp), singles, min(args.singles, args.rows))
    base = best["ours, as migrated"]
    print(f"{args.rows} rows, executemany in durable transactions of {args.batch}; best of {args.rounds}")
    for name, seconds in best.items():
        per_row = seconds / args.rows * 1e6
        print(f"{name:48s} {per_row:6.2f} us/row  ({per_row - base / args.rows * 1e6:+.2f})")
    count = min(args.singles, args.rows)
    print(f"{count} rows, one durable transaction each")
    for name, seconds in single_seconds.items():
        print(
            f"{name:48s} {count / seconds:8,.0f} rows/s  ({single_seconds['ours, as migrated'] / seconds:.2f}x ours)"
        )


if __name__ == "__main__":
    main()
