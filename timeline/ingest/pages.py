"""Article pages of summary-only feeds: fetched politely through fetch.py, their main text extracted, kept."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import sqlite3
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from events.domain.article import MAX_TEXT
from events.log.clock import Clock, to_utc_text, utc_now
from events.log.store import write_transaction
from timeline.ingest.fetch import USER_AGENT, FetchResult, refuse_url

HTML = ("text/html",)
RETRY_FAILED_AFTER = dt.timedelta(days=1)
ROBOTS_AGENT = USER_AGENT.split("/", 1)[0]  # the product token robots.txt groups name: "SCO-Timeline"


def main_text(html: bytes | str, url: str | None = None) -> str:
    """The page's main text without menus, comments or footers ("" when none is found); never the network.

    trafilatura is imported here, not at the top: it takes ~130 ms, which every `timeline` command paid.
    """
    import trafilatura

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False)
    return (text or "").strip()


@dataclass(frozen=True)
class Page:
    """An article page's main text, or why there is none."""

    url: str
    text: str = ""
    error: str | None = None
    remember: bool = True  # False for a failure of this run only (robots.txt unreachable): not kept


class HostGate:
    """One request per host at a time in this process, and a pause between two requests to one host.

    One gate serves every poll of the process (the scheduler polls feeds in parallel
    threads); its clock and sleep are injected so that tests never wait.
    """

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.monotonic, self.sleep = monotonic, sleep
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}  # when the host's last request ended
        self._guard = threading.Lock()

    @contextlib.contextmanager
    def turn(self, host: str, delay: float) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._last.get(host, -math.inf) + delay - self.monotonic()
            if wait > 0:
                self.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = self.monotonic()


HOSTS = HostGate()


class PageStore:
    """article_pages: each page's text or error, so a page is fetched once and a failure again after a day.

    Operational state like the poll leases: neither the log nor a projection, so
    rebuild leaves it alone; losing it costs only fetching the pages again.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def get(self, url: str, now: dt.datetime) -> Page | None:
        row = self.conn.execute(
            "SELECT status, text, error, fetched_at FROM article_pages WHERE url = ?", (url,)
        ).fetchone()
        if row is None or (row[0] == "failed" and row[3] <= to_utc_text(now - RETRY_FAILED_AFTER)):
            return None
        return Page(url, text=row[1] or "", error=row[2])

    def put(self, page: Page, now: dt.datetime) -> None:
        status, text = ("failed", None) if page.error else ("ok", page.text[:MAX_TEXT])
        with write_transaction(self.conn):
            self.conn.execute(
                "INSERT INTO article_pages (url, fetched_at, status, text, error) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET fetched_at = excluded.fetched_at,"
                " status = excluded.status, text = excluded.text, error = excluded.error",
                (page.url, to_utc_text(now), status, text, page.error),
            )


class PageReader:
    """Reads the pages items link to: robots.txt honoured (read once per host per run), one request per host
    at a time with a pause between, only http(s) and HTML, within the feeds' timeout and size cap."""

    def __init__(
        self,
        fetch: Callable[..., FetchResult],
        conn: sqlite3.Connection,
        *,
        delay: float,
        clock: Clock = utc_now,
        gate: HostGate = HOSTS,
    ):
        self.fetch, self.store, self.delay, self.clock, self.gate = fetch, PageStore(conn), delay, clock, gate
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}

    def new_run(self) -> None:
        """Forget the robots.txt files read: each poll run reads them again."""
        self._robots.clear()

    def read(self, url: str) -> Page:
        """The page's main text, kept from before or fetched now; what went wrong is said, never raised."""
        kept = self.store.get(url, self.clock())
        if kept is not None:
            return kept
        page = self._fetch(url)
        if page.remember:
            self.store.put(page, self.clock())
        return page

    def _fetch(self, url: str) -> Page:
        refusal = refuse_url(url)
        if refusal:
            return Page(url, error=refusal)
        robots = self._robots_for(url)
        if isinstance(robots, str):
            return Page(url, error=robots, remember=False)
        if not robots.can_fetch(ROBOTS_AGENT, url):
            return Page(url, error="disallowed by robots.txt")
        result = self._get(url, only_types=HTML)
        if result.error:
            return Page(url, error=result.error)
        return self._extracted(url, result)

    def _extracted(self, url: str, result: FetchResult) -> Page:
        try:
            text = main_text(result.body, result.url)
        except Exception as error:  # a parser's surprise on one page must not fail the feed's poll
            return Page(url, error=f"text extraction failed: {type(error).__name__}: {str(error)[:200]}")
        return Page(url, text=text) if text else Page(url, error="no main text found in the page")

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | str:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(f"{origin}/robots.txt")
        return self._robots[origin]

    def _read_robots(self, robots_url: str) -> urllib.robotparser.RobotFileParser | str:
        """As RFC 9309 says: a missing robots.txt (a 4xx) allows everything; one that cannot be read (a 5xx,
        a 429, a timeout, a refused connection) allows nothing, for this run only (a string saying why)."""
        result = self._get(robots_url)
        parser = urllib.robotparser.RobotFileParser(robots_url)
        if result.ok:
            parser.parse(result.body.decode("utf-8", "replace").splitlines())
        elif result.status is not None and 400 <= result.status < 500 and result.status != 429:
            parser.allow_all = True
        else:
            return f"robots.txt unreadable ({result.error}): not fetched this run"
        return parser

    def _get(self, url: str, **options) -> FetchResult:
        with self.gate.turn(urlsplit(url).hostname or "", self.delay):
            return self.fetch(url, **options)
