"""Request parameters to a TimelineQuery and signed cursors, checked here so no bad value reaches SQL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Protocol

from events.domain.dates import FuzzyDate, parse_optional
from events.domain.fact import clean_tags, clean_text
from events.log.clock import parse_instant, to_utc_text
from events.log.errors import InvalidDate, TimelineError, ValidationError
from events.read.search import fts_query
from events.read.search import words as search_words

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_QUERY_TEXT = 500
MAX_TAG_FILTERS = 10
_CURSOR = re.compile(r"^([el])(\d{4}-\d{2}-\d{2}):(\d{1,15})$")
# Cursors are not secrets: the digest only tells a tampered or truncated
# cursor from a real one, so a fixed key keeps bookmarks valid across restarts.
_CURSOR_KEY = b"sco-timeline cursor v1"


class BadParameter(TimelineError, ValueError):
    """A query parameter that cannot be used; the views answer 400 naming it."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


# ---------------------------------------------------------------- what is asked


@dataclass(frozen=True)
class Filters:
    """What narrows the timeline; every field combines with the others (AND)."""

    tags: tuple[str, ...] = ()
    q: str = ""
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    retracted: bool = False  # show=retracted: retracted facts too, struck through
    prefix: bool = True  # the last word may be unfinished; whole_words.settle asks the index

    @property
    def match(self) -> str | None:
        """The FTS5 query for q, built by fts_query so user text never reaches MATCH raw."""
        return fts_query(self.q, self.prefix)

    @property
    def words(self) -> tuple[str, ...]:
        """The searched words, folded, for highlight: the same words fts_query searches."""
        return tuple(_fold_word(w) for w in search_words(self.q))

    @property
    def low_day(self) -> str | None:
        """The first day `from` covers (from=2024-07 -> 2024-07-01): a fact must last until it."""
        return self.start.first_day().isoformat() if self.start else None

    @property
    def high_key(self) -> str | None:
        """The last sort key inside `end`: to=2024-03 takes every fact that may start in March.

        `sort_key <= high_key` holds exactly when the fact's first possible day
        is on or before the last day of `end`.
        """
        if self.end is None:
            return None
        month = f"{self.end.month:02d}" if self.end.month else "99"
        day = f"{self.end.day:02d}" if self.end.day else "99"
        return f"{self.end.year:04d}-{month}-{day}"

    @property
    def retracted_values(self) -> tuple[int, ...]:
        return (0, 1) if self.retracted else (0,)

    @property
    def is_empty(self) -> bool:
        return not (self.tags or self.match or self.start or self.end)


@dataclass(frozen=True)
class Cursor:
    """A page boundary: the facts before (older) or after this key in time."""

    sort_key: str
    n: int
    older: bool

    def encode(self) -> str:
        payload = f"{'e' if self.older else 'l'}{self.sort_key}:{self.n}".encode()
        return base64.urlsafe_b64encode(payload + _digest(payload)).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, TypeError):
            raise BadParameter(
                "cursor", "the cursor is damaged: follow an earlier or later link again"
            ) from None
        payload, digest = raw[:-8], raw[-8:]
        match = _CURSOR.match(payload.decode("ascii", "replace"))
        if not match or not hmac.compare_digest(digest, _digest(payload)):
            raise BadParameter("cursor", "the cursor is damaged: follow an earlier or later link again")
        return cls(match.group(2), int(match.group(3)), match.group(1) == "e")


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, key=_CURSOR_KEY, digest_size=8).digest()


@dataclass(frozen=True)
class TimelineQuery:
    """One request for the timeline: filters, order, page and moment."""

    filters: Filters = field(default_factory=Filters)
    order: str = "desc"
    cursor: Cursor | None = None
    as_of: str | None = None  # fixed-width UTC text, as recorded_at is stored
    limit: int = PAGE_SIZE

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """Query-string pairs that ask for this again (with changes); cursor dropped unless given."""
        f = changes.pop("filters", self.filters)
        values = {"order": self.order, "as_of": self.as_of, "cursor": None} | changes
        pairs = [("tag", tag) for tag in f.tags]
        pairs += [("q", f.q)] if f.q else []
        pairs += [("from", f.start.iso())] if f.start else []
        pairs += [("to", f.end.iso())] if f.end else []
        pairs += [("show", "retracted")] if f.retracted else []
        pairs += [("order", "asc")] if values["order"] == "asc" else []
        pairs += [("as_of", values["as_of"])] if values["as_of"] else []
        pairs += [("cursor", values["cursor"].encode())] if values["cursor"] else []
        return pairs


class Args(Protocol):
    def get(self, key: str) -> str | None: ...
    def getlist(self, key: str) -> list[str]: ...


# What a form's field may carry around its value: ASCII white space only (str.strip() also took
# control characters like \x1f, which the OpenAPI document, and so any client, calls invalid).
BLANK = " \t\n\r\f\v"


def parse_query(args: Args, *, max_limit: int | None = None) -> TimelineQuery:
    """Request parameters to a TimelineQuery; BadParameter names the first bad one."""
    start, end = _date_param(args, "from"), _date_param(args, "to")
    if start and end and end.last_day() < start.first_day():
        raise BadParameter("to", f"to ({end}) is before from ({start})")
    q = query_text(args, "q")
    q = q if fts_query(q) else ""  # nothing searchable ('"', '*') is no search: not "N facts matching “"”"
    filters = Filters(_tags_param(args), q, start, end, _choice(args, "show", ("retracted",)) != "")
    return TimelineQuery(
        filters=filters,
        order=_choice(args, "order", ("desc", "asc")) or "desc",
        cursor=Cursor.decode(args.get("cursor")) if args.get("cursor") else None,
        as_of=as_of_param(args),
        limit=_limit_param(args, max_limit) if max_limit else PAGE_SIZE,
    )


def _tags_param(args: Args) -> tuple[str, ...]:
    raw = [t for t in args.getlist("tag") if t.strip()]
    if len(raw) > MAX_TAG_FILTERS:
        raise BadParameter("tag", f"at most {MAX_TAG_FILTERS} tags at once")
    try:
        return clean_tags(raw, "tag")
    except ValidationError as error:
        raise BadParameter("tag", str(error)) from None


def query_text(args: Args, name: str) -> str:
    """Search text as stored text is cleaned: no control or bidi characters to echo into a page (BUG-7)."""
    try:
        return clean_text(args.get(name), name, limit=MAX_QUERY_TEXT)
    except ValidationError as error:
        raise BadParameter(name, str(error)) from None


def _date_param(args: Args, name: str) -> FuzzyDate | None:
    try:
        return parse_optional((args.get(name) or "").strip(BLANK))
    except InvalidDate as error:
        raise BadParameter(name, f"{name}: {error}") from None


def _choice(args: Args, name: str, allowed: tuple[str, ...]) -> str:
    value = (args.get(name) or "").strip(BLANK)
    if value and value not in allowed:
        shown = " or ".join(repr(a) for a in allowed)
        raise BadParameter(name, f"{name} must be {shown}, not {value[:40]!r}")
    return value


def as_of_param(args: Args) -> str | None:
    text = (args.get("as_of") or "").strip(BLANK)
    if not text:
        return None
    try:
        return to_utc_text(parse_instant(text))
    except (ValueError, OverflowError):
        raise BadParameter(
            "as_of", f"as_of: {text[:40]!r} is not a moment: use e.g. 2024-01-01T00:00:00Z"
        ) from None


def _limit_param(args: Args, max_limit: int) -> int:
    text = (args.get("limit") or "").strip(BLANK)
    if not text:
        return PAGE_SIZE
    # isdigit() alone admits "²" and other digits int() refuses, and any length: check both first
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or not 1 <= int(text) <= max_limit:
        raise BadParameter("limit", f"limit must be a whole number from 1 to {max_limit}")
    return int(text)


def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
