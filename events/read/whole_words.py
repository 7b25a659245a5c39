"""Whether a search's last word is finished: a word the index holds is searched whole, any other as a prefix.

A search box is submitted when its last word is typed out ("summit"), and
then a prefix ("summit"*) only costs more (FTS5 reads the doclist of every
term it begins) and finds noise ("summitry"). A word the index does not hold
("summ", "Samark") can only be unfinished, so it stays a prefix and still
finds what it is on the way to. Stems decide, as everywhere in search:
"summits" is held when "summit" is.
"""

from __future__ import annotations

import dataclasses
import sqlite3

from events.read.filters import Filters, TimelineQuery
from events.read.search import fts_query, words

_HELD = "SELECT 1 FROM facts_fts WHERE facts_fts MATCH ? LIMIT 1"  # one step into one doclist: ~20 us


def last_word_is_held(conn: sqlite3.Connection, q: str) -> bool:
    """Whether the index holds the last word of q (in either spelling) as a word of some fact."""
    found = words(q)
    if not found:
        return False
    return conn.execute(_HELD, (fts_query(found[-1], prefix=False),)).fetchone() is not None


def settle(conn: sqlite3.Connection, filters: Filters) -> Filters:
    """The filters with the last word taken whole when it is finished; the page highlights by the same flag."""
    if not filters.q or not filters.prefix or not last_word_is_held(conn, filters.q):
        return filters
    return dataclasses.replace(filters, prefix=False)


def settle_query(conn: sqlite3.Connection, query: TimelineQuery) -> TimelineQuery:
    return dataclasses.replace(query, filters=settle(conn, query.filters))


def match_for(conn: sqlite3.Connection, q: str) -> str | None:
    """The FTS5 query for q with its last word settled, for readers with no Filters (the Atom feed)."""
    return fts_query(q, prefix=not last_word_is_held(conn, q))
