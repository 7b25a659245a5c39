"""Search: inflections and British/American spellings match, user text never breaks MATCH, highlight agrees with FTS5."""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.read.filters import Filters, TimelineQuery
from events.read.present import highlight
from events.read.search import MAX_TERMS, TOKENIZE, fts_query, spellings, stem
from events.read.timeline import LIVE, Source, _branches, timeline_page


def found(timeline, q: str, sources=LIVE) -> set[str]:
    page = timeline_page(timeline.conn, TimelineQuery(Filters(q=q), limit=200), sources)
    return {item.state.fact_id for item in page.facts}


# ---------------------------------------------------------------- the product review's cases, on the seed facts


@pytest.mark.parametrize(
    "typed, plain",
    [
        ("summits", "summit"),
        ("meetings", "meeting"),
        ("attacked", "attack"),
        ("attacks", "attack"),
        ("summits SCO", "summit SCO"),
    ],
)
def test_an_inflected_word_finds_what_the_plain_word_finds(seeded, typed, plain):
    assert found(seeded, typed) == found(seeded, plain) != set()


def test_organisation_and_organization_find_the_same_facts(seeded):
    assert found(seeded, "Organisation") == found(seeded, "Organization") != set()
    assert found(seeded, "Organisation summit") == found(seeded, "organization summits") != set()


def test_typing_a_prefix_of_a_stem_finds_the_word(seeded):
    """The last word is a prefix of the stem: what is typed on the way to "summits" finds what it finds."""
    assert found(seeded, "summ") == found(seeded, "summi") == found(seeded, "summits") != set()
    assert found(seeded, "Samark") == found(seeded, "Samarkand") != set()


def test_a_query_of_punctuation_alone_is_no_query(seeded_client):
    plain = seeded_client.get("/").get_data(as_text=True)
    for q in ('"', "*", '" * ( ) -', "::"):
        assert fts_query(q) is None
        assert (
            seeded_client.get("/api/events", query_string={"q": q}).get_json()
            == seeded_client.get("/api/events").get_json()
        )
        page = seeded_client.get("/", query_string={"q": q}).get_data(as_text=True)

        def same_but_echoes(text: str) -> str:  # the search box and the sign-in link echo what was asked
            return re.sub(r'name="q" type="search" value="[^"]*"|login\?next=[^"]*"', "", text)

        assert same_but_echoes(page) == same_but_echoes(plain)


# ---------------------------------------------------------------- spellings

PAIRS = [
    ("organisation", "organization"),
    ("organisations", "organizations"),
    ("organised", "organized"),
    ("recognise", "recognize"),
    ("recognising", "recognizing"),
    ("defence", "defense"),
    ("offences", "offenses"),
    ("licence", "license"),
    ("labour", "labor"),
    ("honoured", "honored"),
    ("favourite", "favorite"),
    ("centre", "center"),
    ("centres", "centers"),
    ("theatre", "theater"),
    ("kilometres", "kilometers"),
    ("programme", "program"),
    ("programmes", "programs"),
]


@pytest.mark.parametrize("british, american", PAIRS)
def test_either_spelling_finds_both(timeline, make_fact, british, american):
    uk = make_fact(title=f"Talks on {british} at Tashkent").fact_id
    us = make_fact(title=f"Talks on {american} at Tashkent").fact_id
    make_fact(title="Talks on trade at Tashkent")
    assert spellings(british) == (british, american) and spellings(american) == (american, british)
    for q in (british, american, british.upper(), f"{british} Tashkent", f"{american} tashkent"):
        assert found(timeline, q) >= {uk, us}, q


@pytest.mark.parametrize(
    "word",
    [
        "rise",
        "wise",
        "size",
        "prize",
        "raise",
        "crises",
        "four",
        "hour",
        "our",
        "more",
        "there",
        "Putin",
        "summit",
    ],
)
def test_words_no_rule_knows_keep_one_spelling(word):
    assert spellings(word) == (word,)


def test_spellings_are_or_groups_over_the_index_and_stay_bounded(seeded):
    match = fts_query("Organisation summits")
    assert match == '("Organisation" OR "Organization") AND "summits"*'
    for sql, params, _ in _branches(seeded.conn, Filters(q="Organisation summits"), Source(), 0, True, None):
        plan = [row[3] for row in seeded.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
        assert any("facts_fts VIRTUAL TABLE INDEX" in step and ":M" in step for step in plan), plan
        assert not any(re.match(r"SCAN (f|facts)( |$)", step) for step in plan), plan  # no walk of every fact
    many = fts_query(" ".join(["organisation", "defence"] * 40))
    assert many.count('"') == 2 * 2 * MAX_TERMS  # MAX_TERMS words, two spellings each, two quotes a phrase


# ---------------------------------------------------------------- hostile text

_HOSTILE = st.lists(
    st.sampled_from(
        list("\"*()-+^:.,;'{}[] _\\\x00é\u0301ßİ")
        + ["NEAR", "OR", "AND", "NOT", "organisation", "summits", "labour", "centre", "rise"]
    )
).map("".join)


DOCS = [
    "Organization summits on labor and defense",
    "The organisation met in the centre",
    "Rise of wise prizes",
]


def model(text: str) -> set[int]:
    """Which DOCS a search finds, in plain Python: every word in either spelling, stemmed, the last as a prefix."""
    *exact, last = [w.lower() for w in re.findall(r"\w+", text)][:MAX_TERMS]
    found = set()
    for rowid, doc in enumerate(DOCS, 1):
        have = {stem(w.lower()) for w in re.findall(r"\w+", doc)}
        if all(any(stem(f) in have for f in spellings(w)) for w in exact) and any(
            h.startswith(stem(f)) for f in spellings(last) for h in have
        ):
            found.add(rowid)
    return found


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _HOSTILE))
def test_any_text_is_a_valid_match_that_finds_what_the_words_say(text):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5 (title, tokenize = '{TOKENIZE}')")
    conn.executemany("INSERT INTO t (rowid, title) VALUES (?, ?)", list(enumerate(DOCS, 1)))
    match = fts_query(text)
    if match is None:
        assert not re.search(r"\w", text)
        return
    hits = {
        row[0] for row in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,))
    }  # never a syntax error
    assert match.count('"') <= 2 * 2 * MAX_TERMS
    if text.isascii() and "_" not in text:  # FTS5 and Python split plain ASCII alike: the model knows it
        assert hits == model(text), match


# ---------------------------------------------------------------- stems, and highlighting what matched


def sqlite_stem(conn: sqlite3.Connection, word: str) -> str:
    conn.execute("DELETE FROM t")
    conn.execute("INSERT INTO t VALUES (?)", (word,))
    return conn.execute("SELECT term FROM v").fetchone()[0]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "e",
                "i",
                "o",
                "u",
                "y",
                "b",
                "c",
                "l",
                "s",
                "t",
                "z",
                "n",
                "g",
                "d",
                "r",
                "at",
                "ing",
                "ed",
                "es",
                "ies",
                "sses",
                "eed",
                "ational",
                "ization",
                "ness",
                "ful",
                "ance",
                "ement",
                "ion",
                "ous",
                "ive",
                "ize",
                "alli",
                "bli",
                "logi",
                "iviti",
                "ll",
            ]
        ),
        min_size=1,
        max_size=8,
    ).map("".join)
)
def test_stem_is_the_tokenizers_stem(word):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = '{TOKENIZE}')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    assert stem(word) == sqlite_stem(conn, word)
    long = word * (70 // len(word) + 1)  # over 64 bytes: FTS5 keeps it whole
    assert stem(long) == sqlite_stem(conn, long) == long


def test_highlight_marks_inflections_and_both_spellings():
    text = "Summit of the Organization; the summits and an organised meeting; summary"
    marked = [piece for piece, hit in highlight(text, Filters(q="organisation summits").words) if hit]
    assert marked == ["Summit", "Organization", "summits", "organised"]
    marked = [piece for piece, hit in highlight(text, Filters(q="meetings summ").words) if hit]
    assert marked == ["Summit", "summits", "meeting", "summary"]
