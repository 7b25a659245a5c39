"""The SCO's known gatherings (events/data/sco_calendar.json), and which of them a report's facts fit.

Outlets word one summit a hundred ways, but the SCO holds few gatherings: one summit
of heads of state a year, one council of heads of government, its ministers'
meetings, a handful of accessions. A report whose kind, days and place fit exactly
one entry of this curated list tells that entry's happening, whatever else its
words say, as news systems link reports to a reference list of events. The list is
public knowledge with a source per entry, compiled apart from the news corpora the
pipeline is scored on; a gathering missing from it is matched by the reports' words
alone, as before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from events.domain.dates import FuzzyDate, human_span
from events.log.errors import TimelineError

CALENDAR = Path(__file__).resolve().parent.parent / "data" / "sco_calendar.json"


@dataclass(frozen=True)
class Gathering:
    id: str
    kind: str
    title: str
    first: dt.date
    last: dt.date
    precise: bool  # the days are known (not only the month or year)
    council: str | None = None  # for ministers: "heads of government", "foreign", "defence", ...
    place: str | None = None
    country: str | None = None
    who: frozenset[str] = frozenset()  # for an accession: the countries admitted
    days: str = ""  # the dates as a reader is shown them ("3-4 July 2024")
    at: str | None = None  # for an accession: the gathering it was completed at
    virtual: bool = False  # held by videoconference: no one place its reports name


@dataclass(frozen=True)
class Told:
    """What a report says of its happening, as the calendar is asked."""

    kind: str | None
    first: dt.date
    last: dt.date
    precision: int  # characters of its date: 10 a day, 7 a month, 4 a year
    councils: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()  # the countries it names (an accession is known by them)
    names_the_sco: bool = False


def load(path: Path = CALENDAR) -> tuple[Gathering, ...]:
    """The calendar's entries; none when the file is absent (a checkout without it matches by words)."""
    if not path.exists():
        return ()
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
        return tuple(_gathering(entry) for entry in entries)
    except (ValueError, KeyError, TypeError) as error:  # a hand-edited file: say which and where
        raise TimelineError(f"the SCO's calendar {path} cannot be read: {error!r}") from error


@lru_cache(maxsize=1)
def gatherings() -> tuple[Gathering, ...]:
    return load()


def _in_years(first: int, last: int) -> tuple[Gathering, ...]:
    """The calendar's gatherings of those years: a report is compared with a few, not all hundred and more."""
    entries = gatherings()
    if _index[0] is not entries:  # built once per calendar (tests put in calendars of their own)
        _index[:] = [entries, _by_year(entries)]
    by_year = _index[1]
    return tuple(g for year in range(first, last + 1) for g in by_year.get(year, ()))


_index: list = [None, {}]  # [the calendar indexed, its gatherings by year]


def _by_year(entries: tuple[Gathering, ...]) -> dict[int, tuple[Gathering, ...]]:
    years: dict[int, list[Gathering]] = {}
    for gathering in entries:
        for year in range(gathering.first.year, gathering.last.year + 1):
            years.setdefault(year, []).append(gathering)
    return {year: tuple(found) for year, found in years.items()}


def _gathering(entry: dict) -> Gathering:
    start = FuzzyDate.parse(entry["date"])
    end = FuzzyDate.parse(entry["end_date"]) if entry.get("end_date") else start
    return Gathering(
        id=entry["id"],
        kind=entry["kind"],
        title=entry.get("title") or entry["id"],
        first=start.first_day(),
        last=end.last_day(),
        precise=len(entry["date"]) == 10,
        council=entry.get("council"),
        place=entry.get("place"),
        country=entry.get("country"),
        who=frozenset(entry.get("who") or ()),
        days=human_span(start, end if entry.get("end_date") else None),
        at=entry.get("at"),
        virtual=bool(entry.get("virtual")),
    )


# The kinds a report may be linked by, and what each must show: a summit, a ministers' meeting, an
# accession, observer status granted (known by whom, like an accession), the founding, the charter, a joint
# exercise; never two leaders' talks, which the list lacks.
LINKED_KINDS = frozenset(
    {"summit", "ministers", "accession", "observer", "founding", "agreement", "exercise"}
)


def the_one_fitting(told: Told, entries: Iterable[Gathering] | None = None) -> Gathering | None:
    """The one gathering of the report's kind whose days and place it fits; None for none or several.

    A meeting whose kind fits none (a "summit" on the days heads of government met at the place it
    names), or a statement of the SCO naming no kind ("Mishustin told his SCO counterparts in Islamabad
    on Wednesday ..."), is the one summit or ministers' meeting whose days and place it names."""
    entries = _in_years(told.first.year, told.last.year) if entries is None else tuple(entries)
    if told.kind not in LINKED_KINDS and told.kind is not None:
        return None
    fitting = [g for g in entries if g.kind == told.kind and _fits(told, g)]
    if not fitting and told.places and (told.kind in _GATHERINGS or told.kind is None and told.names_the_sco):
        kinds = ("ministers",) if told.kind == "ministers" else _GATHERINGS  # ministers never hold a summit
        fitting = [g for g in entries if g.kind in kinds and _fits(told, g) and _precise_fit(told, g)]
    if not fitting and (told.kind in _STEPS_TOWARDS or told.kind is None and told.names_the_sco):
        fitting = [g for g in entries if g.kind == "initiative" and g.who and _fits(told, g)]
    return fitting[0] if len(fitting) == 1 else None


# Meetings: a Council of Heads of Government that its host's press calls a "summit" is still that council.
_GATHERINGS = frozenset({"summit", "ministers"})
# "Iran began its accession in Dushanbe in 2021", "India signed its memorandum in Tashkent", "Turkey's SCO
# accession procedure was launched" (no kind, but the SCO named): no accession or treaty of those days, but a
# step towards membership that the calendar files as an initiative, known by whom it concerns.
_STEPS_TOWARDS = frozenset({"accession", "agreement"})


# What a summit does that is told as the summit itself, or the summit as it: the founding at the first
# summit; an accession at a summit of one day. A launched procedure stays a step of its own, and so does a
# treaty or a charter the calendar names (the Treaty on Good-Neighbourliness, signed at the one-day Bishkek
# summit of 2007, is a happening of its own, as the Charter is).
_ACTS_OF_ITS_SUMMIT = frozenset({"founding", "accession"})


def one_happening(one: Gathering, other: Gathering) -> bool:
    """The same gathering, the founding and the summit that founded the SCO, or an accession and the
    one-day summit it was done at: "Iran became a member on Tuesday at a virtual summit" is that summit's
    news, told as either (happenings.carried_together). A summit of several days is a happening of its own
    beside the accession on one of them (Astana's and Belarus's, 2024)."""
    if one == other:
        return True
    act, summit = (other, one) if one.kind == "summit" else (one, other)
    if act.at != summit.id or act.kind not in _ACTS_OF_ITS_SUMMIT:
        return False
    return act.kind == "founding" or summit.first == summit.last


def another_summit(told: Told) -> bool:
    """A summit known to its days that fits none of the calendar's, in a year whose SCO summit the calendar
    knows (it lists one every year): another body's, or a leaders' "informal summit" ("the two leaders last
    met at the informal summit in Wuhan on April 27-28")."""
    if told.kind != "summit" or told.precision != 10:
        return False
    summits = [g for g in _in_years(told.first.year, told.last.year) if g.kind == "summit"]
    return bool(summits) and not any(_fits(told, g) for g in summits)


def at_its_place_and_days(told: Told, gathering: Gathering) -> bool:
    """A report naming no kind, at the gathering's own place and on a day of it, both known to the day
    ("2023, 26 October: Bishkek" on a page about the councils; a statement made in the city that day)."""
    return _precise_fit(told, gathering) and gathering.place in told.places and _days_fit(told, gathering)


def _fits(told: Told, gathering: Gathering) -> bool:
    return _days_fit(told, gathering) and _place_fits(told, gathering) and _who_fits(told, gathering)


def _precise_fit(told: Told, gathering: Gathering) -> bool:
    """Both known to the day: a report's kind is set aside only by days that say which gathering it was."""
    return told.precision == 10 and gathering.precise


def _days_fit(told: Told, gathering: Gathering) -> bool:
    """A day, or a span, within the gathering's days (not a day apart: the extractor dates a report by its
    publisher's own day); a month or a year that holds its first day (a gathering known only to its
    month fits a day inside it). An exercise at its own range or in its country is the year's: its days are often
    moved after they are announced (Peace Mission 2016 at Issyk-Kul, announced for 6-13 September, ran
    15-21), and the series holds one a year."""
    if gathering.kind == "exercise" and (
        gathering.place in told.places or gathering.country in told.countries
    ):
        return told.first.year == gathering.first.year == told.last.year
    if told.precision == 10 and gathering.precise:
        return gathering.first <= told.first and told.last <= gathering.last
    return told.first <= gathering.first <= told.last or gathering.first <= told.first <= gathering.last


def _place_fits(told: Told, gathering: Gathering) -> bool:
    """A report of a ministers' meeting is of the council it names, if it names one (other reports' ministry
    words are often their topics: "trade must grow"). A report naming places names the gathering's own (one naming
    only other places is of something else: a BRICS summit in Kazan on the SCO summit's days). An
    accession is known by whom it admitted, wherever the report is datelined."""
    if (
        told.kind == gathering.kind == "ministers"
        and told.councils
        and gathering.council not in told.councils
    ):
        return False
    if gathering.kind == "exercise" and gathering.country in told.countries:
        return True  # "holds its Peace Mission drill in Russia in September", from a New Delhi paper
    if gathering.virtual and told.precision == 10:
        return True  # a videoconference, told by its day: "Xi attended the summit by video from Beijing"
    return bool(gathering.who) or not told.places or gathering.place in told.places


def _who_fits(told: Told, gathering: Gathering) -> bool:
    """An accession names a country it admitted."""
    return not gathering.who or bool(gathering.who & told.countries)
