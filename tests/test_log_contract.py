"""One contract for the log, run against each backend: SQLite (a real file) and PostgreSQL (a throwaway cluster).

As the eventsourcing library runs its recorder tests against each database:
append and read back, conflicts, idempotency, gap-free positions under
concurrent appenders, reading after a position, the refusal of UPDATE, DELETE
and TRUNCATE, and the hash chain, which must come out the same on both.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from events.log.chain import CHAINED_COLUMNS, GENESIS, link
from events.log.clock import FixedClock, to_utc_text
from events.log.errors import ConcurrencyConflict
from events.log.model import NewEvent, StreamAppend
from events.log.store import EventStore, connect
from tests.postgres_cluster import fresh_database, run_together, start_cluster

T0 = dt.datetime(2024, 7, 3, 12, 0, tzinfo=dt.UTC)
_numbers = itertools.count()


@pytest.fixture(scope="module")
def cluster():
    running = start_cluster()
    yield running
    running.stop()


@dataclass
class Backend:
    store: EventStore  # the log under test
    raw: Callable[[str], list[tuple]]  # runs SQL on the log's table as its owner would, bypassing the store
    another: Callable[[], EventStore]  # one more handle on the same log (a thread's, a process's)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    clock = FixedClock(T0, dt.timedelta(seconds=1))
    opened: list = []
    if request.param == "sqlite":
        path = tmp_path / "log.db"

        def another() -> EventStore:
            opened.append(EventStore(connect(path), clock))
            return opened[-1]

        raw = _sqlite_raw(path)
    else:
        from events.log.postgres import PostgresEventStore, create_schema, grant_app_role

        cluster = request.getfixturevalue("cluster")
        name = fresh_database(cluster, f"contract{next(_numbers)}")
        create_schema(cluster.url(name))
        grant_app_role(cluster.url(name), "timeline_app")

        def another() -> EventStore:
            opened.append(PostgresEventStore(cluster.app_url(name), clock))
            return opened[-1]

        raw = _postgres_raw(cluster.url(name))
    yield Backend(another(), raw, another)
    for store in opened:
        store.close() if hasattr(store, "pool") else store.conn.close()


def _sqlite_raw(path):
    def run(sql: str) -> list[tuple]:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    return run


def _postgres_raw(url: str):
    import psycopg

    def run(sql: str) -> list[tuple]:
        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    return run


def ev(n: int = 0) -> NewEvent:
    return NewEvent("Thing", {"n": n, "text": "Ünïcode ✓ 上合"}, {"actor": "test"})


def test_appended_events_read_back_in_order_with_their_content(backend):
    store = backend.store
    store.append_to("a", [ev(1)], expected_version=0)
    store.append([StreamAppend("b", (ev(2),), 0), StreamAppend("a", (ev(3), ev(4)), 1)])
    events = list(store.read())
    assert [e.position for e in events] == [1, 2, 3, 4]
    assert [(e.stream_id, e.version, e.payload["n"]) for e in events] == [
        ("a", 1, 1),
        ("b", 1, 2),
        ("a", 2, 3),
        ("a", 3, 4),
    ]
    assert events[0].payload["text"] == "Ünïcode ✓ 上合" and events[0].metadata == {"actor": "test"}
    assert [e.recorded_at for e in events] == [
        T0,
        T0 + dt.timedelta(seconds=1),
        *[T0 + dt.timedelta(seconds=1)] * 2,
    ]
    assert [e.position for e in store.read(after=2)] == [3, 4]
    assert [e.position for e in store.read(after=1, limit=2)] == [2, 3]
    assert [e.position for e in store.read(until=2)] == [1, 2]
    assert [e.version for e in store.read_stream("a")] == [1, 2, 3]
    assert [e.version for e in store.read_stream("a", until=2)] == [1]
    assert [len(chunk) for chunk in store.read_chunks(3)] == [3, 1]
    assert store.last_position() == 4 and store.stream_version("a") == 3 and store.stream_version("z") == 0
    assert store.position_as_of(to_utc_text(T0)) == 1
    assert store.position_as_of(to_utc_text(T0 - dt.timedelta(days=1))) == 0


def test_a_stale_expected_version_is_a_conflict_and_records_nothing(backend):
    store = backend.store
    store.append_to("a", [ev(1)], expected_version=0)
    with pytest.raises(ConcurrencyConflict) as raised:
        store.append([StreamAppend("b", (ev(2),), 0), StreamAppend("a", (ev(3),), 0)])
    assert raised.value.actual == 1
    with pytest.raises(ConcurrencyConflict):
        store.append_to("a", [ev(4)], expected_version=5)  # a gap is a conflict too
    assert [e.stream_id for e in store.read()] == ["a"]
    assert store.append_to("a", [ev(5)], expected_version=1).events[0].position == 2


def test_an_idempotency_key_records_its_batch_once(backend):
    store = backend.store
    first = store.append([StreamAppend("a", (ev(1), ev(2)), 0)], idempotency_key="k1")
    store.append_to("b", [ev(3)])
    again = store.append([StreamAppend("a", (ev(1), ev(2)), 0)], idempotency_key="k1")
    assert again.replayed and not first.replayed
    assert [e.event_id for e in again.events] == [e.event_id for e in first.events]
    assert store.last_position() == 3
    assert [e.event_id for e in store.replayed("k1")] == [e.event_id for e in first.events]
    assert store.replayed("unknown") == ()


def test_concurrent_appenders_leave_gap_free_positions_and_versions(backend):
    """8 writers, 25 appends each, some to shared streams without a version check: every event
    lands once, positions are 1..N with no gap, every stream's versions are 1..n."""
    store = backend.store
    errors = []

    handles = [backend.another() for _ in range(8)]  # SQLite: a connection each, as processes have

    def writer(number: int) -> None:
        try:
            for i in range(25):
                handles[number].append(
                    [StreamAppend(f"w{number}", (ev(i),)), StreamAppend(f"shared{i % 3}", (ev(i),))]
                )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    run_together(writer, 8)
    assert errors == []
    events = list(store.read())
    assert [e.position for e in events] == list(range(1, 401))
    by_stream: dict[str, list[int]] = {}
    for event in events:
        by_stream.setdefault(event.stream_id, []).append(event.version)
    assert all(versions == list(range(1, len(versions) + 1)) for versions in by_stream.values())
    assert _chain_holds(backend)


def _chain_holds(backend: Backend) -> bool:
    """Each stored hash equals the chain computed again from the row's canonical content."""
    columns = ", ".join(CHAINED_COLUMNS)
    previous = GENESIS
    for *row, stored in backend.raw(f"SELECT {columns}, hash FROM events ORDER BY position"):
        previous = link(previous, row)
        if bytes(stored) != previous:
            return False
    return backend.store.head()[1] == previous


def test_the_hash_chain_covers_every_event_and_is_the_same_on_both_backends(backend):
    store = backend.store
    store.append_to("a", [ev(1)], expected_version=0)
    store.append([StreamAppend("b", (ev(2), ev(3)), 0)], idempotency_key="k")
    store.append_to("a", [ev(4)])
    position, digest = store.head()
    assert position == 4 and digest != GENESIS and _chain_holds(backend)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET payload = '{\"n\": 99}' WHERE position = 1",
        "DELETE FROM events WHERE position = 1",
        "DELETE FROM events",
    ],
)
def test_the_database_refuses_to_change_or_remove_an_event(backend, sql):
    store, raw = backend.store, backend.raw
    store.append_to("a", [ev(1)], expected_version=0)
    with pytest.raises(Exception, match="append-only"):
        raw(sql)
    assert [e.payload["n"] for e in store.read()] == [1]


def test_postgres_refuses_truncate_and_the_app_role_may_only_read_and_append(cluster):
    """What only PostgreSQL has: TRUNCATE (refused by a statement trigger) and roles (the app's
    may not UPDATE, DELETE or TRUNCATE at all)."""
    import psycopg

    from events.log.postgres import PostgresEventStore, create_schema, grant_app_role

    name = fresh_database(cluster, f"contract{next(_numbers)}")
    create_schema(cluster.url(name))
    grant_app_role(cluster.url(name), "timeline_app")
    store = PostgresEventStore(cluster.app_url(name), FixedClock(T0, dt.timedelta(seconds=1)))
    try:
        store.append_to("a", [ev(1)], expected_version=0)
        with pytest.raises(psycopg.Error, match="append-only"):
            _postgres_raw(cluster.url(name))("TRUNCATE events")
        with store.pool.connection() as conn:
            for sql in ("UPDATE events SET type = 'x'", "DELETE FROM events", "TRUNCATE events"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)
        assert store.last_position() == 1
    finally:
        store.close()


def test_a_feed_lease_is_one_holder_s_until_it_expires_or_is_released(backend):
    """Leases live where the log is (one scheduler across nodes): in PostgreSQL every node sees them."""
    from events.log.leases import feed_lease_holder, release_feed_lease, take_feed_lease

    a, b = backend.store, backend.another()
    ttl, minute = dt.timedelta(minutes=5), dt.timedelta(minutes=1)
    assert take_feed_lease(a, "steppe", "node-a:1", T0, ttl)
    assert not take_feed_lease(b, "steppe", "node-b:2", T0 + minute, ttl)
    assert take_feed_lease(a, "steppe", "node-a:1", T0 + minute, ttl)  # renewed by its holder
    assert feed_lease_holder(b, "steppe", T0 + 2 * minute) == "node-a:1"
    assert take_feed_lease(b, "steppe", "node-b:2", T0 + 7 * minute, ttl)  # expired: taken over
    release_feed_lease(a, "steppe", "node-a:1")  # not a's any more: nothing happens
    assert feed_lease_holder(a, "steppe", T0 + 8 * minute) == "node-b:2"
    release_feed_lease(b, "steppe", "node-b:2")
    assert feed_lease_holder(a, "steppe", T0 + 8 * minute) is None


def test_of_eight_nodes_asking_for_a_free_lease_at_once_exactly_one_gets_it(backend):
    from events.log.leases import take_feed_lease

    handles = [backend.another() for _ in range(8)]
    won = []

    def ask(number: int) -> None:
        if take_feed_lease(handles[number], "steppe", f"node-{number}:1", T0, dt.timedelta(minutes=5)):
            won.append(number)

    run_together(ask, 8)
    assert len(won) == 1
