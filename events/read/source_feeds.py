"""Read side of feed health and of the articles already seen (projections of the log)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from events.domain.source_feed import feed_stream

_STATUS_COLUMNS = (
    "feed, url, last_poll, last_success, last_error, error_streak, next_poll, etag, last_modified,"
    " moved_to, items_seen, items_kept"
)


@dataclass(frozen=True)
class FeedStatus:
    feed: str
    url: str | None = None
    last_poll: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    error_streak: int = 0
    next_poll: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None
    items_seen: int = 0  # summed over every poll (an off-topic item counts again at each poll that reads it)
    items_kept: int = 0  # summed over every poll: the articles recorded from this feed


@dataclass(frozen=True)
class LastPoll:
    """What the feed's latest poll found, from its FeedPolled event (feed_status keeps only sums)."""

    new: int
    kept: int
    not_modified: bool
    problems: tuple[str, ...] = ()  # what the feed got wrong that the poll worked around (entries dropped...)


def last_poll(conn: sqlite3.Connection, feed: str) -> LastPoll | None:
    """One index seek on (stream_id, version): the feed stream's latest event."""
    row = conn.execute(
        "SELECT json_extract(payload, '$.items_seen'), json_extract(payload, '$.items_kept'),"
        " json_extract(payload, '$.not_modified'), json_extract(payload, '$.problems')"
        " FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1",
        (feed_stream(feed),),
    ).fetchone()
    if row is None:
        return None
    problems = json.loads(row[3]) if row[3] else []
    return LastPoll(row[0] or 0, row[1] or 0, bool(row[2]), tuple(str(p) for p in problems if p))


@dataclass(frozen=True)
class SeenArticle:
    stream_id: str
    content_hash: str
    version: int
    feed: str | None = None  # the feed that first recorded it: the only one whose changes it takes


def feed_status(conn: sqlite3.Connection, feed: str) -> FeedStatus:
    row = conn.execute(f"SELECT {_STATUS_COLUMNS} FROM feed_status WHERE feed = ?", (feed,)).fetchone()
    return FeedStatus(*row) if row else FeedStatus(feed)


def all_feed_status(conn: sqlite3.Connection) -> dict[str, FeedStatus]:
    rows = conn.execute(f"SELECT {_STATUS_COLUMNS} FROM feed_status ORDER BY feed").fetchall()
    return {row[0]: FeedStatus(*row) for row in rows}


def seen_article(conn: sqlite3.Connection, key: str, url: str | None = None) -> SeenArticle | None:
    """The article stored under this dedupe key, else one stored from the same link."""
    row = conn.execute(
        "SELECT stream_id, content_hash, version, feed FROM articles WHERE article_key = ?", (key,)
    ).fetchone()
    if row is None and url:
        row = conn.execute(
            "SELECT stream_id, content_hash, version, feed FROM articles WHERE url = ? LIMIT 1", (url,)
        ).fetchone()
    return SeenArticle(*row) if row else None
