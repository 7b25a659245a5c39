"""The shipped SCO calendar: every entry is well formed, placed with gazetteer slugs and sourced, so reports can be linked to it."""

import copy
import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "events" / "data"
KINDS = {"summit", "ministers", "accession", "founding", "agreement", "initiative", "observer", "exercise"}
STATUSES = {"observer", "dialogue partner"}  # what an observer entry grants


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def kinds_by_slug() -> dict[str, str]:
    return {entry["slug"]: entry["kind"] for entry in load("gazetteer.json")["entries"]}


def days(value: str) -> tuple[date, date]:
    """The first and last day a date of one, two or three parts (YYYY, YYYY-MM, YYYY-MM-DD) covers."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3 and len(value) == 10:
        return date(*parts), date(*parts)
    if len(parts) == 2 and len(value) == 7:
        first = date(parts[0], parts[1], 1)
        following = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, following - timedelta(days=1)
    if len(parts) == 1 and len(value) == 4:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    raise ValueError(f"not an ISO date of a year, month or day: {value!r}")


def span(entry: dict) -> tuple[date, date]:
    first, last = days(entry["date"])
    return first, days(entry["end_date"])[1] if entry.get("end_date") else last


def entry_problems(entry: dict, slugs: dict[str, str]) -> list[str]:
    """What is wrong with one entry on its own: kind, dates, places, parties, source."""
    name = entry.get("id", "?")
    found = [] if entry.get("kind") in KINDS else [f"{name}: unknown kind {entry.get('kind')!r}"]
    try:
        first, last = span(entry)
        if last < first:
            found.append(f"{name}: ends before it starts")
    except (KeyError, TypeError, ValueError) as error:
        found.append(f"{name}: bad date ({error})")
    if slugs.get(entry.get("place")) != "place":
        found.append(f"{name}: place {entry.get('place')!r} is no gazetteer place")
    if slugs.get(entry.get("country")) != "country":
        found.append(f"{name}: country {entry.get('country')!r} is no gazetteer country")
    found += [
        f"{name}: party {who!r} is no gazetteer country"
        for who in entry.get("who", [])
        if slugs.get(who) != "country"
    ]
    if entry.get("kind") == "accession" and not entry.get("who"):
        found.append(f"{name}: an accession names who joined")
    if entry.get("kind") in {"summit", "ministers"} and not entry.get("council"):
        found.append(f"{name}: a meeting names its council")
    found += kind_problems(entry)
    if not str(entry.get("source", "")).strip() or not str(entry.get("title", "")).strip():
        found.append(f"{name}: no title or no source")
    return found


def kind_problems(entry: dict) -> list[str]:
    """A status granted names whom and which status; an exercise runs over days, so it names its last."""
    name, kind = entry.get("id", "?"), entry.get("kind")
    found = []
    if kind == "observer" and not entry.get("who"):
        found.append(f"{name}: a status granted names who was granted it")
    if kind == "observer" and entry.get("status") not in STATUSES:
        found.append(f"{name}: status {entry.get('status')!r} is neither of {sorted(STATUSES)}")
    if kind == "exercise" and not entry.get("end_date"):
        found.append(f"{name}: an exercise names its last day")
    return found


def calendar_problems(entries: list[dict], slugs: dict[str, str]) -> list[str]:
    """What is wrong across entries: repeated ids, two summits or two heads-of-government meetings in a year, bad links."""
    found = [problem for entry in entries for problem in entry_problems(entry, slugs)]
    found += [
        f"{name}: id used {count} times"
        for name, count in Counter(e.get("id") for e in entries).items()
        if count > 1
    ]
    for council in ("heads of state", "heads of government"):
        years = Counter(e["date"][:4] for e in entries if e.get("council") == council)
        found += [f"{year}: {count} meetings of the {council}" for year, count in years.items() if count > 1]
    by_id = {entry.get("id"): entry for entry in entries}
    for entry in entries:
        found += link_problems(entry, by_id)
    return found


def link_problems(entry: dict, by_id: dict[str, dict]) -> list[str]:
    """An accession or a status granted happens at a gathering, and any entry's at names one whose days hold the
    entry's day."""
    name, at = entry.get("id"), entry.get("at")
    if at is None:
        return (
            [f"{name}: an {entry.get('kind')} names the gathering it happened at"]
            if entry.get("kind") in {"accession", "observer"}
            else []
        )
    if at not in by_id:
        return [f"{name}: at {at!r} is no entry"]
    try:
        first, last = span(by_id[at])
        if not first <= days(entry["date"])[0] <= last:
            return [f"{name}: {entry['date']} is not within {at}"]
    except (KeyError, TypeError, ValueError):
        return [f"{name}: its date or the dates of {at} do not parse"]
    return []


def test_the_calendar_loads_and_says_what_it_is():
    calendar = load("sco_calendar.json")
    assert "source" in calendar["about"] and "gazetteer" in calendar["about"]
    assert len(calendar["entries"]) >= 60


def test_the_shipped_calendar_has_no_problems():
    assert calendar_problems(load("sco_calendar.json")["entries"], kinds_by_slug()) == []


def test_the_calendar_covers_the_gatherings_it_promises():
    entries = load("sco_calendar.json")["entries"]
    years = {
        council: {e["date"][:4] for e in entries if e.get("council") == council}
        for council in ("heads of state", "heads of government", "foreign", "defence")
    }
    assert {str(year) for year in range(1996, 2027)} <= years["heads of state"]
    assert {str(year) for year in range(2003, 2026)} <= years["heads of government"]
    assert {str(year) for year in range(2012, 2026)} <= years["foreign"]
    assert {str(year) for year in range(2015, 2026)} <= years["defence"]
    joined = {who for e in entries if e["kind"] == "accession" for who in e["who"]}
    assert {"india", "pakistan", "iran", "belarus"} <= joined
    observers = {
        who for e in entries if e["kind"] == "observer" and e["status"] == "observer" for who in e["who"]
    }
    assert {"mongolia", "india", "pakistan", "iran", "afghanistan", "belarus"} <= observers
    assert {"2007", "2010", "2012", "2014", "2016", "2018", "2021"} <= {
        e["date"][:4] for e in entries if e["kind"] == "exercise"
    }


def test_the_examples_of_the_issue_are_the_entries_they_name():
    by_id = {entry["id"]: entry for entry in load("sco_calendar.json")["entries"]}
    assert span(by_id["cfm-2024-astana"])[0] == date(2024, 5, 21)
    assert span(by_id["summit-2024-astana"]) == (date(2024, 7, 3), date(2024, 7, 4))
    assert (
        by_id["accession-2023-iran"]["at"] == "summit-2023-new-delhi"
        and by_id["summit-2023-new-delhi"]["virtual"]
    )
    assert span(by_id["founding-2001"])[0] == date(2001, 6, 15) and span(by_id["charter-2002"])[0] == date(
        2002, 6, 7
    )


BREAKAGES = {
    "an unparsable date": lambda entries, by_id: by_id["summit-2024-astana"].update(date="2024-13-03"),
    "a day that does not exist": lambda entries, by_id: by_id["summit-2024-astana"].update(date="2024-02-30"),
    "an end before the start": lambda entries, by_id: by_id["summit-2024-astana"].update(
        end_date="2024-07-01"
    ),
    "a place missing from the gazetteer": lambda entries, by_id: by_id["summit-2024-astana"].update(
        place="atlantis"
    ),
    "a country given as the place": lambda entries, by_id: by_id["summit-2024-astana"].update(
        place="kazakhstan"
    ),
    "a place given as the country": lambda entries, by_id: by_id["summit-2024-astana"].update(
        country="astana"
    ),
    "a party that is no country": lambda entries, by_id: by_id["accession-2024-belarus"].update(
        who=["minsk"]
    ),
    "an empty source": lambda entries, by_id: by_id["cfm-2024-astana"].update(source=" "),
    "an unknown kind": lambda entries, by_id: by_id["cfm-2024-astana"].update(kind="party"),
    "a repeated id": lambda entries, by_id: entries.append(dict(by_id["cfm-2024-astana"])),
    "a second summit in a year": lambda entries, by_id: entries.append(
        {**by_id["summit-2024-astana"], "id": "summit-2024-x"}
    ),
    "a second heads of government meeting in a year": lambda entries, by_id: entries.append(
        {**by_id["cohg-2024-islamabad"], "id": "cohg-2024-x"}
    ),
    "an accession outside its summit": lambda entries, by_id: by_id["accession-2024-belarus"].update(
        date="2024-07-05"
    ),
    "an accession at no entry": lambda entries, by_id: by_id["accession-2024-belarus"].update(
        at="summit-2024-nowhere"
    ),
    "an accession at no gathering": lambda entries, by_id: by_id["accession-2024-belarus"].pop("at"),
    "a status granted to no one": lambda entries, by_id: by_id["observer-2012-afghanistan"].update(who=[]),
    "a status that is none of the SCO's": lambda entries, by_id: by_id["dialogue-2012-turkey"].update(
        status="member"
    ),
    "a status granted at no gathering": lambda entries, by_id: by_id["observer-2015-belarus"].pop("at"),
    "a status granted outside its summit": lambda entries, by_id: by_id["observer-2015-belarus"].update(
        date="2015-07-11"
    ),
    "an exercise of no last day": lambda entries, by_id: by_id["exercise-2014-peace-mission"].update(
        end_date=None
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_entry_is_found(breakage):
    entries = copy.deepcopy(load("sco_calendar.json")["entries"])
    BREAKAGES[breakage](entries, {entry["id"]: entry for entry in entries})
    assert calendar_problems(entries, kinds_by_slug())
