"""Projection internals that rebuild relies on for speed: each fast path agrees with the plain one."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from events.domain.fact import (
    evolve,
    evolve_stream,
    fact_corrected,
    fact_recorded,
    fact_retracted,
    fact_source_added,
)
from events.log.clock import FixedClock
from events.log.errors import UnknownFact
from events.log.model import Event, StreamAppend
from events.log.store import EventStore, connect
from events.read import projections, search_beside
from events.service import Timeline

T0 = dt.datetime(2024, 7, 3, 12, 0, tzinfo=dt.UTC)


def _recorded(position: int, fields: dict, origin: str = "feed") -> Event:
    new = fact_recorded(f"f{position}", fields, origin)
    return Event(position, f"e{position}", f"f{position}", 1, new.type, 1, new.payload, {}, None, T0)


@pytest.mark.parametrize(
    "fields",
    [
        {"date": "2024", "title": "Year only"},
        {"date": "2024-07", "end_date": "2024-08", "title": "Month", "summary": "Ünïcode ✓", "tags": ["sco"]},
        {
            "date": "2024-07-03",
            "end_date": None,
            "title": "Day",
            "summary": "s",
            "tags": ["a", "b-c"],
            "sources": [{"url": "https://example.org/", "title": None, "outlet": "X", "published": None}],
        },
    ],
)
@pytest.mark.parametrize("log_here", [False, True])
def test_the_recorded_fast_row_is_the_folded_row(fields, log_here):
    event = _recorded(7, fields)
    origin = projections._origin(event) if log_here else None
    row = projections._row_of(3, evolve(None, event), origin)
    assert projections._recorded_row(3, event, log_here) == row
    assert (row[6] is None, row[-1]) == (
        (True, 7) if log_here else (False, None)
    )  # the title left to the log


def _stream_of(kinds: str) -> list[Event]:
    """One fact's events: R recorded, S a source added, C corrected, X retracted, in the order given."""
    events, state = [], None
    for version, kind in enumerate(kinds, start=1):
        at = T0 + dt.timedelta(minutes=version)
        if kind == "R":
            new = fact_recorded("f", {"date": "2024-07", "title": "T", "sources": []}, "feed")
        elif kind == "S":
            new = fact_source_added(
                {"url": f"https://example.org/{version}", "title": None, "outlet": None, "published": None},
                article=f"a{version}",
            )
        elif kind == "C":
            new = fact_corrected(state, {"title": f"T{version}"}, "typo")
        else:
            new = fact_retracted(state, "wrong")
        events.append(
            Event(100 + version, f"e{version}", "f", version, new.type, 1, new.payload, {}, None, at)
        )
        state = evolve(state, events[-1])
    return events


@pytest.mark.parametrize("kinds", ["R", "RS", "RSSS", "RSSCSSX", "RCSSSSCS", "RXSS", "RSCSCSC"])
def test_a_stream_folded_in_runs_equals_one_event_at_a_time(kinds):
    events = _stream_of(kinds)
    one_by_one = None
    for event in events:
        one_by_one = evolve(one_by_one, event)
    assert evolve_stream(None, events) == one_by_one
    for cut in range(1, len(events)):  # from a state already projected, as catch_up folds
        assert evolve_stream(evolve_stream(None, events[:cut]), events[cut:]) == one_by_one


def test_a_source_for_an_unknown_fact_is_refused_in_a_run_too():
    with pytest.raises(UnknownFact):
        evolve_stream(None, _stream_of("RSS")[1:])


def _history(timeline: Timeline) -> None:
    """Facts recorded, corrected and retracted, so later chunks meet facts of earlier ones."""
    ids = [
        timeline.record_fact(
            {"date": f"2024-0{1 + i % 9}", "title": f"Fact {i}", "tags": ["sco", f"t{i % 3}"]}, actor="t"
        ).fact_id
        for i in range(12)
    ]
    for i, fact_id in enumerate(ids[:6]):
        timeline.correct_fact(
            fact_id,
            {"tags": ["changed"], "title": f"Fact {i} again"} | ({"date": "2023-12-31"} if i % 2 else {}),
            reason="r",
            expected_version=1,
            actor="t",
        )
    timeline.retract_fact(ids[0], reason="wrong", expected_version=2, actor="t")
    # Text that JSON escapes, and text it does not: rebuild writes recorded facts with SQL and folds
    # the escaped ones again (projections._LEFT); either way the rows equal catch_up's.
    timeline.record_fact(
        {
            "date": "2024-02-29",
            "title": 'A "quoted" \\ title',
            "summary": "tab\there",
            "tags": ["ünï", "sco"],
        },
        actor="t",
    )
    planned = fact_recorded(
        "f-planned",
        {"date": "2024", "title": "Année ✓", "summary": "", "tags": ["ünï"], "status": "planned"}
        | {
            "sources": [
                {"url": "https://example.org/é", "title": "Ünïcode", "outlet": None, "published": None}
            ]
        },
        "feed",
    )
    timeline.store.append([StreamAppend("f-planned", (planned,), 0)])
    projections.catch_up(timeline.store)


def _dump(conn) -> dict:
    tables = (
        "facts",
        "fact_tags",
        "fact_versions",
        "fact_version_tags",
        "tag_counts",
        "period_counts",
        "tag_pair_counts",
        "projection_checkpoints",
    )
    dump = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    dump["fts"] = conn.execute("SELECT rowid, title, summary, tags FROM facts_fts ORDER BY rowid").fetchall()
    dump["search"] = conn.execute(
        "SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'changed' ORDER BY 1"
    ).fetchall()
    return dump


class _LogElsewhere(EventStore):
    """A store whose log rebuild must read through read_chunks (as PostgreSQL's, or verify's snapshot)."""

    url = "elsewhere"


@pytest.mark.parametrize("batch", [1, 5, 1000])
@pytest.mark.parametrize("store_class", [EventStore, _LogElsewhere])
def test_rebuild_in_any_chunk_size_equals_catching_up(tmp_path, batch, store_class):
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(T0, dt.timedelta(seconds=1))))
    _history(timeline)
    caught_up = _dump(timeline.conn)
    assert len(caught_up["search"]) == 6  # the six corrected facts (retracted ones stay searchable)
    assert caught_up["fact_tags"].count(("ünï", 0, "2024-00-00", 14)) == 1
    projections.rebuild(store_class(timeline.conn), batch=batch)
    assert _dump(timeline.conn) == caught_up
    timeline.conn.execute(
        "INSERT INTO facts_fts (facts_fts, rank) VALUES ('integrity-check', 1)"
    )  # raises if not
    timeline.close()


@pytest.mark.parametrize("secure_delete", [0, 1])
def test_rebuild_gives_back_the_collector_the_cache_and_secure_delete(tmp_path, secure_delete):
    store = EventStore(connect(tmp_path / "t.db"))
    store.conn.execute(f"PRAGMA secure_delete = {secure_delete}")
    cache = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    assert gc.isenabled()
    projections.rebuild(store)
    assert gc.isenabled()
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == cache
    assert store.conn.execute("PRAGMA secure_delete").fetchone()[0] == secure_delete
    store.conn.close()


def test_rebuild_spells_a_fact_as_catch_up_whatever_spelling_the_log_has(tmp_path):
    """A payload escaped otherwise than canonical_json would (\\u00fc) and a time with an offset
    (older writers, imports): rebuild's SQL would copy them as they are, so it folds them instead."""
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(T0, dt.timedelta(seconds=1))))
    timeline.record_fact({"date": "2024-07", "title": "Plain", "tags": ["sco"]}, actor="t")
    payload = (
        '{"date":"2024","fact_id":"fx","origin":"feed","sources":[{"title":"\\u00c9t\\u00e9","url":"u"}],'
        '"summary":"","tags":["\\u00fcn\\u00ef"],"title":"\\u00c9"}'
    )
    plain = payload.encode().decode("unicode_escape").replace('"fx"', '"fy"')
    timeline.conn.executemany(
        "INSERT INTO events (position, event_id, stream_id, version, type, payload, metadata, recorded_at)"
        " VALUES (?, ?, ?, 1, 'FactRecorded', ?, '{}', ?)",
        [
            (2, "ex", "fx", payload, "2024-07-03T12:00:05.000000Z"),
            (3, "ey", "fy", plain, "2024-07-03T12:00:06+00:00"),
        ],
    )
    projections.catch_up(timeline.store)
    caught_up = _dump(timeline.conn)
    assert ("ünï", 0, "2024-00-00", 2) in caught_up["fact_tags"]
    assert (
        caught_up["facts"][2][15] == "2024-07-03T12:00:06.000000Z"
    )  # first_recorded, as to_utc_text spells it
    projections.rebuild(timeline.store)
    assert _dump(timeline.conn) == caught_up
    timeline.close()


@pytest.mark.parametrize("rebuilt", [False, True])
def test_rows_leave_to_the_log_the_texts_it_still_says(tmp_path, rebuilt):
    """Migration 18: a fact's title, summary and sources stay in its FactRecorded's payload while they are
    what it says, whoever projected the row (catch_up, or rebuild's SQL and its folds); a changed text,
    or one the payload spells otherwise, is kept in the row; the facts view gives every text."""
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(T0, dt.timedelta(seconds=1))))
    _history(timeline)
    if rebuilt:
        projections.rebuild(timeline.store)
    rows = timeline.conn.execute(
        "SELECT f.title, v.title, f.summary, f.sources, f.texts_from, e.type FROM fact_rows f"
        " JOIN facts v USING (n) LEFT JOIN events e ON e.position = f.texts_from ORDER BY n"
    ).fetchall()
    assert [row[1] for row in rows[:2]] == ["Fact 0 again", "Fact 1 again"]
    assert all(row[0] == row[1] and row[2] is None for row in rows[:6])  # retitled, summary untouched
    assert all(row[0] is None and row[3] is None for row in rows[6:])  # never changed
    assert rows[12][1] == 'A "quoted" \\ title'  # JSON escapes it: json_extract reads it back
    assert {row[5] for row in rows} == {"FactRecorded"}
    planned = timeline.conn.execute("SELECT sources FROM facts WHERE fact_id = 'f-planned'").fetchone()[0]
    assert "Ünïcode" in planned
    timeline.close()


def test_a_log_kept_elsewhere_leaves_every_text_in_the_row(tmp_path):
    """PostgreSQL's nodes (issue 20): the file's events table is empty, so the rows keep their texts."""
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(T0, dt.timedelta(seconds=1))))
    _history(timeline)
    projections.rebuild(_LogElsewhere(timeline.conn))
    kept = "SELECT count(*), count(title), count(summary), count(sources), count(texts_from) FROM fact_rows"
    assert timeline.conn.execute(kept).fetchone() == (14, 14, 14, 14, 0)
    timeline.close()


def test_the_view_derives_what_rows_leave_out_as_the_domain_does(tmp_path):
    """precision, last_recorded and split_off are NULL in a row that says them otherwise (migration 18)."""
    from events.domain.dates import precision_of
    from events.log.migrations import DERIVED

    conn = connect(tmp_path / "t.db")
    for date in ("2024", "2024-05", "2024-05-17"):
        derived = conn.execute(f"SELECT {DERIVED['precision'].replace('f.date', '?')}", (date,)).fetchone()[0]
        assert derived == precision_of(date).value
    timeline = Timeline(EventStore(conn, FixedClock(T0, dt.timedelta(seconds=1))))
    _history(timeline)
    left_out = "SELECT count(precision), count(last_recorded), count(split_off) FROM fact_rows"
    assert conn.execute(left_out).fetchone() == (0, 6, 0)  # the six corrected facts changed after
    timeline.close()


@pytest.mark.parametrize("name", ["t.db", "a #b?c%20d.db"])  # the second connection opens it by URI
def test_rebuild_tokenises_the_search_index_beside_and_copies_it_in(tmp_path, monkeypatch, name):
    """The facts' index made by a second connection from the FactRecorded events, then the facts later
    events changed indexed again: FTS5 finds it consistent with the facts view, and no file is left."""
    timeline = Timeline(EventStore(connect(tmp_path / name), FixedClock(T0, dt.timedelta(seconds=1))))
    _history(timeline)
    copied = []
    plain_copy = search_beside.SearchBeside.copy_into
    monkeypatch.setattr(
        search_beside.SearchBeside, "copy_into", lambda self, conn: copied.append(plain_copy(self, conn))
    )
    projections.rebuild(timeline.store)
    assert copied and not list(tmp_path.glob("*-rebuild-search*"))
    timeline.conn.execute("INSERT INTO facts_fts (facts_fts, rank) VALUES ('integrity-check', 1)")
    found = timeline.conn.execute("SELECT count(*) FROM facts_fts WHERE facts_fts MATCH ?", ("again",))
    assert found.fetchone()[0] == 6  # the corrected titles; their recorded ones are gone from the index
    gone = "SELECT count(*) FROM facts_fts WHERE facts_fts MATCH 'title:fact NOT title:again'"
    assert timeline.conn.execute(gone).fetchone()[0] == 6
    timeline.close()


def test_a_failed_search_index_beside_rolls_the_rebuild_back(tmp_path, monkeypatch):
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(T0, dt.timedelta(seconds=1))))
    _history(timeline)
    before = _dump(timeline.conn)

    def failing(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(search_beside, "_tokenise", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        projections.rebuild(timeline.store)
    assert _dump(timeline.conn) == before and not list(tmp_path.glob("*-rebuild-search*"))
    timeline.close()


def test_a_rebuild_inside_a_transaction_indexes_what_the_transaction_holds(tmp_path):
    """As an import projects the log it has not committed: no second connection could see those events."""
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(T0, dt.timedelta(seconds=1))))
    _history(timeline)
    timeline.conn.execute("BEGIN IMMEDIATE")
    timeline.record_fact({"date": "2024-03", "title": "Uncommitted yet", "tags": ["sco"]}, actor="t")
    projections.rebuild(timeline.store)
    timeline.conn.execute("INSERT INTO facts_fts (facts_fts, rank) VALUES ('integrity-check', 1)")
    found = timeline.conn.execute("SELECT count(*) FROM facts_fts WHERE facts_fts MATCH 'uncommitted'")
    assert found.fetchone()[0] == 1
    timeline.conn.execute("COMMIT")
    timeline.close()


@pytest.mark.parametrize(("helpers", "busy"), [(0, False), (2, False), (2, True)])
def test_sorts_in_many_short_runs_equal_catching_up_and_give_the_cache_back(
    tmp_path, monkeypatch, helpers, busy
):
    """Rebuild sorts fact_tags, the indexes and the counts' groups with a small cache_size and SQLite's
    sorter helper threads (_short_sorted_runs), none while the search index's thread is busy: with runs at
    SQLite's least (10 pages), 3,000 facts' tags make dozens of runs, merged from files (by the helpers
    too, with helpers)."""
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(T0, dt.timedelta(seconds=1))))
    facts = [
        fact_recorded(
            f"f{i}",
            {
                "date": f"20{10 + i % 15}-{1 + i % 12:02d}",
                "title": f"Fact {i}",
                "tags": [f"a{(i * 7) % 40}", f"b{i % 3}", "sco"],
            },
            "feed",
        )
        for i in range(3_000)
    ]
    timeline.store.append([StreamAppend(f"f{i}", (new,), 0) for i, new in enumerate(facts)])
    projections.catch_up(timeline.store)
    caught_up = _dump(timeline.conn)
    cache = timeline.conn.execute("PRAGMA cache_size").fetchone()[0]
    threads = timeline.conn.execute("PRAGMA threads").fetchone()[0]
    sorted_with = []
    timeline.conn.set_trace_callback(
        lambda sql: sql.startswith(("PRAGMA cache_size = -", "PRAGMA threads = ")) and sorted_with.append(sql)
    )
    monkeypatch.setattr(projections, "SORTED_RUN_KIB", 1)
    monkeypatch.setattr(projections, "SORTER_HELPERS", helpers)
    monkeypatch.setattr(search_beside.SearchBeside, "busy", lambda self: busy)
    projections.rebuild(timeline.store)
    assert _dump(timeline.conn) == caught_up
    assert timeline.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    used = {sql for sql in sorted_with if sql.startswith("PRAGMA threads")}
    assert "PRAGMA cache_size = -1" in sorted_with
    assert used == {f"PRAGMA threads = {0 if busy else helpers}", f"PRAGMA threads = {threads}"}
    assert timeline.conn.execute("PRAGMA cache_size").fetchone()[0] == cache
    assert timeline.conn.execute("PRAGMA threads").fetchone()[0] == threads
    timeline.close()
