"""Read models built from the log; each batch and its checkpoint commit together."""

from __future__ import annotations

import json
import sqlite3
from typing import Callable, Iterable, Iterator

from events.clock import to_utc_text
from events.facts import FACT_EVENT_TYPES, FactState, evolve
from events.migrations import PROJECTION_INDEX_NAMES, PROJECTION_INDEXES, PROJECTION_TABLES, statements
from events.model import Event
from events.store import EventStore, canonical_json, loads_json, write_transaction

CHECKPOINT = "main"
BATCH = 5_000
_FACT_COLUMNS = (
    "n, fact_id, sort_key, date, end_date, precision, title, summary, tags, sources, origin, version,"
    " corrected, retracted, retraction_reason, first_recorded, last_recorded, last_position"
)
_UPSERT_FACT = f"INSERT OR REPLACE INTO facts ({_FACT_COLUMNS}) VALUES ({', '.join('?' * 18)})"
_STATE_COLUMNS = (
    "fact_id, date, end_date, title, summary, tags, sources, origin, version, corrected, retracted,"
    " retraction_reason, first_recorded, last_recorded, last_position"
)


def checkpoint(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT position FROM projection_checkpoints WHERE name = ?", (CHECKPOINT,)).fetchone()
    return row[0] if row else 0


def catch_up(store: EventStore, *, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Project every event after the checkpoint; returns the new checkpoint.

    Safe to call from any process at any time: the write lock serialises
    projectors, and each re-reads the checkpoint inside its transaction.
    """
    while True:
        with write_transaction(store.conn) as conn:
            start = checkpoint(conn)
            events = list(store.read(after=start, limit=batch))
            if not events:
                return start
            apply(conn, events)
            _set_checkpoint(conn, events[-1].position)
        if progress:
            progress(len(events))


def rebuild(store: EventStore, *, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Empty every projection and project the whole log again, in one transaction."""
    with write_transaction(store.conn) as conn:
        for table in PROJECTION_TABLES:
            conn.execute(f"DELETE FROM {table}")
        for index in PROJECTION_INDEX_NAMES:
            conn.execute(f"DROP INDEX IF EXISTS {index}")
        position = 0
        for events in _chunks(store.read(), batch):
            apply(conn, events, fresh=position == 0)  # later chunks meet facts of earlier ones
            position = events[-1].position
            if progress:
                progress(len(events))
        for statement in statements(PROJECTION_INDEXES):
            conn.execute(statement)
        if position:  # like catch_up: an empty log has no checkpoint row
            _set_checkpoint(conn, position)
    return position


def needs_catch_up(store: EventStore) -> bool:
    return checkpoint(store.conn) < store.last_position()


def apply(conn: sqlite3.Connection, events: list[Event], *, fresh: bool = False) -> None:
    """Project a batch: facts folded and written once each, then the other read models."""
    fact_events = [e for e in events if e.type in FACT_EVENT_TYPES]
    if fact_events:
        _apply_facts(conn, fact_events, fresh)
    for event in events:
        handler = OTHER_HANDLERS.get(event.type)
        if handler:
            handler(conn, event)


def _apply_facts(conn: sqlite3.Connection, events: list[Event], fresh: bool) -> None:
    ids = list(dict.fromkeys(e.stream_id for e in events))
    known = {} if fresh else load_states(conn, ids)
    states = {fact_id: state for fact_id, (_, state) in known.items()}
    for event in events:
        states[event.stream_id] = evolve(states.get(event.stream_id), event)
    numbers = {fact_id: n for fact_id, (n, _) in known.items()}
    next_n = conn.execute("SELECT COALESCE(MAX(n), 0) FROM facts").fetchone()[0]
    for fact_id in ids:
        if fact_id not in numbers:
            next_n += 1
            numbers[fact_id] = next_n
    _write_states(conn, [(numbers[i], states[i]) for i in ids], replace=bool(known))


def _write_states(conn: sqlite3.Connection, rows: list[tuple[int, FactState]], replace: bool) -> None:
    if replace:
        conn.executemany("DELETE FROM fact_tags WHERE n = ?", [(n,) for n, _ in rows])
        conn.executemany("DELETE FROM facts_fts WHERE rowid = ?", [(n,) for n, _ in rows])
    facts = [_fact_row(n, s) for n, s in rows]
    conn.executemany(_UPSERT_FACT, facts)
    tag_rows = [(tag, int(s.retracted), row[2], n) for (n, s), row in zip(rows, facts) for tag in s.tags]
    tag_rows.sort()  # in key order, the WITHOUT ROWID b-tree mostly appends
    conn.executemany("INSERT INTO fact_tags (tag, retracted, sort_key, n) VALUES (?, ?, ?, ?)", tag_rows)
    conn.executemany(
        "INSERT INTO facts_fts (rowid, title, summary, tags) VALUES (?, ?, ?, ?)",
        [(n, s.title, s.summary, " ".join(s.tags)) for n, s in rows],
    )


def _fact_row(n: int, s: FactState) -> tuple:
    return (
        n, s.fact_id, s.sort_key, s.date, s.end_date, s.precision, s.title, s.summary,
        canonical_json(list(s.tags)), canonical_json(list(s.sources)),
        s.origin, s.version, int(s.corrected), int(s.retracted), s.retraction_reason,
        s.first_recorded, s.last_recorded, s.last_position,
    )  # fmt: skip


def load_states(conn: sqlite3.Connection, fact_ids: list[str]) -> dict[str, tuple[int, FactState]]:
    rows = conn.execute(
        f"SELECT n, {_STATE_COLUMNS} FROM facts WHERE fact_id IN (SELECT value FROM json_each(?))",
        (json.dumps(fact_ids),),
    )
    return {row[1]: (row[0], state_from_row(row[1:])) for row in rows}


def state_from_row(row: tuple) -> FactState:
    """A FactState from the columns named in _STATE_COLUMNS, in that order."""
    return FactState(
        fact_id=row[0], date=row[1], end_date=row[2], title=row[3], summary=row[4],
        tags=tuple(loads_json(row[5])), sources=tuple(loads_json(row[6])), origin=row[7],
        version=row[8], corrected=bool(row[9]), retracted=bool(row[10]), retraction_reason=row[11],
        first_recorded=row[12], last_recorded=row[13], last_position=row[14],
    )  # fmt: skip


def _set_checkpoint(conn: sqlite3.Connection, position: int) -> None:
    conn.execute(
        "INSERT INTO projection_checkpoints (name, position) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET position = excluded.position",
        (CHECKPOINT, position),
    )


def _chunks(events: Iterable[Event], size: int) -> Iterator[list[Event]]:
    chunk: list[Event] = []
    for event in events:
        chunk.append(event)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ------------------------------------------------------- articles and feeds

def _article_seen(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        "INSERT INTO articles (article_key, stream_id, url, title, feed, published, content_hash, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_key) DO UPDATE SET url = excluded.url,"
        " title = excluded.title, published = excluded.published, content_hash = excluded.content_hash,"
        " version = excluded.version",
        (p["key"], event.stream_id, p.get("url"), p["title"], p.get("feed"), p.get("published"),
         p["content_hash"], event.version),
    )  # fmt: skip


def _feed_polled(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    polled_at = p["polled_at"]
    ok = p["ok"]
    conn.execute(
        """INSERT INTO feed_status (feed, url, last_poll, last_success, last_error, error_streak, next_poll,
                                    etag, last_modified, moved_to, items_seen, items_kept)
           VALUES (:feed, :url, :at, CASE WHEN :ok THEN :at END, CASE WHEN :ok THEN NULL ELSE :error END,
                   CASE WHEN :ok THEN 0 ELSE 1 END, :next_poll, :etag, :last_modified, :moved_to, :seen, :kept)
           ON CONFLICT (feed) DO UPDATE SET
             url = excluded.url, last_poll = excluded.last_poll,
             last_success = COALESCE(excluded.last_success, feed_status.last_success),
             last_error = CASE WHEN :ok THEN feed_status.last_error ELSE excluded.last_error END,
             error_streak = CASE WHEN :ok THEN 0 ELSE feed_status.error_streak + 1 END,
             next_poll = excluded.next_poll,
             etag = CASE WHEN :ok THEN COALESCE(excluded.etag, feed_status.etag) ELSE feed_status.etag END,
             last_modified = CASE WHEN :ok THEN COALESCE(excluded.last_modified, feed_status.last_modified)
                                  ELSE feed_status.last_modified END,
             moved_to = COALESCE(excluded.moved_to, feed_status.moved_to),
             items_seen = feed_status.items_seen + excluded.items_seen,
             items_kept = feed_status.items_kept + excluded.items_kept""",
        {
            "feed": p["feed"], "url": p.get("url"), "at": polled_at, "ok": ok, "error": p.get("error"),
            "next_poll": p.get("next_poll"), "etag": p.get("etag"), "last_modified": p.get("last_modified"),
            "moved_to": p.get("moved_to"), "seen": p.get("items_seen", 0), "kept": p.get("items_kept", 0),
        },
    )  # fmt: skip


def _token_issued(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute("INSERT INTO tokens (token_id, name, hash, issued_at) VALUES (?, ?, ?, ?)",
                 (p["token_id"], p["name"], p["hash"], to_utc_text(event.recorded_at)))  # fmt: skip


def _token_revoked(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute("UPDATE tokens SET revoked_at = ? WHERE token_id = ?",
                 (to_utc_text(event.recorded_at), event.payload["token_id"]))  # fmt: skip


OTHER_HANDLERS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    "TokenIssued": _token_issued,
    "TokenRevoked": _token_revoked,
    "ArticleIngested": _article_seen,
    "ArticleUpdated": _article_seen,
    "FeedPolled": _feed_polled,
}
