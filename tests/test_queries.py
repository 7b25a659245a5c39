"""Read-side queries against a plain-Python model: pages, filters, search strategies, time travel, cursors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from events.domain.dates import FuzzyDate, check_span, parse_optional
from events.domain.fact import fold
from events.log.clock import FixedClock, to_utc_text
from events.log.errors import InvalidDate
from events.log.store import EventStore, connect, read_transaction
from events.read import projections
from events.read import timeline as timeline_pages  # patched there: _branches looks _few_hits up in it
from events.read.as_of import as_of
from events.read.filters import BadParameter, Cursor, Filters, TimelineQuery, _fold_word, parse_query
from events.read.health import health
from events.read.history import FieldChange, fact_history
from events.read.present import highlight
from events.read.search import spellings, stem
from events.read.summary import summarize
from events.read.timeline import LIVE, Source, timeline_page
from events.service import Timeline

UTC = dt.UTC
T0 = dt.datetime(2024, 1, 1, tzinfo=UTC)
WORDS = ["alpha", "beta", "gamma", "delta", "émigré", "summits", "meeting", "organisation", "Organization"]
TAGS = ["a", "b", "c"]


# ---------------------------------------------------------------- a model to compare with


def tokens(state) -> list[str]:
    text = f"{state.title} {state.summary} {' '.join(state.tags)}"
    return [_fold_word(w) for w in re.findall(r"[^\W_]+", text)]


def model_matches(state, filters: Filters) -> bool:
    if state.retracted and not filters.retracted:
        return False
    if not set(filters.tags) <= set(state.tags):
        return False
    if not overlaps(state.date, state.end_date, filters.start, filters.end):
        return False
    if filters.match:  # the index holds stems; a word matches in either spelling, the last one as a prefix
        *exact, prefix = filters.words
        have = [stem(t) for t in tokens(state)]
        return all(any(stem(form) in have for form in spellings(w)) for w in exact) and any(
            t.startswith(stem(form)) for form in spellings(prefix) for t in have
        )
    return True


def overlaps(date: str, end_date: str | None, start: FuzzyDate | None, end: FuzzyDate | None) -> bool:
    """The days the fact may cover overlap the days the range covers, in plain Python."""
    first = FuzzyDate.parse(date).first_day()
    last = FuzzyDate.parse(end_date or date).last_day()
    return (end is None or first <= end.last_day()) and (start is None or last >= start.first_day())


def model_order(timeline: Timeline, states, filters: Filters, order: str) -> list[str]:
    numbers = dict(timeline.conn.execute("SELECT fact_id, n FROM facts"))
    chosen = [s for s in states.values() if model_matches(s, filters)]
    chosen.sort(key=lambda s: (s.sort_key, numbers[s.fact_id]), reverse=order == "desc")
    return [s.fact_id for s in chosen]


def walk(timeline: Timeline, query: TimelineQuery, sources=LIVE) -> list[list[str]]:
    pages = []
    while True:
        page = timeline_page(timeline.conn, query, sources)
        pages.append([item.state.fact_id for item in page.facts])
        following = page.earlier if query.order == "desc" else page.later
        if following is None:
            return pages
        query = dataclasses.replace(query, cursor=following)


# ---------------------------------------------------------------- random histories

dates = st.one_of(
    st.builds(lambda y: f"{y}", st.integers(2020, 2022)),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2020, 2022), st.integers(1, 12)),
    st.builds(
        lambda y, m, d: f"{y}-{m:02d}-{d:02d}",
        st.integers(2020, 2022),
        st.integers(1, 12),
        st.integers(1, 28),
    ),
)


def valid_span(fact: dict) -> bool:
    try:
        check_span(FuzzyDate.parse(fact["date"]), parse_optional(fact["end_date"]))
    except InvalidDate:
        return False
    return True


facts = st.fixed_dictionaries(
    {
        "date": dates,
        "end_date": st.one_of(st.none(), st.none(), dates),  # spans: a third of the facts, before filtering
        "title": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
        "tags": st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
    }
).filter(valid_span)
changes = st.one_of(
    st.tuples(st.just("correct"), st.integers(0, 100), facts),
    st.tuples(st.just("retract"), st.integers(0, 100), st.none()),
    st.tuples(st.just("cite"), st.integers(0, 100), st.integers(0, 3)),  # a source more, or one fewer (0)
)
filters = st.builds(
    Filters,
    tags=st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
    q=st.sampled_from(
        [
            "",
            "alpha",
            "gam",
            "beta alpha",
            "emigre",
            "AND -",
            "b",
            "summit",
            "meetings alpha",
            "organization",
            "organisations summ",
        ]
    ),
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
        if kind == "cite":  # a later version's list begins with this one's (kept as a count), or does not
            cited = [*state.sources, {"url": f"https://example.org/{len(state.sources)}/{fields}"}]
            sources = cited if fields else list(state.sources[1:])
            if sources == list(state.sources):
                continue
            timeline.correct_fact(
                state.fact_id, {"sources": sources}, reason="r", expected_version=None, actor="t"
            )
            continue
        changed = {
            k: v for k, v in fields.items() if v != getattr(state, k) and v != list(getattr(state, k) or ())
        }
        if changed:
            timeline.correct_fact(state.fact_id, changed, reason="r", expected_version=None, actor="t")
    return timeline, clock


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    st.lists(facts, min_size=1, max_size=25),
    st.lists(changes, max_size=10),
    filters,
    st.sampled_from(["desc", "asc"]),
    st.integers(1, 7),
)
def test_pages_cover_the_model_exactly_once_in_order(new_facts, edits, chosen, order, limit):
    with tempfile.TemporaryDirectory() as folder:
        timeline, _ = build(Path(folder) / "t.db", new_facts, edits)
        try:
            expected = model_order(timeline, fold(timeline.store.read()), chosen, order)
            pages = walk(timeline, TimelineQuery(chosen, order, limit=limit))
            assert [i for p in pages for i in p] == expected
            assert all(len(p) == limit for p in pages[:-1])
            summary = summarize(timeline.conn, chosen)
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
            for projected in ("appended", "rebuilt"):  # past versions kept by catch_up, then by rebuild
                if projected == "rebuilt":
                    projections.rebuild(timeline.store)
                with read_transaction(timeline.conn):
                    at = as_of(timeline.store, moment)
                    pages = walk(timeline, TimelineQuery(chosen, limit=4, as_of=moment), at.sources)
                    listed = timeline_page(timeline.conn, TimelineQuery(chosen, limit=50), at.sources).facts
                    summary = summarize(timeline.conn, chosen, at.sources)
                assert at.position == position
                assert [i for p in pages for i in p] == expected, projected
                then = fold(timeline.store.read(until=position))
                assert {i.state.fact_id: i.state.sources for i in listed} == {
                    i.state.fact_id: then[i.state.fact_id].sources for i in listed
                }, projected
                assert summary.total == len(expected), projected
        finally:
            timeline.close()


@settings(max_examples=25, deadline=None)
@given(st.lists(facts, min_size=1, max_size=20), filters)
def test_both_search_strategies_agree(new_facts, chosen):
    with tempfile.TemporaryDirectory() as folder:
        timeline, _ = build(Path(folder) / "t.db", new_facts, [])
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(timeline_pages, "_few_hits", lambda *args: True)  # read every hit and sort
                few = walk(timeline, TimelineQuery(chosen, limit=3))
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(
                    timeline_pages, "_few_hits", lambda *args: False
                )  # walk the timeline, checking rows against the hits
                many = walk(timeline, TimelineQuery(chosen, limit=3))
            assert few == many
        finally:
            timeline.close()


# ---------------------------------------------------------------- cost does not grow with the table


def plans(timeline: Timeline, query: TimelineQuery) -> list[list[str]]:
    """The plan of each piece of the page query (one piece per part of a date range)."""
    out = []
    for sql, params, ks in timeline_pages._branches(
        timeline.conn, query.filters, Source(), 0, True, ("2024-01-01", 10)
    ):
        sql, params = timeline_pages._with_hits(
            query.filters, LIVE, f"{sql} ORDER BY {ks}.sort_key DESC, {ks}.n DESC LIMIT 51", params
        )
        out.append([row[3] for row in timeline.conn.execute("EXPLAIN QUERY PLAN " + sql, params)])
    return out


def test_a_search_with_many_hits_and_from_reads_its_hits_once_and_walks_the_timeline(timeline):
    """With `from`, a page is up to four pieces; each read every hit of a common word again (2.5-7x slower),
    and the month and year pieces were driven from the hits, then sorted (found in review)."""
    for i in range(260):
        timeline.record_fact(
            {
                "date": f"{2015 + i % 10}-{1 + i % 12:02d}" + ("" if i % 3 else f"-{1 + i % 28:02d}"),
                "title": f"Railway link {i}",
                "end_date": None,
            },
            actor="t",
            origin="manual",
        )
    query = TimelineQuery(Filters(q="railway", start=FuzzyDate(2021, 5, 3)))
    assert not timeline_pages._few_hits(timeline.conn, Source(), query.filters.match)  # the walking path
    *walks, spans = plans(timeline, query)
    assert len(walks) == 3
    for plan in walks:
        assert any("facts_timeline" in step for step in plan) and not any(
            "TEMP B-TREE" in step for step in plan
        ), plan
        assert sum("SCAN facts_fts" in step for step in plan) == 1 and any(
            "MATERIALIZE" in step for step in plan
        )
    rows = timeline_page(timeline.conn, query).facts
    assert rows and all(r.state.title.startswith("Railway") for r in rows)


@pytest.mark.parametrize(
    "chosen",
    [
        Filters(),
        Filters(tags=("a",)),
        Filters(tags=("a", "b")),
        Filters(start=FuzzyDate(2021)),
        Filters(start=FuzzyDate(2021, 5, 3), end=FuzzyDate(2022)),
        Filters(tags=("a",), start=FuzzyDate(2021, 5)),
        Filters(end=FuzzyDate(2021, 5)),
    ],
)
def test_page_queries_walk_an_index_without_sorting(seeded, chosen):
    *walks, spans = all_plans = plans(seeded, TimelineQuery(chosen))
    if chosen.start is None:
        walks = all_plans
    for plan in walks:
        assert any(
            "USING" in step and ("facts_timeline" in step or "PRIMARY KEY" in step) for step in plan
        ), plan
        assert not any(
            "TEMP B-TREE" in step or step.startswith("SCAN f") or step.startswith("SCAN t") for step in plan
        ), plan
    if (
        chosen.start is not None
    ):  # facts starting earlier that reach `from`: found by the last key they reach, then sorted
        assert spans[0].startswith("SEARCH f USING INDEX facts_spans (retracted=? AND <expr>>?)"), spans
        assert not any(step.startswith("SCAN") for step in spans), spans


def test_no_offset_anywhere():
    for path in Path(timeline_pages.__file__).parent.glob("*.py"):  # every read-side module
        assert "OFFSET" not in path.read_text("utf-8").upper(), path


# ---------------------------------------------------------------- cursors

keys = st.builds(
    lambda y, m, d, n, older: Cursor(f"{y:04d}-{m:02d}-{d:02d}", n, older),
    st.integers(1, 9999),
    st.integers(0, 12),
    st.integers(0, 31),
    st.integers(1, 10**12),
    st.booleans(),
)


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


@pytest.mark.parametrize(
    "text", ["", "=", "a", "é", "x" * 500, "AAAA", Cursor("2024-01-01", 1, True).encode()[:-4]]
)
def test_garbage_cursors_are_bad_parameters(text):
    with pytest.raises(BadParameter):
        Cursor.decode(text)


# ---------------------------------------------------------------- parameters


def test_parse_query_reads_every_parameter():
    args = MultiDict(
        [
            ("tag", "Russia"),
            ("tag", "china"),
            ("q", " summit "),
            ("from", "2024"),
            ("to", "2024-03"),
            ("order", "asc"),
            ("show", "retracted"),
            ("as_of", "2024-01-01T01:00:00+01:00"),
        ]
    )
    query = parse_query(args)
    assert query.filters == Filters(("russia", "china"), "summit", FuzzyDate(2024), FuzzyDate(2024, 3), True)
    assert query.order == "asc" and query.as_of == "2024-01-01T00:00:00.000000Z" and query.limit == 50
    assert parse_query(MultiDict(query.params())) == query


def test_date_bounds_cover_the_whole_period():
    assert Filters(start=FuzzyDate(2024)).low_day == "2024-01-01"
    assert Filters(start=FuzzyDate(2024, 2)).low_day == "2024-02-01"
    assert Filters(start=FuzzyDate(2024, 2, 29)).low_day == "2024-02-29"
    assert Filters(end=FuzzyDate(2024, 3)).high_key == "2024-03-99"
    assert Filters(end=FuzzyDate(2024)).high_key == "2024-99-99"
    assert Filters(end=FuzzyDate(2024, 3, 5)).high_key == "2024-03-05"


@pytest.mark.parametrize(
    "args, parameter",
    [
        ({"from": "2024-3"}, "from"),
        ({"from": "2025", "to": "2024"}, "to"),
        ({"order": "random"}, "order"),
        ({"as_of": "2024-13-01"}, "as_of"),
        ({"tag": ["a"] * 11}, "tag"),
        ({"show": "all"}, "show"),
    ],
)
def test_bad_parameters_name_themselves(args, parameter):
    multi = MultiDict([(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])])
    with pytest.raises(BadParameter) as raised:
        parse_query(multi)
    assert raised.value.parameter == parameter


# ---------------------------------------------------------------- highlighting and history


def test_highlight_marks_words_like_fts_does():
    pieces = highlight("The Émigré summit in Samarkand; summits", ("emigre", "samar"))
    assert [p for p, hit in pieces if hit] == ["Émigré", "Samarkand"]
    assert "".join(p for p, _ in pieces) == "The Émigré summit in Samarkand; summits"
    assert highlight("text", ()) == [("text", False)]


def test_history_says_what_changed_and_who(seeded):
    fid = seeded.conn.execute("SELECT fact_id FROM facts WHERE date = '2001'").fetchone()[0]
    seeded.correct_fact(
        fid, {"date": "2001-06-15"}, reason="exact day", expected_version=1, actor="editor:ana"
    )
    recorded, corrected = fact_history(seeded.store, fid)
    assert (recorded.kind, recorded.actor) == ("recorded", "seed")
    assert (
        corrected.changes == (FieldChange("date", "2001", "2001-06-15"),) and corrected.actor == "editor:ana"
    )


def test_health_reads_feed_status(seeded):
    assert health(seeded.store) == {
        "log_position": 29,
        "projection_checkpoint": 29,
        "projection_lag": 0,
        "feeds": [],
    }


# ---------------------------------------------------------------- date ranges: the days a fact may cover overlap the range

BOUNDARY_FACTS = {
    "day": ("2024-03-10", None),
    "span": ("2024-03-10", "2024-03-12"),
    "march": ("2024-03", None),
    "year": ("2024", None),
    "may-july": ("2024-05", "2024-07"),
    "years": ("2020", "2022"),
    "early-2024": ("2024", "2024-03"),  # a year that the source says ended in March
}


@pytest.fixture
def boundaries(timeline):
    for title, (date, end_date) in BOUNDARY_FACTS.items():
        timeline.record_fact({"date": date, "end_date": end_date, "title": title}, actor="t", origin="manual")
    return timeline


def found(timeline, start: str | None, end: str | None, **filters) -> set[str]:
    chosen = Filters(
        start=FuzzyDate.parse(start) if start else None, end=FuzzyDate.parse(end) if end else None, **filters
    )
    titles = {
        item.state.title
        for page in [timeline_page(timeline.conn, TimelineQuery(chosen, limit=200))]
        for item in page.facts
    }
    assert summarize(timeline.conn, chosen).total == len(titles)  # the counts see what the rows show
    return titles


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (
            "2024-03-10",
            "2024-03-10",
            {"day", "span", "march", "year", "early-2024"},
        ),  # both ends on first days
        ("2024-03-12", "2024-03-12", {"span", "march", "year", "early-2024"}),  # on the span's last day
        ("2024-03-13", None, {"march", "year", "early-2024", "may-july"}),  # a day after the span
        ("2024-04", None, {"year", "may-july"}),  # after the early-2024 year ended
        ("2024-06", "2024-06", {"year", "may-july"}),  # inside a span of months
        ("2024-07-31", "2024-07-31", {"year", "may-july"}),  # the span's last day at month precision
        ("2024-08-01", None, {"year"}),
        (None, "2024-03-09", {"years", "march", "year", "early-2024"}),  # to only: what may start by then
        (None, "2020", {"years"}),
        ("2021-06-15", "2021-06-15", {"years"}),  # a day inside a span of years
        ("2022-12-31", None, {"years", "day", "span", "march", "year", "may-july", "early-2024"}),
        ("2023", "2023", set()),
        ("2024", "2024", {"day", "span", "march", "year", "may-july", "early-2024"}),
        ("2024-01", "2024-12", {"day", "span", "march", "year", "may-july", "early-2024"}),
    ],
)
def test_a_date_range_keeps_every_fact_whose_days_overlap_it(boundaries, start, end, expected):
    assert found(boundaries, start, end) == expected
    assert expected == {
        t
        for t, (d, e) in BOUNDARY_FACTS.items()
        if overlaps(d, e, FuzzyDate.parse(start) if start else None, FuzzyDate.parse(end) if end else None)
    }


def test_a_date_range_combines_with_tags_and_search(timeline):
    for title, (date, end_date) in BOUNDARY_FACTS.items():
        tags = ["sco", "summit"] if "span" in title or title == "year" else ["sco"]
        timeline.record_fact(
            {"date": date, "end_date": end_date, "title": f"{title} talks", "tags": tags},
            actor="t",
            origin="manual",
        )
    assert found(timeline, "2024-03-12", "2024-03-12", tags=("summit",)) == {"span talks", "year talks"}
    assert found(timeline, "2024-03-12", "2024-03-12", tags=("summit", "sco")) == {"span talks", "year talks"}
    for few in (
        True,
        False,
    ):  # read every hit and sort them, or walk the timeline checking each against the hits
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(timeline_pages, "_few_hits", lambda *args, few=few: few)
            assert found(timeline, "2024-03-12", None, q="talks") == {
                "span talks",
                "march talks",
                "year talks",
                "may-july talks",
                "early-2024 talks",
            }


def random_fact(rng) -> tuple[str, str | None]:
    def fuzzy() -> FuzzyDate:
        year, shape = rng.randint(2019, 2022), rng.random()
        if shape < 0.15:
            return FuzzyDate(year)
        if shape < 0.4:
            return FuzzyDate(year, rng.randint(1, 12))
        return FuzzyDate(year, rng.randint(1, 12), rng.randint(1, 28))

    date = fuzzy()
    if rng.random() < 0.3:
        end = fuzzy()
        if end.last_day() >= date.first_day() and end != date:
            return date.iso(), end.iso()
    return date.iso(), None


def test_the_sql_filter_is_the_overlap_of_days_over_many_random_facts_and_ranges(timeline):
    """Every date piece, cursor and count against a plain-Python overlap check (seeded, so repeatable)."""
    import random

    rng = random.Random(20240703)
    made = {}
    for i in range(400):
        date, end_date = random_fact(rng)
        tags = rng.sample(TAGS, rng.randint(0, 2))
        made[
            timeline.record_fact(
                {"date": date, "end_date": end_date, "title": f"F{i}", "tags": tags},
                actor="t",
                origin="manual",
            ).fact_id
        ] = (date, end_date, tags)
    numbers = dict(timeline.conn.execute("SELECT fact_id, n FROM facts"))
    for _ in range(150):
        start = rng.choice([None, FuzzyDate.parse(random_fact(rng)[0])])
        end = rng.choice([None, FuzzyDate.parse(random_fact(rng)[0])])
        if start and end and end.last_day() < start.first_day():
            start, end = end, start
        tags = tuple(rng.sample(TAGS, rng.choice([0, 0, 1])))
        chosen, order = Filters(tags=tags, start=start, end=end), rng.choice(["desc", "asc"])
        expected = [i for i, (d, e, t) in made.items() if overlaps(d, e, start, end) and set(tags) <= set(t)]
        expected.sort(
            key=lambda i: (FuzzyDate.parse(made[i][0]).sort_key(), numbers[i]), reverse=order == "desc"
        )
        pages = walk(timeline, TimelineQuery(chosen, order, limit=rng.randint(3, 40)))
        assert [i for p in pages for i in p] == expected, (chosen, order)
        assert summarize(timeline.conn, chosen).total == len(expected)


def test_as_of_with_a_date_range_sees_the_dates_known_then(timeline, clock):
    """A fact re-dated later is found by its old span in the past view (its kept version), by its new date now."""
    fact = timeline.record_fact(
        {"date": "2022-09-15", "end_date": "2022-09-16", "title": "Summit"}, actor="t", origin="manual"
    )
    timeline.record_fact({"date": "2022", "title": "Year"}, actor="t", origin="manual")
    timeline.record_fact({"date": "2022-09-14", "title": "Eve"}, actor="t", origin="manual")
    moment = to_utc_text(clock.now)
    clock.now += dt.timedelta(days=1)
    timeline.correct_fact(
        fact.fact_id, {"date": "2022-10-01", "end_date": None}, reason="r", expected_version=None, actor="t"
    )
    chosen = Filters(start=FuzzyDate(2022, 9, 16), end=FuzzyDate(2022, 9, 16))
    with read_transaction(timeline.conn):
        at = as_of(timeline.store, moment)
        then = [
            item.state.title
            for page in [timeline_page(timeline.conn, TimelineQuery(chosen, as_of=moment), at.sources)]
            for item in page.facts
        ]
        assert summarize(timeline.conn, chosen, at.sources).total == 2
        assert timeline.conn.execute("SELECT count(*) FROM fact_versions").fetchone()[0] == 1
    assert then == ["Summit", "Year"]
    assert found(timeline, "2022-09-16", "2022-09-16") == {"Year"}


def test_as_of_finds_inflections_in_both_the_facts_and_their_past_versions(timeline, clock):
    """The past versions' search index stems as facts_fts does: a fact changed since is found by its plural too."""
    changed = timeline.record_fact(
        {"date": "2024-07-03", "title": "Astana summit"}, actor="t", origin="manual"
    )
    timeline.record_fact(
        {"date": "2024-07-04", "title": "Summits of the Organisation"}, actor="t", origin="manual"
    )
    moment = to_utc_text(clock.now)
    clock.now += dt.timedelta(days=1)
    timeline.correct_fact(
        changed.fact_id, {"title": "Astana meeting"}, reason="r", expected_version=None, actor="t"
    )
    with read_transaction(timeline.conn):
        at = as_of(timeline.store, moment)
        for q in ("summits", "summit", "Summ"):
            page = timeline_page(timeline.conn, TimelineQuery(Filters(q=q), as_of=moment), at.sources)
            assert [item.state.title for item in page.facts] == [
                "Summits of the Organisation",
                "Astana summit",
            ], q
        page = timeline_page(timeline.conn, TimelineQuery(Filters(q="organization")), at.sources)
        assert [item.state.title for item in page.facts] == ["Summits of the Organisation"]


@SETTINGS
@given(st.lists(facts, min_size=1, max_size=20), st.lists(changes, max_size=12), st.booleans())
def test_kept_counts_equal_counting_every_fact_after_any_edits(new_facts, edits, retracted):
    """The counts kept on append (issue 19) say what counting the matching facts says, for the whole
    timeline and for each tag; and they equal a rebuild's (verify compares the tables)."""
    from events.admin.verify import verify
    from events.read.summary import _period_counts, _tag_counts, kept_counts

    with tempfile.TemporaryDirectory() as folder:
        timeline, _ = build(Path(folder) / "t.db", new_facts, edits)
        try:
            used = [row[0] for row in timeline.conn.execute("SELECT DISTINCT tag FROM fact_tags")]
            for chosen in [Filters(retracted=retracted)] + [Filters((t,), retracted=retracted) for t in used]:
                kept = kept_counts(timeline.conn, chosen)
                assert kept is not None
                assert kept.periods == _period_counts(timeline.conn, chosen, LIVE), chosen
                assert kept.tags == _tag_counts(timeline.conn, chosen, LIVE), chosen
                assert kept.total == sum(kept.periods.values())
            assert verify(timeline.store) == []
        finally:
            timeline.close()


@SETTINGS
@given(
    st.lists(facts, min_size=1, max_size=20),
    st.lists(changes, max_size=12),
    st.booleans(),
    st.integers(0, 40),
)
def test_counts_at_a_past_moment_from_the_kept_ones_equal_counting_the_facts_then(
    new_facts, edits, retracted, minutes
):
    """Time travel's counts (the kept counts, minus the facts changed since, plus the versions they
    replaced) say what counting every fact as it was then says, for the whole timeline and each tag."""
    from events.read.summary import _period_counts, _tag_counts, kept_counts

    with tempfile.TemporaryDirectory() as folder:
        timeline, _ = build(Path(folder) / "t.db", new_facts, edits)
        try:
            moment = to_utc_text(T0 + dt.timedelta(minutes=minutes, seconds=30))
            used = [row[0] for row in timeline.conn.execute("SELECT DISTINCT tag FROM fact_tags")]
            with read_transaction(timeline.conn):
                at = as_of(timeline.store, moment)
                for chosen in [Filters(retracted=retracted)] + [
                    Filters((t,), retracted=retracted) for t in used
                ]:
                    kept = kept_counts(timeline.conn, chosen, at.position)
                    assert kept is not None
                    assert kept.periods == _period_counts(timeline.conn, chosen, at.sources), chosen
                    assert kept.tags == _tag_counts(timeline.conn, chosen, at.sources), chosen
        finally:
            timeline.close()


def test_the_whole_timeline_s_counts_take_the_same_steps_at_any_size(timeline, make_fact):
    """Counted in SQLite VM steps (not timed): no recount of every fact after an append; the same
    ten months and five tags at both sizes, so only the number of facts grows."""
    steps = []
    for size in (20, 400):
        for i in range(size - timeline.conn.execute("SELECT count(*) FROM facts").fetchone()[0]):
            make_fact(date=f"19{50 + i % 5}-0{i % 2 + 1}-01", tags=["sco", f"t{i % 5}"])
        for chosen in (Filters(), Filters(("sco",))):
            counted = []
            timeline.conn.set_progress_handler(lambda: counted.append(1), 1)
            assert summarize(timeline.conn, chosen).total == size
            timeline.conn.set_progress_handler(None, 1)
            steps.append(len(counted))
    assert steps[2] <= steps[0] * 1.2 + 50 and steps[3] <= steps[1] * 1.2 + 50, steps


def test_a_search_counts_its_matches_up_to_a_bound_then_says_more(timeline, make_fact, monkeypatch):
    """Past SEARCH_COUNT_LIMIT matches a search says "N+" without reading every hit (issue 19);
    under it, and whenever other filters leave fewer, the count is exact."""
    from events.read import summary as summary_module

    monkeypatch.setattr(summary_module, "SEARCH_COUNT_LIMIT", 5)
    for i in range(8):
        make_fact(
            date=f"2020-0{i % 3 + 1}-01", title=f"Summit number {i}", tags=["sco", "rare" if i < 2 else "x"]
        )
    make_fact(title="Ministers met", tags=["sco"])
    many = summarize(timeline.conn, Filters(q="summit"))
    assert (many.total, many.more, many.periods, many.tags) == (5, True, {}, [])
    few = summarize(timeline.conn, Filters(("rare",), q="summit"))
    assert (few.total, few.more, few.periods) == (2, False, {"2020-01": 1, "2020-02": 1})
    assert summarize(timeline.conn, Filters(q="ministers")).total == 1
    monkeypatch.setattr(summary_module, "SEARCH_COUNT_LIMIT", 8)
    assert (
        summarize(timeline.conn, Filters(q="summit")).total,
        summarize(timeline.conn, Filters(q="summit")).more,
    ) == (8, False)


def test_counting_the_facts_of_a_past_moment_walks_them_by_position(timeline, make_fact, clock):
    """The facts unchanged since a moment lead the last_position index: counting them there reads
    neighbouring pages, where the timeline index read a random page for each (1.25 s cold at 1M)."""
    from events.read import summary

    for i in range(5):
        make_fact(date=f"2024-0{i + 1}-01")
    moment = to_utc_text(clock.now)
    at = as_of(timeline.store, moment)
    sql, params = summary._matching(timeline.conn, Filters(), at.sources)
    plan = " ".join(row[3] for row in timeline.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "facts_changed" in plan and "fact_versions_timeline" in plan


def _tables_read(conn, run) -> set[str]:
    """The tables whose columns run's statements name (SQLite's authorizer, asked as each is prepared)."""
    read: set[str] = set()

    def note(action, table, _column, _database, _trigger):
        if action == sqlite3.SQLITE_READ:
            read.add(table)
        return sqlite3.SQLITE_OK

    conn.set_authorizer(note)
    try:
        run()
    finally:
        conn.set_authorizer(None)
    return read


def test_only_listed_facts_read_their_texts_from_the_log(timeline, make_fact, db_path):
    """A text a row leaves to its FactRecorded costs a page read of the log (migration 18): the facts a page
    lists read theirs, but its neighbour check and a search's counts read keys and tags alone (issue 19)."""
    from events.read import summary

    for i in range(6):
        make_fact(date=f"2024-0{i + 1}-01", title=f"Summit number {i}")
    conn = connect(db_path)  # its own statement cache: every statement below is prepared, so authorised
    try:
        first = timeline_page(conn, TimelineQuery(limit=2))
        assert "events" in _tables_read(
            conn, lambda: timeline_page(conn, TimelineQuery(cursor=first.earlier))
        )
        later = (first.facts[-1].sort_key, first.facts[-1].n)
        assert "events" not in _tables_read(
            conn, lambda: timeline_pages._any_past(conn, Filters(), LIVE, False, later)
        )
        searched = Filters(q="summit")
        counted = _tables_read(
            conn,
            lambda: (summary._period_counts(conn, searched, LIVE), summary._tag_counts(conn, searched, LIVE)),
        )
        assert "fact_rows" in counted and "events" not in counted
    finally:
        conn.close()


def test_as_of_reads_a_version_s_sources_kept_as_a_count(timeline, clock):
    """A version whose sources begin the next list keeps their count alone (migration 19): each past moment
    still shows the sources known then, whether the next list is a later version's or the fact's own."""
    sites = [{"url": f"https://example.org/report/{i}"} for i in range(4)]
    fact = timeline.record_fact(
        {"date": "2024-07-04", "title": "Astana summit", "sources": sites[:1]}, actor="t", origin="manual"
    )
    moments = [to_utc_text(clock.now)]
    for cited in (2, 3, 1, 4):  # three lists that begin the next, one that does not (1 after 3)
        clock.now += dt.timedelta(days=1)
        timeline.correct_fact(
            fact.fact_id, {"sources": sites[:cited]}, reason="r", expected_version=None, actor="t"
        )
        moments.append(to_utc_text(clock.now))
    with read_transaction(timeline.conn):
        kept = timeline.conn.execute("SELECT source_count FROM fact_versions ORDER BY replaced_at").fetchall()
        seen = []
        for moment in moments:
            at = as_of(timeline.store, moment)
            page = timeline_page(timeline.conn, TimelineQuery(Filters(), as_of=moment), at.sources)
            seen.append([[s["url"] for s in item.state.sources] for item in page.facts])
    assert kept == [(1,), (2,), (None,), (1,)]  # the list of 3 is kept whole: 1 follows it
    urls = [site["url"] for site in sites]
    assert seen == [[urls[:1]], [urls[:2]], [urls[:3]], [urls[:1]], [urls]]
