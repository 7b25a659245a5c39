"""A finished last word is searched whole (issue 19): "summit" is not "summit*", and highlighting agrees."""

from __future__ import annotations

import re
import sqlite3

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.read.filters import Filters
from events.read.present import highlight
from events.read.search import TOKENIZE, fts_query
from events.read.whole_words import last_word_is_held, match_for, settle
from tests.test_web import page, titles

SUMMIT, SUMMITS, SUMMITRY = (
    "Leaders meet at the summit",
    "Two summits in one year",
    "The summitry of the season",
)


@pytest.fixture
def words_db(make_fact, timeline):
    for day, title in enumerate((SUMMIT, SUMMITS, SUMMITRY), 1):
        make_fact(f"2024-03-{day:02d}", title)
    return timeline


def test_a_typed_out_word_does_not_find_a_longer_word(words_db, client):
    """Before: the last word was always a prefix, so "summit" also found "summitry"."""
    assert set(titles(page(client, "/?q=summit"))) == {SUMMIT, SUMMITS}
    assert set(titles(page(client, "/?q=summits"))) == {SUMMIT, SUMMITS}  # stems still meet
    events = client.get("/api/events?q=summit").get_json()["events"]
    assert {e["title"] for e in events} == {SUMMIT, SUMMITS}


def test_a_word_the_index_does_not_hold_is_still_a_prefix(words_db, client):
    assert set(titles(page(client, "/?q=summ"))) == {SUMMIT, SUMMITS, SUMMITRY}
    assert set(titles(page(client, "/?q=meet summ"))) == {SUMMIT}


def test_the_page_marks_what_the_search_matched(words_db, client):
    marks = {m.text_content() for m in page(client, "/?q=summit").cssselect("mark")}
    assert marks == {"summit", "summits"}
    marks = {m.text_content() for m in page(client, "/?q=summ").cssselect("mark")}
    assert marks == {"summit", "summits", "summitry"}


def test_the_search_feed_takes_a_typed_out_word_whole(words_db, client):
    feed = feedparser.parse(client.get("/feed.atom?q=summit").data)
    assert {entry.title.split(" · ")[-1] for entry in feed.entries} == {SUMMIT, SUMMITS}


def test_settle_asks_the_index_in_either_spelling(make_fact, timeline):
    make_fact(title="The Organization meets")
    conn = timeline.conn
    assert last_word_is_held(conn, "organisation") and last_word_is_held(conn, "the organization")
    assert last_word_is_held(conn, "organ")  # the stem of "organization": FTS5 finds it whole too
    assert not last_word_is_held(conn, "orga") and not last_word_is_held(conn, "")
    assert settle(conn, Filters(q="meets organisation")).prefix is False
    assert settle(conn, Filters(q="organisation meet")).prefix is False  # "meets" is held: its stem is "meet"
    assert settle(conn, Filters(q="organisation mee")).prefix is True
    assert settle(conn, Filters()).prefix is True
    assert match_for(conn, "orga") == '"orga"*'
    assert match_for(conn, "organisation") == '("organisation" OR "organization")'


def test_highlight_of_a_whole_last_word_marks_its_stem_only():
    text = "Summit, summits and summitry; summary"
    whole = [piece for piece, hit in highlight(text, Filters(q="summit").words, prefix=False) if hit]
    assert whole == ["Summit", "summits"]
    began = [piece for piece, hit in highlight(text, Filters(q="summit").words) if hit]
    assert began == ["Summit", "summits", "summitry"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_is_a_valid_whole_word_match(text):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE facts_fts USING fts5 (title, tokenize = '{TOKENIZE}')")
    conn.execute("INSERT INTO facts_fts (rowid, title) VALUES (1, 'summit of the organisation')")
    match = fts_query(text, prefix=False)
    if match is None:
        assert not re.search(r"\w", text)
        return
    assert "*" not in match
    conn.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?", (match,)).fetchall()  # never an error
    last_word_is_held(conn, text)
