"""The one place that reads the wall clock, so tests can inject time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_utc_text(moment: dt.datetime) -> str:
    """Fixed-width ISO 8601 in UTC with microseconds: sorts as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: timestamps must carry a time zone")
    if moment.tzinfo is not dt.UTC:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def from_utc_text(text: str) -> dt.datetime:
    """Inverse of to_utc_text (also accepts +00:00 offsets)."""
    if text.endswith("Z"):
        return dt.datetime.fromisoformat(text[:-1]).replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def parse_instant(text: str) -> dt.datetime:
    """Parse a user's ISO 8601 timestamp; a date alone means its midnight UTC."""
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class FixedClock:
    """A clock for tests and imports: returns what it was set to."""

    def __init__(self, start: dt.datetime, step: dt.timedelta = dt.timedelta(0)):
        self.now = start
        self.step = step

    def __call__(self) -> dt.datetime:
        current = self.now
        self.now = self.now + self.step
        return current
