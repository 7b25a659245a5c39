"""Read-side queries: filtered keyset pages, counts, the timeline as of a past moment, and a fact's history.

Only this module knows the read-side SQL; the web and JSON views call it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import sqlite3
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

from events.log.clock import parse_instant, to_utc_text
from events.domain.dates import FuzzyDate, parse_optional
from events.log.errors import InvalidDate, TimelineError, ValidationError
from events.domain.fact import (
    FACT_CORRECTED,
    FACT_EVENT_TYPES,
    FACT_RECORDED,
    FACT_RETRACTED,
    FACT_SOURCE_ADDED,
    FactState,
    clean_tags,
    clean_text,
    fold,
)
from events.log.model import Event
from events.read.projections import checkpoint, state_from_row
from events.read.search import TOKENIZE, fts_query, matcher
from events.read.search import words as search_words
from events.log.store import EVENT_COLUMNS, EventStore, event_from_row

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_QUERY_TEXT = 500
MAX_TAG_FILTERS = 10
FEW_HITS_FACTOR = 10  # a search with at most sqrt(10 * facts) hits reads and sorts them (see _few_hits)
SIDEBAR_TAGS = 60
TAG_COUNT_LIMIT = 20_000  # counting a tag's rows to pick the rarest stops here
_FACT_COLUMNS = (
    "n, sort_key, fact_id, date, end_date, title, summary, tags, sources, origin, version, corrected,"
    " retracted, retraction_reason, first_recorded, last_recorded, last_position"
)
_WORD = re.compile(r"\w+", re.UNICODE)
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

    @property
    def match(self) -> str | None:
        """The FTS5 query for q, built by fts_query so user text never reaches MATCH raw."""
        return fts_query(self.q)

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
            raise BadParameter("cursor", "the cursor is damaged: follow an earlier or later link again") from None
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
        return parse_optional((args.get(name) or "").strip())
    except InvalidDate as error:
        raise BadParameter(name, f"{name}: {error}") from None


def _choice(args: Args, name: str, allowed: tuple[str, ...]) -> str:
    value = (args.get(name) or "").strip()
    if value and value not in allowed:
        shown = " or ".join(repr(a) for a in allowed)
        raise BadParameter(name, f"{name} must be {shown}, not {value[:40]!r}")
    return value


def as_of_param(args: Args) -> str | None:
    text = (args.get("as_of") or "").strip()
    if not text:
        return None
    try:
        return to_utc_text(parse_instant(text))
    except (ValueError, OverflowError):
        raise BadParameter("as_of", f"as_of: {text[:40]!r} is not a moment: use e.g. 2024-01-01T00:00:00Z") from None


def _limit_param(args: Args, max_limit: int) -> int:
    text = (args.get("limit") or "").strip()
    if not text:
        return PAGE_SIZE
    # isdigit() alone admits "²" and other digits int() refuses, and any length: check both first
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or not 1 <= int(text) <= max_limit:
        raise BadParameter("limit", f"limit must be a whole number from 1 to {max_limit}")
    return int(text)


# ---------------------------------------------------------------- where facts come from

@dataclass(frozen=True)
class Source:
    """Tables holding fact rows: the projection, or temp tables of facts replayed as of a moment."""

    facts: str = "facts"
    tags: str = "fact_tags"
    fts: str = "facts_fts"
    until: int | None = None  # only rows last changed at or before this position
    spans: str = "facts_spans"  # the index of facts with an end date, by the last key they reach


LIVE = (Source(),)


@dataclass(frozen=True)
class Listed:
    """A fact on a page: its state and its keyset position."""

    n: int
    sort_key: str
    state: FactState




# ---------------------------------------------------------------- pages

@dataclass(frozen=True)
class Page:
    facts: list[Listed]
    earlier: Cursor | None
    later: Cursor | None


def timeline_page(conn: sqlite3.Connection, query: TimelineQuery, sources: Sequence[Source] = LIVE) -> Page:
    """One page in the asked order, with cursors to the older and newer neighbours."""
    cursor = query.cursor
    older = cursor.older if cursor else query.order == "desc"
    key = (cursor.sort_key, cursor.n) if cursor else None
    rows = _fetch(conn, query.filters, sources, older, key, query.limit + 1)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    ends = sorted(((r.sort_key, r.n) for r in rows)) or ([key] if key else [])
    has_older = more if older else bool(ends and cursor and _fetch(conn, query.filters, sources, True, ends[0], 1))
    has_newer = more if not older else bool(ends and cursor and _fetch(conn, query.filters, sources, False, ends[-1], 1))
    rows.sort(key=lambda r: (r.sort_key, r.n), reverse=query.order == "desc")
    return Page(
        rows,
        Cursor(*ends[0], older=True) if has_older else None,
        Cursor(*ends[-1], older=False) if has_newer else None,
    )


def _fetch(conn, filters: Filters, sources: Sequence[Source], older: bool, key, limit: int) -> list[Listed]:
    """Up to limit facts past key in one direction, merged from every source and retracted state."""
    direction = "DESC" if older else "ASC"
    branches, params = [], []
    for source in sources:
        for retracted in filters.retracted_values:
            for sql, args, ks in _branches(conn, filters, source, retracted, older, key):
                order = f"ORDER BY {ks}.sort_key {direction}, {ks}.n {direction}"  # the driving index's own order
                branches.append(f"SELECT * FROM ({sql} {order} LIMIT {int(limit)})")
                params += args
    sql = " UNION ALL ".join(branches) + f" ORDER BY 2 {direction}, 1 {direction} LIMIT {int(limit)}"
    return [Listed(row[0], row[1], state_from_row(row[2:])) for row in conn.execute(*_with_hits(filters, sources, sql, params))]


def _with_hits(filters: Filters, sources: Sequence[Source], sql: str, params: list) -> tuple[str, list]:
    """The statement with each source's search hits read once, for every date piece that checks them.

    A date filter cuts a page into up to four pieces (_date_pieces); each read
    the hits of a common word again, which made search with `from` 2.5-7x
    slower (found in review). MATERIALIZED: read once, whoever asks.
    """
    if not _shares_hits(filters):
        return sql, params
    hits = ", ".join(f"{_hits(s)} AS MATERIALIZED (SELECT rowid AS n FROM {s.fts} WHERE {s.fts} MATCH ?)" for s in sources)
    return f"WITH {hits} {sql}", [filters.match] * len(sources) + params


def _shares_hits(filters: Filters) -> bool:
    """A search with `from` has several date pieces to share the hits; alone, one piece reads them inline
    (materialising them first cost ~6 ms more at 50k hits)."""
    return filters.match is not None and filters.start is not None


def _hits(source: Source) -> str:
    return "hits_" + re.sub(r"\W", "_", source.fts)


def _branches(conn, filters: Filters, source: Source, retracted: int, older: bool | None,
              key) -> list[tuple[str, list, str]]:  # fmt: skip
    """SELECTs of fact columns FROM one source WHERE every filter holds, past key in time (older=None: unordered).

    The matching facts are the union of the disjoint date pieces (see
    _date_pieces), one SELECT each, so each piece walks its own index in
    (sort_key, n) order. Each also comes with the alias of the table whose
    (sort_key, n) drives its walk.
    """
    match = filters.match
    from_hits = match is not None and (older is None or _few_hits(conn, source, match))
    tags = _rarest_first(conn, source, filters.tags)
    if from_hits:  # the few hits are read and sorted anyway: one SELECT checks the overlap itself
        pieces = [_Piece(_overlap(filters), _overlap_params(filters))]
    else:
        pieces = _date_pieces(filters)
    pieces = [p for p in pieces if not _behind(p, older, key)]
    shared = _shares_hits(filters)
    return [_branch(source, retracted, tags, match, from_hits, piece, older, key, shared) for piece in pieces]


def _behind(piece: _Piece, older: bool | None, key) -> bool:
    """Whether a piece of one sort key lies wholly on the side of the cursor already shown."""
    if piece.exact is None or key is None:
        return False
    return piece.exact > key[0] if older else piece.exact < key[0]


def _branch(source: Source, retracted: int, tags: tuple[str, ...], match: str | None, from_hits: bool,
            piece: _Piece, older: bool | None, key, shared: bool) -> tuple[str, list, str]:  # fmt: skip
    frm, ks, where, params, tags = _driver(tags, source, match if from_hits else None, piece.spans)
    params.append(retracted)
    for tag in tags:
        where.append(
            f"EXISTS (SELECT 1 FROM {source.tags} x WHERE x.tag = ? AND x.retracted = {ks}.retracted"
            f" AND x.sort_key = {ks}.sort_key AND x.n = {ks}.n)"
        )
        params.append(tag)
    if match is not None and not from_hits:
        # Many hits: SQLite reads them once into a temporary index and checks each row
        # of the timeline walk against it. (Probing FTS per row costs a whole prefix
        # lookup each time: 1.6 ms per row for a common prefix at 100k facts.)
        if shared:  # read once per statement (_with_hits); "+" keeps the walk on the timeline
            # index: taken as an equality on n, SQLite drove a piece of one sort key from every hit, then sorted
            where.append(f"+f.n IN (SELECT n FROM {_hits(source)})")
        else:
            where.append(f"f.n IN (SELECT rowid FROM {source.fts} WHERE {source.fts} MATCH ?)")
            params.append(match)
    where += [condition.format(ks=ks) for condition in piece.where]
    params += piece.params
    if key is not None and piece.exact is not None:
        # One sort key: past the cursor is a range of n (or all of it), which the index
        # seeks; SQLite would rather take the row value as a sort_key range and sort.
        if piece.exact == key[0]:
            where.append(f"{ks}.n {'<' if older else '>'} ?")
            params.append(key[1])
    elif key is not None:
        where.append(f"({ks}.sort_key, {ks}.n) {'<' if older else '>'} (?, ?)")
        params += list(key)
    if source.until is not None:
        where.append("f.last_position <= ?")
        params.append(source.until)
    sql = f"SELECT {', '.join('f.' + c.strip() for c in _FACT_COLUMNS.split(','))} FROM {frm} WHERE {' AND '.join(where)}"
    return sql, params, ks


def _driver(tags: tuple[str, ...], source: Source, match: str | None,
            spans: bool) -> tuple[str, str, list, list, tuple[str, ...]]:  # fmt: skip
    """What the query walks: the search hits, the spans index, the first tag's index, or the timeline index."""
    if match is not None:
        hits = f"(SELECT rowid AS m FROM {source.fts} WHERE {source.fts} MATCH ?) s"
        return f"{hits} CROSS JOIN {source.facts} f ON f.n = s.m", "f", ["f.retracted = ?"], [match], tags
    if spans:  # few rows whatever the tags: check every tag on them
        return f"{source.facts} f INDEXED BY {source.spans}", "f", ["f.retracted = ?"], [], tags
    if tags:
        frm = f"{source.tags} t CROSS JOIN {source.facts} f ON f.n = t.n"
        return frm, "t", ["t.tag = ?", "t.retracted = ?"], [tags[0]], tags[1:]
    return f"{source.facts} f", "f", ["f.retracted = ?"], [], tags


def _rarest_first(conn: sqlite3.Connection, source: Source, tags: tuple[str, ...]) -> tuple[str, ...]:
    """Walk the rarest tag's index: two tags that seldom meet then never walk the common one."""
    if len(tags) < 2:
        return tags
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {source.tags} WHERE tag = ? LIMIT {TAG_COUNT_LIMIT})"
    counts = {tag: conn.execute(sql, (tag,)).fetchone()[0] for tag in tags}
    return tuple(sorted(tags, key=counts.__getitem__))


def _few_hits(conn: sqlite3.Connection, source: Source, match: str) -> bool:
    """Whether a page should read every search hit and sort them, rather than walk the timeline.

    Sorting M hits costs about 2.6 us each; walking checks each timeline row
    against the hits (0.2 us per hit to prepare) and needs about page * N / M
    rows. They break even near M = sqrt(10 N), so either way the worst case
    grows with sqrt(N), not N.
    """
    facts = conn.execute(f"SELECT COALESCE(MAX(n), 0) FROM {source.facts}").fetchone()[0]
    limit = max(200, int(math.sqrt(FEW_HITS_FACTOR * facts)))
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {source.fts} WHERE {source.fts} MATCH ? LIMIT ?)"
    return conn.execute(sql, (match, limit + 1)).fetchone()[0] <= limit


# ---------------------------------------------------------------- date ranges

# The last sort key a fact may reach: its end date's, else its date's, 99 for
# unknown parts (2024-07 -> 2024-07-99). `>= day` holds exactly when the fact's
# last possible day is on or after that day. _SPAN_END is the expression the
# facts_spans index is built on (events/log/migrations.py): keep them identical.
_END = "substr(COALESCE(f.end_date, f.date) || '-99-99', 1, 10)"
_SPAN_END = "substr(f.end_date || '-99-99', 1, 10)"


@dataclass(frozen=True)
class _Piece:
    """One disjoint part of a date range: conditions ({ks} is the driving alias) and whether spans drive it."""

    where: tuple[str, ...] = ()
    params: tuple = ()
    spans: bool = False
    exact: str | None = None  # the one sort key of this piece, if it has one


def _overlap(filters: Filters) -> tuple[str, ...]:
    """A fact is in [from, to] when the days it may cover overlap the days the range covers.

    The fact covers [first day of date, last day of end_date or else of date];
    sort_key <= high_key says it starts by the end of `to`, _END >= low_day that
    it lasts until the start of `from`. Precise for every row, but not an index range.
    """
    return (("{ks}.sort_key <= ?",) if filters.end else ()) + ((f"{_END} >= ?",) if filters.start else ())


def _overlap_params(filters: Filters) -> tuple:
    return ((filters.high_key,) if filters.end else ()) + ((filters.low_day,) if filters.start else ())


def _date_pieces(filters: Filters) -> list[_Piece]:
    """_overlap cut into disjoint pieces that each walk an index in (sort_key, n) order.

    `to` alone is one key range: a fact starts by the end of `to`. With `from`
    (first day F), facts starting on or after F reach it; of those starting
    before F, only three kinds can reach it: the month containing F
    (2024-07 for F = 2024-07-01, key 2024-07-00) and the year containing F
    (key 2024-00-00), each found by its exact key, and facts whose end date
    reaches F, found through the small facts_spans index. Those three also
    check that the fact lasts until F, since a fuzzy fact may end before its
    own date does (2024 to 2024-03).
    """
    if filters.start is None:
        return [_Piece(*_with_end(filters, (), ()))]
    day, high = filters.low_day, filters.high_key
    month_key, year_key = day[:7] + "-00", day[:4] + "-00-00"
    reaches = f"{_END} >= ?"
    pieces = [_Piece(*_with_end(filters, ("{ks}.sort_key >= ?",), (day,)))]
    for key in (month_key, year_key):
        if high is None or key <= high:
            pieces.append(_Piece(("{ks}.sort_key = ?", reaches), (key, day), exact=key))
    spans = ("f.end_date IS NOT NULL", f"{_SPAN_END} >= ?", "f.sort_key < ?", "f.sort_key NOT IN (?, ?)")
    return pieces + [_Piece(*_with_end(filters, spans, (day, day, month_key, year_key)), spans=True)]


def _with_end(filters: Filters, where: tuple[str, ...], params: tuple) -> tuple[tuple[str, ...], tuple]:
    if filters.end is None:
        return where, params
    return (*where, "{ks}.sort_key <= ?"), (*params, filters.high_key)


# ---------------------------------------------------------------- counts

@dataclass(frozen=True)
class Summary:
    """Counts for the current filters: the total, per period (YYYY-MM, 00 = month unknown) and per tag."""

    total: int
    periods: dict[str, int]
    tags: list[tuple[str, int]]


def summarize(conn: sqlite3.Connection, filters: Filters, sources: Sequence[Source] = LIVE) -> Summary:
    periods = _period_counts(conn, filters, sources)
    return Summary(sum(periods.values()), periods, _tag_counts(conn, filters, sources))


def _matching(conn, filters: Filters, sources: Sequence[Source]) -> tuple[str, list]:
    """Every matching fact (n, sort_key, retracted) from every source, as one SQL union."""
    parts, params = [], []
    for index, source in enumerate(sources):
        for retracted in filters.retracted_values:
            for sql, args, _ in _branches(conn, filters, source, retracted, None, None):
                parts.append(f"SELECT n, sort_key, retracted, {index} AS src FROM ({sql})")
                params += args
    return _with_hits(filters, sources, " UNION ALL ".join(parts), params)


def _period_counts(conn, filters: Filters, sources: Sequence[Source]) -> dict[str, int]:
    sql, params = _matching(conn, filters, sources)
    rows = conn.execute(f"SELECT substr(sort_key, 1, 7) AS p, count(*) FROM ({sql}) GROUP BY p ORDER BY p", params)
    return dict(rows.fetchall())


def _tag_counts(conn, filters: Filters, sources: Sequence[Source]) -> list[tuple[str, int]]:
    """The most used tags among matching facts."""
    if filters.is_empty and sources == LIVE:
        values = ", ".join(str(v) for v in filters.retracted_values)
        sql, params = f"SELECT tag FROM fact_tags WHERE retracted IN ({values})", []
    else:
        matched, params = _matching(conn, filters, sources)
        joins = " UNION ALL ".join(
            f"SELECT g.tag FROM m JOIN {s.tags} g ON g.n = m.n WHERE m.src = {i}" for i, s in enumerate(sources)
        )
        sql = f"WITH m AS MATERIALIZED ({matched}) {joins}"
    return conn.execute(
        f"SELECT tag, count(*) AS c FROM ({sql}) GROUP BY tag ORDER BY c DESC, tag LIMIT {SIDEBAR_TAGS}", params
    ).fetchall()


class Memo:
    """A small thread-safe LRU of values computed from the log at one position.

    Keys include the log position (see view_state), so a value is never
    stale: once the log moves, new keys are asked for and old ones age out.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: two threads may both compute, never block each other
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


# ---------------------------------------------------------------- the timeline as of a moment

@dataclass(frozen=True)
class AsOf:
    moment: str  # fixed-width UTC text
    position: int  # the last event recorded at or before the moment
    sources: tuple[Source, ...]
    replayed: int  # facts whose streams were folded for this view


def as_of(store: EventStore, moment: str) -> AsOf:
    """Sources showing the timeline as the log knew it at a moment, from the log alone.

    A fact untouched since that position reads from the projection as it is;
    only the streams of facts changed later are folded, up to the position,
    into temp tables. Cost: one indexed read per fact changed since then.
    Call inside read_transaction, so the projection does not move meanwhile.
    """
    position = store.position_as_of(moment)
    states = _replay_changed(store, position)
    _write_temp(store.conn, states)
    base = Source(until=position)
    replayed = Source("temp.asof_facts", "temp.asof_tags", "asof_fts", spans="asof_facts_spans")
    return AsOf(moment, position, (base, replayed), len(states))


def _replay_changed(store: EventStore, position: int) -> list[tuple[int, FactState]]:
    """Fold, up to position, the streams of facts changed after it; facts not yet recorded fold to nothing.

    A fact of one event changed after the position was recorded after it: the base
    source (until=position) already leaves it out, so only facts of several events
    are folded (the facts_changed_again index holds just those).
    """
    conn = store.conn
    changed = conn.execute(f"SELECT count(*) FROM facts f WHERE {_REFOLDED}", (position,)).fetchone()[0]
    if not changed:
        return []
    rows = conn.execute(_CHANGED_BY_FACT if changed <= position else _CHANGED_BY_POSITION, (position, position))
    numbers, events = {}, []
    for row in rows:
        numbers[row[2]] = row[-1]  # stream_id -> n
        events.append(event_from_row(row[:-1]))
    return [(numbers[fact_id], state) for fact_id, state in fold(events).items()]


_REFOLDED = "f.last_position > ? AND f.version > 1"  # matches the partial index facts_changed_again
_FACT_TYPES = ", ".join(f"'{t}'" for t in FACT_EVENT_TYPES)
_EVENT_AND_N = ", ".join("e." + c.strip() for c in EVENT_COLUMNS.split(",")) + ", f.n"
# Few facts changed since: look up each one's stream.
_CHANGED_BY_FACT = (
    f"SELECT {_EVENT_AND_N} FROM facts f CROSS JOIN events e ON e.stream_id = f.fact_id"
    f" WHERE e.position <= ? AND {_REFOLDED} AND e.type IN ({_FACT_TYPES}) ORDER BY e.position"
)
# A moment early in the log: walk its few events and keep those of changed facts.
_CHANGED_BY_POSITION = (
    f"SELECT {_EVENT_AND_N} FROM events e CROSS JOIN facts f ON f.fact_id = e.stream_id"
    f" WHERE e.position <= ? AND {_REFOLDED} AND e.type IN ({_FACT_TYPES}) ORDER BY e.position"
)


_TEMP_TABLES = (
    "DROP TABLE IF EXISTS temp.asof_facts",
    "DROP TABLE IF EXISTS temp.asof_tags",
    "DROP TABLE IF EXISTS temp.asof_fts",
    # The same shape and keys as facts and fact_tags, so one query serves both.
    "CREATE TEMP TABLE asof_facts (n INTEGER PRIMARY KEY, sort_key TEXT, fact_id TEXT, date TEXT, end_date TEXT,"
    " title TEXT, summary TEXT, tags TEXT, sources TEXT, origin TEXT, version INTEGER, corrected INTEGER,"
    " retracted INTEGER, retraction_reason TEXT, first_recorded TEXT, last_recorded TEXT, last_position INTEGER)",
    "CREATE INDEX temp.asof_facts_timeline ON asof_facts (retracted, sort_key, n)",
    "CREATE INDEX temp.asof_facts_spans ON asof_facts (retracted, substr(end_date || '-99-99', 1, 10), sort_key, n)"
    " WHERE end_date IS NOT NULL",
    "CREATE TEMP TABLE asof_tags (tag TEXT, retracted INTEGER, sort_key TEXT, n INTEGER,"
    " PRIMARY KEY (tag, retracted, sort_key, n)) WITHOUT ROWID",
    "CREATE INDEX temp.asof_tags_by_fact ON asof_tags (n)",
    f"CREATE VIRTUAL TABLE temp.asof_fts USING fts5 (title, summary, tags, tokenize = '{TOKENIZE}')",  # as facts_fts
)


def _write_temp(conn: sqlite3.Connection, rows: list[tuple[int, FactState]]) -> None:
    for statement in _TEMP_TABLES:
        conn.execute(statement)
    conn.executemany(f"INSERT INTO temp.asof_facts VALUES ({', '.join('?' * 17)})", [_temp_row(n, s) for n, s in rows])
    conn.executemany(
        "INSERT INTO temp.asof_tags VALUES (?, ?, ?, ?)",
        [(tag, int(s.retracted), s.sort_key, n) for n, s in rows for tag in s.tags],
    )
    conn.executemany(
        "INSERT INTO temp.asof_fts (rowid, title, summary, tags) VALUES (?, ?, ?, ?)",
        [(n, s.title, s.summary, " ".join(s.tags)) for n, s in rows],
    )


def _temp_row(n: int, s: FactState) -> tuple:
    return (
        n, s.sort_key, s.fact_id, s.date, s.end_date, s.title, s.summary, json.dumps(list(s.tags)),
        json.dumps(list(s.sources)), s.origin, s.version, int(s.corrected), int(s.retracted),
        s.retraction_reason, s.first_recorded, s.last_recorded, s.last_position,
    )  # fmt: skip


def view_state(conn: sqlite3.Connection, as_of_position: int | None = None) -> tuple:
    """What the counts depend on: the projection checkpoint now, or a fixed past position."""
    if as_of_position is not None:
        return ("as_of", as_of_position)
    return ("live", checkpoint(conn))


# ---------------------------------------------------------------- one fact

@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a fact's stream, said as what happened, when, and by whom."""

    position: int
    version: int
    kind: str  # recorded, corrected, retracted, source-added
    recorded_at: str
    actor: str
    reason: str | None = None
    changes: tuple[Change, ...] = ()
    source: dict | None = None


_KINDS = {FACT_RECORDED: "recorded", FACT_CORRECTED: "corrected", FACT_RETRACTED: "retracted",
          FACT_SOURCE_ADDED: "source-added"}  # fmt: skip


def fact_history(store: EventStore, fact_id: str) -> list[HistoryEntry]:
    """The fact's whole stream from the log, oldest first."""
    return [_entry(e) for e in store.read_stream(fact_id) if e.type in FACT_EVENT_TYPES]


def _entry(event: Event) -> HistoryEntry:
    p = event.payload
    changes = tuple(Change(k, p.get("previous", {}).get(k), v) for k, v in p.get("changes", {}).items())
    return HistoryEntry(
        position=event.position,
        version=event.version,
        kind=_KINDS[event.type],
        recorded_at=to_utc_text(event.recorded_at),
        actor=str(event.metadata.get("actor") or "unknown"),
        reason=p.get("reason"),
        changes=changes,
        source=p.get("source"),
    )


def fact_as_of(store: EventStore, fact_id: str, position: int) -> FactState | None:
    """One fact folded from its stream up to a position; None if it did not exist yet."""
    return fold(store.read_stream(fact_id, until=position)).get(fact_id)


# ---------------------------------------------------------------- presentation helpers

def highlight(text: str, words: Sequence[str]) -> list[tuple[str, bool]]:
    """Split text into (piece, matched) runs the way FTS5 matched it: folded, stemmed, either spelling, last word a prefix."""
    if not words:
        return [(text, False)]
    matches = matcher(tuple(words))
    pieces, last = [], 0
    for found in _WORD.finditer(text):
        if matches(_fold_word(found.group())):
            pieces += [(text[last : found.start()], False), (found.group(), True)]
            last = found.end()
    pieces.append((text[last:], False))
    return [p for p in pieces if p[0]]


def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fact_dict(state: FactState) -> dict[str, Any]:
    """The JSON shape of a fact, shared by the read API and the editors' API."""
    return {
        "id": state.fact_id,
        "date": state.date,
        "end_date": state.end_date,
        "precision": state.precision,
        "title": state.title,
        "summary": state.summary,
        "tags": list(state.tags),
        "sources": [dict(s) for s in state.sources],
        "origin": state.origin,
        "version": state.version,
        "recorded_at": state.first_recorded,
        "updated_at": state.last_recorded,
        "corrected": state.corrected,
        "retracted": state.retracted,
        "retraction_reason": state.retraction_reason,
    }


def history_dict(entry: HistoryEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"position": entry.position, "version": entry.version, "type": entry.kind,
                           "recorded_at": entry.recorded_at, "actor": entry.actor}  # fmt: skip
    if entry.changes:
        out["changes"] = {c.field: {"old": c.old, "new": c.new} for c in entry.changes}
    if entry.reason is not None:
        out["reason"] = entry.reason
    if entry.source is not None:
        out["source"] = entry.source
    return out


# ---------------------------------------------------------------- health

def health(store: EventStore) -> dict[str, Any]:
    """Log position, projection checkpoint and each feed's last poll, for /healthz."""
    conn = store.conn
    position, done = store.last_position(), checkpoint(conn)
    rows = conn.execute("SELECT * FROM feed_status ORDER BY feed")
    names = [d[0] for d in rows.description]
    feeds = [dict(zip(names, row)) for row in rows]
    return {"log_position": position, "projection_checkpoint": done, "projection_lag": position - done, "feeds": feeds}
