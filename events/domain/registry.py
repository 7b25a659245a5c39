"""Every event type the log may hold, gathered from the aggregates that declare them."""

from __future__ import annotations

from events.domain import article, fact, source_feed, token
from events.domain.event_types import EventType

AGGREGATES = (fact, article, source_feed, token)
EVENT_TYPES: dict[str, EventType] = {t.name: t for module in AGGREGATES for t in module.EVENT_TYPES}
