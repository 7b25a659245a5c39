"""The /healthz numbers: how far the projection lags the log and how each feed last polled."""

from __future__ import annotations

from typing import Any

from events.log.store import EventStore
from events.read.projections import checkpoint

# ---------------------------------------------------------------- health


def health(store: EventStore) -> dict[str, Any]:
    """Log position, projection checkpoint and each feed's last poll, for /healthz."""
    conn = store.conn
    position, done = store.last_position(), checkpoint(conn)
    rows = conn.execute("SELECT * FROM feed_status ORDER BY feed")
    names = [d[0] for d in rows.description]
    feeds = [dict(zip(names, row)) for row in rows]
    return {
        "log_position": position,
        "projection_checkpoint": done,
        "projection_lag": position - done,
        "feeds": feeds,
    }
