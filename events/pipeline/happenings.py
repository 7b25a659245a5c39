"""Whether two reports tell of one real-world happening: its date, its kind, and who and where.

Shared words are not enough. Outlets tell one summit in different words, dated by
its first day, its last, or both; and a bilateral meeting on the summit's margins
shares most of the summit's words and its day, yet is a happening of its own. So a
report joins a recorded fact only when their dates can name the same days, their
kinds agree (a summit, an accession, a meeting between named leaders...), and the
people, places and countries they name overlap. Each decision says why, in words
an editor can check on the fact's page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from events.domain.dates import FuzzyDate
from events.pipeline.gazetteer import kind_of

# Kinds in the order they win: "Iran joins the SCO at a virtual summit" is an accession.
_KIND_PATTERNS = (
    (
        "accession",
        r"\b(?:join(?:s|ed|ing)?\b|admit(?:s|ted)?\b|accession|full(?:-| )(?:fledged )?member|new member"
        r"|(?:ninth|tenth|\d+th) (?:full )?member|becomes? (?:a |the )?\w*\s?member)"
        r"|вступ|принят\w* в|полноправн\w* член|加入|正式成员|正式成員|成为.{0,6}成员|成為.{0,6}成員",
    ),
    (
        "founding",
        r"\b(?:found(?:ed|ing)|establish(?:ed|ment|ing)|set up|creat(?:ed|ion)|birth)\b|основан|создан|成立",
    ),
    (
        "ministers",
        r"\b(?:foreign|defen[cs]e|interior|trade|economy|transport|energy) ministers?\b|heads of government"
        r"|\bprime ministers\b|министр|глав правительств|外长|外長|防长|防長|部长|部長|政府首脑|政府首腦",
    ),
    ("exercise", r"\b(?:exercises?|drills?|war ?games)\b|учени[яй]|演习|演習"),
    (
        "chairmanship",
        r"\b(?:chair(?:manship)?|presidency|takes? over|took over|hand(?:s|ed)? over)\b"
        r"|председательств|轮值主席|輪值主席",
    ),
    (
        "agreement",
        r"\b(?:declaration|charter|agreement|treaty|sign(?:s|ed|ing)?|adopt(?:s|ed|ing)?)\b"
        r"|деклараци|подписа|хартия|宣言|签署|簽署|通过了|通過了",
    ),
    ("summit", r"\bsummits?\b|heads of state|саммит|峰会|峰會|元首理事会|元首理事會"),
)
_KINDS = tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _KIND_PATTERNS)
_MEETING = re.compile(
    r"\b(?:met|meets?|meeting|talks|bilateral|sat down|held talks)\b|встрет|переговор|会见|會見|会晤|會晤|会谈|會談",
    re.IGNORECASE,
)
_MINISTRY = re.compile(r"\b(foreign|defen[cs]e|interior|trade|economy|transport|energy)\b", re.IGNORECASE)
# Entities that say nothing about which happening it is: every SCO report names the SCO.
_EVERYWHERE = frozenset({"sco"})


@dataclass(frozen=True)
class Report:
    """What the matcher needs of a recorded fact or a new report."""

    date: str
    end_date: str | None
    title: str
    summary: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    same: bool
    why: str


def kind_of_happening(report: Report) -> str | None:
    """A summit, an accession, a bilateral meeting (two leaders named and meeting words)...; None when unsaid."""
    text = report.title if report.title == report.summary else f"{report.title} {report.summary}"
    if len(people(report)) >= 2 and _MEETING.search(text) and not _KINDS[0][1].search(text):
        return "bilateral"
    return next((name for name, pattern in _KINDS if pattern.search(text)), None)


def people(report: Report) -> frozenset[str]:
    return frozenset(t for t in report.tags if kind_of(t) == "person")


def entities(report: Report) -> frozenset[str]:
    """The people, places, countries and bodies a report names: who and where."""
    return frozenset(
        t for t in report.tags if kind_of(t) in {"person", "place", "country", "organisation"}
    ) - (_EVERYWHERE)


def days_of(date: str, end_date: str | None) -> tuple[dt.date, dt.date]:
    start = FuzzyDate.parse(date)
    end = FuzzyDate.parse(end_date) if end_date else start
    return start.first_day(), end.last_day()


def dates_agree(new: Report, recorded: Report) -> bool:
    """Can the new report's date name the recorded fact's days?

    Days agree when they overlap: a day and a span that holds it, two spans that
    share a day. Not a day apart: a headline is dated by the day it ran, and a
    recap's headline would then pull the happening a day late (the publisher's own
    day already absorbs time zones). A month or a year agrees with a fact inside it,
    so "Iran joined in July 2023" finds the 4 July 2023 fact; a day never joins a
    fact known only to the month or year, which would keep the vaguer date.
    """
    if len(recorded.date) < len(new.date):
        return False
    new_first, new_last = days_of(new.date, new.end_date)
    old_first, old_last = days_of(recorded.date, recorded.end_date)
    if len(new.date) == 10:
        return new_first <= old_last and old_first <= new_last
    return new_first <= old_first and old_last <= new_last


def same_happening(new: Report, recorded: Report) -> Verdict:
    """Whether the new report tells of the happening the recorded fact is, and why (or why not)."""
    if not dates_agree(new, recorded):
        return Verdict(False, "their dates name different days")
    kind, recorded_kind = kind_of_happening(new), kind_of_happening(recorded)
    if kind is None or recorded_kind is None:
        return Verdict(False, "it does not say what kind of happening it is")
    if kind != recorded_kind:
        return Verdict(False, f"a {kind} is not a {recorded_kind}")
    shared = entities(new) & entities(recorded)
    if kind == "bilateral":
        return _same_meeting(new, recorded)
    if (
        kind == "ministers"
        and _ministries(new)
        and _ministries(recorded)
        and not _ministries(new) & _ministries(recorded)
    ):
        return Verdict(False, "different ministers meet")
    if not shared:
        return Verdict(False, f"the same kind ({kind}), but no person, place or country in common")
    names = ", ".join(sorted(shared)[:4])
    return Verdict(True, f"the same {kind} ({names}) on days that agree")


def _same_meeting(new: Report, recorded: Report) -> Verdict:
    shared = people(new) & people(recorded)
    if len(shared) >= 2 or (shared and people(new) == people(recorded)):
        return Verdict(True, f"the same meeting ({', '.join(sorted(shared))}) on days that agree")
    return Verdict(False, "a meeting between other leaders")


def _ministries(report: Report) -> frozenset[str]:
    text = f"{report.title} {report.summary}"
    return frozenset(m.lower().replace("defense", "defence") for m in _MINISTRY.findall(text))
