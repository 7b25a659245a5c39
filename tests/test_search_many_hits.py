"""A search with many hits probes FTS5 row by row down the timeline or the feed (issue 19): same rows, same order."""

from __future__ import annotations

import dataclasses
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events.read import atom as atom_reads
from events.read import probe_walk
from events.read.filters import Filters, TimelineQuery
from events.read.search import fts_query
from events.read.whole_words import settle
from tests.test_queries import SETTINGS, build, changes, facts, filters, walk


def lookup_only(monkeypatch) -> None:
    monkeypatch.setattr(probe_walk, "budget", lambda *args, **kwargs: None)


def probing(monkeypatch, rows: int) -> list[int]:
    """Force the probing walk with this budget; the list counts the rows each probe statement asked about."""
    asked: list[int] = []
    real = probe_walk.matching

    def counted(conn, match, ns, *args):
        asked.append(len(ns))
        return real(conn, match, ns, *args)

    monkeypatch.setattr(probe_walk, "budget", lambda conn, match, *args, **kwargs: rows if match else None)
    monkeypatch.setattr(probe_walk, "matching", counted)
    return asked


@SETTINGS
@given(
    st.lists(facts, min_size=1, max_size=25),
    st.lists(changes, max_size=10),
    st.tuples(filters, st.booleans()).map(lambda f: dataclasses.replace(f[0], prefix=f[1])),
    st.sampled_from(["desc", "asc"]),
    st.integers(1, 7),
    st.sampled_from([1, 2, 5, 1000]),  # small budgets run out mid-page: the lookup finishes it
)
def test_probing_pages_equal_the_lookups_pages(new_facts, edits, chosen, order, limit, rows):
    with tempfile.TemporaryDirectory() as folder:
        timeline, _ = build(Path(folder) / "t.db", new_facts, edits)
        try:
            query = TimelineQuery(chosen, order, limit=limit)
            with pytest.MonkeyPatch.context() as patch:
                lookup_only(patch)
                expected = walk(timeline, query)
            with pytest.MonkeyPatch.context() as patch:
                probing(patch, rows)
                assert walk(timeline, query) == expected
        finally:
            timeline.close()


TOPICS = ["summit talks", "summitry and pageantry", "border trade", "summits on energy", "railway news"]


@pytest.fixture
def common_word(timeline):
    """300 facts on a real SQLite file, about half of them saying "summit" (or "summits")."""
    rng = random.Random(19)
    for i in range(300):
        date = f"{rng.randint(2001, 2025)}-{rng.randint(1, 12):02d}" + (
            "" if i % 4 else f"-{rng.randint(1, 28):02d}"
        )
        tags = ["sco", rng.choice(["china", "russia"])]
        timeline.record_fact(
            {"date": date, "title": rng.choice(TOPICS), "tags": tags}, actor="t", origin="manual"
        )
    return timeline


def test_a_common_word_probes_and_pages_by_keyset_like_the_lookup(common_word, monkeypatch):
    """Before: every page read every hit into a lookup. Now the cost model picks probing on its own
    (COST_RATIO 1 makes 300 facts "many"), and every page and cursor equals the lookup's."""
    filters = settle(common_word.conn, Filters(q="summit"))
    assert filters.prefix is False and filters.match == '"summit"'
    monkeypatch.setattr(probe_walk, "COST_RATIO", 1)
    assert probe_walk.budget(common_word.conn, filters.match, 21) is not None  # a page of 20, and one more
    asked: list[int] = []
    real = probe_walk.matching
    monkeypatch.setattr(probe_walk, "matching", lambda *a: asked.append(len(a[2])) or real(*a))
    for order in ("desc", "asc"):
        for chosen in (filters, dataclasses.replace(filters, tags=("china",))):
            query = TimelineQuery(chosen, order, limit=20)
            probed = walk(common_word, query)
            with pytest.MonkeyPatch.context() as patch:
                lookup_only(patch)
                assert walk(common_word, query) == probed
            assert sum(len(p) for p in probed) > 40 and all(len(p) == 20 for p in probed[:-1])
    assert asked and max(asked) <= 2 * 21 + probe_walk._SLACK  # a page asks for one row more


def test_the_budget_leaves_prefixes_and_few_hits_to_the_lookup(common_word, monkeypatch):
    conn = common_word.conn
    assert probe_walk.budget(conn, None, 51) is None
    assert probe_walk.budget(conn, '"summit"', 51) is None  # 300 facts: the cap is past them all
    monkeypatch.setattr(probe_walk, "COST_RATIO", 1)
    assert probe_walk.budget(conn, '"summit"*', 51) is None  # a prefix: ~2.7 ms a probe at 100k facts
    assert probe_walk.budget(conn, '"railway"', 51) is None  # about one in five: fewer than the cap
    assert probe_walk.budget(conn, '"summit"', 20) == 2 * 77  # cap = sqrt(20 * 300) hits, about 120 here


def test_the_search_feed_probes_and_pages_like_the_lookup(common_word, monkeypatch):
    where = atom_reads.AtomFilter((), fts_query("summit", prefix=False))

    def pages() -> list[tuple]:
        out, before = [], None
        while True:
            window = atom_reads.window(common_word.conn, where, before, size=25)
            out.append(window.keys)
            if not window.has_more:
                return out
            before = window.keys[-1].position

    with pytest.MonkeyPatch.context() as patch:
        lookup_only(patch)
        expected = pages()
    for rows in (3, 1000):
        with pytest.MonkeyPatch.context() as patch:
            asked = probing(patch, rows)
            assert pages() == expected and asked
    assert sum(len(p) for p in expected) > 100
