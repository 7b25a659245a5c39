"""Signed-in sessions that were ended: a copied session cookie stops working once its editor signs out.

The session itself lives in a signed cookie; only its end is kept here, until
the cookie would have expired anyway (Flask's PERMANENT_SESSION_LIFETIME).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from events.log.clock import to_utc_text
from events.log.store import write_transaction

KEPT = dt.timedelta(days=31)  # Flask's default session lifetime: an older cookie is refused anyway


def end_session(conn: sqlite3.Connection, session_id: str, now: dt.datetime) -> None:
    with write_transaction(conn):
        conn.execute(
            "INSERT INTO ended_sessions (session_id, ended_at) VALUES (?, ?) ON CONFLICT (session_id) DO NOTHING",
            (session_id, to_utc_text(now)),
        )
        conn.execute("DELETE FROM ended_sessions WHERE ended_at < ?", (to_utc_text(now - KEPT),))


def session_ended(conn: sqlite3.Connection, session_id: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM ended_sessions WHERE session_id = ?", (session_id,)).fetchone()
        is not None
    )
