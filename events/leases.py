"""Poll leases: a row per feed that one process holds until it releases it or it expires."""

from __future__ import annotations

import datetime as dt
import sqlite3

from events.clock import to_utc_text
from events.store import write_transaction


def take_lease(conn: sqlite3.Connection, feed: str, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool:
    """True if this holder now has the feed; BEGIN IMMEDIATE makes check-and-take one step."""
    with write_transaction(conn):
        row = conn.execute("SELECT holder, expires_at FROM feed_leases WHERE feed = ?", (feed,)).fetchone()
        if row and row[0] != holder and row[1] > to_utc_text(now):
            return False
        conn.execute(
            "INSERT INTO feed_leases (feed, holder, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (feed) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
            (feed, holder, to_utc_text(now + ttl)),
        )
    return True


def release_lease(conn: sqlite3.Connection, feed: str, holder: str) -> None:
    with write_transaction(conn):
        conn.execute("DELETE FROM feed_leases WHERE feed = ? AND holder = ?", (feed, holder))


def lease_holder(conn: sqlite3.Connection, feed: str, now: dt.datetime) -> str | None:
    row = conn.execute(
        "SELECT holder FROM feed_leases WHERE feed = ? AND expires_at > ?", (feed, to_utc_text(now))
    ).fetchone()
    return row[0] if row else None
