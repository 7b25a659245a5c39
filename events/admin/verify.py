"""Check a log: its guard triggers, hash chain, positions, versions and payloads, and projections equal to a rebuild."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from events.domain.registry import EVENT_TYPES
from events.log.chain import CHAINED_COLUMNS, GENESIS, link
from events.log.migrations import PROJECTION_TABLES, append_only_triggers, without_comments
from events.log.store import EventStore, connect, loads_json, read_transaction, write_transaction
from events.read import projections

MOST_CHAIN_BREAKS = 20  # a rewritten log breaks at every event: name the first ones and count the rest
_CHUNK = 5_000
_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


def verify(
    store: EventStore, *, check_projections: bool = True, head: tuple[int, bytes] | None = None
) -> list[str]:
    """Every problem found, said in words; an empty list means the log and projections are sound.

    head: a POSITION and hash kept from `timeline head`; the log must still reach it, unchanged.
    Everything is read from one snapshot, so writers may go on meanwhile.
    """
    with read_transaction(store.conn):
        problems = list(log_problems(store.conn, head=head))
        if check_projections:
            problems += projection_problems(store)
        integrity = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"sqlite integrity_check: {integrity}")
    return problems


def log_problems(conn: sqlite3.Connection, *, head: tuple[int, bytes] | None = None) -> Iterator[str]:
    """Missing guards, chain breaks, gaps in positions or versions, unknown types, payloads of the wrong shape.

    Two ordered passes over the log (by position, then by stream and version through
    their unique index), so memory stays flat at any size. Import refuses these too.
    """
    yield from trigger_problems(conn)
    yield from _position_problems(conn, head)
    yield from _version_problems(conn)


def trigger_problems(conn: sqlite3.Connection) -> Iterator[str]:
    """The append-only triggers, exactly as the migrations made them, and no others on the log."""
    present = dict(
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
    )
    for name, sql in append_only_triggers().items():
        if name not in present:
            yield f"trigger {name} is missing: the log can be rewritten without it"
        elif without_comments(present[name]) != sql:
            yield f"trigger {name} is not as the migrations made it"
    for name in sorted(present.keys() - append_only_triggers().keys()):
        yield f"trigger {name} on the log is not one the migrations made"


def _position_problems(conn: sqlite3.Connection, head: tuple[int, bytes] | None) -> Iterator[str]:
    """By position: no gaps, each hash following from its event and the hash before, payloads valid."""
    expected, previous, breaks = 1, GENESIS, 0
    rows = conn.execute(f"SELECT {', '.join(CHAINED_COLUMNS)}, hash FROM events ORDER BY position")
    for row in rows:
        position, kind, payload, stored = row[0], row[4], row[6], row[-1]
        if position != expected:
            yield f"positions jump from {expected - 1} to {position}"
        expected = position + 1
        computed = link(previous, row[:-1])
        if stored != computed:
            breaks += 1
            if breaks <= MOST_CHAIN_BREAKS:
                yield _chain_break(position, stored)
        previous = stored if stored is not None else computed  # one edit breaks its own event only
        if head is not None and position == head[0] and stored != head[1]:
            yield f"position {position} has hash {_hex(stored)}, not the head kept ({head[1].hex()}): rewritten up to there"
        yield from (f"position {position} ({kind}): {p}" for p in payload_problems(kind, payload))
    if breaks > MOST_CHAIN_BREAKS:
        yield f"the chain breaks at {breaks - MOST_CHAIN_BREAKS} more positions"
    if head is not None and head[0] > expected - 1:
        yield f"the log ends at position {expected - 1}, before the head kept ({head[0]}): its tail was cut"


def _chain_break(position: int, stored: bytes | None) -> str:
    if stored is None:
        return f"position {position}: no hash (not appended by the store)"
    return (
        f"position {position}: hash does not follow from the event and the one before it"
        " (edited, inserted, removed or reordered)"
    )


def _hex(digest: bytes | None) -> str:
    return digest.hex() if isinstance(digest, bytes) else repr(digest)


def _version_problems(conn: sqlite3.Connection) -> Iterator[str]:
    """Each stream's versions 1, 2, 3...: read in (stream, version) order from their unique index."""
    stream_at, last = None, 0
    for stream, version, position in conn.execute(
        "SELECT stream_id, version, position FROM events ORDER BY stream_id, version"
    ):
        if stream != stream_at:
            stream_at, last = stream, 0
        if version != last + 1:
            yield f"position {position}: stream {stream} goes from version {last} to {version}"
        last = version


def payload_problems(kind: str, payload_text: str) -> list[str]:
    event_type = EVENT_TYPES.get(kind)
    if event_type is None:
        return [f"unknown event type {kind!r}"]
    try:
        payload = loads_json(payload_text)
    except ValueError:  # orjson refuses what json reads (integers over 64 bits): still checked
        payload = json.loads(payload_text)
    return event_type.problems(payload)


class _Snapshot(EventStore):
    """A store that writes projections into a fresh database and reads the log from the checked one.

    It reads the log up to the checked database's checkpoint, in that database's read
    transaction: the projections it rebuilds stand beside what that database projected.
    """

    def __init__(self, fresh: sqlite3.Connection, checked: EventStore, until: int):
        super().__init__(fresh)
        self.checked, self.until = checked, until

    def read_chunks(self, size: int, *, after: int = 0) -> Iterator[list]:
        for chunk in self.checked.read_chunks(size, after=after):
            kept = [event for event in chunk if event.position <= self.until]
            if kept:
                yield kept
            if len(kept) < len(chunk):
                return

    def read(self, *, after: int = 0, limit: int | None = None, until: int | None = None) -> Iterator:
        return self.checked.read(after=after, limit=limit, until=min(until or self.until, self.until))

    def last_position(self) -> int:
        return self.until


def projection_problems(store: EventStore) -> list[str]:
    """Rebuild the log into a new database and compare every projection table with it, row by row in key order.

    Call inside a read transaction on store. What was appended after the checkpoint
    and not yet projected is not a fault: the rebuild stops at the checkpoint too.
    Ordinary tables are compared in streaming passes; a full-text index is checked by
    putting its index beside the rebuilt rows and asking FTS5 whether they agree.
    """
    with tempfile.TemporaryDirectory(prefix="timeline-verify-") as folder:
        fresh = connect(Path(folder) / "rebuilt.db")
        try:
            fresh.execute("PRAGMA synchronous = OFF")  # a throwaway database
            problems = _rebuild_into(fresh, store)
            if problems:
                return problems
            for table in PROJECTION_TABLES:
                if _is_fts5(store.conn, table):
                    problems += _search_index_problems(store.conn, fresh, table)
                elif _is_table(store.conn, table):
                    problems += _table_problems(store.conn, fresh, table)
            return problems
        finally:
            fresh.close()


def _rebuild_into(fresh: sqlite3.Connection, store: EventStore) -> list[str]:
    until = projections.checkpoint(store.conn)
    try:
        projections.rebuild(_Snapshot(fresh, store, until))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return [f"the log cannot be projected: {type(error).__name__}: {error}"]
    return []


def _is_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None and not row[0].upper().startswith("CREATE VIRTUAL")


def _is_fts5(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None and "USING FTS5" in " ".join(row[0].upper().split())


def _table_problems(checked: sqlite3.Connection, fresh: sqlite3.Connection, table: str) -> list[str]:
    """One ordered pass over both copies of a table, by primary key (all columns for a table without one)."""
    info = checked.execute(f"PRAGMA table_info({table})").fetchall()
    columns = [column[1] for column in info]
    keys = [column[1] for column in sorted(info, key=lambda c: c[5]) if column[5]] or columns
    order = ", ".join(f'"{key}" COLLATE BINARY' for key in keys)
    selected = ", ".join(f'"{name}"' for name in keys + columns)
    sql = f"SELECT {selected} FROM {table} ORDER BY {order}"
    found = _merge(_rows(checked.execute(sql)), _rows(fresh.execute(sql)), len(keys), keys, columns)
    return [f"projection {table} differs from a rebuild of the log: {_said(found)}"] if found else []


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple]:
    while chunk := cursor.fetchmany(_CHUNK):
        yield from chunk


def _merge(
    projected: Iterator, rebuilt: Iterator, width: int, keys: list[str], columns: list[str]
) -> list[str]:
    """The rows that differ, walking two key-ordered streams side by side."""
    found: list[str] = []
    old, new = next(projected, None), next(rebuilt, None)
    while old is not None or new is not None:
        if old is not None and new is not None and old[:width] == new[:width]:
            if old != new:
                found.append(_changed(keys, columns, old, new))
            old, new = next(projected, None), next(rebuilt, None)
        elif new is None or (old is not None and _sqlite_order(old[:width]) < _sqlite_order(new[:width])):
            found.append(f"{_key(keys, old)} is not in a rebuild")
            old = next(projected, None)
        else:
            found.append(f"{_key(keys, new)} is missing")
            new = next(rebuilt, None)
    return found


def _sqlite_order(values: tuple) -> tuple:
    """SQLite's order of values of any type: NULL, numbers, text (UTF-8 byte order), blobs."""
    rank = {type(None): 0, int: 1, float: 1, str: 2, bytes: 3}
    return tuple((rank[type(value)], value if value is not None else 0) for value in values)


def _key(keys: list[str], row: tuple) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in zip(keys, row))


def _changed(keys: list[str], columns: list[str], old: tuple, new: tuple) -> str:
    """Rows of keys then columns, equal in their keys: the first column that differs."""
    width = len(keys)
    i = next(i for i, (a, b) in enumerate(zip(old[width:], new[width:])) if a != b)
    return f"{_key(keys, old)} has {columns[i]} {_short(old[width + i])}, a rebuild {_short(new[width + i])}"


def _said(found: list[str], most: int = 3) -> str:
    """Which rows differ and how, the first few of them: enough to find the fault."""
    more = f" (and {len(found) - most} more rows)" if len(found) > most else ""
    return "; ".join(islice(found, most)) + more


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _search_index_problems(checked: sqlite3.Connection, fresh: sqlite3.Connection, table: str) -> list[str]:
    """The checked database's full-text index, copied beside the rebuilt rows it indexes: FTS5 checks them.

    FTS5's own check is a write (it needs the write lock), so it runs on the copy, and
    its index is compared with the rebuilt text, not with text that may itself be wrong.
    """
    with write_transaction(fresh):
        for suffix in _FTS5_SHADOWS:
            shadow = f"{table}_{suffix}"
            if not _is_table(checked, shadow):
                continue
            fresh.execute(f"DELETE FROM {shadow}")
            places = ", ".join("?" * len(checked.execute(f"PRAGMA table_info({shadow})").fetchall()))
            cursor = checked.execute(f"SELECT * FROM {shadow}")
            while chunk := cursor.fetchmany(_CHUNK):
                fresh.executemany(f"INSERT INTO {shadow} VALUES ({places})", chunk)
    try:
        fresh.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return [f"projection {table}: the search index does not match facts"]
    return []
