"""The timeline people read: pages, filters, time travel, permalinks, health and the stylesheet."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    current_app,
    make_response,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from markupsafe import Markup, escape

from events.domain.dates import FuzzyDate, human_span
from events.domain.fact import FactState
from events.domain.language import ENGLISH, language_of
from events.log.clock import from_utc_text
from events.log.errors import TimelineError, UnknownFact
from events.log.store import EventStore, read_transaction
from events.pipeline.gazetteer import display_name
from events.read import present
from events.read.as_of import AsOf, as_of, fact_as_of
from events.read.filters import BadParameter, Cursor, Filters, TimelineQuery, parse_query
from events.read.health import health
from events.read.history import fact_history
from events.read.projections import CHECKPOINT, checkpoint
from events.read.source_feeds import FeedStatus, LastPoll, all_feed_status, last_poll
from events.read.summary import Memo, Summary, summarize, view_state
from events.read.timeline import LIVE, Listed, Page, timeline_page
from events.read.whole_words import settle_query
from events.service import Timeline
from timeline.db import get_timeline, open_timeline
from timeline.web import words
from timeline.web.support import error_response, wants_json

bp = Blueprint("web", __name__)
MONTHLY_UP_TO_YEARS = 3  # a chart over a longer range counts per year


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    """A 400 page that offers the same page without the bad parameter, keeping the other filters."""
    if not error.parameter or wants_json():
        return error_response(400, str(error), parameter=error.parameter)
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in (error.parameter, "cursor")]
    retry = request.script_root + request.path + (f"?{urlencode(kept)}" if kept else "")
    return render_template(
        "error.html", status=400, message=str(error), parameter=error.parameter, retry_url=retry
    ), 400


# ---------------------------------------------------------------- reading the timeline


def read_page(
    timeline: Timeline, query: TimelineQuery, *, counts: bool = True
) -> tuple[Page, Summary | None, AsOf | None]:
    """A page and its counts, now or as of a moment, from one snapshot of the database."""
    conn = timeline.conn
    with read_transaction(conn):
        at = as_of(timeline.store, query.as_of) if query.as_of else None
        sources = at.sources if at else LIVE
        page = timeline_page(conn, query, sources)
        summary = None
        if counts:
            key = ("summary", view_state(conn, at.position if at else None), query.filters)
            summary = _memo("summaries").get(key, lambda: summarize(conn, query.filters, sources))
    return page, summary, at


def _memo(kind: str, size: int = 256) -> Memo:
    """This app's counts, rendered pages or facts, by log position; apart, so a crawler's pages never
    evict counts."""
    return current_app.extensions.setdefault(f"timeline_{kind}", Memo(size))


@bp.app_template_global()
def kept_fact(macro, item: Listed, level: int, words: tuple[str, ...], links: Links, prefix: bool) -> str:
    """A fact's HTML again while it is unchanged (its last_position pins its state), so the first
    page after an append renders only what changed: its 50 facts were ~4 of 6 ms of a render."""
    key = (item.state.fact_id, item.state.last_position, level, words, prefix, links.fact_context)
    return _memo("facts", 4096).get(key, lambda: macro(item, level, words, links, prefix))


def cached_page(view):
    """Serve a rendered page again until the log moves; an ETag lets browsers revalidate for free.

    A request for which a registered bypass (see render_fresh_when) answers true is
    rendered for it alone and never stored: a signed-in editor's page carries their controls.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if any(bypass() for bypass in current_app.extensions.get(_BYPASSES, ())):
            return view(*args, **kwargs)
        key = ("page", projected_position(), request.full_path)
        body, etag = _memo("pages").get(key, lambda: _render_once(view, args, kwargs))
        response = make_response(body)
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)

    wrapper.shared_cache = True  # editors_web finds the cached pages by this mark (is_cached_page)
    return wrapper


def is_cached_page() -> bool:
    """Whether this request's view is a cached_page: one copy shared by every reader."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "shared_cache", False)


_BYPASSES = "timeline_uncached_when"


def render_fresh_when(app, predicate) -> None:
    """Register a predicate of the current request under which cached pages are rendered fresh."""
    app.extensions.setdefault(_BYPASSES, []).append(predicate)


def projected_position() -> int:
    """How far the read models have projected the log: what a cached page depends on.

    A hit needs only this answer, so it skips opening a connection. Keyed by the
    projection (not the log), a page rendered while the projector lags is replaced
    once the projector has caught up, and a page is never older than its key.
    """
    return checkpoint(_probe().conn)


def projection_lag() -> int:
    """Events recorded but not yet in the read models (one statement: one snapshot, in SQLite)."""
    store = _probe()
    if store.url is not None:  # the shared PostgreSQL log: what this process last saw of it, never a wait
        known = store.known_last_position()
        return 0 if known is None else known - checkpoint(store.conn)
    row = (
        _probe()
        .conn.execute(
            "SELECT (SELECT COALESCE(MAX(position), 0) FROM events)"
            " - COALESCE((SELECT position FROM projection_checkpoints WHERE name = ?), 0)",
            (CHECKPOINT,),
        )
        .fetchone()
    )
    return row[0]


def _probe() -> EventStore:
    local = current_app.extensions.setdefault("timeline_probe", threading.local())
    if getattr(local, "store", None) is None:
        local.store = open_timeline(current_app.config["TIMELINE"]).store
    return local.store


@bp.after_app_request
def say_when_behind(response):
    """A read serves the last projected state; when the log is ahead of it, the response says by
    how much (X-Projection-Lag, in events), as /healthz does, instead of writing to catch up."""
    if request.method in ("GET", "HEAD") and response.status_code < 500:
        try:
            lag = projection_lag()
        except (sqlite3.Error, OSError, TimelineError):  # the answer stands without the note
            return response
        if lag > 0:
            response.headers["X-Projection-Lag"] = str(lag)
    return response


def _render_once(view, args, kwargs) -> tuple[bytes, str]:
    body = view(*args, **kwargs).encode("utf-8")
    return body, hashlib.blake2b(body, digest_size=12).hexdigest()


@bp.get("/")
@cached_page
def index():
    timeline = get_timeline()
    query = settle_query(timeline.conn, parse_query(request.args))
    page, summary, at = read_page(timeline, query)
    links = Links(query)
    return render_template(
        "timeline.html",
        query=query,
        links=links,
        page=page,
        years=group_by_period(page.facts),
        summary=summary,
        chart=density_chart(summary, links),
        description=describe(query.filters, summary.total, summary.more),
        as_of=at,
    )


@bp.get("/events/<fact_id>")
@cached_page
def permalink(fact_id: str):
    query = parse_query(request.args)
    timeline = get_timeline()
    at, state = None, timeline.fact(fact_id)  # UnknownFact -> 404
    if query.as_of:
        at = AsOf(query.as_of, timeline.store.position_as_of(query.as_of), ())
        state = fact_as_of(timeline.store, fact_id, at.position)
        if state is None:
            raise UnknownFact(f"fact {fact_id} was not recorded yet at {moment_text(query.as_of)}")
    history = fact_history(timeline.store, fact_id)
    return render_template("event.html", fact=state, history=history, as_of=at, links=Links(query))


@bp.get("/feeds")
@cached_page
def feeds():
    """Every configured feed and how its polls went, from the feed_status projection of FeedPolled events."""
    config = current_app.config["TIMELINE"]
    conn = get_timeline().conn
    status = all_feed_status(conn)
    configured = [
        FeedHealth(
            feed.name, feed.url, config.feed_interval(feed), status.get(feed.name), last_poll(conn, feed.name)
        )
        for feed in config.feeds
    ]
    names = {feed.name for feed in config.feeds}
    former = [
        FeedHealth(name, s.url, None, s, last_poll(conn, name))
        for name, s in status.items()
        if name not in names
    ]
    return render_template("feeds.html", feeds=configured, former=former)


@dataclass(frozen=True)
class FeedHealth:
    """One feed as the /feeds page shows it: its configuration and its last recorded poll, if any."""

    name: str
    url: str | None
    interval_minutes: int | None
    status: FeedStatus | None
    last: LastPoll | None = None

    @property
    def health(self) -> str:
        """ "never", "ok" or "failing": what the page's badge says and its class name."""
        if self.status is None or not self.status.last_poll:
            return "never"
        return "ok" if self.status.error_streak == 0 else "failing"


@bp.get("/healthz")
def healthz():
    """Reports the lag as it is: no catch-up here, so a stuck projector shows."""
    try:
        timeline = open_timeline(current_app.config["TIMELINE"])
    except (sqlite3.Error, OSError, TimelineError) as error:
        return {"status": "error", "database": "unreachable", "error": str(error)}, 503
    try:
        numbers = health(timeline.store)
    except (sqlite3.Error, TimelineError) as error:  # TimelineError: the shared log's server (LogUnavailable)
        return {"status": "error", "database": "unreachable", "error": str(error)}, 503
    finally:
        timeline.close()
    full = disk_full(current_app.config["TIMELINE"].database_path)
    if full:
        return {"status": "error", "database": "reachable", "disk": "full", "error": full, **numbers}, 503
    return {"status": "ok", "database": "reachable", **numbers}


MIN_FREE_BYTES = 1_000_000  # below this the next writes' WAL frames may not fit


def disk_full(database: Path) -> str | None:
    """Why writes are failing or about to (the disk holding the database is full), or None."""
    try:
        stats = os.statvfs(database.parent)
    except OSError:
        return None  # cannot tell; the database answered
    free = stats.f_bavail * stats.f_frsize
    if free >= MIN_FREE_BYTES:
        return None
    return f"the disk holding the database is full: {free} bytes free in {database.parent}, writes answer 507"


@bp.get("/static/style.css")
def stylesheet():
    return send_from_directory(Path(current_app.template_folder), "style.css", max_age=3600)


# ---------------------------------------------------------------- links that keep the current view


class Links:
    """URLs for the timeline that keep the current filters, order and moment."""

    def __init__(self, query: TimelineQuery):
        self.query = query
        self.filters = query.filters
        self._index = url_for("web.index")  # url_for per link is a large share of a page's cost
        self._fact = url_for("web.permalink", fact_id="FACT_ID")
        moment = urlencode([("as_of", query.as_of)]) if query.as_of else ""
        self._fact_suffix = f"?{moment}" if moment else ""

    def with_filters(self, **changes) -> str:
        filters = dataclasses.replace(self.filters, **changes)
        return self._url(self.query.params(filters=filters))

    def tag(self, tag: str) -> str:
        """One tag alone, at the same moment and order: what a tag on a fact links to."""
        return self._url(self.query.params(filters=Filters(tags=(tag,))))

    def add_tag(self, tag: str) -> str:
        return self.with_filters(tags=self.filters.tags + (tag,))

    def remove_tag(self, tag: str) -> str:
        return self.with_filters(tags=tuple(t for t in self.filters.tags if t != tag))

    def period(self, start: str, end: str) -> str:
        return self.with_filters(start=FuzzyDate.parse(start), end=FuzzyDate.parse(end))

    def page(self, cursor: Cursor) -> str:
        return self._url(self.query.params(cursor=cursor))

    def now(self) -> str:
        return self._url(self.query.params(as_of=None))

    @property
    def fact_context(self) -> tuple:
        """What a fact's links depend on besides the fact: the app's root, the moment and order."""
        return self._index, self._fact, tuple(self.query.params(filters=Filters()))

    def fact(self, fact_id: str) -> str:
        return self._fact.replace("FACT_ID", quote(fact_id, safe="")) + self._fact_suffix

    def clear(self) -> str:
        return self._index

    def _url(self, pairs: list[tuple[str, str]]) -> str:
        return self._index + (f"?{urlencode(pairs)}" if pairs else "")


@bp.app_template_global()
def feed_url_for_current_filters() -> str:
    """The Atom feed of what this page shows: the same tags and search."""
    try:
        filters = parse_query(request.args).filters
    except BadParameter:
        filters = Filters()
    pairs = [("tag", tag) for tag in filters.tags] + ([("q", filters.q)] if filters.q else [])
    return request.script_root + "/feed.atom" + (f"?{urlencode(pairs)}" if pairs else "")


# ---------------------------------------------------------------- grouping under year and month


@dataclass
class Band:
    """Facts of one precision within a period: label None for the dated ones, "During July 2024" for the rest."""

    label: str | None
    facts: list[Listed]


@dataclass
class MonthGroup:
    """A month under its heading, or a year's own band ("Sometime in 2024", key YYYY-00)."""

    key: str  # YYYY-MM
    label: str
    bands: list[Band]


@dataclass
class YearGroup:
    year: str
    months: list[MonthGroup]  # in page order; a fact known only to the year is in the year's own band


def group_by_period(facts: list[Listed]) -> list[YearGroup]:
    """Year, month and band groups in page order.

    The keyset order puts a fact known only to its month or year (day or month
    00) after the period's dated facts newest-first and before them oldest-first;
    grouping keeps that order and names those facts' band, so they never look
    like the newest of their period.
    """
    years: list[YearGroup] = []
    for item in facts:
        year, month, day = item.sort_key[:4], item.sort_key[5:7], item.sort_key[8:10]
        if not years or years[-1].year != year:
            years.append(YearGroup(year, []))
        months = years[-1].months
        if not months or months[-1].key != item.sort_key[:7]:
            months.append(MonthGroup(item.sort_key[:7], _period_label(year, month), []))
        band = None if month == "00" or day != "00" else f"During {months[-1].label}"
        bands = months[-1].bands
        if not bands or bands[-1].label != band:
            bands.append(Band(band, []))
        bands[-1].facts.append(item)
    return years


def _period_label(year: str, month: str) -> str:
    if month == "00":
        return f"Sometime in {FuzzyDate(int(year)).human()}"
    return FuzzyDate(int(year), int(month)).human()


# ---------------------------------------------------------------- the density chart


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    href: str | None
    x: int
    height: float


@dataclass(frozen=True)
class Chart:
    unit: str  # "month", "year", "decade", "century" or "millennium"
    bars: list[Bar]
    width: int
    height: int
    caption: str
    year_only: int  # facts known only to their year, left out of a monthly chart

    @property
    def fills_width(self) -> bool:
        """Axis labels under the ends only make sense when the bars reach both ends."""
        return len(self.bars) * BAR_STEP == self.width

    @property
    def busiest(self) -> Bar:
        return max(self.bars, key=lambda b: b.count)


CHART_HEIGHT = 60
BAR_STEP = 12
MIN_SLOTS = 12  # fewer bars are centred among empty slots, so two bars do not fill the width


def density_chart(summary: Summary, links: Links) -> Chart | None:
    """Facts per month, or per year when the range is longer than a few years
    (per decade, century... when years would make more than MAX_BARS bars)."""
    if not summary.periods:
        return None
    years = sorted({int(p[:4]) for p in summary.periods})
    months = sorted(p for p in summary.periods if not p.endswith("-00"))
    if years[-1] - years[0] >= MONTHLY_UP_TO_YEARS or not months:
        step = _years_per_bar(years[0], years[-1])
        unit = {1: "year", 10: "decade", 100: "century"}.get(step, "millennium")
        return _chart(unit, _year_counts(summary.periods, years, step), links, 0)
    year_only = sum(c for p, c in summary.periods.items() if p.endswith("-00"))
    return _chart("month", _month_counts(summary.periods, months), links, year_only)


MAX_BARS = 120  # a fact dated 0001 and one dated 9999 once made a chart of 9,999 bars (890 KB of page)


def _years_per_bar(first: int, last: int) -> int:
    step = 1
    while (last // step - first // step + 1) > MAX_BARS:
        step *= 10
    return step


def _year_counts(periods: dict[str, int], years: list[int], step: int = 1) -> list[tuple[str, str, str, int]]:
    """(label, first year, last year, count) per bar; years are written with four digits (0999, not 999)."""
    counts = {y: 0 for y in range(years[0] // step * step, years[-1] + 1, step)}
    for period, count in periods.items():
        counts[int(period[:4]) // step * step] += count
    bars = []
    for y, c in counts.items():
        last = min(y + step - 1, 9999)
        first = max(y, 1)  # there is no year 0: the first decade and century start at 1
        label = (
            FuzzyDate(first).human() if step == 1 else (f"{y}s" if step == 10 and y else f"{first}-{last}")
        )
        bars.append((label, f"{first:04d}", f"{last:04d}", c))
    return bars


def _month_counts(periods: dict[str, int], months: list[str]) -> list[tuple[str, str, str, int]]:
    first, last = FuzzyDate.parse(months[0]), FuzzyDate.parse(months[-1])
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        key = f"{year:04d}-{month:02d}"
        out.append((FuzzyDate(year, month).human(), key, key, periods.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _chart(unit: str, counts: list[tuple[str, str, str, int]], links: Links, year_only: int) -> Chart:
    top = max(c for *_, c in counts) or 1
    slots = max(len(counts), MIN_SLOTS)
    offset = (slots - len(counts)) // 2
    bars = [
        Bar(
            label,
            count,
            links.period(start, end) if count else None,
            (offset + i) * BAR_STEP,
            round(max(count / top * (CHART_HEIGHT - 4), 1 if count else 0), 1),
        )
        for i, (label, start, end, count) in enumerate(counts)
    ]
    total = sum(b.count for b in bars)
    span = bars[0].label if len(bars) == 1 else f"{bars[0].label} to {bars[-1].label}"
    caption = f"Facts per {unit}, by the {unit} each starts, {span}: {total} in all"
    chart = Chart(unit, bars, slots * BAR_STEP, CHART_HEIGHT, caption, year_only)
    busiest = chart.busiest
    caption += f"; most in {busiest.label} ({busiest.count})."
    if year_only:
        caption += f" {year_only} known only to the year are not counted per month."
    return dataclasses.replace(chart, caption=caption)


# ---------------------------------------------------------------- words for people


def describe(filters: Filters, total: int, more: bool = False) -> str:
    """ "12 facts tagged russia and china, matching “summit”, from 2024 to May 2024";
    a search with more matches than it counts says "10,000+ facts"."""
    parts = [f"{total:,}+ facts" if more else f"{total} fact{'s' if total != 1 else ''}"]
    if filters.tags:
        parts.append("tagged " + " and ".join(display_name(tag) for tag in filters.tags))
    if filters.q:
        parts.append(f"matching “{filters.q}”")
    if filters.start:
        parts.append(f"from {filters.start.human()}")
    if filters.end:
        parts.append(f"to {filters.end.human()}")
    if filters.retracted:
        parts.append("retracted ones included")
    return ", ".join(parts)


@bp.app_template_filter("tag_name")
def tag_name(tag: str) -> str:
    """A tag as people say it: "Alexander Lukashenko", not alexander-lukashenko (the gazetteer knows)."""
    return display_name(tag)


bp.add_app_template_filter(words.who, "who")


bp.add_app_template_filter(words.origin_words, "origin_words")
bp.add_app_template_filter(words.poll_error, "poll_error")


@bp.app_template_filter("fact_date")
def fact_date(state: FactState) -> str:
    return human_span(state.fuzzy_date, state.fuzzy_end)


@bp.app_template_filter("lang")
def lang(text: str | None) -> Markup:
    """lang="zh-Hant" for a title or sentence not in English (the page is): fonts, voices, translation."""
    language = language_of(text or "")
    return Markup("") if language == ENGLISH else Markup(' lang="{}"').format(language)


@bp.app_template_filter("highlight")
def highlight(text: str, words: tuple[str, ...] = (), prefix: bool = True) -> Markup:
    """Matched words in <mark>; every piece escaped first."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if matched else escape(piece)
        for piece, matched in present.highlight(text, words, prefix)
    )


@bp.app_template_filter("moment")
def moment_text(text: str) -> str:
    """ "1 January 2024, 10:00 UTC" from stored UTC text."""
    value = from_utc_text(text)
    return f"{value.day} {value:%B %Y, %H:%M:%S} UTC"


@bp.app_template_filter("iso_moment")
def iso_moment(text: str) -> str:
    return from_utc_text(text).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.app_template_filter("local_input")
def local_input(text: str | None) -> str:
    """The value of a datetime-local input (UTC, no zone) for a stored moment."""
    return from_utc_text(text).strftime("%Y-%m-%dT%H:%M:%S") if text else ""


@bp.app_template_filter("change_value")
def change_value(value, field: str) -> str:
    """A changed field, said for people: dates at their precision, lists joined."""
    if value is None or value == "" or value == []:
        return "(none)"
    if field in ("date", "end_date"):
        return FuzzyDate.parse(value).human()
    if field == "tags":
        return ", ".join(display_name(tag) for tag in value)
    if field == "sources":
        return "; ".join(source_text(s) for s in value)
    return str(value)


def source_text(source: dict) -> str:
    return " – ".join(str(source[k]) for k in ("outlet", "title", "url") if source.get(k))


@bp.app_template_filter("published")
def published(text: str | None) -> str:
    if not text:
        return ""
    if "T" in text:
        return moment_text(text)
    return FuzzyDate.parse(text).human()
