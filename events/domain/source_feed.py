"""Source feeds (the RSS/Atom feeds we poll) as events: one FeedPolled per poll, in the feed's own stream."""

from __future__ import annotations

from typing import Any

from events.domain.event_types import BOOL, STR, EventType
from events.log.model import NewEvent

FEED_POLLED = "FeedPolled"


def feed_stream(feed_name: str) -> str:
    return f"feed-{feed_name}"


def feed_polled(payload: dict[str, Any], actor: str) -> NewEvent:
    return NewEvent(FEED_POLLED, payload, {"actor": actor})


EVENT_TYPES = (EventType(FEED_POLLED, {"feed": STR, "polled_at": STR, "ok": BOOL}),)
