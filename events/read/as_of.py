"""The timeline and single facts as the log knew them at a past moment, folded from the log alone."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from events.domain.fact import FACT_EVENT_TYPES, FactState, fold
from events.log.store import EVENT_COLUMNS, EventStore, event_from_row
from events.read.projections import STATE_COLUMNS, listed_as
from events.read.search import TOKENIZE
from events.read.timeline import Source

# ---------------------------------------------------------------- the timeline as of a moment


@dataclass(frozen=True)
class AsOf:
    moment: str  # fixed-width UTC text
    position: int  # the last event recorded at or before the moment
    sources: tuple[Source, ...]
    replayed: int  # facts whose streams were folded for this view


def as_of(store: EventStore, moment: str) -> AsOf:
    """Sources showing the timeline as the log knew it at a moment, from the log alone.

    A fact untouched since that position reads from the projection as it is;
    only the streams of facts changed later are folded, up to the position,
    into temp tables. Cost: one indexed read per fact changed since then.
    Call inside read_transaction, so the projection does not move meanwhile.
    """
    position = store.position_as_of(moment)
    states = _replay_changed(store, position)
    _write_temp(store.conn, states)
    base = Source(until=position)
    replayed = Source("temp.asof_facts", "temp.asof_tags", "asof_fts", spans="asof_facts_spans")
    return AsOf(moment, position, (base, replayed), len(states))


def _replay_changed(store: EventStore, position: int) -> list[tuple[int, FactState]]:
    """Fold, up to position, the streams of facts changed after it; facts not yet recorded fold to nothing.

    A fact of one event changed after the position was recorded after it: the base
    source (until=position) already leaves it out, so only facts of several events
    are folded (the facts_changed_again index holds just those).
    """
    conn = store.conn
    changed = conn.execute(f"SELECT count(*) FROM facts f WHERE {_REFOLDED}", (position,)).fetchone()[0]
    if not changed:
        return []
    rows = conn.execute(
        _CHANGED_BY_FACT if changed <= position else _CHANGED_BY_POSITION, (position, position)
    )
    numbers, events = {}, []
    for row in rows:
        numbers[row[2]] = row[-1]  # stream_id -> n
        events.append(event_from_row(row[:-1]))
    return [(numbers[fact_id], state) for fact_id, state in fold(events).items()]


_REFOLDED = "f.last_position > ? AND f.version > 1"  # matches the partial index facts_changed_again
_FACT_TYPES = ", ".join(f"'{t}'" for t in FACT_EVENT_TYPES)
_EVENT_AND_N = ", ".join("e." + c.strip() for c in EVENT_COLUMNS.split(",")) + ", f.n"
# Few facts changed since: look up each one's stream.
_CHANGED_BY_FACT = (
    f"SELECT {_EVENT_AND_N} FROM facts f CROSS JOIN events e ON e.stream_id = f.fact_id"
    f" WHERE e.position <= ? AND {_REFOLDED} AND e.type IN ({_FACT_TYPES}) ORDER BY e.position"
)
# A moment early in the log: walk its few events and keep those of changed facts.
_CHANGED_BY_POSITION = (
    f"SELECT {_EVENT_AND_N} FROM events e CROSS JOIN facts f ON f.fact_id = e.stream_id"
    f" WHERE e.position <= ? AND {_REFOLDED} AND e.type IN ({_FACT_TYPES}) ORDER BY e.position"
)


_TEMP_TABLES = (
    "DROP TABLE IF EXISTS temp.asof_facts",
    "DROP TABLE IF EXISTS temp.asof_tags",
    "DROP TABLE IF EXISTS temp.asof_fts",
    # The same shape and keys as facts and fact_tags, so one query serves both.
    "CREATE TEMP TABLE asof_facts (n INTEGER PRIMARY KEY, sort_key TEXT, fact_id TEXT, date TEXT, end_date TEXT,"
    " title TEXT, summary TEXT, tags TEXT, sources TEXT, origin TEXT, version INTEGER, corrected INTEGER,"
    " retracted INTEGER, retraction_reason TEXT, first_recorded TEXT, last_recorded TEXT, last_position INTEGER,"
    " merged_into TEXT, reviewed INTEGER, split_off TEXT, planned INTEGER)",
    "CREATE INDEX temp.asof_facts_timeline ON asof_facts (retracted, sort_key, n)",
    "CREATE INDEX temp.asof_facts_spans ON asof_facts (retracted, substr(end_date || '-99-99', 1, 10), sort_key, n)"
    " WHERE end_date IS NOT NULL",
    "CREATE TEMP TABLE asof_tags (tag TEXT, retracted INTEGER, sort_key TEXT, n INTEGER,"
    " PRIMARY KEY (tag, retracted, sort_key, n)) WITHOUT ROWID",
    "CREATE INDEX temp.asof_tags_by_fact ON asof_tags (n)",
    f"CREATE VIRTUAL TABLE temp.asof_fts USING fts5 (title, summary, tags, tokenize = '{TOKENIZE}')",  # as facts_fts
)


def _write_temp(conn: sqlite3.Connection, rows: list[tuple[int, FactState]]) -> None:
    for statement in _TEMP_TABLES:
        conn.execute(statement)
    conn.executemany(
        f"INSERT INTO temp.asof_facts VALUES ({', '.join('?' * (2 + len(STATE_COLUMNS.split(','))))})",
        [_temp_row(n, s) for n, s in rows],
    )
    conn.executemany(
        "INSERT INTO temp.asof_tags VALUES (?, ?, ?, ?)",
        [(tag, listed_as(s), s.sort_key, n) for n, s in rows for tag in s.tags],
    )
    conn.executemany(
        "INSERT INTO temp.asof_fts (rowid, title, summary, tags) VALUES (?, ?, ?, ?)",
        [(n, s.title, s.summary, " ".join(s.tags)) for n, s in rows],
    )


def _temp_row(n: int, s: FactState) -> tuple:
    return (
        n,
        s.sort_key,
        s.fact_id,
        s.date,
        s.end_date,
        s.title,
        s.summary,
        json.dumps(list(s.tags)),
        json.dumps(list(s.sources)),
        s.origin,
        s.version,
        int(s.corrected),
        listed_as(s),
        s.retraction_reason,
        s.first_recorded,
        s.last_recorded,
        s.last_position,
        s.merged_into,
        int(s.reviewed),
        json.dumps(list(s.split_off)),
        int(s.planned),
    )


def fact_as_of(store: EventStore, fact_id: str, position: int) -> FactState | None:
    """One fact folded from its stream up to a position; None if it did not exist yet."""
    return fold(store.read_stream(fact_id, until=position)).get(fact_id)
