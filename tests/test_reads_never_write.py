"""A GET never writes (issue 15): pages, Atom and the API read the last projected state, say how far
the log is ahead of it, and the server's projector (not a reader) brings the projections up to date."""

from __future__ import annotations

import sqlite3
import time
import urllib.request
from pathlib import Path

import pytest

from events.domain.fact import fact_recorded, validate_fact
from events.log.ids import uuid7
from events.log.model import NewEvent, StreamAppend
from events.log.store import EventStore, connect
from tests.conftest import populate_for_browsing, start_server, stop_server

NEW_TITLE = "Ministers met in Astana about a zebra corridor"


def get(server, path: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=5) as response:
        return response.status, dict(response.headers), response.read()


def append_unprojected(db_path: Path) -> str:
    """A fact in the log and not in the read models: as if its writer died between the two."""
    fact_id = uuid7()
    fields = validate_fact(
        {
            "date": "2024-05-05",
            "title": NEW_TITLE,
            "summary": "",
            "tags": ["sco"],
            "sources": [{"url": "https://example.org/z", "outlet": "Example"}],
        }
    )
    event = fact_recorded(fact_id, fields, "manual")
    store = EventStore(connect(db_path))
    try:
        store.append([StreamAppend(fact_id, (NewEvent(event.type, event.payload, {"actor": "test"}),), 0)])
    finally:
        store.conn.close()
    return fact_id


@pytest.fixture
def lagging_server(tmp_path: Path):
    db_path = tmp_path / "lag.db"
    ids = populate_for_browsing(db_path)
    server = start_server(tmp_path, db_path)
    server.ids.update(ids)
    yield server
    stop_server(server)


def read_paths(ids: dict) -> list[str]:
    fact = ids["corrected"]
    return [
        "/",
        "/?tag=sco",
        "/?q=summit",
        "/?as_of=2024-01-01",
        f"/events/{fact}",
        "/feeds",
        "/feed.atom",
        "/feed.atom?q=summit",
        "/api/events",
        "/api/events?tag=sco",
        f"/api/events/{fact}",
        "/healthz",
    ]


def test_reads_answer_while_another_process_holds_the_write_lock(lagging_server):
    """With the log ahead of the projections and the write lock held by someone else, every read
    answers at once: a read that tried to catch up would wait for the lock (30 s) instead."""
    append_unprojected(lagging_server.db_path)
    holder = sqlite3.connect(lagging_server.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # nobody else can write until we let go
    try:
        before = holder.execute("PRAGMA data_version").fetchone()[0]
        for path in read_paths(lagging_server.ids):
            started = time.monotonic()
            status, headers, body = get(lagging_server, path)
            assert status == 200, path
            assert time.monotonic() - started < 4, path
            if path != "/healthz":
                assert headers.get("X-Projection-Lag") == "1", path  # the read says it is behind
            assert NEW_TITLE.encode() not in body, path  # the last projected state
        assert holder.execute("PRAGMA data_version").fetchone()[0] == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_no_read_commits_anything(lagging_server):
    """PRAGMA data_version changes when another connection commits: reads leave it alone
    (the projector has caught up first, so its own work is not counted)."""
    wait_until_projected(lagging_server)
    monitor = sqlite3.connect(lagging_server.db_path, isolation_level=None)
    try:
        before = monitor.execute("PRAGMA data_version").fetchone()[0]
        for _ in range(2):
            for path in read_paths(lagging_server.ids):
                assert get(lagging_server, path)[0] == 200, path
        assert monitor.execute("PRAGMA data_version").fetchone()[0] == before
    finally:
        monitor.close()


def test_the_projector_catches_up_what_a_dead_writer_left(lagging_server):
    status, headers, body = get(lagging_server, "/")
    assert "X-Projection-Lag" not in headers and NEW_TITLE.encode() not in body
    fact_id = append_unprojected(lagging_server.db_path)
    wait_until_projected(lagging_server)
    status, headers, body = get(lagging_server, "/?q=zebra")
    assert status == 200 and fact_id.encode() in body
    assert "X-Projection-Lag" not in headers
    assert get(lagging_server, f"/api/events/{fact_id}")[0] == 200
    assert NEW_TITLE.encode() in get(lagging_server, "/")[2]  # the cached page was not kept


def wait_until_projected(server, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _headers, body = get(server, "/healthz")
        if b'"projection_lag":0' in body.replace(b" ", b""):
            return
        time.sleep(0.2)
    raise AssertionError(f"the projector did not catch up in {timeout} s")


def test_a_writer_projects_its_append_in_the_same_commit(timeline, make_fact):
    """record_fact appends and projects in one transaction: one commit, nothing left to catch up."""
    make_fact()  # the schema and first statements out of the way
    monitor = sqlite3.connect(timeline.store.conn.execute("PRAGMA database_list").fetchone()[2])
    before = monitor.execute("PRAGMA data_version").fetchone()[0]
    commits = []
    timeline.conn.set_trace_callback(lambda sql: commits.append(sql) if sql.strip() == "COMMIT" else None)
    state = make_fact(title="Another fact")
    timeline.conn.set_trace_callback(None)
    assert commits == ["COMMIT"]
    assert monitor.execute("PRAGMA data_version").fetchone()[0] != before
    assert timeline.store.last_position() == timeline.catch_up() and state.title == "Another fact"
    monitor.close()
