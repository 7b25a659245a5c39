"""Schema migrations: an existing database reaches the current schema with its log and projections intact."""

from __future__ import annotations

import sqlite3

import pytest

from events.admin.verify import verify
from events.log.migrations import MIGRATIONS, SCHEMA_VERSION, statements
from events.log.store import EventStore, canonical_json, connect
from events.read import projections
from events.service import Timeline


def _schema_4_database(path) -> None:
    """A database as schema 4 left it: the old guard, and search rows with tags joined by spaces."""
    conn = sqlite3.connect(path, isolation_level=None)
    for number in range(4):
        for statement in statements(MIGRATIONS[number]):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute(
        "INSERT INTO events (event_id, stream_id, version, type, payload, metadata, idempotency_key, recorded_at)"
        " VALUES ('e1', 'f1', 1, 'FactRecorded', ?, '{}', 'k', '2024-07-03T12:00:00.000000Z')",
        (
            '{"date":"2024-07","end_date":null,"fact_id":"f1","origin":"manual","sources":[],"summary":"",'
            '"tags":["sco","summit"],"title":"Astana summit"}',
        ),
    )
    conn.execute(
        "INSERT INTO facts VALUES (1, 'f1', '2024-07-00', '2024-07', NULL, 'month', 'Astana summit', '',"
        " '[\"sco\",\"summit\"]', '[]', 'manual', 1, 0, 0, NULL, '2024-07-03T12:00:00.000000Z',"
        " '2024-07-03T12:00:00.000000Z', 1)"
    )
    conn.execute("INSERT INTO fact_tags VALUES ('sco', 0, '2024-07-00', 1), ('summit', 0, '2024-07-00', 1)")
    conn.execute(
        "INSERT INTO facts_fts (rowid, title, summary, tags) VALUES (1, 'Astana summit', '', 'sco summit')"
    )
    conn.execute("INSERT INTO projection_checkpoints VALUES ('main', 1)")
    conn.close()


def test_a_schema_4_database_migrates(tmp_path):
    path = tmp_path / "old.db"
    _schema_4_database(path)
    store = EventStore(connect(path))
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # Migration 15 empties the projections (they held no past versions): catch_up projects the log again.
    assert projections.checkpoint(store.conn) == 0
    assert store.conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 0
    projections.catch_up(store)
    assert store.conn.execute("SELECT rowid, tags FROM facts_fts").fetchall() == [(1, '["sco","summit"]')]
    assert store.conn.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'summit'").fetchall() == [
        (1,)
    ]
    assert verify(store) == []
    store.conn.close()
    plain = sqlite3.connect(path)  # and the migrated guard refuses what schema 4 let through
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        plain.execute(
            "INSERT OR REPLACE INTO events (event_id, stream_id, version, type, payload, metadata, idempotency_key,"
            " batch_index, recorded_at) VALUES ('x', 'b', 1, 'Forged', '{}', '{}', 'k', 0, '2000-01-01T00:00:00.000000Z')"
        )
    plain.close()


def test_a_migrated_database_goes_on_appending_and_projecting(tmp_path):
    path = tmp_path / "old.db"
    _schema_4_database(path)
    timeline = Timeline(EventStore(connect(path)))
    fact = timeline.record_fact(
        {"date": "2024-07-04", "title": "Declaration signed", "tags": ["sco"]}, actor="t"
    )
    assert fact.tags == ("sco",)
    assert timeline.store.last_position() == 2
    assert verify(timeline.store) == []
    projections.rebuild(timeline.store)
    assert timeline.conn.execute("SELECT tag, n FROM fact_tags ORDER BY n, tag").fetchall() == [
        ("sco", 1),
        ("summit", 1),
        ("sco", 2),
    ]
    timeline.close()


def _indexes(conn) -> set[str]:
    return {
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    }


def test_every_projection_index_exists_after_migrating_and_after_a_rebuild(tmp_path):
    """Migration 7 adds facts_spans (date ranges), 15 the versions time travel reads (and drops migration 6's
    refold index); rebuild makes every index again."""
    path = tmp_path / "old.db"
    _schema_4_database(path)
    store = EventStore(connect(path))
    fresh = EventStore(connect(tmp_path / "new.db"))
    assert (
        _indexes(store.conn)
        == _indexes(fresh.conn)
        >= {"facts_changed", "facts_timeline", "facts_spans", "fact_versions_timeline", "fact_versions_spans"}
    )
    assert "facts_changed_again" not in _indexes(store.conn)
    projections.rebuild(store)
    assert _indexes(store.conn) == _indexes(fresh.conn)
    store.conn.close()
    fresh.conn.close()


def _fts_sql(conn) -> str:
    return conn.execute("SELECT sql FROM sqlite_master WHERE name = 'facts_fts'").fetchone()[0]


def _record_as_schema_7_did(timeline: Timeline, fields: dict) -> None:
    """A fact appended and projected into the columns facts had then (the first 18: later ones are added
    at the end), as a program of schema 7 did; this program's projections write columns it lacks."""
    from events.domain.fact import evolve_stream, fact_recorded, validate_fact

    event = fact_recorded("f1", validate_fact(fields), "manual")
    conn = timeline.conn
    conn.execute(  # the row as that program wrote it: the log had no hash column yet
        "INSERT INTO events (event_id, stream_id, version, type, payload, metadata, recorded_at)"
        " VALUES ('e1', 'f1', 1, ?, ?, '{}', '2024-07-03T12:00:00.000000Z')",
        (event.type, canonical_json(event.payload)),
    )
    events = list(timeline.store.read())
    conn.execute(
        f"INSERT INTO facts VALUES ({', '.join('?' * 18)})",
        projections._fact_row(1, evolve_stream(None, events))[:18],
    )
    conn.execute("INSERT INTO fact_tags SELECT t.value, 0, f.sort_key, f.n FROM facts f, json_each(f.tags) t")
    conn.execute(
        "INSERT INTO facts_fts (rowid, title, summary, tags) SELECT n, title, summary, tags FROM facts"
    )
    conn.execute("INSERT INTO projection_checkpoints VALUES ('main', 1)")


def test_a_schema_7_database_gets_the_stemming_index_and_keeps_it_through_a_rebuild(tmp_path, monkeypatch):
    """Migration 8: the search index is made again with the porter stemmer, from the facts already there."""
    from events.log import migrations
    from events.read.filters import Filters, TimelineQuery
    from events.read.timeline import timeline_page

    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:  # a program whose schema stopped at 7
        patch.setattr(migrations, "SCHEMA_VERSION", 7)
        timeline = Timeline(EventStore(connect(path)))
        _record_as_schema_7_did(
            timeline, {"date": "2024-07-04", "title": "Astana summits of the Organisation", "tags": ["sco"]}
        )
        assert "porter" not in _fts_sql(timeline.conn)
        timeline.close()
    timeline = Timeline(EventStore(connect(path)))
    timeline.catch_up()  # migration 15 emptied the projections, to project them again with past versions
    assert timeline.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "tokenize = 'porter unicode61 remove_diacritics 2'" in _fts_sql(timeline.conn)
    assert "content = 'facts', content_rowid = 'n'" in _fts_sql(timeline.conn)

    def titles(q: str) -> list[str]:
        page = timeline_page(timeline.conn, TimelineQuery(Filters(q=q)))
        return [item.state.title for item in page.facts]

    assert titles("summit organization") == ["Astana summits of the Organisation"]
    assert verify(timeline.store) == []
    projections.rebuild(timeline.store)
    assert "porter" in _fts_sql(timeline.conn)
    assert titles("summit organization") == ["Astana summits of the Organisation"]
    assert verify(timeline.store) == []
    timeline.close()


def test_a_schema_18_database_keeps_its_versions_sources_as_counts(tmp_path, monkeypatch):
    """Migration 19: each version whose sources begin the next list keeps their count alone, as the projector
    now writes them (so verify agrees with a rebuild), and time travel reads the same sources as before."""
    import datetime as dt

    from events.log import migrations
    from events.log.clock import FixedClock, to_utc_text
    from events.read.as_of import as_of
    from events.read.filters import Filters, TimelineQuery
    from events.read.timeline import timeline_page

    clock = FixedClock(dt.datetime(2024, 7, 1, tzinfo=dt.UTC), step=dt.timedelta(hours=1))
    sites = [{"url": f"https://example.org/report/{i}"} for i in range(4)]
    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:  # a program whose schema stopped at 18: versions copied every list
        patch.setattr(migrations, "SCHEMA_VERSION", 18)
        patch.setattr(
            projections, "_INSERT_VERSION", projections._INSERT_VERSION.replace(", source_count", "")
        )
        patch.setattr(projections, "_INSERT_VERSION", projections._INSERT_VERSION.replace(", ?)", ")"))
        patch.setattr(
            projections, "_version_row", lambda at, n, replaced, by: (at, *projections._fact_row(n, replaced))
        )
        timeline = Timeline(EventStore(connect(path), clock))
        fact = timeline.record_fact(
            {"date": "2024-07-04", "title": "Astana summit", "sources": sites[:1]}, actor="t"
        )
        moments = [to_utc_text(clock.now)]
        for cited in (2, 3, 1, 4):
            clock.now += dt.timedelta(days=1)
            timeline.correct_fact(
                fact.fact_id, {"sources": sites[:cited]}, reason="r", expected_version=None, actor="t"
            )
            moments.append(to_utc_text(clock.now))
        timeline.close()

    def seen(timeline: Timeline) -> list[list[str]]:
        pages = []
        for moment in moments:
            at = as_of(timeline.store, moment)
            page = timeline_page(timeline.conn, TimelineQuery(Filters(), as_of=moment), at.sources)
            pages.append([s["url"] for item in page.facts for s in item.state.sources])
        return pages

    old = sqlite3.connect(path)
    assert old.execute(
        "SELECT count(*) FROM fact_versions WHERE json_array_length(sources) > 0"
    ).fetchone() == (4,)
    old.close()
    timeline = Timeline(EventStore(connect(path), clock))
    counts = timeline.conn.execute("SELECT source_count FROM fact_versions ORDER BY replaced_at").fetchall()
    assert counts == [(1,), (2,), (None,), (1,)]  # the list of 3 stays whole: 1 source follows it
    urls = [site["url"] for site in sites]
    assert seen(timeline) == [urls[:1], urls[:2], urls[:3], urls[:1], urls]
    assert verify(timeline.store) == []
    timeline.close()
