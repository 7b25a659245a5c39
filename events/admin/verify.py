"""Check a log: positions without gaps, consecutive versions, valid payloads, projections equal to a rebuild."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from events.domain.registry import EVENT_TYPES
from events.log.store import EventStore, connect
from events.read import projections

# facts_fts is checked on its own: it reads its text from facts, so a dump of it only repeats facts.
COMPARED_TABLES = (
    "facts",
    "fact_tags",
    "articles",
    "feed_status",
    "tokens",
    "period_counts",
    "tag_counts",
    "tag_pair_counts",
    "projection_checkpoints",
)


def verify(store: EventStore, *, check_projections: bool = True) -> list[str]:
    """Every problem found, said in words; an empty list means the log and projections are sound."""
    problems = list(log_problems(store.conn))
    if check_projections:
        problems += _projection_problems(store)
    integrity = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"sqlite integrity_check: {integrity}")
    return problems


def log_problems(conn: sqlite3.Connection) -> Iterator[str]:
    """Gaps in positions or versions, unknown types and payloads of the wrong shape (import refuses them too)."""
    expected_position, versions = 1, {}
    rows = conn.execute("SELECT position, stream_id, version, type, payload FROM events ORDER BY position")
    for position, stream, version, kind, payload in rows:
        if position != expected_position:
            yield f"positions jump from {expected_position - 1} to {position}"
        expected_position = position + 1
        if version != versions.get(stream, 0) + 1:
            yield f"position {position}: stream {stream} goes from version {versions.get(stream, 0)} to {version}"
        versions[stream] = version
        yield from (f"position {position} ({kind}): {p}" for p in payload_problems(kind, payload))


def payload_problems(kind: str, payload_text: str) -> list[str]:
    event_type = EVENT_TYPES.get(kind)
    if event_type is None:
        return [f"unknown event type {kind!r}"]
    return event_type.problems(json.loads(payload_text))


def _projection_problems(store: EventStore) -> list[str]:
    """Snapshot the database, then compare the snapshot's projections with a rebuild of its own log.

    Working on one snapshot keeps the comparison exact while writers go on.
    """
    with tempfile.TemporaryDirectory() as folder:
        copy_path = Path(folder) / "snapshot.db"
        target = sqlite3.connect(copy_path)
        store.conn.backup(target)
        target.close()
        copy = EventStore(connect(copy_path))
        try:
            projections.catch_up(copy)  # projecting what was appended but not yet projected is not a fault
            problems = _search_index_problems(copy.conn)
            before = {table: _rows(copy.conn, table) for table in COMPARED_TABLES}
            projections.rebuild(copy)
            after = {table: _rows(copy.conn, table) for table in COMPARED_TABLES}
            return problems + [
                f"projection {table} differs from a rebuild of the log: {_differences(before[table], after[table])}"
                for table in COMPARED_TABLES
                if after[table] != before[table]
            ]
        finally:
            copy.conn.close()


def _search_index_problems(conn: sqlite3.Connection) -> list[str]:
    """facts_fts reads its text from facts, so dumping it shows facts: check its index against them instead."""
    try:
        conn.execute("INSERT INTO facts_fts (facts_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return ["projection facts_fts: the search index does not match facts"]
    return []


def _rows(conn: sqlite3.Connection, table: str) -> dict[str, dict]:
    """A table's rows by primary key ("n=17"), as dicts: sqlite-utils knows each table's key and columns."""
    rows = Database(conn, recursive_triggers=False, execute_plugins=False)[table]
    return {", ".join(f"{key}={row[key]!r}" for key in rows.pks): row for row in rows.rows}


def _differences(projected: dict[str, dict], rebuilt: dict[str, dict], most: int = 3) -> str:
    """Which rows differ and how, the first few of them: enough to find the fault."""
    found = []
    for key in sorted(projected.keys() | rebuilt.keys()):
        old, new = projected.get(key), rebuilt.get(key)
        if old == new:
            continue
        if new is None:
            found.append(f"{key} is not in a rebuild")
        elif old is None:
            found.append(f"{key} is missing")
        else:
            column = next(name for name in new if old.get(name) != new[name])
            found.append(f"{key} has {column} {_short(old.get(column))}, a rebuild {_short(new[column])}")
    more = f" (and {len(found) - most} more rows)" if len(found) > most else ""
    return "; ".join(found[:most]) + more


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
