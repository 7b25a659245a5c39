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


# ---------------------------------------------------------------- metrics


def poll_counts(conn) -> dict[tuple[str, str], int]:
    """Every recorded poll, by feed and outcome (ok, not_modified, error), for /metrics.

    The feeds' streams are a range of the (stream_id, version) index, so this reads
    the polls and nothing else of the log.
    """
    rows = conn.execute(
        """
        SELECT json_extract(payload, '$.feed'),
               CASE WHEN NOT json_extract(payload, '$.ok') THEN 'error'
                    WHEN json_extract(payload, '$.not_modified') THEN 'not_modified'
                    ELSE 'ok' END,
               count(*)
        FROM events
        WHERE stream_id >= 'feed-' AND stream_id < 'feed.' AND type = 'FeedPolled'
        GROUP BY 1, 2
        """
    )
    return {(feed, outcome): count for feed, outcome, count in rows}
