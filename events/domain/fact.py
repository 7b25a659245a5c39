"""Facts: what may be recorded about them, and how their events fold into a state."""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from events.domain.dates import FuzzyDate, check_span, parse_optional, precision_of, sort_key_of
from events.domain.event_types import DICT, LIST, OPT_STR, STR, EventType
from events.log.clock import to_utc_text
from events.log.errors import FactMergedAway, FactRetracted, InvalidDate, UnknownFact, ValidationError
from events.log.model import Event, NewEvent

FACT_RECORDED = "FactRecorded"
FACT_CORRECTED = "FactCorrected"
FACT_RETRACTED = "FactRetracted"
FACT_SOURCE_ADDED = "FactSourceAdded"
# Editors fixing what the machine got wrong: a merge writes to both facts' streams (FactMerged on the
# one kept, FactMergedInto on the other), a split to the fact the source leaves (FactSplit, beside
# the new fact's FactRecorded naming it in split_from), and a review to the fact reviewed.
FACT_MERGED = "FactMerged"
FACT_MERGED_INTO = "FactMergedInto"
FACT_SPLIT = "FactSplit"
FACT_REVIEWED = "FactReviewed"
FACT_EVENT_TYPES = (
    FACT_RECORDED,
    FACT_CORRECTED,
    FACT_RETRACTED,
    FACT_SOURCE_ADDED,
    FACT_MERGED,
    FACT_MERGED_INTO,
    FACT_SPLIT,
    FACT_REVIEWED,
)

ORIGINS = ("seed", "feed", "manual")
PLANNED = "planned"  # a FactRecorded's optional status: reported before it took place
CORRECTABLE = ("date", "end_date", "title", "summary", "tags", "sources")
MAX_TITLE = 200
MAX_SUMMARY = 5_000
MAX_TAGS = 30
MAX_TAG = 60
MAX_SOURCES = 50
MAX_URL = 2_000
_SOURCE_FIELDS = ("url", "title", "outlet", "published", "evidence", "why")
# A report the machine attached to a fact keeps its own sentence and the reason it was attached.
_SOURCE_NOTES = {"evidence": 1_000, "why": 300}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_TAG_JUNK = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class FactState:
    """A fact as it stands after every event of its stream so far."""

    fact_id: str
    date: str
    end_date: str | None
    title: str
    summary: str
    tags: tuple[str, ...]
    sources: tuple[dict, ...]
    origin: str
    version: int
    corrected: bool
    retracted: bool
    retraction_reason: str | None
    first_recorded: str
    last_recorded: str
    last_position: int
    merged_into: str | None = None  # the fact this one was merged into: its page and the API point there
    reviewed: bool = False  # an editor reviewed, merged or split it: the machine no longer moves or drops it
    split_off: tuple[str, ...] = ()  # URLs of sources an editor split off it: ingest never brings them back
    # Reported before it took place ("will meet next week"): shown as planned until a report
    # published on or after its first day confirms it (a FactSourceAdded with "confirms").
    planned: bool = False

    @property
    def fuzzy_date(self) -> FuzzyDate:
        return FuzzyDate.parse(self.date)

    @property
    def fuzzy_end(self) -> FuzzyDate | None:
        return parse_optional(self.end_date)

    @property
    def precision(self) -> str:
        return precision_of(self.date).value

    @property
    def sort_key(self) -> str:
        return sort_key_of(self.date)


# ---------------------------------------------------------------- validation


def clean_text(value: Any, field: str, *, limit: int, required: bool = False) -> str:
    """Text a person typed or a feed sent: a string, no control characters, within a limit."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string", field)
    # a browser's textarea sends CRLF: one line ending, so an untouched summary never reads as changed
    text = (
        _CONTROL.sub("", unicodedata.normalize("NFC", value))
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .strip()
    )
    if required and not text:
        raise ValidationError(f"{field} is required", field)
    if len(text) > limit:
        raise ValidationError(f"{field} is too long ({len(text)} characters, at most {limit})", field)
    return text


def clean_tags(value: Any, field: str = "tags") -> tuple[str, ...]:
    """Tags become lowercase hyphenated slugs, unique, in the order given."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(t, str) for t in value):
        raise ValidationError(f"{field} must be a list of strings", field)
    if len(value) > MAX_TAGS:
        raise ValidationError(f"{field}: at most {MAX_TAGS} tags", field)
    tags: list[str] = []
    for raw in value:
        tag = _TAG_JUNK.sub("-", _CONTROL.sub("", raw).strip().lower()).strip("-_")
        if not tag:
            raise ValidationError(f"{field}: empty tag", field)
        if len(tag) > MAX_TAG:
            raise ValidationError(f"{field}: tag longer than {MAX_TAG} characters", field)
        if tag not in tags:
            tags.append(tag)
    return tuple(tags)


def clean_url(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} is required", field)
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed bracketed host: 'http://[::1', 'http://[x]/'
        raise ValidationError(f"{field} is not a valid URL", field) from None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or _CONTROL.search(url)
        or " " in url
    ):
        raise ValidationError(f"{field} must be an absolute http(s) URL", field)
    if len(url) > MAX_URL:
        raise ValidationError(f"{field} is longer than {MAX_URL} characters", field)
    return url


def clean_sources(value: Any, field: str = "sources", *, require_url: bool = True) -> tuple[dict, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise ValidationError(f"{field} must be a list of objects", field)
    if len(value) > MAX_SOURCES:
        raise ValidationError(f"{field}: at most {MAX_SOURCES} sources", field)
    return tuple(clean_source(item, f"{field}[{i}]", require_url=require_url) for i, item in enumerate(value))


def clean_source(item: Any, field: str, *, require_url: bool = True) -> dict:
    if not isinstance(item, Mapping):
        raise ValidationError(f"{field} must be an object", field)
    unknown = sorted(set(item) - set(_SOURCE_FIELDS))
    if unknown:
        raise ValidationError(f"{field}: unknown field {unknown[0]!r}", f"{field}.{unknown[0]}")
    url = item.get("url")
    source = {"url": clean_url(url, f"{field}.url") if (url is not None or require_url) else None}
    source["title"] = clean_text(item.get("title"), f"{field}.title", limit=500) or None
    source["outlet"] = clean_text(item.get("outlet"), f"{field}.outlet", limit=200) or None
    published = item.get("published")
    source["published"] = _clean_published(published, f"{field}.published") if published else None
    if not source["url"] and not source["title"] and not source["outlet"]:
        raise ValidationError(f"{field} needs a url, a title or an outlet", field)
    for note, limit in _SOURCE_NOTES.items():
        if text := clean_text(item.get(note), f"{field}.{note}", limit=limit):
            source[note] = text  # only when given: sources recorded before notes existed stay as they were
    return source


def _clean_published(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a date string", field)
    try:
        if "T" in value:
            from events.log.clock import parse_instant

            return to_utc_text(parse_instant(value))
        return FuzzyDate.parse(value).iso()
    except (InvalidDate, ValueError, OverflowError) as error:  # 0001-01-01T00:00+01:00 overflows
        raise ValidationError(f"{field}: {error}", field) from None


def clean_date(value: Any, field: str) -> FuzzyDate:
    try:
        return FuzzyDate.parse(value)
    except InvalidDate as error:
        raise ValidationError(f"{field}: {error}", field) from None


def validate_fact(fields: Mapping[str, Any], *, require_source_url: bool = True) -> dict:
    """The payload fields of a new fact, checked and normalised; ValidationError names the field."""
    unknown = sorted(set(fields) - {"date", "end_date", "title", "summary", "tags", "sources"})
    if unknown:
        raise ValidationError(f"unknown field {unknown[0]!r}", unknown[0] or "body")  # "" names nothing
    if fields.get("date") in (None, ""):
        raise ValidationError("date is required", "date")
    date = clean_date(fields["date"], "date")
    end = clean_date(fields["end_date"], "end_date") if fields.get("end_date") not in (None, "") else None
    try:
        check_span(date, end)
    except InvalidDate as error:
        raise ValidationError(str(error), "end_date") from None
    return {
        "date": date.iso(),
        "end_date": end.iso() if end else None,
        "title": clean_text(fields.get("title"), "title", limit=MAX_TITLE, required=True),
        "summary": clean_text(fields.get("summary"), "summary", limit=MAX_SUMMARY),
        "tags": list(clean_tags(fields.get("tags"))),
        "sources": list(clean_sources(fields.get("sources"), require_url=require_source_url)),
    }


# ---------------------------------------------------------------- commands


def fact_recorded(
    fact_id: str, fields: Mapping[str, Any], origin: str, *, article: str | None = None
) -> NewEvent:
    if origin not in ORIGINS:
        raise ValidationError(f"origin must be one of {', '.join(ORIGINS)}", "origin")
    payload = dict(fields, fact_id=fact_id, origin=origin)
    if article:
        payload["article"] = article
    return NewEvent(FACT_RECORDED, payload)


def fact_corrected(state: FactState, changes: Mapping[str, Any], reason: str) -> NewEvent:
    """A correction records what changed, old and new; a change to nothing is refused."""
    _refuse_if_retracted(state)
    reason = clean_text(reason, "reason", limit=1_000, required=True)
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise ValidationError(f"unknown field {unknown[0]!r}", unknown[0] or "body")  # "" names nothing
    merged = {k: _plain(getattr(state, k)) for k in CORRECTABLE} | dict(changes)
    checked = validate_fact(merged, require_source_url=False)
    new, old = {}, {}
    for key in changes:
        before = _plain(getattr(state, key))
        if checked[key] != before:
            new[key], old[key] = checked[key], before
    if not new:
        raise ValidationError("the correction changes nothing", next(iter(changes), "date"))
    return NewEvent(FACT_CORRECTED, {"changes": new, "previous": old, "reason": reason})


def fact_retracted(state: FactState, reason: str) -> NewEvent:
    _refuse_if_retracted(state)
    return NewEvent(FACT_RETRACTED, {"reason": clean_text(reason, "reason", limit=1_000, required=True)})


def fact_source_added(source: Mapping[str, Any], *, article: str | None = None) -> NewEvent:
    payload = {"source": dict(source)}
    if article:
        payload["article"] = article
    return NewEvent(FACT_SOURCE_ADDED, payload)


def fact_merged(
    kept: FactState, other: FactState, reason: str, *, by_machine: bool = False
) -> tuple[NewEvent, NewEvent]:
    """Two facts of one happening become one: (the kept fact's event, the other's).

    The kept fact gains the other's sources it does not cite yet (by URL; a source without
    one by its whole entry), carried in its own event so each stream folds on its own.
    by_machine: ingest merged them (two facts a later report showed to be one happening); the kept
    fact stays the machine's to refine and in the review queue, as no editor has looked at it.
    """
    reason = clean_text(reason, "reason", limit=1_000, required=True)
    if kept.fact_id == other.fact_id:
        raise ValidationError("a fact cannot be merged into itself", "into")
    _refuse_if_retracted(other)
    _refuse_if_retracted(kept)
    moved = [dict(source) for source in other.sources if not _cites(kept.sources, source)]
    merged = {"merged": other.fact_id, "sources": _unique(moved), "reason": reason}
    return (
        NewEvent(FACT_MERGED, merged | ({"machine": True} if by_machine else {})),
        NewEvent(FACT_MERGED_INTO, {"into": kept.fact_id, "reason": reason}),
    )


def _cites(sources: Sequence[Mapping[str, Any]], source: Mapping[str, Any]) -> bool:
    url = source.get("url")
    return any((s.get("url") == url) if url else (dict(s) == dict(source)) for s in sources)


def _unique(sources: list[dict]) -> list[dict]:
    kept: list[dict] = []
    for source in sources:
        if not _cites(kept, source):
            kept.append(source)
    return kept


def fact_split(
    state: FactState,
    source_url: Any,
    new_id: str,
    fields: Mapping[str, Any],
    reason: str,
    *,
    article: str | None = None,
) -> tuple[NewEvent, NewEvent]:
    """One source leaves a fact for a new fact of its own: (the old fact's event, the new fact's).

    fields: the new fact's date, end_date, title, summary and tags, as an editor gave them.
    The new fact is the editor's (origin manual), so the machine never retracts or re-dates it.
    """
    _refuse_if_retracted(state)
    reason = clean_text(reason, "reason", limit=1_000, required=True)
    url = clean_url(source_url, "source_url")
    source = next((s for s in state.sources if s.get("url") == url), None)
    if source is None:
        raise ValidationError("source_url is not one of this fact's sources", "source_url")
    if all(s.get("url") == url for s in state.sources):
        raise ValidationError("this is the fact's only source: correct the fact instead", "source_url")
    if "sources" in fields:
        raise ValidationError("sources: the new fact's one source is the one split off", "sources")
    checked = validate_fact(dict(fields, sources=[source]), require_source_url=False)
    recorded = fact_recorded(new_id, checked, "manual", article=article)
    recorded.payload["split_from"] = state.fact_id
    return NewEvent(FACT_SPLIT, {"source": dict(source), "into": new_id, "reason": reason}), recorded


def fact_reviewed(state: FactState) -> NewEvent:
    """An editor looked at a machine-made fact and let it stand: it leaves the review queue."""
    _refuse_if_retracted(state)
    if state.origin != "feed":
        raise ValidationError(f"only machine-made facts are reviewed; this one is {state.origin}", "body")
    if state.reviewed:
        raise ValidationError("the fact is reviewed already", "body")
    return NewEvent(FACT_REVIEWED, {})


def _refuse_if_retracted(state: FactState) -> None:
    if state.merged_into is not None:
        raise FactMergedAway(f"fact {state.fact_id} was merged into {state.merged_into}: change that one")
    if state.retracted:
        raise FactRetracted(f"fact {state.fact_id} was retracted: {state.retraction_reason}")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# ---------------------------------------------------------------- folding


def upcast(event: Event) -> Event:
    """Bring an old payload shape up to the current one (all shapes are 1 so far)."""
    if event.schema_version > 1:
        raise ValidationError(
            f"event {event.event_id} has payload shape {event.schema_version}, newer than this program"
        )
    return event


# One append's events share their recorded_at: format each moment once (rebuild folds every event).
utc_text = functools.lru_cache(maxsize=1024)(to_utc_text)


def evolve(state: FactState | None, event: Event) -> FactState:
    """Apply one event of a fact's stream to its state."""
    event = upcast(event)
    at = utc_text(event.recorded_at)
    if event.type == FACT_RECORDED:
        return _recorded(event, at)
    if state is None:
        raise UnknownFact(f"{event.type} at position {event.position} for unknown fact {event.stream_id}")
    common = {"version": event.version, "last_recorded": at, "last_position": event.position}
    if event.type == FACT_CORRECTED:
        changes = {k: tuple(v) if isinstance(v, list) else v for k, v in event.payload["changes"].items()}
        return dataclasses.replace(state, corrected=True, **changes, **common)
    if event.type == FACT_RETRACTED:
        return dataclasses.replace(state, retracted=True, retraction_reason=event.payload["reason"], **common)
    if event.type == FACT_SOURCE_ADDED:
        sources = state.sources + (event.payload["source"],)
        planned = state.planned and not event.payload.get("confirms")
        return dataclasses.replace(state, sources=sources, planned=planned, **common)
    if event.type in _BY_EDITORS:
        return dataclasses.replace(state, **_BY_EDITORS[event.type](state, event.payload), **common)
    raise ValidationError(f"unknown fact event type {event.type!r} at position {event.position}")


def _merged(state: FactState, payload: dict) -> dict[str, Any]:
    """An editor's merge marks the kept fact reviewed; the machine's own (payload machine) does not."""
    reviewed = state.reviewed or not payload.get("machine", False)
    return {"sources": state.sources + tuple(payload["sources"]), "reviewed": reviewed}


def _merged_into(state: FactState, payload: dict) -> dict[str, Any]:
    """Its sources went to the fact it was merged into; its history keeps where each came from."""
    return {"merged_into": payload["into"], "sources": ()}


def _split(state: FactState, payload: dict) -> dict[str, Any]:
    url = payload["source"]["url"]
    kept = tuple(source for source in state.sources if source.get("url") != url)
    return {"sources": kept, "split_off": state.split_off + (url,), "reviewed": True}


def _reviewed(state: FactState, payload: dict) -> dict[str, Any]:
    return {"reviewed": True}


# The fields each editor's fix changes, for evolve.
_BY_EDITORS = {
    FACT_MERGED: _merged,
    FACT_MERGED_INTO: _merged_into,
    FACT_SPLIT: _split,
    FACT_REVIEWED: _reviewed,
}


def evolve_stream(state: FactState | None, events: Sequence[Event]) -> FactState:
    """evolve over one fact's events in order, with each run of FactSourceAdded applied in one step.

    A fact reported by many articles gains a source per article; replacing the
    state once per run, not once per source, is what keeps ingest's projection cheap.
    """
    i = 0
    while i < len(events):
        event = events[i]
        if event.type != FACT_SOURCE_ADDED or state is None:
            state, i = evolve(state, event), i + 1
            continue
        end = i
        while end < len(events) and events[end].type == FACT_SOURCE_ADDED:
            upcast(events[end])
            end += 1
        last = events[end - 1]
        sources = state.sources + tuple(e.payload["source"] for e in events[i:end])
        state = dataclasses.replace(
            state,
            sources=sources,
            planned=state.planned and not any(e.payload.get("confirms") for e in events[i:end]),
            version=last.version,
            last_recorded=utc_text(last.recorded_at),
            last_position=last.position,
        )
        i = end
    if state is None:
        raise ValueError("evolve_stream needs at least one event")
    return state


def _recorded(event: Event, at: str) -> FactState:
    p = event.payload
    return FactState(
        fact_id=event.stream_id,
        date=p["date"],
        end_date=p.get("end_date"),
        title=p["title"],
        summary=p.get("summary", ""),
        tags=tuple(p.get("tags", ())),
        sources=tuple(p.get("sources", ())),
        origin=p["origin"],
        version=event.version,
        corrected=False,
        retracted=False,
        retraction_reason=None,
        first_recorded=at,
        last_recorded=at,
        last_position=event.position,
        planned=p.get("status") == PLANNED,
    )


def fold(events: Iterable[Event]) -> dict[str, FactState]:
    """Every fact's state after these events (other event types are ignored)."""
    states: dict[str, FactState] = {}
    for event in events:
        if event.type in FACT_EVENT_TYPES:
            states[event.stream_id] = evolve(states.get(event.stream_id), event)
    return states


def _recorded_date_problems(payload: dict[str, Any]) -> list[str]:
    out = []
    for key in ("date", "end_date"):
        if isinstance(payload.get(key), str):
            try:
                FuzzyDate.parse(payload[key])
            except InvalidDate as error:
                out.append(f"{key}: {error}")
    return out


def _split_problems(payload: dict[str, Any]) -> list[str]:
    source = payload.get("source")
    ok = isinstance(source, dict) and isinstance(source.get("url"), str)
    return [] if ok else ["source.url missing or not str: a split names its source by URL"]


EVENT_TYPES = (
    EventType(
        FACT_RECORDED,
        {
            "fact_id": STR,
            "date": STR,
            "end_date": OPT_STR,
            "title": STR,
            "summary": STR,
            "tags": LIST,
            "sources": LIST,
            "origin": STR,
        },
        _recorded_date_problems,
    ),
    EventType(FACT_CORRECTED, {"changes": DICT, "previous": DICT, "reason": STR}),
    EventType(FACT_RETRACTED, {"reason": STR}),
    EventType(FACT_SOURCE_ADDED, {"source": DICT}),
    EventType(
        FACT_MERGED,
        {"merged": STR, "sources": LIST, "reason": STR},
        lambda p: [] if isinstance(p.get("machine", False), bool) else ["machine not a bool"],
    ),
    EventType(FACT_MERGED_INTO, {"into": STR, "reason": STR}),
    EventType(FACT_SPLIT, {"source": DICT, "into": STR, "reason": STR}, _split_problems),
    EventType(FACT_REVIEWED, {}),
)
