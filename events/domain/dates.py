"""Fuzzy dates: a day, a month or a year, kept at the precision the source gave."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import Enum

from events.log.errors import InvalidDate


class Precision(str, Enum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


_ISO = re.compile(r"^(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?$")
_MONTHS = [calendar.month_name[i] for i in range(13)]
_MONTH_DAYS = calendar.mdays  # [0, 31, 28, 31, ...]: February outside leap years


def _days_in(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1] for a checked month, without working out the weekday it also returns."""
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]


@functools.total_ordering
@dataclass(frozen=True)
class FuzzyDate:
    """A date that says only what is known: 2001, 2024-03 or 2024-03-22.

    Ordering compares (year, month or 0, day or 0), so a month sorts before
    the days inside it and a year before its months.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise InvalidDate(f"year {self.year} is out of range 1-9999")
        if self.month is None and self.day is not None:
            raise InvalidDate("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise InvalidDate(f"month {self.month} is out of range 1-12")
        if self.day is not None:
            if not 1 <= self.day <= _days_in(self.year, self.month):
                raise InvalidDate(f"day {self.day} does not exist in {self.year}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> FuzzyDate:
        """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD"; anything else is InvalidDate."""
        if not isinstance(text, str):
            raise InvalidDate(f"expected a date string, got {type(text).__name__}")
        match = _ISO.match(text.strip())
        if not match:
            shown = text if len(text) <= 40 else text[:40] + "..."  # never echo a huge input back
            raise InvalidDate(f"{shown!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
        parts = [int(p) if p else None for p in match.group("y", "m", "d")]
        return cls(*parts)

    @classmethod
    def from_date(cls, day: dt.date) -> FuzzyDate:
        return cls(day.year, day.month, day.day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        return Precision.MONTH if self.month is not None else Precision.YEAR

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def sort_key(self) -> str:
        """A string that sorts like the date; unknown parts are 00."""
        return f"{self.year:04d}-{self.month or 0:02d}-{self.day or 0:02d}"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            return dt.date(self.year, self.month, _days_in(self.year, self.month))
        return dt.date(self.year, 12, 31)

    def human(self) -> str:
        """ "2001", "March 2024", "15 September 2022"."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{_MONTHS[self.month]} {self.year}"
        return f"{self.day} {_MONTHS[self.month]} {self.year}"

    def __str__(self) -> str:
        return self.iso()

    def __lt__(self, other: FuzzyDate) -> bool:
        if not isinstance(other, FuzzyDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()


_PRECISION_BY_LENGTH = {4: Precision.YEAR, 7: Precision.MONTH, 10: Precision.DAY}


def precision_of(iso: str) -> Precision:
    """Precision of an already validated ISO fuzzy date, without parsing it again (hot in rebuild)."""
    return _PRECISION_BY_LENGTH[len(iso)]


def sort_key_of(iso: str) -> str:
    """FuzzyDate.sort_key() of an already validated ISO fuzzy date."""
    return iso + "-00-00"[len(iso) - 4 :] if len(iso) < 10 else iso


def parse_optional(text: str | None) -> FuzzyDate | None:
    return None if text in (None, "") else FuzzyDate.parse(text)


def check_span(start: FuzzyDate, end: FuzzyDate | None) -> None:
    """An end date must not come before its start."""
    if end is None:
        return
    if end.last_day() < start.first_day():
        raise InvalidDate(f"end date {end} is before start date {start}")
    if end == start:
        raise InvalidDate(f"end date {end} equals the start date: leave it out")


def human_span(start: FuzzyDate, end: FuzzyDate | None) -> str:
    """ "15-16 September 2022", "March-May 2024", "2001-2004"; one date when no end."""
    if end is None:
        return start.human()
    same_shape = start.precision == end.precision
    if same_shape and start.precision is Precision.DAY and (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {_MONTHS[start.month]} {start.year}"
    if same_shape and start.precision is Precision.DAY and start.year == end.year:
        return f"{start.day} {_MONTHS[start.month]} - {end.human()}"
    if same_shape and start.precision is Precision.MONTH and start.year == end.year:
        return f"{_MONTHS[start.month]}-{_MONTHS[end.month]} {start.year}"
    if (
        end.first_day() <= start.first_day()
    ):  # the end is a month or year holding the start: it ends later in it
        return f"{start.human()} - later in {end.human()}"
    return f"{start.human()} - {end.human()}"


_MONTH_NUMBERS = {name.lower(): i for i, name in enumerate(_MONTHS) if name} | {
    name[:3].lower(): i for i, name in enumerate(_MONTHS) if name
}
_DAY_MONTH_YEAR = re.compile(
    r"^(?:(?P<d>\d{1,2})\s+)?(?P<m>[^\W\d_]+)\.?,?\s+(?P<y>\d{4})$"
)  # 3 July 2024, July 2024
_MONTH_DAY_YEAR = re.compile(r"^(?P<m>[^\W\d_]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})$")  # July 3, 2024


def iso_from_words(text: str) -> str:
    """ "2024-07-03" for "3 July 2024" (or "July 3, 2024", "3 Jul 2024"), "2024-07" for "July 2024";
    any other text comes back as it was, for FuzzyDate.parse to accept or name."""
    stripped = " ".join(text.split())
    match = _DAY_MONTH_YEAR.match(stripped) or _MONTH_DAY_YEAR.match(stripped)
    month = _MONTH_NUMBERS.get(match["m"].lower()) if match else None
    if month is None:
        return text
    day = match["d"]
    return f"{match['y']}-{month:02d}" + (f"-{int(day):02d}" if day else "")
