"""The event store against a real SQLite file: order, atomicity, concurrency, idempotency, append-only."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
import uuid

import pytest

from events.log.clock import FixedClock, to_utc_text
from events.log.errors import ConcurrencyConflict, StorageFull, TimelineError
from events.log.migrations import SCHEMA_VERSION
from events.log.model import NewEvent, StreamAppend
from events.log.store import EventStore, connect, write_transaction

T0 = dt.datetime(2024, 7, 3, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "log.db"


@pytest.fixture
def store(db_path):
    conn = connect(db_path)
    yield EventStore(conn, FixedClock(T0, dt.timedelta(seconds=1)))
    conn.close()


def ev(n: int = 0, kind: str = "Thing") -> NewEvent:
    return NewEvent(kind, {"n": n, "text": "Ünïcode ✓"}, {"actor": "test"})


def test_positions_are_the_order_of_recording(store):
    store.append_to("a", [ev(1)], expected_version=0)
    store.append_to("b", [ev(2)], expected_version=0)
    store.append_to("a", [ev(3), ev(4)], expected_version=1)
    events = list(store.read())
    assert [e.position for e in events] == [1, 2, 3, 4]
    assert [(e.stream_id, e.version) for e in events] == [("a", 1), ("b", 1), ("a", 2), ("a", 3)]
    assert [e.payload["n"] for e in events] == [1, 2, 3, 4]
    assert events[0].payload["text"] == "Ünïcode ✓"


def test_recorded_at_comes_from_the_injected_clock(store):
    first = store.append_to("a", [ev()]).events[0]
    second = store.append_to("a", [ev()]).events[0]
    assert first.recorded_at == T0
    assert second.recorded_at == T0 + dt.timedelta(seconds=1)


def test_position_as_of_is_the_last_position_recorded_by_then(store):
    store.append([StreamAppend(s, (ev(),), 0) for s in "abc"])  # positions 1-3 share T0
    store.append_to("d", [ev()])  # 4 at T0 + 1 s
    store.append_to("e", [ev()])  # 5 at T0 + 2 s

    def at(seconds: float) -> int:
        return store.position_as_of(to_utc_text(T0 + dt.timedelta(seconds=seconds)))

    assert [at(-1), at(0), at(0.5), at(1), at(2), at(60)] == [0, 3, 3, 4, 5, 5]


def test_the_log_s_times_never_go_back_when_the_clock_does(db_path):
    """A wall clock can step back; an event is then recorded at the time of the one before it, so the
    log stays in time order and the view at a moment is every position up to one index step."""
    readings = iter([T0, T0 + dt.timedelta(seconds=10), T0 + dt.timedelta(seconds=5)])
    store = EventStore(connect(db_path), lambda: next(readings))
    events = [store.append_to(stream, [ev()]).events[0] for stream in "abc"]
    assert [e.recorded_at for e in events] == [
        T0,
        T0 + dt.timedelta(seconds=10),
        T0 + dt.timedelta(seconds=10),
    ]
    assert [e.recorded_at for e in store.read()] == [e.recorded_at for e in events]
    assert store.position_as_of(to_utc_text(T0 + dt.timedelta(seconds=10))) == 3
    assert store.position_as_of(to_utc_text(T0 + dt.timedelta(seconds=7))) == 1
    store.conn.close()


def test_position_as_of_answers_as_an_index_of_every_event_did_on_any_log(db_path, monkeypatch):
    """Only the first event of each append is indexed by time (migration 16); position_as_of reads
    that append to its end. Checked against the query over every event's time, on a log of batched,
    keyed and single appends whose times also go back (as a log written before the store kept its
    times in order, or imported, may)."""
    seconds = iter([0, 5, 5, 2, 9, 2, 9])
    store = EventStore(connect(db_path))
    at = lambda s: T0 + dt.timedelta(seconds=s)  # noqa: E731
    monkeypatch.setattr(store, "_log_time", lambda last: (at(s := next(seconds)), to_utc_text(at(s))))
    store.append([StreamAppend(f"a{i}", (ev(),), 0) for i in range(3)])  # 1-3 at 0 s
    store.append_to("b", [ev(), ev()])  # 4-5 at 5 s
    store.append_to("c", [ev()])  # 6 at 5 s
    store.append([StreamAppend(s, (ev(),), 0) for s in "de"], idempotency_key="k")  # 7-8 at 2 s
    store.append_to("f", [ev()])  # 9 at 9 s
    store.append([StreamAppend(s, (ev(), ev()), 0) for s in "gh"])  # 10-13 at 2 s
    store.append_to("i", [ev()])  # 14 at 9 s
    every_event = (
        "SELECT position FROM events WHERE recorded_at <= ? ORDER BY recorded_at DESC, position DESC LIMIT 1"
    )
    answers = []
    for moment in [to_utc_text(at(s)) for s in (-1, 0, 1, 2, 3, 5, 6, 9, 10)]:
        expected = store.conn.execute(every_event, (moment,)).fetchone()
        answers.append(store.position_as_of(moment))
        assert answers[-1] == (expected[0] if expected else 0), moment
    assert answers == [0, 3, 3, 13, 13, 6, 6, 14, 14]
    store.conn.close()


def test_position_as_of_finds_the_append_through_its_index(store):
    from events.log.store import _POSITION_AS_OF

    plan = " ".join(str(row) for row in store.conn.execute(f"EXPLAIN QUERY PLAN {_POSITION_AS_OF}", ("x",)))
    assert "USING INDEX events_appended_at" in plan


def test_a_schema_15_log_gets_the_index_of_appends_and_keeps_its_answers(db_path):
    """Migration 16 replaces the index of every event's time by one of each append's first event."""
    from events.log.migrations import MIGRATIONS, _run

    conn = sqlite3.connect(db_path, isolation_level=None)
    for migration in MIGRATIONS[:15]:
        _run(conn, migration)
    conn.execute("PRAGMA user_version = 15")
    old = EventStore(conn, FixedClock(T0, dt.timedelta(seconds=1)))
    old.append([StreamAppend(s, (ev(), ev()), 0) for s in "abc"])  # 1-6 at T0
    old.append_to("d", [ev()])  # 7 at T0 + 1 s
    conn.close()
    store = EventStore(connect(db_path))
    indexes = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"
    )
    assert {name for (name,) in store.conn.execute(indexes)} == {"events_idempotency", "events_appended_at"}
    moments = [to_utc_text(T0 + dt.timedelta(seconds=s)) for s in (-1, 0, 0.5, 1, 2)]
    assert [store.position_as_of(moment) for moment in moments] == [0, 6, 6, 7, 7]
    store.conn.close()


def test_position_as_of_takes_the_same_few_steps_at_any_log_size(db_path):
    """A mid-log moment: MAX(position) over the recorded_at range walked half the log (issue 19);
    counted in SQLite VM steps, not timed."""
    clock = FixedClock(T0, step=dt.timedelta(seconds=1))
    store = EventStore(connect(db_path), clock)
    steps = []
    for size in (200, 2_000):
        store.append([StreamAppend(f"s{size}-{i}", (ev(),), 0) for i in range(size)])  # one instant each
        for _ in range(size):
            store.append_to("ticks", [ev()])
        counted = []
        store.conn.set_progress_handler(lambda: counted.append(1), 1)
        middle = store.last_position() - size // 2
        moment = to_utc_text(next(e for e in store.read(after=middle - 1, limit=1)).recorded_at)
        assert store.position_as_of(moment) == middle
        store.conn.set_progress_handler(None, 1)
        steps.append(len(counted))
    assert steps[1] <= steps[0] + 20, steps
    store.conn.close()


def test_event_ids_are_time_ordered_uuid7(store):
    events = store.append_to("a", [ev(i) for i in range(50)]).events
    ids = [e.event_id for e in events]
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == 50


def test_a_batch_of_ids_keeps_order_across_a_counter_overflow(monkeypatch):
    """uuid7s reserves a run of ids at once; the ids after it, single or batched, still sort after it."""
    from events.log import ids as id_module

    monkeypatch.setattr(id_module, "_last_ms", 2**46)  # far in the future: the clock cannot pass it
    monkeypatch.setattr(id_module, "_counter", 0xFF0)  # the next 15 ids fit in this millisecond
    batch = id_module.uuid7s(40)
    after = [id_module.uuid7(), *id_module.uuid7s(3), id_module.uuid7()]
    every = batch + after
    assert every == sorted(every) and len(set(every)) == len(every)
    assert {uuid.UUID(i).version for i in every} == {7}
    assert {uuid.UUID(i).variant for i in every} == {uuid.RFC_4122}
    assert (
        batch[14][:13] == "40000000-0000" and batch[15][:13] == "40000000-0001"
    )  # the 16th borrowed the next


def test_batched_ids_read_back_as_their_millisecond_counter_and_random_bits(monkeypatch):
    """uuid7s writes a millisecond's digits once and the random digits from one call: each id still
    holds its own (millisecond, counter), version 7, the RFC variant and 62 random bits of its own."""
    from events.log import ids as id_module

    monkeypatch.setattr(id_module, "_last_ms", 2**46)
    monkeypatch.setattr(id_module, "_counter", 0xFF0)  # the batch starts at counter 0xFF1
    batch = id_module.uuid7s(40)
    values = [uuid.UUID(i).int for i in batch]
    assert [str(uuid.UUID(i)) for i in batch] == batch  # canonical spelling: lower case, 8-4-4-4-12
    assert [(v >> 80, (v >> 64) & 0xFFF) for v in values] == [(2**46, 0xFF1 + c) for c in range(15)] + [
        (2**46 + 1, c) for c in range(25)
    ]
    assert {(v >> 76) & 0xF for v in values} == {7} and {(v >> 62) & 0b11 for v in values} == {0b10}
    assert len({v & (2**62 - 1) for v in values}) == 40


def test_streams_without_an_expected_version_continue_where_each_one_is(store):
    """Their versions are looked up together (one query for several streams), and a stream named twice continues."""
    store.append_to("a", [ev(1), ev(2)], expected_version=0)
    store.append_to("c", [ev(3)], expected_version=0)
    batch = [StreamAppend(s, (ev(9),), None) for s in ("a", "b", "a", "c")]
    recorded = store.append(batch).events
    assert [(e.stream_id, e.version) for e in recorded] == [("a", 3), ("b", 1), ("a", 4), ("c", 2)]


def test_a_batch_is_atomic_across_streams(store):
    store.append_to("b", [ev()], expected_version=0)
    batch = [StreamAppend("a", (ev(1),), 0), StreamAppend("b", (ev(2),), 0)]  # b is at 1: conflict
    with pytest.raises(ConcurrencyConflict):
        store.append(batch)
    assert store.stream_version("a") == 0
    assert store.last_position() == 1


def test_stale_expected_version_is_a_concurrency_conflict(store):
    store.append_to("fact", [ev()], expected_version=0)
    with pytest.raises(ConcurrencyConflict) as caught:
        store.append_to("fact", [ev()], expected_version=0)
    assert (caught.value.expected, caught.value.actual) == (0, 1)
    store.append_to("fact", [ev()], expected_version=1)
    assert store.stream_version("fact") == 2


def _racer(path: str, barrier, results) -> None:
    store = EventStore(connect(path))
    barrier.wait()
    try:
        store.append_to("contested", [ev()], expected_version=1)
        results.put("ok")
    except ConcurrencyConflict:
        results.put("conflict")


def test_two_processes_racing_for_one_version(db_path, store):
    store.append_to("contested", [ev()], expected_version=0)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    workers = [ctx.Process(target=_racer, args=(str(db_path), barrier, results)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert outcomes == ["conflict", "conflict", "conflict", "ok"]
    assert store.stream_version("contested") == 2


def test_idempotency_key_returns_the_first_events(store):
    first = store.append(
        [StreamAppend("a", (ev(1), ev(2)), 0), StreamAppend("b", (ev(3),), 0)], idempotency_key="k1"
    )
    again = store.append([StreamAppend("a", (ev(9),), None)], idempotency_key="k1")
    assert again.replayed and not first.replayed
    assert [e.event_id for e in again.events] == [e.event_id for e in first.events]
    assert store.last_position() == 3
    assert first.events[0].metadata["idempotency_key"] == "k1"


def test_idempotency_key_wins_over_a_stale_version(store):
    """A retry after success answers with the first result, not a 409."""
    first = store.append_to("a", [ev()], expected_version=0, idempotency_key="retry")
    again = store.append_to("a", [ev()], expected_version=0, idempotency_key="retry")
    assert again.replayed and again.events == first.events


def test_an_empty_append_is_refused(store):
    with pytest.raises(TimelineError):
        store.append_to("a", [])
    assert store.is_empty()


# ------------------------------------------------------------ raw SQL, plain connection


@pytest.fixture
def raw(store, db_path):
    store.append_to("a", [ev(1), ev(2)], expected_version=0)
    conn = sqlite3.connect(db_path)  # a plain connection: recursive_triggers off, like the sqlite3 shell
    assert conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 0
    yield conn
    conn.close()


def _snapshot(conn):
    return conn.execute("SELECT * FROM events ORDER BY position").fetchall()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET payload = '{}' WHERE position = 1",
        "UPDATE events SET position = 99 WHERE position = 1",
        "DELETE FROM events WHERE position = 1",
        "DELETE FROM events",
        "INSERT OR REPLACE INTO events (position, event_id, stream_id, version, type, payload, metadata, recorded_at)"
        " VALUES (1, 'x', 'a', 9, 'Forged', '{}', '{}', '2000-01-01T00:00:00.000000Z')",
        "REPLACE INTO events (position, event_id, stream_id, version, type, payload, metadata, recorded_at)"
        " VALUES (5, 'y', 'a', 1, 'Forged', '{}', '{}', '2000-01-01T00:00:00.000000Z')",
        "INSERT OR REPLACE INTO events (event_id, stream_id, version, type, payload, metadata, recorded_at)"
        " SELECT event_id, stream_id, version, 'Forged', payload, metadata, recorded_at FROM events",
        "INSERT INTO events (position, event_id, stream_id, version, type, payload, metadata, recorded_at)"
        " VALUES (1, 'z', 'q', 1, 'Forged', '{}', '{}', '2000-01-01T00:00:00.000000Z')"
        " ON CONFLICT (position) DO UPDATE SET type = 'Forged'",
    ],
)
def test_the_log_refuses_rewrites_from_a_plain_connection(raw, sql):
    before = _snapshot(raw)
    with pytest.raises(sqlite3.DatabaseError):
        raw.execute(sql)
    raw.rollback()
    assert _snapshot(raw) == before


def test_replace_is_refused_even_with_recursive_triggers_on(raw):
    raw.execute("PRAGMA recursive_triggers = ON")
    before = _snapshot(raw)
    with pytest.raises(sqlite3.DatabaseError):
        raw.execute(
            "INSERT OR REPLACE INTO events (position, event_id, stream_id, version, type, payload, metadata,"
            " recorded_at) VALUES (2, 'x', 'a', 2, 'Forged', '{}', '{}', '2000-01-01T00:00:00.000000Z')"
        )
    assert _snapshot(raw) == before


@pytest.mark.parametrize("recursive_triggers", ["OFF", "ON"])
def test_replace_through_the_idempotency_key_is_refused(store, db_path, recursive_triggers):
    """The key's unique index was the one REPLACE could still delete through (schema 4 erased event 1)."""
    store.append_to("a", [ev(1)], idempotency_key="k")
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA recursive_triggers = {recursive_triggers}")
    before = _snapshot(conn)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(
            "INSERT OR REPLACE INTO events (event_id, stream_id, version, type, payload, metadata, idempotency_key,"
            " batch_index, recorded_at) VALUES ('x', 'b', 1, 'Forged', '{}', '{}', 'k', 0, '2000-01-01T00:00:00.000000Z')"
        )
    conn.rollback()
    assert _snapshot(conn) == before
    conn.close()


def test_positions_come_back_consecutive_after_a_batch_and_a_single(store):
    """Positions are read from last_insert_rowid after the insert, not asked for before it."""
    batch = store.append([StreamAppend("a", (ev(1), ev(2)), 0), StreamAppend("b", (ev(3),), 0)]).events
    single = store.append_to("c", [ev(4)], expected_version=0).events
    assert [e.position for e in batch + single] == [1, 2, 3, 4]
    assert [e.event_id for e in store.read()] == [e.event_id for e in batch + single]


def test_invalid_json_payload_is_refused(raw):
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO events (event_id, stream_id, version, type, payload, metadata, recorded_at)"
            " VALUES ('j', 'j', 1, 'T', 'not json', '{}', '2000-01-01T00:00:00.000000Z')"
        )


def test_connection_settings(store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_parent_folders_are_created(tmp_path):
    conn = connect(tmp_path / "a" / "b" / "log.db")
    assert (tmp_path / "a" / "b" / "log.db").exists()
    conn.close()


def test_a_newer_schema_is_refused(db_path):
    connect(db_path).close()
    plain = sqlite3.connect(db_path)
    plain.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    plain.close()
    with pytest.raises(TimelineError, match="newer"):
        connect(db_path)


def test_migrations_are_idempotent(db_path):
    connect(db_path).close()
    conn = connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_the_idempotency_lookup_uses_its_index_not_a_scan(store):
    """A scan here made every keyed append O(log size): ingest slowed as the log grew."""
    from events.log.store import FIRST_OF_BATCH

    plan = " ".join(str(row) for row in store.conn.execute(f"EXPLAIN QUERY PLAN {FIRST_OF_BATCH}", ("k",)))
    assert "USING INDEX events_idempotency" in plan and "SCAN" not in plan


def test_a_replayed_batch_stops_at_its_own_events(store):
    first = store.append_to("a", [ev(1), ev(2)], idempotency_key="k1").events
    store.append_to("b", [ev(3)], idempotency_key="k2")
    store.append_to("c", [ev(4)])
    again = store.append_to("a", [ev(9)], idempotency_key="k1")
    assert again.replayed and [e.position for e in again.events] == [e.position for e in first] == [1, 2]


def test_expecting_a_version_the_stream_has_not_reached_is_a_conflict(store):
    store.append_to("a", [ev()], expected_version=0)
    with pytest.raises(ConcurrencyConflict) as caught:
        store.append_to("a", [ev()], expected_version=5)
    assert (caught.value.expected, caught.value.actual) == (5, 1)
    assert store.stream_version("a") == 1


def test_a_full_database_is_storage_full_and_rolls_back(tmp_path):
    """SQLITE_FULL, here from max_page_count (a full disk gives the same code, tested on a tmpfs in
    tests/test_full_disk.py), is the domain's StorageFull; the append left nothing and the next one works."""
    conn = connect(tmp_path / "t.db")
    store = EventStore(conn)
    store.append_to("a", [ev(1)])
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StorageFull, match="full: nothing was recorded"):
        store.append_to("b", [NewEvent("Big", {"text": "x" * 100_000})])
    assert not conn.in_transaction and store.last_position() == 1
    conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    store.append_to("b", [ev(2)])
    assert store.last_position() == 2


def test_a_failed_commit_rolls_back_instead_of_leaving_the_transaction_open(tmp_path):
    """A COMMIT can fail (here a deferred foreign key; also I/O errors) and leave the transaction open:
    every later write would then be a savepoint inside it that never commits."""
    conn = connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
    store = EventStore(conn)
    with pytest.raises(sqlite3.IntegrityError):
        with write_transaction(conn):
            store.append_to("a", [ev(1)])
            conn.execute("INSERT INTO child VALUES (42)")  # no parent 42: refused only at COMMIT
    assert not conn.in_transaction
    store.append_to("b", [ev(2)])
    other = sqlite3.connect(tmp_path / "t.db")
    assert other.execute("SELECT stream_id FROM events").fetchall() == [
        ("b",)
    ]  # committed, and "a" is not there


@pytest.mark.parametrize(
    "rows_per_statement", [500, 2]
)  # one INSERT, no savepoint; or several, in a savepoint
def test_an_append_inside_a_callers_transaction_is_still_all_or_nothing(
    store, monkeypatch, rows_per_statement
):
    """Ingest appends inside its poll's transaction: a refused append must leave none of its rows, and the
    transaction must go on."""
    import events.log.store as store_module

    monkeypatch.setattr(store_module, "MAX_ROWS_PER_STATEMENT", rows_per_statement)
    with write_transaction(store.conn):
        store.append_to("a", [ev(1)], expected_version=0)
        refused = [StreamAppend("b", (ev(2), ev(3), ev(4)), 0), StreamAppend("a", (ev(5),), 0)]  # a is at 1
        with pytest.raises(ConcurrencyConflict):
            store.append(refused)
        assert store.stream_version("b") == 0
        kept = store.append([StreamAppend("c", (ev(6), ev(7), ev(8)), 0)]).events
    assert [(e.stream_id, e.version) for e in store.read()] == [("a", 1), ("c", 1), ("c", 2), ("c", 3)]
    assert [e.position for e in kept] == [2, 3, 4]


def test_an_append_longer_than_one_statement_keeps_consecutive_positions(store, monkeypatch):
    import events.log.store as store_module

    monkeypatch.setattr(store_module, "MAX_ROWS_PER_STATEMENT", 3)
    recorded = store.append([StreamAppend(f"s{i}", (ev(i), ev(i)), 0) for i in range(4)]).events
    assert [e.position for e in recorded] == list(range(1, 9))
    assert [(e.position, e.stream_id, e.version) for e in store.read()] == [
        (e.position, e.stream_id, e.version) for e in recorded
    ]


@pytest.mark.parametrize("key", [None, "poll-1"])
def test_rows_keep_their_key_and_chain_over_several_statements(store, monkeypatch, key):
    """Without a key the INSERT writes NULL rather than binding None, with one it binds it on every
    row; either way each hash goes in as a 32-byte blob chained over the row as stored."""
    import events.log.store as store_module
    from events.log.chain import CHAINED_COLUMNS, GENESIS, link

    monkeypatch.setattr(store_module, "MAX_ROWS_PER_STATEMENT", 3)
    store.append_to("a", [ev(0)])  # one row: the one-row INSERT
    store.append([StreamAppend(f"s{i}", (ev(i), ev(i)), 0) for i in range(4)], idempotency_key=key)
    sql = f"SELECT {', '.join(CHAINED_COLUMNS)}, typeof(hash), hash FROM events ORDER BY position"
    rows = store.conn.execute(sql).fetchall()
    assert [row[8] for row in rows] == [None] + [key] * 8 and [row[9] for row in rows] == [0, *range(8)]
    previous = GENESIS
    for *chained, kind, stored in rows:
        previous = link(previous, chained)
        assert (kind, stored) == ("blob", previous)


def test_when_sqlite_already_rolled_back_the_real_error_is_raised(store):
    """An interrupted statement makes SQLite roll the whole transaction back itself; our ROLLBACK
    must not then fail with 'no transaction is active' and hide why."""
    calls = []
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        with write_transaction(store.conn):
            store.append_to("a", [ev(1)])
            store.conn.set_progress_handler(lambda: calls.append(1) or len(calls) > 5, 100)
            store.append([StreamAppend("c", tuple(ev(i) for i in range(50)), 0)])
    store.conn.set_progress_handler(None, 0)
    assert not store.conn.in_transaction and store.last_position() == 0
    store.append_to("b", [ev(2)])
    assert [e.stream_id for e in store.read()] == ["b"]


def test_appends_work_under_a_tiny_parameter_limit(store):
    store.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 12)  # one row of 10 parameters per statement
    recorded = store.append([StreamAppend("a", (ev(1), ev(2), ev(3)), 0)]).events
    assert [e.position for e in recorded] == [1, 2, 3] == [e.position for e in store.read()]


def test_a_new_database_and_its_wal_are_readable_by_their_owner_only(tmp_path):
    """Issue 15: the database (token hashes) and its WAL were created world-readable (0644, folder 0755)."""
    import stat

    from events.service import Timeline

    folder = tmp_path / "new" / "var"
    timeline = Timeline.open(folder / "t.db")
    try:
        timeline.init()  # the seed facts: an append, so the WAL exists
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
        assert modes["t.db"] == 0o600 and modes["t.db-wal"] == 0o600, modes
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        timeline.close()
