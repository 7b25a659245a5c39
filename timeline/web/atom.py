"""The Atom feed (RFC 4287): facts newest change first, paged (RFC 5005), with cheap conditional GET."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, request
from jinja2 import Environment, StrictUndefined, Template
from markupsafe import Markup
from werkzeug.http import is_resource_modified

from events.domain.dates import FuzzyDate, human_span
from events.domain.fact import (
    CORRECTABLE,
    FACT_MERGED,
    FACT_MERGED_INTO,
    FACT_RETRACTED,
    FACT_REVIEWED,
    FACT_SOURCE_ADDED,
    FACT_SPLIT,
    MAX_TAG,
    MAX_TAGS,
    FactState,
    clean_tags,
    clean_url,
)
from events.domain.language import language_of
from events.log.clock import from_utc_text, to_utc_text
from events.log.errors import InvalidDate, ValidationError
from events.log.ids import stable_id
from events.log.store import read_transaction
from events.read import atom as atom_reads
from events.read.atom import AtomFilter, AtomWindow, LoggedChange
from events.read.filters import BadParameter, query_text
from events.read.search import MAX_TERMS, fts_query
from events.read.whole_words import match_for
from timeline.db import get_timeline
from timeline.web import words

bp = Blueprint("atom", __name__)

FEED_PATH = "feed.atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_FORMAT = "1"  # part of every ETag: bump when the same facts render differently
NO_CHANGES_YET = "1970-01-01T00:00:00.000000Z"  # `updated` of a database without facts
SUMMARY_CLIP = 280
# XML 1.0 forbids C0 controls (but tab, LF, CR), surrogates, U+FFFE/U+FFFF; C1 controls and
# bidi overrides are legal but strip them too, as the domain does for what people type.
_NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_WORD = re.compile(r"\w+")
_CURSOR = re.compile(r"[A-Za-z0-9_-]{1,32}")
_CURSOR_TEXT = re.compile(r"p([1-9][0-9]{0,17})")
_URL_SAFE = ":/?#[]@!$&'()*+,;=-._~%"  # RFC 3986 reserved and unreserved, and existing escapes
_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class BadAtomRequest(ValueError):
    """A parameter the feed cannot serve: answered 400, never 500."""


# ---------------------------------------------------------------- the route


@bp.get("/feed.atom")
def atom_feed() -> Response:
    try:
        wanted = parse_request(request.args)
    except BadAtomRequest as error:
        return Response(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")
    links = AtomLinks.build(current_app.config["TIMELINE"].base_url, wanted, request.query_string)
    conn = get_timeline().conn
    with read_transaction(conn):
        wanted = _settled(conn, wanted)
        etag, modified, page = _validators(conn, wanted, links)
        if not is_resource_modified(request.environ, etag=etag, last_modified=from_utc_text(modified)):
            return _not_modified(etag)
        if page is None:
            page = atom_reads.window(conn, wanted.where, wanted.before)
        body = _render(conn, wanted, links, page, _updated(conn, page))
    return _atom_response(body, etag, modified)


def _settled(conn, wanted: AtomRequest) -> AtomRequest:
    """The search with its last word taken whole when the index holds it (whole_words), as the page does."""
    if wanted.where.match is None:
        return wanted
    return dataclasses.replace(wanted, where=AtomFilter(wanted.where.tags, match_for(conn, wanted.q)))


def _validators(conn, wanted: AtomRequest, links: AtomLinks) -> tuple[str, str, AtomWindow | None]:
    """ETag and Last-Modified without rendering.

    Plain and tag feeds: the page's own keys, exact and cheap (each position
    pins one fact at one version). Searches: the newest change anywhere, as
    listing a common word's matches costs as much as the render itself.
    """
    if wanted.where.match is not None:
        newest = atom_reads.newest_change(conn)
        state = f"any:{newest.position}" if newest else "any:0"
        return _etag(links.self, state), newest.changed_at if newest else NO_CHANGES_YET, None
    page = atom_reads.window(conn, wanted.where, wanted.before)
    updated = _updated(conn, page)
    positions = ",".join(str(key.position) for key in page.keys)
    return _etag(links.self, f"{positions};{page.has_more};{updated}"), updated, page


def _updated(conn, page: AtomWindow) -> str:
    """The newest change shown; for an empty page, the newest change anywhere."""
    if page.keys:
        return max(key.changed_at for key in page.keys)
    newest = atom_reads.newest_change(conn)
    return newest.changed_at if newest else NO_CHANGES_YET


def _etag(self_url: str, state: str) -> str:
    text = "\n".join((FEED_FORMAT, _renderer().digest, self_url, state))
    return "atom-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.cache_control.no_cache = True
    return response


def _atom_response(body: str, etag: str, modified: str) -> Response:
    response = Response(body, content_type=ATOM_TYPE)
    response.set_etag(etag)
    response.last_modified = from_utc_text(modified)
    response.cache_control.no_cache = True  # readers may keep it, but ask again: the 304 is cheap
    return response


# ---------------------------------------------------------------- parameters


@dataclass(frozen=True)
class AtomRequest:
    tags: tuple[str, ...]  # as given, for links back to the HTML page
    q: str
    where: AtomFilter
    before: int | None

    @property
    def words(self) -> str:
        """The search as the feed understands it, for titles and the feed id."""
        return " ".join(_WORD.findall(self.q)[:MAX_TERMS])


# The HTML timeline's other parameters: the feed cannot honour them (it carries the facts most recently
# recorded or changed), and taking them silently served the whole feed under a self link claiming them.
TIMELINE_ONLY = ("from", "to", "as_of", "show", "order")


def parse_request(args: Any) -> AtomRequest:
    """tag (repeatable, all must match), q (a search; nothing searchable = no filter), cursor."""
    for name in TIMELINE_ONLY:
        if name in args:
            raise BadAtomRequest(
                f"{name}: the feed does not filter by it; it carries the facts most recently"
                " recorded or changed, filtered by tag and q only"
            )
    tags = tuple(tag.strip() for tag in args.getlist("tag") if tag.strip())
    if len(tags) > MAX_TAGS:
        raise BadAtomRequest(f"tag: at most {MAX_TAGS} tags")
    if any(len(tag) > MAX_TAG for tag in tags):
        raise BadAtomRequest(f"tag: at most {MAX_TAG} characters")
    cursors = args.getlist("cursor")
    if len(cursors) > 1:
        raise BadAtomRequest("cursor: give one cursor, not several")
    before = decode_cursor(cursors[0]) if cursors else None
    try:  # cleaned and bounded as on the HTML timeline: the feed's title echoes q, and XML refuses C0 controls
        q = query_text(args, "q")
    except BadParameter as error:
        raise BadAtomRequest(f"q: {str(error).removeprefix('q is ')}") from None
    normal = tuple(dict.fromkeys(_normal_tag(tag) for tag in tags))
    return AtomRequest(tags, q, AtomFilter(normal, fts_query(q)), before)


def _normal_tag(tag: str) -> str:
    """Tags are stored as slugs; one that cannot be a slug matches nothing, an empty feed."""
    try:
        return clean_tags([tag])[0]
    except ValidationError:
        return tag


def encode_cursor(position: int) -> str:
    """Opaque to readers, so the keyset can change without breaking their links' meaning."""
    return base64.urlsafe_b64encode(f"p{position}".encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(text: str) -> int:
    """Only a cursor this feed wrote, in the one spelling it writes."""
    if _CURSOR.fullmatch(text):
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
        except ValueError:  # binascii.Error and UnicodeDecodeError are both ValueErrors
            raw = ""
        match = _CURSOR_TEXT.fullmatch(raw)
        if match and encode_cursor(int(match[1])) == text:
            return int(match[1])
    raise BadAtomRequest("cursor: not a cursor this feed gave out; start again from the feed's first page")


# ---------------------------------------------------------------- addresses


@dataclass(frozen=True)
class AtomLinks:
    base: str
    self: str
    alternate: str
    first: str
    feed_id: str
    filters: tuple[tuple[str, str], ...]

    @classmethod
    def build(cls, base: str, wanted: AtomRequest, query_string: bytes) -> AtomLinks:
        filters = tuple(("tag", tag) for tag in wanted.tags) + (
            (("q", wanted.q),) if wanted.q.strip() else ()
        )
        exact = quote(query_string.decode("utf-8", "replace"), safe=_URL_SAFE)
        canonical = tuple(("tag", tag) for tag in sorted(wanted.where.tags))
        canonical += (("q", wanted.words.lower()),) if wanted.where.match else ()
        return cls(
            base=base,
            self=base + FEED_PATH + (f"?{exact}" if exact else ""),
            alternate=base + _query(filters),
            first=base + FEED_PATH + _query(filters),
            feed_id=base + FEED_PATH + _query(canonical),
            filters=filters,
        )

    def next(self, position: int) -> str:
        return self.base + FEED_PATH + _query(self.filters + (("cursor", encode_cursor(position)),))

    def permalink(self, fact_id: str) -> str:
        return f"{self.base}events/{quote(fact_id, safe='')}"


def _query(pairs: tuple[tuple[str, str], ...]) -> str:
    return "?" + urlencode(pairs, quote_via=quote) if pairs else ""


def entry_id(fact_id: str) -> str:
    """The fact's own UUID as a URN, else a uuid5 of its id: never the base URL, so it
    survives corrections, rebuilds, export/import and a move to another address."""
    try:
        if str(uuid.UUID(fact_id)) == fact_id.lower():
            return f"urn:uuid:{fact_id.lower()}"
    except ValueError:
        pass
    return f"urn:uuid:{stable_id('atom-entry', fact_id)}"


def web_url(url: Any) -> str | None:
    """An http(s) source URL, escaped into a valid IRI; None for seed sources and anything else."""
    try:
        return quote(clean_url(url, "url"), safe=_URL_SAFE)
    except ValidationError:
        return None


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class SourceView:
    label: str
    href: str | None


@dataclass(frozen=True)
class EntryView:
    id: str
    title: str
    published: str
    updated: str
    permalink: str
    tags: tuple[str, ...]
    related: tuple[SourceView, ...]
    when: str
    text: str
    text_lang: str  # BCP 47: a Russian or Chinese report's words are marked as such
    retraction: str | None
    sources: tuple[SourceView, ...]
    changes: tuple[str, ...]
    more_changes: bool


@dataclass(frozen=True)
class _Renderer:
    template: Template
    digest: str  # in every ETag, so editing the template invalidates what readers cached


def _renderer() -> _Renderer:
    """A Jinja environment of our own: autoescape, and every printed value made legal XML."""
    found = current_app.extensions.get("timeline.web.atom")
    if found is None:
        env = Environment(
            loader=current_app.jinja_loader,
            autoescape=True,
            finalize=xml_text,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        source = env.loader.get_source(env, "feed.xml")[0]
        found = _Renderer(
            env.get_template("feed.xml"), hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
        )
        current_app.extensions["timeline.web.atom"] = found
    return found


def xml_text(value: Any) -> Any:
    """Jinja finalize: the characters XML 1.0 forbids leave every printed value."""
    if isinstance(value, Markup):
        return Markup(_NOT_XML.sub("", value))
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    return value


def _render(conn, wanted: AtomRequest, links: AtomLinks, page: AtomWindow, updated: str) -> str:
    facts = atom_reads.states(conn, page.keys)
    entries = [_entry(links, fact, *atom_reads.changes(conn, fact)) for fact in facts if not fact.merged_into]
    gone = _tombstones(conn, links, [fact for fact in facts if fact.merged_into])
    feed = {
        "id": links.feed_id,
        "title": feed_title(wanted),
        "updated": _atom_time(updated),
        "self": links.self,
        "alternate": links.alternate,
        "first": links.first,
        "home": links.base,
        "version": _version(),
        "next": links.next(page.keys[-1].position) if page.has_more else None,
    }
    return _renderer().template.render(feed=feed, entries=entries, tombstones=gone)


def feed_title(wanted: AtomRequest) -> str:
    parts = []
    if wanted.where.tags:
        parts.append("tagged " + ", ".join(f"“{tag}”" for tag in wanted.where.tags))
    if wanted.where.match:
        parts.append(f"search “{wanted.words}”")
    return "SCO Timeline" + (": " + "; ".join(parts) if parts else "")


def _entry(links: AtomLinks, fact: FactState, changes: list[LoggedChange], more: bool) -> EntryView:
    sources = tuple(source_view(source) for source in fact.sources)
    related = tuple({s.href: s for s in sources if s.href}.values())
    return EntryView(
        id=entry_id(fact.fact_id),
        title=entry_title(fact),
        published=_atom_time(fact.first_recorded),
        updated=_atom_time(fact.last_recorded),
        permalink=links.permalink(fact.fact_id),
        tags=tuple(tag for tag in fact.tags if xml_text(tag).strip()),
        related=related,
        when=_fact_when(fact),
        text=fact.summary or fact.title,
        text_lang=language_of(fact.summary or fact.title),
        retraction=fact.retraction_reason if fact.retracted else None,
        sources=sources,
        changes=tuple(describe(change) for change in changes),
        more_changes=more,
    )


@dataclass(frozen=True)
class TombstoneView:
    """An entry that left the feed (RFC 6721): a fact merged into another, which carries on in its place."""

    ref: str
    when: str
    by: str | None
    comment: str
    into: str  # the permalink of the fact it was merged into


def _tombstones(conn, links: AtomLinks, facts: list[FactState]) -> list[TombstoneView]:
    titles = atom_reads.titles(conn, [fact.merged_into for fact in facts])
    return [_tombstone(links, fact, titles, atom_reads.changes(conn, fact, 1)[0]) for fact in facts]


def _tombstone(links: AtomLinks, fact: FactState, titles: dict, changes: list[LoggedChange]) -> TombstoneView:
    merge = next((c for c in changes if c.type == FACT_MERGED_INTO), None)
    into = links.permalink(fact.merged_into)
    comment = f"“{fact.title}” was merged into “{titles.get(fact.merged_into, fact.merged_into)}”, {into}"
    if merge is not None and merge.payload.get("reason"):
        comment += f". Reason: {merge.payload['reason']}"
    return TombstoneView(
        ref=entry_id(fact.fact_id),
        when=_atom_time(fact.last_recorded),
        by=words.who(merge.actor) if merge else None,
        comment=comment,
        into=into,
    )


def entry_title(fact: FactState) -> str:
    """ "3 July 2024 · Putin and Xi meet in Astana": a feed reader shows when it was recorded, not when it happened."""
    return ("[Retracted] " if fact.retracted else "") + f"{_fact_when(fact)} · {fact.title}"


def _fact_when(fact: FactState) -> str:
    """The event's own date at its precision: "2001", "March 2024", "15-16 September 2022"."""
    try:
        return human_span(fact.fuzzy_date, fact.fuzzy_end)
    except InvalidDate:
        return fact.date


def source_view(source: Mapping[str, Any]) -> SourceView:
    """A source as a line of text; seed sources have no URL, so the text is all there is."""
    title, outlet = _text(source.get("title")), _text(source.get("outlet"))
    href = web_url(source.get("url"))
    label = title or outlet or href or "unnamed source"
    details = [part for part in (outlet if title else "", _human_published(source.get("published"))) if part]
    if details:
        label += " — " + ", ".join(details)
    return SourceView(label, href)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _human_published(value: Any) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        return FuzzyDate.parse(value.split("T")[0]).human()
    except InvalidDate:
        return value


def describe(change: LoggedChange) -> str:
    """What a correction, retraction or added source did, in one sentence for subscribers."""
    who = f" by {words.who(change.actor)}" if change.actor else ""
    when = human_time(change.recorded_at)
    payload = change.payload
    if change.type == FACT_RETRACTED:
        return f"Retracted on {when}{who}. Reason: {payload.get('reason', '')}"
    if change.type == FACT_SOURCE_ADDED:
        return f"Source added on {when}{who}: {source_view(payload.get('source') or {}).label}"
    if change.type in _EDITORS_FIXES:
        return _EDITORS_FIXES[change.type](payload, when, who)
    new, old = payload.get("changes") or {}, payload.get("previous") or {}
    edits = "; ".join(
        describe_edit(field, old.get(field), new[field]) for field in CORRECTABLE if field in new
    )
    return f"Corrected on {when}{who}: {edits}. Reason: {payload.get('reason', '')}"


def _merged(payload: Mapping[str, Any], when: str, who: str) -> str:
    moved = len(payload.get("sources") or ())
    brought = f", bringing {moved} source{'s' * (moved != 1)}" if moved else ""
    return f"Merged on {when}{who}: another fact of the same happening joined this one{brought}. Reason: {payload.get('reason', '')}"


def _split(payload: Mapping[str, Any], when: str, who: str) -> str:
    label = source_view(payload.get("source") or {}).label
    return f"Source split off on {when}{who} into a fact of its own: {label}. Reason: {payload.get('reason', '')}"


def _merged_into(payload: Mapping[str, Any], when: str, who: str) -> str:
    return f"Merged into another fact on {when}{who}. Reason: {payload.get('reason', '')}"


def _reviewed(payload: Mapping[str, Any], when: str, who: str) -> str:
    return f"Reviewed on {when}{who}."


# What each of the editors' fixes of the machine's facts did, for subscribers.
_EDITORS_FIXES = {
    FACT_MERGED: _merged,
    FACT_SPLIT: _split,
    FACT_MERGED_INTO: _merged_into,
    FACT_REVIEWED: _reviewed,
}


def describe_edit(field: str, old: Any, new: Any) -> str:
    if field in ("date", "end_date"):
        label = "date" if field == "date" else "end date"
        return f"{label} changed from {_human_date(old)} to {_human_date(new)}"
    if field == "title":
        return f"title changed from “{old}” to “{new}”"
    if field == "summary":
        return f"summary changed (it was “{_clip(old or '')}”)"
    if field == "tags":
        added = [tag for tag in new or () if tag not in (old or ())]
        removed = [tag for tag in old or () if tag not in (new or ())]
        moves = [f"added {', '.join(added)}"] * bool(added) + [f"removed {', '.join(removed)}"] * bool(
            removed
        )
        return "tags changed: " + (" and ".join(moves) or "reordered")
    if field == "sources":
        return f"sources changed ({len(old or ())} before, {len(new or ())} now)"
    return f"{field} changed"


def _human_date(value: Any) -> str:
    if not value:
        return "none"
    try:
        return FuzzyDate.parse(value).human()
    except InvalidDate:
        return str(value)


def _clip(text: str) -> str:
    return text if len(text) <= SUMMARY_CLIP else text[: SUMMARY_CLIP - 1].rstrip() + "…"


def human_time(text: str) -> str:
    moment = from_utc_text(text).astimezone(dt.UTC)
    return f"{moment.day} {_MONTHS[moment.month]} {moment.year}, {moment:%H:%M} UTC"


def _atom_time(text: str) -> str:
    """RFC 3339 in UTC with microseconds: readers compare `updated`, and two changes may share a second."""
    return to_utc_text(from_utc_text(text))


@functools.cache
def _version() -> str | None:
    try:
        return metadata.version("sco-timeline")
    except metadata.PackageNotFoundError:
        return None
