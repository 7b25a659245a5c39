"""Check a log: its guard triggers, hash chain, positions, versions and payloads, and projections equal to a rebuild."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote

from events.domain.registry import EVENT_TYPES
from events.log.chain import CHAINED_COLUMNS, GENESIS, link
from events.log.errors import TimelineError
from events.log.migrations import DERIVED, PROJECTION_TABLES, append_only_triggers, migrate, without_comments
from events.log.model import Event
from events.log.store import EventStore, connect, in_chunks, loads_json, read_transaction
from events.read import projections

MOST_CHAIN_BREAKS = 20  # a rewritten log breaks at every event: name the first ones and count the rest
_CHUNK = 5_000
_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


def verify(
    store: EventStore, *, check_projections: bool = True, head: tuple[int, bytes] | None = None
) -> list[str]:
    """Every problem found, said in words; an empty list means the log and projections are sound.

    head: a POSITION and hash kept from `timeline head`; the log must still reach it, unchanged.
    Everything is read from one snapshot, so writers may go on meanwhile: a throwaway
    database attaches the checked one read-only and rebuilds its read models from its log
    as `timeline rebuild` does, on a thread (SQLite's work, mostly without Python's lock),
    while a read-only connection checks the log (Python's work) and the search indexes.
    The two connections' read transactions are proven to see one commit (_one_snapshot).
    """
    if store.url is not None:
        return _shared_log_problems(store, check_projections, head)
    with contextlib.ExitStack() as stack:
        pool, path = stack.enter_context(ThreadPoolExecutor(max_workers=1)), _file_of(store.conn)
        integrity = pool.submit(_integrity_problems, path) if path else None  # on the other core meanwhile
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="timeline-verify-")))
        checked = path or _copy_of(store.conn, folder)
        fresh = stack.enter_context(_throwaway(folder, checked))
        reader = stack.enter_context(_read_only(checked, folder / "searched.db"))
        indexes, searched = _search_index_schemas(fresh), Future()
        with _one_snapshot(fresh, reader), ThreadPoolExecutor(max_workers=1) as beside:
            rebuilt = beside.submit(_rebuild_problems, fresh, searched) if check_projections else None
            with _settling(searched):  # Python's work here, while SQLite's runs beside it
                problems = _checked_log(reader, head)
                searched.set_result(_search_indexes_checked(reader, indexes) if check_projections else {})
            problems += rebuilt.result() if rebuilt else []
        return problems + (integrity.result() if integrity else _integrity_of(store.conn))


def _checked_log(conn: sqlite3.Connection, head: tuple[int, bytes] | None) -> list[str]:
    problems = list(trigger_problems(conn))
    check = LogCheck(head)
    check.rows(conn.execute(_LOG_AFTER.format(log="main"), (0,)))
    return problems + check.end() + list(_version_problems(conn))


@contextlib.contextmanager
def _read_only(path: str, scratch: Path) -> Iterator[sqlite3.Connection]:
    """The checked database read-only, with an empty scratch one attached (as scratch) to check its search indexes in."""
    conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS scratch", (f"file:{quote(str(scratch))}",))
        conn.execute("PRAGMA scratch.journal_mode = OFF")
        conn.execute("PRAGMA scratch.synchronous = OFF")
        yield conn
    finally:
        conn.close()


_MOST_TRIES = 50


@contextlib.contextmanager
def _one_snapshot(fresh: sqlite3.Connection, reader: sqlite3.Connection) -> Iterator[None]:
    """Read transactions on both connections that see the same commit of the checked database.

    SQLite cannot hand one connection's snapshot to another, so it is proven: fresh reads
    the checked file's data_version, reader begins, then fresh begins and reads it again.
    A connection's data_version changes when it takes a snapshot holding another's commit,
    so the same number means no commit came between the two beginnings: both snapshots are
    that one state. Otherwise both end and begin again (a writer committed meanwhile).
    """
    for _ in range(_MOST_TRIES):
        before = _data_version(fresh)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM main.sqlite_master").fetchone()  # the snapshot is taken here
        fresh.execute("BEGIN")
        if _data_version(fresh) == before:
            break
        reader.execute("COMMIT")
        fresh.execute("COMMIT")
    else:
        raise TimelineError(f"the database changed each time verify began reading ({_MOST_TRIES} tries)")
    try:
        yield
    finally:
        reader.execute("COMMIT")
        fresh.execute("COMMIT")


def _data_version(conn: sqlite3.Connection) -> int:
    return conn.execute(f"PRAGMA {CHECKED}.data_version").fetchone()[0]


@contextlib.contextmanager
def _settling(searched: Future) -> Iterator[None]:
    """If the main thread fails, the rebuild's thread is told rather than left waiting for searched."""
    try:
        yield
    except BaseException as error:
        if not searched.done():
            searched.set_exception(error)
        raise


def _search_index_schemas(fresh: sqlite3.Connection) -> dict[str, str]:
    """Each full-text index as the migrations make it (name -> CREATE statement), read before the rebuild begins."""
    return {
        name: sql
        for name, sql in fresh.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'table'")
        if name in PROJECTION_TABLES and _is_fts5_sql(sql)
    }


def _search_indexes_checked(
    conn: sqlite3.Connection, indexes: dict[str, str]
) -> dict[str, tuple[str, list[str]]]:
    """Each checked full-text index against the checked rows it indexes: name -> (its content table, problems).

    Run on the reader's snapshot, in a scratch database: the index's tables copied beside a
    copy of its content, for FTS5 to check them. Where compared finds that content table equal
    to its rebuild, an index that agrees with it agrees with the rebuild: so this check stands
    in for one against the rebuilt rows, and runs while the rebuild does, instead of after it.
    """
    found = {}
    for table, sql in indexes.items():
        if _is_fts5(conn, "main", table):
            with contextlib.suppress(sqlite3.Error):  # content SQLite cannot read (a payload not JSON):
                found[table] = _search_index_beside_content(conn, table, sql)  # left to compared
    return found


def _search_index_beside_content(conn: sqlite3.Connection, table: str, sql: str) -> tuple[str, list[str]]:
    content, rowid = (
        re.search(rf"{option}\s*=\s*'(\w+)'", sql)[1] for option in ("content", "content_rowid")
    )
    columns = [row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")]
    listed = ", ".join([rowid, *columns])
    conn.execute(f"CREATE TABLE scratch.{content} ({rowid} INTEGER PRIMARY KEY, {', '.join(columns)})")
    conn.execute(f"INSERT INTO scratch.{content} SELECT {listed} FROM main.{content}")
    conn.execute(sql.replace(f"CREATE VIRTUAL TABLE {table}", f"CREATE VIRTUAL TABLE scratch.{table}", 1))
    return content, _search_index_problems(conn, table, "main", "scratch")


def _shared_log_problems(
    store: EventStore, check_projections: bool, head: tuple[int, bytes] | None
) -> list[str]:
    """The shared PostgreSQL log (issue 20): its refusing triggers, the chain, positions and payloads in one
    ordered pass over a snapshot, each stream's versions; then this node's read models against a rebuild."""
    problems = list(store.guard_problems())
    check = LogCheck(head)
    check.rows(store.verbatim_rows())
    problems += check.end() + list(version_gaps(store.stream_versions()))
    if check_projections:
        with _rebuilt_database(store.conn) as fresh, read_transaction(store.conn):
            problems += projection_problems(store, fresh)
    return problems


def _file_of(conn: sqlite3.Connection) -> str:
    return next(row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main")


def _integrity_problems(path: str) -> list[str]:
    """PRAGMA integrity_check on a connection of its own: SQLite runs it without holding Python's
    lock, so on a second core it costs verify no time beside the rebuild (it alone is ~40% of one)."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("PRAGMA query_only = ON")
        return _integrity_of(conn)
    finally:
        conn.close()


def _integrity_of(conn: sqlite3.Connection) -> list[str]:
    """(An in-memory database has no file for a second connection: it is checked on its own.)"""
    result = conn.execute("PRAGMA main.integrity_check").fetchone()[0]
    return [] if result == "ok" else [f"sqlite integrity_check: {result}"]


def log_problems(conn: sqlite3.Connection, *, head: tuple[int, bytes] | None = None) -> Iterator[str]:
    """Missing guards, chain breaks, gaps in positions or versions, unknown types, payloads of the wrong shape.

    Two ordered passes over the log (by position, then by stream and version through
    their unique index), so memory stays flat at any size. Import refuses these too.
    """
    yield from trigger_problems(conn)
    check = LogCheck(head)
    check.rows(conn.execute(_LOG_AFTER.format(log="main"), (0,)))
    yield from check.end()
    yield from _version_problems(conn)


def trigger_problems(conn: sqlite3.Connection, schema: str = "main") -> Iterator[str]:
    """The append-only triggers, exactly as the migrations made them, and no others on the log."""
    present = dict(
        conn.execute(
            f"SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
        )
    )
    for name, sql in append_only_triggers().items():
        if name not in present:
            yield f"trigger {name} is missing: the log can be rewritten without it"
        elif without_comments(present[name]) != sql:
            yield f"trigger {name} is not as the migrations made it"
    for name in sorted(present.keys() - append_only_triggers().keys()):
        yield f"trigger {name} on the log is not one the migrations made"


class LogCheck:
    """The log read in position order: no gaps, each hash following from its event and the hash before
    it, payloads valid, and the head kept (if any) reached unchanged. What it finds waits in found."""

    def __init__(self, head: tuple[int, bytes] | None):
        self.head, self.position, self.previous, self.breaks = head, 0, GENESIS, 0
        self.found: list[str] = []

    def rows(self, rows: Iterable[tuple]) -> None:
        """Rows of CHAINED_COLUMNS and hash, in position order after self.position."""
        for row in rows:
            self.row(row)
            self.found += [f"position {row[0]} ({row[4]}): {p}" for p in payload_problems(row[4], row[6])]

    def row(self, row: tuple) -> None:
        """The position and the chain of one row."""
        position, stored, found = row[0], row[-1], self.found
        if position != self.position + 1:
            found.append(f"positions jump from {self.position} to {position}")
        self.position, computed = position, link(self.previous, row[:-1])
        if stored != computed:
            self.breaks += 1
            if self.breaks <= MOST_CHAIN_BREAKS:
                found.append(_chain_break(position, stored))
        self.previous = stored if stored is not None else computed  # one edit breaks its own event only
        if self.head is not None and position == self.head[0] and stored != self.head[1]:
            found.append(
                f"position {position} has hash {_hex(stored)}, not the head kept ({self.head[1].hex()}):"
                " rewritten up to there"
            )

    def end(self) -> list[str]:
        """Everything found, once the whole log has been read."""
        found = self.found
        if self.breaks > MOST_CHAIN_BREAKS:
            found.append(f"the chain breaks at {self.breaks - MOST_CHAIN_BREAKS} more positions")
        if self.head is not None and self.head[0] > self.position:
            found.append(
                f"the log ends at position {self.position}, before the head kept ({self.head[0]}): its tail was cut"
            )
        return found


def _chain_break(position: int, stored: bytes | None) -> str:
    if stored is None:
        return f"position {position}: no hash (not appended by the store)"
    return (
        f"position {position}: hash does not follow from the event and the one before it"
        " (edited, inserted, removed or reordered)"
    )


def _hex(digest: bytes | None) -> str:
    return digest.hex() if isinstance(digest, bytes) else repr(digest)


def _version_problems(conn: sqlite3.Connection, schema: str = "main") -> Iterator[str]:
    """Each stream's versions 1, 2, 3...: read in (stream, version) order from their unique index."""
    yield from version_gaps(
        conn.execute(f"SELECT stream_id, version, position FROM {schema}.events ORDER BY stream_id, version")
    )


def version_gaps(rows: Iterable[tuple[str, int, int]]) -> Iterator[str]:
    """Gaps in (stream_id, version, position) rows ordered by stream, then version."""
    stream_at, last = None, 0
    for stream, version, position in rows:
        if stream != stream_at:
            stream_at, last = stream, 0
        if version != last + 1:
            yield f"position {position}: stream {stream} goes from version {last} to {version}"
        last = version


def payload_problems(kind: str, payload_text: str) -> list[str]:
    """What is wrong with a stored payload, said in words (nothing: it is sound)."""
    try:
        payload = _decoded(payload_text)
    except ValueError:  # SQLite's CHECK keeps it out, unless it was set aside
        return ["the payload is not JSON"]
    return _payload_problems(kind, payload)


def _decoded(payload_text: str) -> Any:
    try:
        return loads_json(payload_text)
    except ValueError:  # orjson refuses what json reads (integers over 64 bits): still checked
        return json.loads(payload_text)


def _payload_problems(kind: str, payload: Any) -> list[str]:
    event_type = EVENT_TYPES.get(kind)
    if event_type is None:
        return [f"unknown event type {kind!r}"]
    if not isinstance(payload, dict):
        return ["the payload is not a JSON object"]
    return event_type.problems(payload)


_LOG_AFTER = (
    f"SELECT {', '.join(CHAINED_COLUMNS)}, hash FROM {{log}}.events WHERE position > ? ORDER BY position"
)
CHECKED = "checked"  # the checked database, as the throwaway one attaches it


@contextlib.contextmanager
def _throwaway(folder: Path, checked: str) -> Iterator[sqlite3.Connection]:
    """A new database with the current schema, to rebuild into, with the checked one attached read-only.

    Opened with URI names, so that the checked database's `mode=ro` is obeyed (the
    attaching connection's flag decides); migrated before it attaches anything.
    """
    fresh = sqlite3.connect(
        f"file:{quote(str(folder / 'rebuilt.db'))}", uri=True, isolation_level=None, check_same_thread=False
    )
    try:
        migrate(fresh)
        fresh.execute("PRAGMA journal_mode = OFF")  # a throwaway database: no journal to write twice,
        fresh.execute("PRAGMA synchronous = OFF")  # no fsync
        fresh.execute(f"ATTACH DATABASE ? AS {CHECKED}", (f"file:{quote(checked)}?mode=ro",))
        yield fresh
    finally:
        fresh.close()


def _copy_of(conn: sqlite3.Connection, folder: Path) -> str:
    """An in-memory database written to a file, for the throwaway database to attach."""
    path = str(folder / "checked.db")
    conn.execute("VACUUM INTO ?", (path,))
    return path


def _rebuild_problems(fresh: sqlite3.Connection, searched: Future | None = None) -> list[str]:
    """The checked database's read models against a rebuild of its log, made in fresh by rebuild's own fast path.

    The rebuild stops at the checked database's checkpoint: what was appended after it
    and not yet projected is not a fault. It only builds: the log check decides whether
    each event is sound, and a log it cannot project is said here.
    """
    try:
        projections.rebuild_from(fresh, CHECKED)
    except (sqlite3.Error, KeyError, TypeError, ValueError, AttributeError, TimelineError) as error:
        return [f"the log cannot be projected: {type(error).__name__}: {error}"]
    return compared(fresh, live=CHECKED, rebuilt="main", searched=searched)


@contextlib.contextmanager
def _rebuilt_database(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A new database file with the current schema, attached to conn as `rebuilt`, and a connection to write it.

    Attached before conn's read transaction begins (ATTACH cannot run inside one); conn
    takes its snapshot of it only when it first reads it, after the rebuild committed.
    """
    with tempfile.TemporaryDirectory(prefix="timeline-verify-") as folder:
        path = Path(folder) / "rebuilt.db"
        fresh = connect(path)
        try:
            fresh.execute("PRAGMA journal_mode = OFF")  # a throwaway database: no WAL to write twice,
            fresh.execute("PRAGMA synchronous = OFF")  # no fsync
            conn.execute("ATTACH DATABASE ? AS rebuilt", (str(path),))
            try:
                yield fresh
            finally:
                conn.execute("DETACH DATABASE rebuilt")
        finally:
            fresh.close()


class _Snapshot(EventStore):
    """A store that writes projections into the rebuilt database and reads the shared log up to a checkpoint."""

    url = "the shared log"  # not None: rebuild reads the log through read_chunks

    def __init__(self, fresh: sqlite3.Connection, checked: EventStore, until: int):
        super().__init__(fresh)
        self.checked, self.until = checked, until

    def read_chunks(self, size: int, *, after: int = 0) -> Iterator[list[Event]]:
        yield from in_chunks(self.checked.read(after=after, until=self.until), size)

    def read(self, *, after: int = 0, limit: int | None = None, until: int | None = None) -> Iterator[Event]:
        return self.checked.read(after=after, limit=limit, until=min(until or self.until, self.until))

    def last_position(self) -> int:
        return self.until


def projection_problems(store: EventStore, fresh: sqlite3.Connection) -> list[str]:
    """The shared log rebuilt into the attached `rebuilt` database, and this node's read models compared with it.

    Called inside a read transaction on store: the rebuild stops at its checkpoint.
    """
    until = projections.checkpoint(store.conn)
    try:
        projections.rebuild(_Snapshot(fresh, store, until))
    except (KeyError, TypeError, ValueError, AttributeError, TimelineError) as error:
        return [f"the log cannot be projected: {type(error).__name__}: {error}"]
    return compared(store.conn, live="main", rebuilt="rebuilt")


def compared(
    conn: sqlite3.Connection, *, live: str, rebuilt: str, searched: Future | None = None
) -> list[str]:
    """Every projection table of the database attached as live against the one attached as rebuilt.

    Tables are compared by SQLite, joined on their primary key; a full-text index is
    checked by putting it beside the rebuilt rows and asking FTS5 whether they agree,
    or (searched: _search_indexes_checked's answer) beside live's rows, where those equal a rebuild's.
    """
    problems, equal = [], set()
    for table in PROJECTION_TABLES:
        if _is_fts5(conn, live, table):
            content, found = (searched.result() if searched else {}).get(table, (None, []))
            if content not in equal:
                found = _search_index_problems(conn, table, live, rebuilt)
            problems += found
        elif _is_table(conn, live, table):
            found = _table_problems(conn, table, live, rebuilt)
            equal |= set() if found else {_READ_AS.get(table, (table,))[0]}
            problems += found
    return problems


def _is_table(conn: sqlite3.Connection, schema: str, name: str) -> bool:
    row = conn.execute(
        f"SELECT sql FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None and not row[0].upper().startswith("CREATE VIRTUAL")


def _is_fts5(conn: sqlite3.Connection, schema: str, name: str) -> bool:
    row = conn.execute(
        f"SELECT sql FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None and _is_fts5_sql(row[0])


def _is_fts5_sql(sql: str | None) -> bool:
    return sql is not None and "USING FTS5" in " ".join(sql.upper().split())


# Tables compared as a reader sees them (the view), and the columns that only say where that comes from:
# fact_rows leaves texts to the log where the log is in its file (migration 18), and a rebuild here, into a
# file without the log, keeps them all; the facts view gives the same texts either way. The rebuilt rows
# are read with the view's DERIVED columns (they have no log to join).
_READ_AS = {"fact_rows": ("facts", ("texts_from",))}
_REBUILT_AS = {"fact_rows": {c: f"coalesce(b.{c}, {x.replace('f.', 'b.')})" for c, x in DERIVED.items()}}


def _table_problems(conn: sqlite3.Connection, table: str, live: str, rebuilt: str) -> list[str]:
    """live.table against rebuilt.table: joined on the primary key (or, lacking one, merged in order)."""
    info = conn.execute(f"PRAGMA {live}.table_info({table})").fetchall()
    view, unread = _READ_AS.get(table, (table, ()))
    columns = [column[1] for column in info if column[1] not in unread]
    keys = [column[1] for column in sorted(info, key=lambda c: c[5]) if column[5]]
    sides = (f"{live}.{table}", f"{rebuilt}.{table}")
    if keys:
        said = _said(_joined(conn, sides, keys, columns, read=(f"{live}.{view}", _REBUILT_AS.get(table, {}))))
    else:
        said = _said(_merged(conn, sides, columns))
    name = view if view != table else table
    return [f"projection {name} differs from a rebuild of the log: {said}"] if said else []


def _joined(
    conn: sqlite3.Connection,
    sides: tuple[str, str],
    keys: list[str],
    columns: list[str],
    *,
    read: tuple[str, dict[str, str]],
) -> Iterator[str]:
    """The rows that differ, found by SQLite: each side's rows looked up by key in the other.

    Two LEFT JOINs rather than one FULL JOIN: SQLite 3.40 walks the right side of a
    FULL JOIN by a secondary index, 30 times slower on fact_tags (measured). The
    live side's values are read as read[0] (a view of its table) gives them, the
    rebuilt side's columns named in read[1] by their expressions there.
    """
    on = " AND ".join(f'a."{key}" = b."{key}"' for key in keys)
    rebuilt = {column: read[1].get(column, f'b."{column}"') for column in columns}
    differ = " OR ".join(f'a."{column}" IS NOT {rebuilt[column]}' for column in columns)
    both = ", ".join([*(f'a."{column}"' for column in columns), *rebuilt.values()])
    width = len(columns)
    changed = f'SELECT b."{keys[0]}" IS NULL, {both} FROM {read[0]} AS a LEFT JOIN {sides[1]} AS b ON {on} WHERE {differ}'
    for only_projected, *values in conn.execute(changed):
        old, new = dict(zip(columns, values[:width])), dict(zip(columns, values[width:]))
        if only_projected:
            yield f"{_key(keys, old)} is not in a rebuild"
        else:
            column = next(name for name in columns if old[name] != new[name])
            yield f"{_key(keys, old)} has {column} {_short(old[column])}, a rebuild {_short(new[column])}"
    selected = ", ".join(f'b."{column}"' for column in columns)
    missing = f'SELECT {selected} FROM {sides[1]} AS b LEFT JOIN {sides[0]} AS a ON {on} WHERE a."{keys[0]}" IS NULL'
    for values in conn.execute(missing):
        yield f"{_key(keys, dict(zip(columns, values)))} is missing"


def _merged(conn: sqlite3.Connection, sides: tuple[str, str], columns: list[str]) -> Iterator[str]:
    """A table without a primary key: both copies in the order of all their columns, walked side by side."""
    order = ", ".join(f'"{column}" COLLATE BINARY' for column in columns)
    selected = ", ".join(f'"{column}"' for column in columns)
    projected, rebuilt = (
        _rows(conn.execute(f"SELECT {selected} FROM {side} ORDER BY {order}")) for side in sides
    )
    old, new = next(projected, None), next(rebuilt, None)
    while old is not None or new is not None:
        if old == new:
            old, new = next(projected, None), next(rebuilt, None)
        elif new is None or (old is not None and _sqlite_order(old) < _sqlite_order(new)):
            yield f"{_key(columns, dict(zip(columns, old)))} is not in a rebuild"
            old = next(projected, None)
        else:
            yield f"{_key(columns, dict(zip(columns, new)))} is missing"
            new = next(rebuilt, None)


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple]:
    while chunk := cursor.fetchmany(_CHUNK):
        yield from chunk


def _sqlite_order(values: tuple) -> tuple:
    """SQLite's order of values of any type: NULL, numbers, text (UTF-8 byte order), blobs."""
    rank = {type(None): 0, int: 1, float: 1, str: 2, bytes: 3}
    return tuple((rank[type(value)], value if value is not None else 0) for value in values)


def _key(keys: list[str], row: dict) -> str:
    return ", ".join(f"{key}={row[key]!r}" for key in keys)


def _said(found: Iterator[str], most: int = 3) -> str:
    """Which rows differ and how, the first few of them (and how many more): enough to find the fault."""
    first = list(islice(found, most))
    rest = sum(1 for _ in found)
    return "; ".join(first) + (f" (and {rest} more rows)" if rest else "")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _search_index_problems(conn: sqlite3.Connection, table: str, live: str, rebuilt: str) -> list[str]:
    """The checked database's full-text index, copied beside the rebuilt rows it indexes: FTS5 checks them.

    FTS5's own check is a write (it needs the write lock), so it runs on the rebuilt
    database, and the index is compared with the text a rebuild makes.
    """
    for suffix in _FTS5_SHADOWS:
        shadow = f"{table}_{suffix}"
        if _is_table(conn, live, shadow):
            conn.execute(f"DELETE FROM {rebuilt}.{shadow}")
            conn.execute(f"INSERT INTO {rebuilt}.{shadow} SELECT * FROM {live}.{shadow}")
    try:
        conn.execute(f"INSERT INTO {rebuilt}.{table} ({table}, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return [f"projection {table}: the search index does not match facts"]
    return []
