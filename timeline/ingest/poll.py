"""Feed -> events: poll one feed under a lease, keep SCO items, record articles and their facts."""

from __future__ import annotations

import contextlib
import datetime as dt
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from events.domain import article as art
from events.domain import source_feed
from events.log.clock import Clock, to_utc_text, utc_now
from events.log.errors import ConcurrencyConflict, TimelineError
from events.log.leases import holder_name, release_feed_lease, take_feed_lease
from events.log.model import Event, StreamAppend
from events.pipeline.matching import (
    FEED_CHANGED,
    FactFinder,
    Restated,
    article_fact_states,
    facts_stated,
    restate_facts,
)
from events.pipeline.tagging import TaggingRules, classify
from events.read.source_feeds import SeenArticle, feed_status, seen_article
from events.service import Timeline
from timeline.config import Config, Feed
from timeline.ingest.fetch import FetchResult
from timeline.ingest.pages import PageReader
from timeline.ingest.parse import FeedItem, FeedRejected, ParsedFeed, parse_feed

FetchFunction = Callable[..., FetchResult]
FIRST_BACKOFF = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=12)
# Beyond the fetches and the pauses before them, what a poll does between two renewals of its lease:
# parse a feed or extract a page's text, at most max_body_bytes. Seconds for the largest; 120 s is wide.
LEASE_MARGIN = dt.timedelta(seconds=120)


# What one item can raise that loses that item alone: refused input (TimelineError, ValueError) and what a bug
# in the pure pipeline (tagging, extraction, matching) raises on its text. The item is left out of the poll
# (all or nothing: its append is one statement) and tried again by the next one; the rest of the feed is
# recorded. sqlite3's and psycopg's errors and a lost lease are none of these: they still fail the poll.
_ONE_ITEM_S_ERRORS = (
    TimelineError,
    ValueError,  # UnicodeError too
    LookupError,  # KeyError, IndexError
    AttributeError,
    TypeError,
    ArithmeticError,
    AssertionError,
    RecursionError,
)


class LeaseLost(Exception):
    """Another process took this feed's lease while this poll ran (fetching, reading pages): that process
    records the feed, this poll nothing."""


@dataclass
class PollReport:
    """What one poll did, for `timeline ingest`, the log and the /feeds page."""

    feed: str
    new: int = 0  # items in the document not seen before
    kept: int = 0  # new items about the SCO, recorded
    skipped: int = 0  # new items not about the SCO
    updated: int = 0  # items seen before whose content changed
    facts: int = 0  # facts the kept and updated items state: recorded, or a source added to one
    retracted: int = 0  # facts an updated item alone had made that its new text no longer states
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_modified: bool = False
    busy: bool = False  # another process holds this feed's lease
    not_due_until: str | None = (
        None  # a scheduled run before the feed's next poll (backing off, or polled elsewhere)
    )

    def line(self) -> str:
        if self.busy:
            return f"{self.feed}: skipped, another process is polling it"
        if self.not_due_until:
            return f"{self.feed}: not polled, next poll due at {self.not_due_until}"
        state = (
            "not modified"
            if self.not_modified
            else (
                f"new {self.new}, kept {self.kept}, skipped {self.skipped}, updated {self.updated}, facts {self.facts}"
            )
        )
        retracted = (
            f", retracted {self.retracted}" if self.retracted else ""
        )  # appended: scripts read the start
        errors = f", errors {len(self.errors)}" + (f" ({self.errors[0]})" if self.errors else "")
        return f"{self.feed}: {state}{retracted}{errors}"


class Ingestor:
    """Polls feeds into one timeline; the fetch function and the clock are injected."""

    def __init__(
        self,
        timeline: Timeline,
        config: Config,
        fetch: FetchFunction,
        *,
        clock: Clock = utc_now,
        holder: str | None = None,
        finder: FactFinder | None = None,
        pages: PageReader | None = None,
    ):
        self.timeline, self.config, self.fetch, self.clock = timeline, config, fetch, clock
        self.pages = pages or PageReader(
            fetch, timeline.conn, delay=config.article_delay_seconds, clock=clock
        )
        self.page_texts: dict[str, str] = {}  # fetch_article feeds: this poll's pages' main texts, by link
        self.holder = holder or holder_name()
        self.rules = TaggingRules.from_mapping(config.tagging)
        self.finder = finder or FactFinder(timeline.conn)
        # Every fetch ends by timeout_seconds (fetch.py). The lease is taken before the feed's fetch,
        # renewed before each article page (its robots.txt and itself: two fetches, each after the
        # delay) and checked again in the transaction that records the poll: it outlives any stretch
        # between two of them, and a poll that lost it anyway (a paused process, a clock jump) records
        # nothing.
        self.lease_ttl = (
            dt.timedelta(seconds=2 * (config.timeout_seconds + config.article_delay_seconds)) + LEASE_MARGIN
        )
        self.unprojected: list[Event] = []  # this poll's events, projected from memory at its end
        self.poll_links: set[str] = (
            set()
        )  # links recorded by this poll: the projection learns them at its end
        self.poll_keys: set[str] = set()  # keys this poll met already: the first item under a key is it
        self.site_links: set[str] = set()  # the feed's own link: items pointing there name no article

    def poll(self, feed: Feed, *, respect_backoff: bool = False) -> PollReport:
        report = PollReport(feed.name)
        conn = self.timeline.conn
        if not take_feed_lease(self.timeline.store, feed.name, self.holder, self.clock(), self.lease_ttl):
            report.busy = True
            return report
        try:
            status = feed_status(conn, feed.name)
            if respect_backoff and status.next_poll and status.next_poll > to_utc_text(self.clock()):
                report.not_due_until = status.next_poll
                return report
            try:
                self._poll_locked(feed, status, report)
            except LeaseLost as error:
                self._forget_poll()
                report.errors.append(str(error))
            except Exception as error:  # a bug or a library surprise fails this feed's poll, not the process
                self._forget_poll()  # its events and facts were rolled back with the poll's transaction
                report.errors.append(f"poll failed: {type(error).__name__}: {str(error)[:300]}")
                with contextlib.suppress(LeaseLost):  # the process that took the feed records it
                    self._record_poll(
                        feed, report, FetchResult(feed.url), self.clock(), status.error_streak + 1
                    )
        finally:
            self._forget_poll()  # projected by now, or rolled back (even by KeyboardInterrupt): the next poll starts clean
            release_feed_lease(self.timeline.store, feed.name, self.holder)
        return report

    def _forget_poll(self) -> None:
        """Drop what this poll kept in memory: events to project and facts the finder remembered."""
        self.unprojected.clear()
        self.poll_links.clear()
        self.poll_keys.clear()
        self.page_texts.clear()
        self.finder.forget_pending()

    def _poll_locked(self, feed: Feed, status, report: PollReport) -> None:
        started = self.clock()
        if status.url in (
            None,
            feed.url,
        ):  # where it moved to, and its validators, belong to the URL configured then
            result = self.fetch(
                status.moved_to or feed.url, etag=status.etag, last_modified=status.last_modified
            )
        else:  # config.toml now names another URL: poll it, from scratch (a 301 once kept it for good)
            result = self.fetch(feed.url)
        if result.error:
            report.errors.append(result.error)
            return self._record_poll(feed, report, result, started, status.error_streak + 1)
        if result.not_modified:
            report.not_modified = True
            return self._record_poll(feed, report, result, started, 0)
        try:
            parsed = parse_feed(
                result.body,
                fetched_at=started,
                base_url=result.url,
                guid_base=feed.url,
                content_type=result.content_type,
            )
        except FeedRejected as error:
            report.errors.append(f"feed rejected: {error}")
            return self._record_poll(feed, report, result, started, status.error_streak + 1)
        report.problems.extend(parsed.problems)
        self.page_texts = self._read_pages(feed, parsed, report)
        with self.timeline.store.transaction():  # one durable commit per poll; each item a savepoint
            # what other processes (other nodes, on a shared log) appended, projected before we judge
            # which items are new: under the write lock, so nothing can be appended meanwhile
            self.timeline.catch_up_if_behind()
            self._record_items(feed, parsed, report)
            self._record_poll(feed, report, result, started, 0)

    def _read_pages(self, feed: Feed, parsed: ParsedFeed, report: PollReport) -> dict[str, str]:
        """The pages a fetch_article feed's new and changed items link to, read before the poll's write
        transaction: the database's write lock is never held across the network. A page that fails is a
        problem, not an error: its item is recorded from the feed's text."""
        if not feed.fetch_article:
            return {}
        self.pages.new_run()
        self.site_links = {parsed.link} if parsed.link else set()
        texts: dict[str, str | None] = {}
        for item in parsed.items:
            _, key, link, seen = self._identify(item)
            if link is None or link in texts or (seen and unchanged(seen, item, key, feed.name)):
                continue
            # many pages, each up to two fetches plus the delays, outlast one lease: renew it
            self._renew_lease(feed)
            page = self.pages.read(link)
            texts[link] = page.text if page.error is None else None
            if page.error:
                report.problems.append(f"article page {link}: {page.error}")
        return {link: text for link, text in texts.items() if text}

    def _renew_lease(self, feed: Feed) -> None:
        if not take_feed_lease(self.timeline.store, feed.name, self.holder, self.clock(), self.lease_ttl):
            raise LeaseLost(
                f"lease lost while polling: another process polls {feed.name} now; nothing recorded"
            )

    def _identify(self, item: FeedItem) -> tuple[str, str, str | None, SeenArticle | None]:
        """The item's publication time as stored, its dedupe key, its link if it names an article, and
        what is recorded of it (None if nothing)."""
        published = to_utc_text(item.published)
        key = art.article_key(item, published if item.date_from_feed else None)
        link = item.link if names_an_article(item.link, self.site_links) else None
        return published, key, link, seen_article(self.timeline.conn, key, link)

    def _page_text(self, item: FeedItem, link: str | None) -> str | None:
        """The page's main text when it says more than the feed; else None, and the feed's text stays."""
        text = self.page_texts.get(link or "", "")[: art.MAX_TEXT]
        return text if len(text) > len(art.article_text(item)) else None

    def _record_items(self, feed: Feed, parsed: ParsedFeed, report: PollReport) -> None:
        outlet = parsed.title or feed.name
        self.site_links = {parsed.link} if parsed.link else set()
        for index, item in enumerate(parsed.items):
            try:
                self._record_item(feed, outlet, item, report)
            except _ONE_ITEM_S_ERRORS as error:  # one bad item never loses the others
                report.errors.append(f"item {index} ({item.title[:60]!r}): {type(error).__name__}: {error}")

    def _record_item(self, feed: Feed, outlet: str, item: FeedItem, report: PollReport) -> None:
        published, key, link, seen = self._identify(item)
        if key in self.poll_keys:
            return  # a second item under one key in one document: recording both flip-flopped every poll
        self.poll_keys.add(key)
        if seen and unchanged(seen, item, key, feed.name):
            return  # known, unchanged; or the same article carried by another feed
        if seen is None and link and link in self.poll_links:
            return  # the same link under another GUID earlier in this poll (e.g. an AMP copy): one article
        page_text = self._page_text(item, link)  # fetch_article: tagged and extracted from the page
        verdict = classify(
            title=item.title,
            summary=item.summary,
            content=page_text or item.content,
            categories=item.categories,
            rules=self.rules,
        )
        if seen is None:
            report.new += 1
        if not verdict.keep:
            report.skipped += seen is None
            return
        payload = art.article_payload(
            item,
            key=key,
            feed=feed.name,
            outlet=outlet,
            published=published,
            date_from_feed=item.date_from_feed,
            verdict=verdict.reason,
            published_day=item.day.isoformat() if item.date_from_feed else None,
        )
        if page_text:  # the summary stays the feed's; the hash too, so the next poll sees the item unchanged
            payload.update(text=page_text, text_from="page")
        actor = f"feed:{feed.name}"
        if seen is not None:
            return self._record_update(seen, item, payload, actor, report)
        with self.finder.tentatively():  # the facts it remembers exist only if the append succeeds
            facts = self._restated(payload, art.article_stream(key), (), actor)
            article = StreamAppend(art.article_stream(key), (art.article_ingested(payload, actor),), 0)
            self._append([article, *facts.appends], key=f"article:{key}")
        if link:
            self.poll_links.add(link)
        report.kept += 1
        report.facts += facts.recorded

    def _record_update(self, seen, item: FeedItem, payload: dict, actor: str, report: PollReport) -> None:
        """A changed article and what its new text changes about its facts, in one append: all or nothing.

        Keyed by the version it changes and the new content: keyed by the content
        alone, a story that went back to an earlier text (A, B, A, B) matched that
        text's first update and was never recorded again.
        """
        stream = seen.stream_id
        key = f"{payload['key']}#v{seen.version}#{payload['content_hash']}"
        if self.timeline.store.replayed(key):
            return  # recorded before (the projection lags the log): its facts were restated then
        with self.finder.tentatively():
            facts = self._restated(payload, stream, article_fact_states(self.timeline.store, stream), actor)
            self._append(
                [StreamAppend(stream, (art.article_updated(payload, actor),)), *facts.appends], key=key
            )
        report.updated += 1
        report.facts += facts.recorded
        report.retracted += facts.retracted

    def _restated(self, payload: dict, stream: str, states, actor: str) -> Restated:
        found = facts_stated(self.finder.facts, payload)  # from the publisher's day, not UTC's
        return restate_facts(self.finder, found, payload, stream, states, actor, FEED_CHANGED)

    def _append(self, batch: list[StreamAppend], *, key: str) -> None:
        try:
            result = self.timeline.store.append(batch, idempotency_key=key)
        except ConcurrencyConflict:  # a fact gained a source meanwhile: append after whatever is there
            result = self.timeline.store.append(
                [StreamAppend(s.stream_id, s.events, None) for s in batch], idempotency_key=key
            )
        if not result.replayed:
            self.unprojected.extend(result.events)

    def _record_poll(
        self, feed: Feed, report: PollReport, result: FetchResult, started: dt.datetime, streak: int
    ) -> None:
        interval = dt.timedelta(minutes=self.config.feed_interval(feed))
        delay = interval if streak == 0 else backoff(streak, interval, result.retry_after)
        payload = {
            "feed": feed.name,
            "url": feed.url,
            "polled_at": to_utc_text(started),
            "ok": streak == 0,
            "status": result.status,
            "error": "; ".join(report.errors)[:2000] or None if streak else None,
            "not_modified": report.not_modified,
            # a failed poll's validators are not kept: the first poll of a feed serving HTML stored them,
            # the next got 304 "not modified" and the feed read as healthy (found in review)
            "etag": result.etag if streak == 0 else None,
            "last_modified": result.last_modified if streak == 0 else None,
            "moved_to": result.moved_to,
            "next_poll": to_utc_text(started + delay),
            "items_seen": report.new,
            "items_kept": report.kept,
            "problems": report.problems[:20],
            "item_errors": report.errors[:20] if streak == 0 else [],
        }
        with self.timeline.store.transaction():  # inside the poll's own, if it recorded items
            # under the write lock, nobody can take the lease until this commits: is the poll still the feed's?
            self._renew_lease(feed)
            polled = self.timeline.store.append_to(
                source_feed.feed_stream(feed.name), [source_feed.feed_polled(payload, f"feed:{feed.name}")]
            )
            self.unprojected.extend(polled.events)
            self.timeline.catch_up(
                self.unprojected
            )  # once per poll: the finder remembered this poll's facts meanwhile


def names_an_article(link: str | None, site_links: set[str]) -> bool:
    """Whether a link can say two items are one article: not the site's home page, which some feeds
    give every item (their GUIDs tell them apart; by link they would all be the first)."""
    if not link or link in site_links:
        return False
    return urllib.parse.urlsplit(link).path not in ("", "/")


def key_matches(seen, key: str) -> bool:
    return seen.stream_id == art.article_stream(key)


def unchanged(seen: SeenArticle, item: FeedItem, key: str, feed: str) -> bool:
    """Nothing to record: the item is known and unchanged, or it is another feed's copy of an article.

    A copy is another feed's when found by its link under another key, or when the article was first
    recorded by another feed: a mirror reusing the publisher's GUID rewrote the article and retracted
    its facts, then the two feeds took turns at every poll and the log grew forever (issue 15).
    """
    if seen.feed is not None and seen.feed != feed:
        return True
    return seen.content_hash == art.content_hash(item) or not key_matches(seen, key)


def backoff(streak: int, interval: dt.timedelta, retry_after: float | None) -> dt.timedelta:
    """5 min, 10, 20, ... capped at max(12 h, interval); never less than the server asked for."""
    delay = min(FIRST_BACKOFF * 2 ** (streak - 1), max(MAX_BACKOFF, interval))
    if retry_after is not None:
        delay = max(delay, dt.timedelta(seconds=min(retry_after, 7 * 86400)))
    return delay
