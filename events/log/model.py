"""Events as the store sees them: what is appended, and what is read back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended; the store gives it id, version and time."""

    type: str
    payload: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    schema_version: int = 1


@dataclass(frozen=True)
class StreamAppend:
    """Events for one stream, and the version the writer believes it is at.

    expected_version: 0 for a new stream, N to append after version N, None to
    append whatever the version is (no concurrency check).
    """

    stream_id: str
    events: tuple[NewEvent, ...]
    expected_version: int | None = None


class Event(NamedTuple):
    """A recorded event, immutable like the row it came from.

    A NamedTuple rather than a frozen dataclass: rebuild makes one per event,
    and a tuple is built about 4x faster (measured: 0.36 vs 1.3 us).
    """

    position: int
    event_id: str
    stream_id: str
    version: int
    type: str
    schema_version: int
    payload: dict[str, Any]
    metadata: dict[str, Any]
    idempotency_key: str | None
    recorded_at: dt.datetime


@dataclass(frozen=True)
class AppendResult:
    events: tuple[Event, ...]
    replayed: bool = False  # True when the idempotency key was already in the log

    @property
    def last_position(self) -> int:
        return self.events[-1].position if self.events else 0
