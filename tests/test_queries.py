"""Read-side queries against a plain-Python model: pages, filters, search strategies, time travel, cursors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from events.store import read_transaction
from events import queries
from events.clock import FixedClock, to_utc_text
from events.dates import FuzzyDate
from events.facts import fold
from events.queries import BadParameter, Cursor, Filters, TimelineQuery
from events.service import Timeline
from events.store import EventStore, connect

UTC = dt.timezone.utc
T0 = dt.datetime(2024, 1, 1, tzinfo=UTC)
WORDS = ["alpha", "beta", "gamma", "delta", "émigré"]
TAGS = ["a", "b", "c"]


# ---------------------------------------------------------------- a model to compare with

def tokens(state) -> list[str]:
    text = f"{state.title} {state.summary} {' '.join(state.tags)}"
    return [queries._fold_word(w) for w in re.findall(r"[^\W_]+", text)]


def model_matches(state, filters: Filters) -> bool:
    if state.retracted and not filters.retracted:
        return False
    if not set(filters.tags) <= set(state.tags):
        return False
    if filters.low_key and state.sort_key < filters.low_key:
        return False
    if filters.high_key and state.sort_key > filters.high_key:
        return False
    if filters.match:
        *exact, prefix = filters.words
        have = tokens(state)
        return all(w in have for w in exact) and any(t.startswith(prefix) for t in have)
    return True


def model_order(timeline: Timeline, states, filters: Filters, order: str) -> list[str]:
    numbers = dict(timeline.conn.execute("SELECT fact_id, n FROM facts"))
    chosen = [s for s in states.values() if model_matches(s, filters)]
    chosen.sort(key=lambda s: (s.sort_key, numbers[s.fact_id]), reverse=order == "desc")
    return [s.fact_id for s in chosen]


def walk(timeline: Timeline, query: TimelineQuery, sources=queries.LIVE) -> list[list[str]]:
    pages = []
    while True:
        page = queries.timeline_page(timeline.conn, query, sources)
        pages.append([item.state.fact_id for item in page.facts])
        following = page.earlier if query.order == "desc" else page.later
        if following is None:
            return pages
        query = dataclasses.replace(query, cursor=following)


# ---------------------------------------------------------------- random histories

dates = st.one_of(
    st.builds(lambda y: f"{y}", st.integers(2020, 2022)),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2020, 2022), st.integers(1, 12)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(2020, 2022), st.integers(1, 12), st.integers(1, 28)),
)
facts = st.fixed_dictionaries({
    "date": dates,
    "title": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    "tags": st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
})  # fmt: skip
changes = st.one_of(
    st.tuples(st.just("correct"), st.integers(0, 100), facts),
    st.tuples(st.just("retract"), st.integers(0, 100), st.none()),
)
filters = st.builds(
    Filters,
    tags=st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
    q=st.sampled_from(["", "alpha", "gam", "beta alpha", "emigre", "AND -", "b"]),
    start=st.one_of(st.none(), dates.map(FuzzyDate.parse)),
    end=st.one_of(st.none(), dates.map(FuzzyDate.parse)),
    retracted=st.booleans(),
)


def build(path: Path, new_facts: list[dict], edits: list[tuple]) -> tuple[Timeline, FixedClock]:
    clock = FixedClock(T0, step=dt.timedelta(minutes=1))
    conn = connect(path)
    conn.execute("PRAGMA synchronous = OFF")  # these tests read; durability is the store's tests' concern
    timeline = Timeline(EventStore(conn, clock))
    ids = [timeline.record_fact(f, actor="t", origin="manual").fact_id for f in new_facts]
    for kind, index, fields in edits:
        state = timeline.fact(ids[index % len(ids)])
        if state.retracted:
            continue
        if kind == "retract":
            timeline.retract_fact(state.fact_id, reason="r", expected_version=None, actor="t")
            continue
        changed = {k: v for k, v in fields.items() if v != getattr(state, k) and v != list(getattr(state, k, ()))}
        if changed:
            timeline.correct_fact(state.fact_id, changed, reason="r", expected_version=None, actor="t")
    return timeline, clock


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(facts, min_size=1, max_size=25), st.lists(changes, max_size=10), filters,
       st.sampled_from(["desc", "asc"]), st.integers(1, 7))  # fmt: skip
def test_pages_cover_the_model_exactly_once_in_order(new_facts, edits, chosen, order, limit):
    with tempfile.TemporaryDirectory() as folder:
        timeline, _ = build(Path(folder) / "t.db", new_facts, edits)
        try:
            expected = model_order(timeline, fold(timeline.store.read()), chosen, order)
            pages = walk(timeline, TimelineQuery(chosen, order, limit=limit))
            assert [i for p in pages for i in p] == expected
            assert all(len(p) == limit for p in pages[:-1])
            summary = queries.summarize(timeline.conn, chosen)
            assert summary.total == len(expected)
        finally:
            timeline.close()


@SETTINGS
@given(st.lists(facts, min_size=1, max_size=20), st.lists(changes, max_size=10), filters, st.integers(0, 40))
def test_as_of_equals_folding_the_log_up_to_that_moment(new_facts, edits, chosen, minutes):
    with tempfile.TemporaryDirectory() as folder:
        timeline, _ = build(Path(folder) / "t.db", new_facts, edits)
        try:
            moment = to_utc_text(T0 + dt.timedelta(minutes=minutes, seconds=30))
            position = timeline.store.position_as_of(moment)
            expected = model_order(timeline, fold(timeline.store.read(until=position)), chosen, "desc")
            with read_transaction(timeline.conn):
                at = queries.as_of(timeline.store, moment)
                pages = walk(timeline, TimelineQuery(chosen, limit=4, as_of=moment), at.sources)
                summary = queries.summarize(timeline.conn, chosen, at.sources)
            assert at.position == position
            assert [i for p in pages for i in p] == expected
            assert summary.total == len(expected)
        finally:
            timeline.close()


@settings(max_examples=25, deadline=None)
@given(st.lists(facts, min_size=1, max_size=20), filters)
def test_both_search_strategies_agree(new_facts, chosen):
    with tempfile.TemporaryDirectory() as folder:
        timeline, _ = build(Path(folder) / "t.db", new_facts, [])
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(queries, "_few_hits", lambda *args: True)  # read every hit and sort
                few = walk(timeline, TimelineQuery(chosen, limit=3))
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(queries, "_few_hits", lambda *args: False)  # walk the timeline, checking rows against the hits
                many = walk(timeline, TimelineQuery(chosen, limit=3))
            assert few == many
        finally:
            timeline.close()


# ---------------------------------------------------------------- cost does not grow with the table

def plans(timeline: Timeline, query: TimelineQuery) -> list[str]:
    filters = query.filters
    sql, params, ks = queries._branch(timeline.conn, filters, queries.Source(), 0, True, ("2024-01-01", 10))
    sql += f" ORDER BY {ks}.sort_key DESC, {ks}.n DESC LIMIT 51"
    return [row[3] for row in timeline.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.mark.parametrize("chosen", [Filters(), Filters(tags=("a",)), Filters(tags=("a", "b")), Filters(start=FuzzyDate(2021))])
def test_page_queries_walk_an_index_without_sorting(seeded, chosen):
    plan = plans(seeded, TimelineQuery(chosen))
    assert any("USING" in step and ("facts_timeline" in step or "PRIMARY KEY" in step) for step in plan), plan
    assert not any("TEMP B-TREE" in step or step.startswith("SCAN f") or step.startswith("SCAN t") for step in plan), plan


def test_no_offset_anywhere():
    source = Path(queries.__file__).read_text("utf-8")
    assert "OFFSET" not in source.upper()


# ---------------------------------------------------------------- cursors

keys = st.builds(
    lambda y, m, d, n, older: Cursor(f"{y:04d}-{m:02d}-{d:02d}", n, older),
    st.integers(1, 9999), st.integers(0, 12), st.integers(0, 31), st.integers(1, 10**12), st.booleans(),
)  # fmt: skip


@given(keys)
def test_cursor_round_trips_and_is_url_safe(cursor):
    text = cursor.encode()
    assert re.fullmatch(r"[A-Za-z0-9_-]+", text)
    assert Cursor.decode(text) == cursor


@given(keys, st.data())
def test_a_tampered_cursor_is_refused(cursor, data):
    text = cursor.encode()
    index = data.draw(st.integers(0, len(text) - 1))
    replacement = data.draw(st.sampled_from("ABCabc012_-").filter(lambda c: c != text[index]))
    tampered = text[:index] + replacement + text[index + 1 :]
    try:
        decoded = Cursor.decode(tampered)
    except BadParameter as error:
        assert error.parameter == "cursor"
    else:  # only the unused low bits of the last character changed
        assert decoded == cursor and index == len(text) - 1


@pytest.mark.parametrize("text", ["", "=", "a", "é", "x" * 500, "AAAA", Cursor("2024-01-01", 1, True).encode()[:-4]])
def test_garbage_cursors_are_bad_parameters(text):
    with pytest.raises(BadParameter):
        Cursor.decode(text)


# ---------------------------------------------------------------- parameters

def test_parse_query_reads_every_parameter():
    args = MultiDict([("tag", "Russia"), ("tag", "china"), ("q", " summit "), ("from", "2024"), ("to", "2024-03"),
                      ("order", "asc"), ("show", "retracted"), ("as_of", "2024-01-01T01:00:00+01:00")])  # fmt: skip
    query = queries.parse_query(args)
    assert query.filters == Filters(("russia", "china"), "summit", FuzzyDate(2024), FuzzyDate(2024, 3), True)
    assert query.order == "asc" and query.as_of == "2024-01-01T00:00:00.000000Z" and query.limit == 50
    assert queries.parse_query(MultiDict(query.params())) == query


def test_date_bounds_cover_the_whole_period():
    assert Filters(start=FuzzyDate(2024)).low_key == "2024-00-00"
    assert Filters(end=FuzzyDate(2024, 3)).high_key == "2024-03-99"
    assert Filters(end=FuzzyDate(2024)).high_key == "2024-99-99"
    assert Filters(end=FuzzyDate(2024, 3, 5)).high_key == "2024-03-05"


@pytest.mark.parametrize(
    "args, parameter",
    [({"from": "2024-3"}, "from"), ({"from": "2025", "to": "2024"}, "to"), ({"order": "random"}, "order"),
     ({"as_of": "2024-13-01"}, "as_of"), ({"tag": ["a"] * 11}, "tag"), ({"show": "all"}, "show")],
)  # fmt: skip
def test_bad_parameters_name_themselves(args, parameter):
    multi = MultiDict([(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])])
    with pytest.raises(BadParameter) as raised:
        queries.parse_query(multi)
    assert raised.value.parameter == parameter


# ---------------------------------------------------------------- highlighting and history

def test_highlight_marks_words_like_fts_does():
    pieces = queries.highlight("The Émigré summit in Samarkand; summits", ("emigre", "samar"))
    assert [p for p, hit in pieces if hit] == ["Émigré", "Samarkand"]
    assert "".join(p for p, _ in pieces) == "The Émigré summit in Samarkand; summits"
    assert queries.highlight("text", ()) == [("text", False)]


def test_history_says_what_changed_and_who(seeded):
    fid = seeded.conn.execute("SELECT fact_id FROM facts WHERE date = '2001'").fetchone()[0]
    seeded.correct_fact(fid, {"date": "2001-06-15"}, reason="exact day", expected_version=1, actor="editor:ana")
    recorded, corrected = queries.fact_history(seeded.store, fid)
    assert (recorded.kind, recorded.actor) == ("recorded", "seed")
    assert corrected.changes == (queries.Change("date", "2001", "2001-06-15"),) and corrected.actor == "editor:ana"


def test_health_reads_feed_status(seeded):
    assert queries.health(seeded.store) == {"log_position": 29, "projection_checkpoint": 29, "projection_lag": 0, "feeds": []}
