"""Poll leases: a row per feed that one process holds until it releases it or it expires."""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3

from events.log.clock import to_utc_text
from events.log.store import EventStore, write_transaction


def take_lease(conn: sqlite3.Connection, feed: str, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool:
    """True if this holder now has the feed; BEGIN IMMEDIATE makes check-and-take one step.

    A lease is free when it expired, or when its holder was a process on this
    host that no longer runs (it was killed mid-poll and cannot release it).
    """
    with write_transaction(conn):
        row = conn.execute("SELECT holder, expires_at FROM feed_leases WHERE feed = ?", (feed,)).fetchone()
        if row and row[0] != holder and row[1] > to_utc_text(now) and not holder_is_dead(row[0]):
            return False
        conn.execute(
            "INSERT INTO feed_leases (feed, holder, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (feed) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
            (feed, holder, to_utc_text(now + ttl)),
        )
    return True


def take_feed_lease(store: EventStore, feed: str, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool:
    """take_lease where the log is: this file's feed_leases, or the shared PostgreSQL log's (every node's)."""
    if store.url is None:
        return take_lease(store.conn, feed, holder, now, ttl)
    return store.take_lease(feed, holder, to_utc_text(now + ttl), to_utc_text(now), holder_is_dead)


def release_feed_lease(store: EventStore, feed: str, holder: str) -> None:
    if store.url is None:
        release_lease(store.conn, feed, holder)
    else:
        store.release_lease(feed, holder)


def feed_lease_holder(store: EventStore, feed: str, now: dt.datetime) -> str | None:
    if store.url is None:
        return lease_holder(store.conn, feed, now)
    return store.lease_holder(feed, to_utc_text(now))


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_dead(holder: str) -> bool:
    """Only a holder named host:pid on this very host can be known dead; anything else is assumed alive."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by someone else
        return False
    return False


def release_lease(conn: sqlite3.Connection, feed: str, holder: str) -> None:
    with write_transaction(conn):
        conn.execute("DELETE FROM feed_leases WHERE feed = ? AND holder = ?", (feed, holder))


def lease_holder(conn: sqlite3.Connection, feed: str, now: dt.datetime) -> str | None:
    row = conn.execute(
        "SELECT holder FROM feed_leases WHERE feed = ? AND expires_at > ?", (feed, to_utc_text(now))
    ).fetchone()
    return row[0] if row else None
