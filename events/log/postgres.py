"""The log in PostgreSQL (issue 20): the same store, the same guarantees, enforced by the server itself.

What the SQLite log guarantees holds here by the same means where PostgreSQL has
them: triggers refuse UPDATE, DELETE and TRUNCATE (even for the owner), the
application role is granted INSERT and SELECT only (grant_app_role), a unique
(stream_id, version) is the concurrency check, an append's idempotency key is
unique, and every row carries the hash chain (events/log/chain.py), computed over
the same canonical content, so a log moved between backends keeps its hashes.

Positions are gap-free in commit order, as readers see them: an append takes a
transaction-scoped advisory lock before it reads the tip, and holds it until it
commits, so position N+1 is given only after N is committed (the eventsourcing
library's PostgreSQL recorder takes a table lock for the same reason). A reader
that has seen N can never later find an event below N appear. Each append
notifies `timeline_events` with its last position, on commit, for followers.

Only the event store lives here: read models stay in each node's SQLite file.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from events.log.chain import GENESIS
from events.log.clock import Clock, utc_now
from events.log.errors import ImportRefused, LogUnavailable, TimelineError
from events.log.model import AppendResult, Event, StreamAppend
from events.log.store import (
    EVENT_COLUMNS,
    VERBATIM_COLUMNS,
    EventStore,
    event_from_row,
    in_chunks,
    write_transaction,
)

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

# The pool logs every failed reconnection attempt as a warning (five lines a second while the server is
# down); the failure reaches people once, as LogUnavailable (a 503, /healthz, a CLI's one-line error).
logging.getLogger("psycopg.pool").setLevel(logging.ERROR)

NOTIFY_CHANNEL = "timeline_events"
_APPEND_LOCK = 0x5C0_7E1  # the advisory lock key every appender takes: one writer at a time, as in SQLite
_READ_PAGE = 5_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position        BIGINT  PRIMARY KEY CHECK (position >= 1),
    event_id        TEXT    NOT NULL UNIQUE,
    stream_id       TEXT    NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    type            TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL DEFAULT 1,
    payload         TEXT    NOT NULL CHECK (jsonb_typeof(payload::jsonb) IS NOT NULL),  -- canonical JSON text
    metadata        TEXT    NOT NULL CHECK (jsonb_typeof(metadata::jsonb) IS NOT NULL),
    idempotency_key TEXT,
    batch_index     INTEGER NOT NULL DEFAULT 0,
    recorded_at     TEXT    NOT NULL,                                  -- UTC text, as in SQLite
    hash            BYTEA   NOT NULL CHECK (length(hash) = 32),
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE UNIQUE INDEX IF NOT EXISTS events_idempotency ON events (idempotency_key)
    WHERE idempotency_key IS NOT NULL AND batch_index = 0;
CREATE INDEX IF NOT EXISTS events_recorded_at ON events (recorded_at);
CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % refused', TG_OP;
END $$;
CREATE OR REPLACE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE OR REPLACE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();
REVOKE ALL ON events FROM PUBLIC;
-- Poll leases (events/log/leases.py): one poll of a feed at a time across every node. Operational
-- state, not history: the one table the application may UPDATE and DELETE.
CREATE TABLE IF NOT EXISTS feed_leases (
    feed       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
"""
_INSERT = (
    f"INSERT INTO events ({', '.join(VERBATIM_COLUMNS)}) VALUES ({', '.join(['%s'] * len(VERBATIM_COLUMNS))})"
)
_GUARDS = ("events_refuse_update_delete", "events_refuse_truncate")
_TAKE_LEASE = (
    "INSERT INTO feed_leases (feed, holder, expires_at) VALUES (%s, %s, %s)"
    " ON CONFLICT (feed) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
    " WHERE feed_leases.holder = excluded.holder OR feed_leases.expires_at <= %s RETURNING 1"
)
_COPY = f"COPY events ({', '.join(VERBATIM_COLUMNS)}) FROM STDIN"
_TIP = "SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1"


_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()
POOL_SIZE = 8  # connections per process and URL: the server's threads, the scheduler's polls, the projector
POOL_WAIT_SECONDS = 3.0  # a write waits this long for a connection, then is answered 503 (LogUnavailable)
_KNOWN_TIP: dict[str, int] = {}  # the last position this process saw in each log (reads, appends, NOTIFY)


def shared_pool(url: str) -> ConnectionPool:
    """One pool per URL in this process (a Timeline is opened per request). Opening it never waits on the
    server: a node whose log is down still serves its read models; the first use makes the table if missing."""
    with _POOLS_LOCK:
        pool = _POOLS.get(url)
        if pool is None or pool.closed:
            from psycopg_pool import ConnectionPool

            pool = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                open=True,
                timeout=POOL_WAIT_SECONDS,
                kwargs={"autocommit": True, "connect_timeout": int(POOL_WAIT_SECONDS)},
                check=ConnectionPool.check_connection,  # a connection cut by a server restart is replaced
            )
            _POOLS[url] = pool
        return pool


def close_shared_pools() -> None:
    """Close every pool this process opened (tests and benchmarks, before their server stops)."""
    with _POOLS_LOCK:
        for pool in _POOLS.values():
            pool.close()
        _POOLS.clear()
        _SCHEMA_READY.clear()


_SCHEMA_READY: set[str] = set()  # URLs whose log table this process has seen (or made)


def _ensure_schema(url: str, pool: ConnectionPool) -> None:
    """The log's tables, made once per process if missing; LogUnavailable if the server cannot be reached."""
    import psycopg

    if url in _SCHEMA_READY:
        return
    try:
        _make_schema_if_missing(pool)
    except (psycopg.errors.OperationalError, _pool_timeout()) as error:
        raise LogUnavailable(f"the shared log (PostgreSQL) could not be reached: {error}") from None
    _SCHEMA_READY.add(url)


def _make_schema_if_missing(pool: ConnectionPool) -> None:
    import psycopg

    with pool.connection() as conn:
        if conn.execute(
            "SELECT to_regclass('events') IS NOT NULL AND to_regclass('feed_leases') IS NOT NULL"
        ).fetchone()[0]:
            return
        try:
            conn.execute(SCHEMA)
        except psycopg.errors.InsufficientPrivilege as error:
            raise TimelineError(
                "the PostgreSQL log has no events table and this role may not create it:"
                f" create it as its owner (events.log.postgres.create_schema) first ({error})"
            ) from None


class AppendListener:
    """Wakes a follower when any node appends: LISTEN on a connection of its own.

    If the server cannot be reached, wait() sleeps the timeout instead: the caller
    looks at the log every timeout either way (the polling fallback), and the next
    wait() listens again.
    """

    def __init__(self, url: str):
        self.url = url
        self._conn = None

    def wait(self, timeout: float) -> None:
        import psycopg

        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, int(timeout)))
                self._conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            for notice in self._conn.notifies(timeout=timeout, stop_after=1):
                if notice.payload.isdigit():
                    _saw(self.url, int(notice.payload))
        except psycopg.Error:
            self.close()
            time.sleep(timeout)

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None


def create_schema(url: str) -> None:
    """The log's table, indexes and refusing triggers, made by the role that will own them (idempotent)."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(SCHEMA)
    except psycopg.Error as error:
        raise TimelineError(f"could not make the log's tables: {error}") from None


def grant_app_role(url: str, role: str) -> None:
    """The application role may read and append, and nothing else: no UPDATE, DELETE or TRUNCATE."""
    import psycopg

    try:
        _grant(psycopg.connect(url, autocommit=True, connect_timeout=10), role)
    except psycopg.Error as error:
        raise TimelineError(f"could not grant {role} the log: {error}") from None


def _grant(connection, role: str) -> None:
    from psycopg import sql

    with connection as conn:
        conn.execute(sql.SQL("REVOKE ALL ON events FROM {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("GRANT SELECT, INSERT ON events TO {}").format(sql.Identifier(role)))
        conn.execute(
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON feed_leases TO {}").format(sql.Identifier(role))
        )


class PostgresEventStore(EventStore):
    """EventStore over a PostgreSQL connection pool: append and read as the SQLite store does.

    The batch logic (versions, positions, the hash chain, idempotency) is EventStore's;
    this class gives it the connection of the append's transaction and PostgreSQL's SQL.
    conn, when given, is this node's SQLite file of read models: projections write there.
    """

    def __init__(self, url: str, clock: Clock = utc_now, *, conn: sqlite3.Connection | None = None):
        self.clock = clock
        self.url = url
        self.pool = shared_pool(url)
        self._conn = conn
        self._local = threading.local()

    def close(self) -> None:
        """Close this handle's read-model connection; the pool is the process's, shared by every handle."""
        if self._conn is not None:
            self._conn.close()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise AttributeError("this PostgreSQL log handle has no read-model database (conn)")
        return self._conn

    # ------------------------------------------------------------ writing

    def append(self, batch: Sequence[StreamAppend], *, idempotency_key: str | None = None) -> AppendResult:
        """Every event of every stream in one transaction, under the append lock, or none of them.

        Inside transaction() it joins that transaction, in a savepoint of its own: a refused
        append undoes itself and lets the caller go on, as in SQLite.
        """
        import psycopg

        try:
            with self._append_transaction() as conn:
                if idempotency_key is not None:
                    earlier = self._read_key(idempotency_key)
                    if earlier:
                        return AppendResult(earlier, replayed=True)
                events = self._insert(batch, idempotency_key)
                conn.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, str(events[-1].position)))
                _saw(self.url, events[-1].position)
                return AppendResult(events)
        except psycopg.errors.UniqueViolation as error:
            raise self._domain_error(error, batch) from None
        except (psycopg.errors.OperationalError, _pool_timeout()) as error:
            raise LogUnavailable(
                f"the shared log (PostgreSQL) could not be reached; nothing was recorded: {error}"
            ) from None

    @contextlib.contextmanager
    def _append_transaction(self) -> Iterator:
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            with tx.transaction():  # a savepoint in the caller's transaction
                yield tx
            return
        with self._locked() as conn:
            yield conn

    @contextlib.contextmanager
    def _locked(self) -> Iterator:
        """A PostgreSQL transaction holding the append lock, whose connection appends and reads join."""
        _ensure_schema(self.url, self.pool)
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_APPEND_LOCK,))
            self._local.tx = conn
            try:
                yield conn
            finally:
                self._local.tx = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Several appends and their projection as one: a poll records all of its items or none.

        The read models' SQLite transaction is the outer one, so the log commits first: if
        PostgreSQL refuses the commit, the read models roll back with it; if SQLite then fails,
        the log holds the events and the projector projects them later.
        """
        if getattr(self._local, "tx", None) is not None:
            with write_transaction(self.conn):
                yield self.conn
            return
        with write_transaction(self.conn), self._locked():
            yield self.conn

    def _domain_error(self, error, batch: Sequence[StreamAppend]) -> Exception:
        name = getattr(getattr(error, "diag", None), "constraint_name", "") or ""
        text = "concurrency conflict" if name == "events_stream_version" else str(error)
        return super()._domain_error(_Refusal(text), batch)

    def _tip(self) -> tuple[int, bytes, str | None]:
        row = self._tx().execute(_TIP).fetchone()
        return (row[0], bytes(row[1]), row[2]) if row else (0, GENESIS, None)

    def _insert_rows(self, values: list) -> None:
        """One row by INSERT; more by COPY, which streams them in one round trip (executemany of
        1,000 rows ran at a quarter of eventsourcing's rate, measured in bench_pg_append.py).
        values holds the rows one after another, as the SQLite store's _insert_rows takes them."""
        rows = list(zip(*[iter(values)] * len(VERBATIM_COLUMNS)))
        with self._tx().cursor() as cursor:
            if len(rows) == 1:
                cursor.execute(_INSERT, rows[0])
                return
            with cursor.copy(_COPY) as copy:
                for row in rows:
                    copy.write_row(row)

    def insert_verbatim(self, rows: Sequence[tuple]) -> None:
        """Exported events as they were, by COPY; inside transaction() (import's), part of it."""
        import psycopg

        try:
            with self._append_transaction() as conn, conn.cursor() as cursor, cursor.copy(_COPY) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as error:
            raise ImportRefused(f"the log refused the import: {error}") from None

    def verbatim_rows(self) -> Iterator[tuple]:
        """Every event's VERBATIM_COLUMNS in position order, from one snapshot, streamed by a server cursor."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            with conn.cursor(name="export") as cursor:
                cursor.itersize = _READ_PAGE
                cursor.execute(f"SELECT {', '.join(VERBATIM_COLUMNS)} FROM events ORDER BY position")
                for row in cursor:
                    yield (*row[:-1], bytes(row[-1]))

    def _tx(self):
        tx = getattr(self._local, "tx", None)
        if tx is None:
            raise TimelineError("the PostgreSQL log writes only inside append")
        return tx

    # ------------------------------------------------------------ reading

    @contextlib.contextmanager
    def _reader(self) -> Iterator:
        """The append's own connection inside an append, else one from the pool."""
        tx = getattr(self._local, "tx", None)
        if tx is not None:
            yield tx
            return
        _ensure_schema(self.url, self.pool)
        with self.pool.connection() as conn:
            yield conn

    def _rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        import psycopg

        try:
            with self._reader() as conn:
                return conn.execute(sql, params).fetchall()
        except (psycopg.errors.OperationalError, _pool_timeout()) as error:
            if getattr(self._local, "tx", None) is not None:
                raise  # inside an append: its own handler says it
            raise LogUnavailable(f"the shared log (PostgreSQL) could not be reached: {error}") from None

    def _read_key(self, key: str) -> tuple[Event, ...]:
        """The batch first appended with this key: its first event by the unique index, then the
        consecutive events that share the key (one append's events sit at consecutive positions)."""
        first = self._rows(
            "SELECT position FROM events WHERE idempotency_key = %s AND batch_index = 0", (key,)
        )
        if not first:
            return ()
        batch = []
        for event in self.read(after=first[0][0] - 1):
            if event.idempotency_key != key:
                break
            batch.append(event)
        return tuple(batch)

    def read(self, *, after: int = 0, limit: int | None = None, until: int | None = None) -> Iterator[Event]:
        """Events after a position, in order, read a page at a time (no connection held between pages)."""
        left = limit
        while left is None or left > 0:
            page = _READ_PAGE if left is None else min(left, _READ_PAGE)
            bound = "" if until is None else f" AND position <= {int(until)}"
            rows = self._rows(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE position > %s{bound} ORDER BY position LIMIT %s",
                (after, page),
            )
            for row in rows:
                yield event_from_row(row)
            if len(rows) < page:
                return
            after = rows[-1][0]
            left = None if left is None else left - len(rows)

    def read_chunks(self, size: int, *, after: int = 0) -> Iterator[list[Event]]:
        return in_chunks(self.read(after=after), size)

    def read_stream(self, stream_id: str, *, until: int | None = None) -> list[Event]:
        bound = "" if until is None else f" AND position <= {int(until)}"
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = %s{bound} ORDER BY version", (stream_id,)
        )
        return [event_from_row(row) for row in rows]

    def _stream_versions(self, stream_ids: list[str]) -> dict[str, int]:
        rows = self._rows(
            "SELECT s, (SELECT MAX(version) FROM events WHERE stream_id = s) FROM unnest(%s::text[]) AS s",
            (list(stream_ids),),
        )
        return {stream_id: version or 0 for stream_id, version in rows}

    def stream_version(self, stream_id: str) -> int:
        return self._rows("SELECT MAX(version) FROM events WHERE stream_id = %s", (stream_id,))[0][0] or 0

    def last_position(self) -> int:
        position = self._rows("SELECT COALESCE(MAX(position), 0) FROM events")[0][0]
        _saw(self.url, position)
        return position

    def known_last_position(self) -> int | None:
        """The last position this process has seen (its appends, its projector's looks, other nodes'
        NOTIFYs), without asking the server: a page's lag note must not wait on it."""
        return _KNOWN_TIP.get(self.url)

    def head(self) -> tuple[int, bytes | None]:
        rows = self._rows("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1")
        return (rows[0][0], bytes(rows[0][1])) if rows else (0, None)

    def position_as_of(self, moment_text: str) -> int:
        rows = self._rows(
            "SELECT position FROM events WHERE recorded_at <= %s ORDER BY recorded_at DESC, position DESC LIMIT 1",
            (moment_text,),
        )
        return rows[0][0] if rows else 0

    def is_empty(self) -> bool:
        return not self._rows("SELECT 1 FROM events LIMIT 1")

    # ------------------------------------------------------------ what verify reads

    def guard_problems(self) -> Iterator[str]:
        """The refusing triggers on the log, present and enabled, and no others (verify's first check)."""
        rows = dict(
            self._rows(
                "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'events'::regclass AND NOT tgisinternal"
            )
        )
        for name in _GUARDS:
            if name not in rows:
                yield f"trigger {name} is missing: the log can be rewritten without it"
            elif rows[name] == "D":
                yield f"trigger {name} is disabled: the log can be rewritten"
        for name in sorted(rows.keys() - set(_GUARDS)):
            yield f"trigger {name} on the log is not one the schema made"

    def stream_versions(self) -> Iterator[tuple[str, int, int]]:
        """(stream_id, version, position) of every event by stream and version, streamed by a server cursor."""
        with self.pool.connection() as conn, conn.transaction(), conn.cursor(name="versions") as cursor:
            cursor.itersize = _READ_PAGE
            cursor.execute("SELECT stream_id, version, position FROM events ORDER BY stream_id, version")
            yield from cursor

    def log_bytes(self) -> int:
        """The log's table with its indexes and TOAST, as the server stores it (for /metrics)."""
        return self._rows("SELECT pg_total_relation_size('events')")[0][0]

    def poll_counts(self) -> dict[tuple[str, str], int]:
        """Every recorded poll by feed and outcome, as events/read/health.poll_counts counts them in SQLite."""
        rows = self._rows(
            """
            SELECT payload::jsonb ->> 'feed',
                   CASE WHEN NOT (payload::jsonb -> 'ok')::boolean THEN 'error'
                        WHEN COALESCE((payload::jsonb -> 'not_modified')::boolean, false) THEN 'not_modified'
                        ELSE 'ok' END,
                   count(*)
            FROM events
            WHERE stream_id >= 'feed-' AND stream_id < 'feed.' AND type = 'FeedPolled'
            GROUP BY 1, 2
            """
        )
        return {(feed, outcome): count for feed, outcome, count in rows}

    # ------------------------------------------------------------ feed leases, shared by every node

    def take_lease(self, feed: str, holder: str, until: str, now: str, dead: Callable[[str], bool]) -> bool:
        """The feed's lease for holder until a UTC time, if it is free (expired, ours, or its holder dead):
        one statement, so two nodes asking at once cannot both get it."""
        with self.pool.connection() as conn:
            taken = conn.execute(_TAKE_LEASE, (feed, holder, until, now)).fetchone()
            if taken:
                return True
            row = conn.execute("SELECT holder FROM feed_leases WHERE feed = %s", (feed,)).fetchone()
            if row is None or not dead(row[0]):
                return False
            stolen = conn.execute(
                "UPDATE feed_leases SET holder = %s, expires_at = %s WHERE feed = %s AND holder = %s RETURNING 1",
                (holder, until, feed, row[0]),
            )
            return stolen.fetchone() is not None

    def release_lease(self, feed: str, holder: str) -> None:
        self._rows_written("DELETE FROM feed_leases WHERE feed = %s AND holder = %s", (feed, holder))

    def lease_holder(self, feed: str, now: str) -> str | None:
        rows = self._rows("SELECT holder FROM feed_leases WHERE feed = %s AND expires_at > %s", (feed, now))
        return rows[0][0] if rows else None

    def _rows_written(self, sql: str, params: Sequence = ()) -> None:
        with self.pool.connection() as conn:
            conn.execute(sql, params)


class _Refusal(Exception):
    """A PostgreSQL refusal said in the words EventStore._domain_error reads."""


def _saw(url: str, position: int) -> None:
    """This process has seen the log at url reach position (it never goes back)."""
    _KNOWN_TIP[url] = max(position, _KNOWN_TIP.get(url, 0))


def _pool_timeout() -> type[Exception]:
    from psycopg_pool import PoolTimeout

    return PoolTimeout
