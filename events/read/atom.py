"""The Atom feed's reads: facts most recently changed first, keyset on facts.last_position."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from events.domain.fact import (
    FACT_EVENT_TYPES,
    FACT_RECORDED,
    FactState,
)
from events.read import probe_walk
from events.read.timeline import states_by_n

PAGE_SIZE = 50
HISTORY_LIMIT = 10
# Below this many facts, a tag's own rows are the cheaper start; above it, walking every
# fact newest first meets PAGE_SIZE of them soon (about sqrt(PAGE_SIZE * facts) is even).
DRIVE_LIMIT = 10_000
_CHANGE_TYPES = tuple(t for t in FACT_EVENT_TYPES if t != FACT_RECORDED)  # every event after the first


@dataclass(frozen=True)
class AtomFilter:
    """The timeline's filters: every tag must be present (AND); match is an FTS5 query or None."""

    tags: tuple[str, ...] = ()
    match: str | None = None


@dataclass(frozen=True)
class FeedKey:
    """One entry of a page. position is unique per fact and grows with every change,
    so the keys alone say what the page shows (the feed's ETag)."""

    fact_id: str
    position: int
    changed_at: str
    n: int  # the fact's row: its state is read by rowid (states), not through the fact_id index


@dataclass(frozen=True)
class AtomWindow:
    keys: tuple[FeedKey, ...]
    has_more: bool


@dataclass(frozen=True)
class LoggedChange:
    """A change after a fact was recorded (_CHANGE_TYPES), as the log recorded it."""

    type: str
    version: int
    recorded_at: str
    payload: dict
    actor: str | None


def window(
    conn: sqlite3.Connection, where: AtomFilter, before: int | None = None, size: int = PAGE_SIZE
) -> AtomWindow:
    """The newest `size` changes matching the filter, older than `before`; one row more tells of a next page.

    A search with many hits walks the changes and probes FTS5 for each (probe_walk).
    """
    rows_left = probe_walk.budget(conn, where.match, size + 1)
    if rows_left is None:
        rows = _rows(conn, where, before, size + 1)
    else:
        plain = AtomFilter(where.tags)
        listing = probe_walk.Listing(
            lambda after, k: _rows(conn, plain, after, k),
            lambda after, k: _rows(conn, where, after, k),
            lambda row: row[2],  # last_position: the keyset
            lambda row: row[0],
        )
        rows = probe_walk.walk(conn, where.match, listing, before, size + 1, rows_left)
    return AtomWindow(tuple(FeedKey(*row[1:], row[0]) for row in rows[:size]), len(rows) > size)


def _rows(conn: sqlite3.Connection, where: AtomFilter, before: int | None, limit: int) -> list[tuple]:
    """(n, fact_id, last_position, last_recorded) of the newest changes matching, older than before."""
    sql, params = _window_sql(conn, where, before)
    return conn.execute(sql, [*params, limit]).fetchall()


def _window_sql(conn: sqlite3.Connection, where: AtomFilter, before: int | None) -> tuple[str, list[object]]:
    """Start from the few facts that match when they are few, else walk facts_changed newest first.

    A search starts from its matches when they are few. Many are read once into
    a lookup that the walk down facts_changed (or a rare tag) checks: joining every
    match to its fact and sorting them all cost 4x more at 100k facts (issue 19;
    testing each fact against an FTS5 query one at a time costs more still,
    bench_feed.py).
    """
    tags, match = list(where.tags), where.match
    if match is not None and _few_matches(conn, match):
        source, clauses, params, match = _DRIVE_SEARCH, [], [match], None
    elif (small := _small_tag(conn, tags)) is not None:
        tags.remove(small)
        source, clauses, params = _DRIVE_TAG, ["d.tag = ?"], [small]
    else:
        source, clauses, params = "fact_rows facts", [], []
    if (
        match is not None
    ):  # many matches: read once into a lookup, never joined and sorted ("+": not a driver)
        clauses.append("+facts.n IN (SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?)")
        params.append(match)
    for tag in tags:
        clauses.append(  # the whole key of fact_tags: one seek
            "EXISTS (SELECT 1 FROM fact_tags t WHERE t.tag = ? AND t.retracted = facts.retracted"
            " AND t.sort_key = facts.sort_key AND t.n = facts.n)"
        )
        params.append(tag)
    if before is not None:
        clauses.append("facts.last_position < ?")
        params.append(before)
    where_sql = " WHERE " + " AND ".join(clauses) if clauses else ""
    sql = f"SELECT {_KEY_COLUMNS} FROM {source}{where_sql}"
    return sql + " ORDER BY facts.last_position DESC LIMIT ?", params


# The keys read from the rows (fact_rows under the name facts), not through the facts view: a statement
# naming the view resolves its columns and its join to the log first, ~40 us on each request's new
# connection (migration 18), and keys need no text. last_recorded is NULL in a row when it is
# first_recorded (migrations.DERIVED).
_KEY_COLUMNS = (
    "facts.n, facts.fact_id, facts.last_position, coalesce(facts.last_recorded, facts.first_recorded)"
)
# CROSS JOIN makes SQLite keep this order: the matches first, then each one's fact by rowid.
_DRIVE_SEARCH = (
    "(SELECT rowid AS n FROM facts_fts WHERE facts_fts MATCH ?) d CROSS JOIN fact_rows facts ON facts.n = d.n"
)
_DRIVE_TAG = "fact_tags d CROSS JOIN fact_rows facts ON facts.n = d.n"


def _few_matches(conn: sqlite3.Connection, match: str) -> bool:
    """Whether at most DRIVE_LIMIT facts match; counting stops there (FTS5 reads only the doclist)."""
    sql = "SELECT COUNT(*) FROM (SELECT 1 FROM facts_fts WHERE facts_fts MATCH ? LIMIT ?)"
    return conn.execute(sql, (match, DRIVE_LIMIT + 1)).fetchone()[0] <= DRIVE_LIMIT


def _small_tag(conn: sqlite3.Connection, tags: list[str]) -> str | None:
    """The rarest tag if fewer than DRIVE_LIMIT facts carry it; counting stops at the limit."""
    best, fewest = None, DRIVE_LIMIT
    for tag in tags:
        count = conn.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM fact_tags WHERE tag = ? LIMIT ?)", (tag, DRIVE_LIMIT)
        ).fetchone()[0]
        if count < fewest:
            best, fewest = tag, count
    return best


def states(conn: sqlite3.Connection, keys: tuple[FeedKey, ...]) -> list[FactState]:
    """The facts behind a window's keys, in the window's order: by rowid, so each costs the page reads of
    its row and its texts (migration 18), not a step down the fact_id index first (50 at 1M: 1.6 -> 1.2 ms)."""
    found = states_by_n(conn, [key.n for key in keys])
    return [found[key.n] for key in keys]


def changes(
    conn: sqlite3.Connection, state: FactState, limit: int = HISTORY_LIMIT
) -> tuple[list[LoggedChange], bool]:
    """A fact's latest changes, newest first, up to the version projected; True when older ones exist.

    Bounded by state.version so the text matches the state (and the ETag) even
    if another process appends meanwhile.
    """
    if state.version < 2:
        return [], False
    rows = conn.execute(
        "SELECT version, type, payload, metadata, recorded_at FROM events"
        f" WHERE stream_id = ? AND version BETWEEN 2 AND ? AND type IN ({', '.join('?' * len(_CHANGE_TYPES))})"
        " ORDER BY version DESC LIMIT ?",
        (state.fact_id, state.version, *_CHANGE_TYPES, limit + 1),
    ).fetchall()
    found = [_change(row) for row in rows[:limit]]
    return found, len(rows) > limit


def _change(row: tuple) -> LoggedChange:
    metadata = json.loads(row[3])
    actor = metadata.get("actor")
    return LoggedChange(row[1], row[0], row[4], json.loads(row[2]), actor if isinstance(actor, str) else None)


def titles(conn: sqlite3.Connection, fact_ids: list[str]) -> dict[str, str]:
    """The titles of some facts by id: where merged-away entries went."""
    if not fact_ids:  # most windows: no statement to prepare on the request's new connection
        return {}
    rows = conn.execute(
        "SELECT fact_id, title FROM facts WHERE fact_id IN (SELECT value FROM json_each(?))",
        (json.dumps(fact_ids),),
    )
    return dict(rows.fetchall())


def newest_change(conn: sqlite3.Connection) -> FeedKey | None:
    """The fact changed last: one step down facts_changed, whatever the filter."""
    row = conn.execute(
        "SELECT fact_id, last_position, coalesce(last_recorded, first_recorded), n FROM fact_rows"
        " ORDER BY last_position DESC LIMIT 1"
    ).fetchone()
    return FeedKey(*row) if row else None
