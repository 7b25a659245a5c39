"""fetch_article: summary-only feeds get their linked pages' main text, fetched politely and only once."""

from __future__ import annotations

import datetime as dt
import threading
from html import escape

import pytest

from events.log.clock import FixedClock
from events.log.migrations import PROJECTION_TABLES
from events.log.store import EventStore, connect
from events.read import projections
from events.service import Timeline
from tests.feed_server import FeedServer, Route
from timeline.config import ConfigError, config_from_mapping
from timeline.ingest.fetch import Fetcher, FetchLimits
from timeline.ingest.pages import HostGate, PageReader, main_text
from timeline.ingest.poll import Ingestor

NOW = dt.datetime(2024, 5, 23, 12, 0, tzinfo=dt.UTC)
HTML = "text/html; charset=utf-8"
SUMMARY = "Foreign ministers of the Shanghai Cooperation Organisation met in Astana."
MAIN = [
    "Foreign ministers of the Shanghai Cooperation Organisation met in Astana on Tuesday to prepare"
    " the summit of the bloc's heads of state, the host's foreign ministry said in a statement.",
    "The leaders will gather in Astana on 4 July 2024, and the ministers agreed the draft of the"
    " declaration they are to sign there, officials said after the talks.",
    "The organisation's secretary-general told reporters that the bloc would also discuss regional"
    " security, trade routes and energy, and that two new observers had asked to join.",
]


def page(paragraphs: list[str], *, title: str = "SCO ministers meet in Astana") -> bytes:
    """A news page with the chrome trafilatura must leave out: menu, sidebar, footer."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav></header>"
        f"<main><article><h1>{escape(title)}</h1>{body}</article></main>"
        "<aside><h2>Most read</h2><ul><li><a href='/x'>Cup final moved to 9 March 2025</a></li></ul></aside>"
        "<footer><p>Copyright 2024 Steppe Wire. All rights reserved. Subscribe to our newsletter.</p></footer>"
        "</body></html>"
    ).encode()


def rss(server: FeedServer, *items: tuple[str, str, str]) -> bytes:
    """A feed whose items (guid, title, summary) link to /news/<guid> on the test server."""
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{server.url('/news/' + guid)}</link>"
        f"<guid isPermaLink='false'>{guid}</guid><pubDate>Thu, 23 May 2024 09:15:00 GMT</pubDate>"
        f"<description>{escape(summary)}</description></item>"
        for guid, title, summary in items
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Steppe Wire</title>"
        f"<link>{server.url('/')}</link><description>test</description>{entries}</channel></rss>"
    ).encode()


def serve_feed(server: FeedServer, *items: tuple[str, str, str]) -> None:
    server.routes["/rss"] = Route(body=rss(server, *items))


def serve_page(server: FeedServer, path: str, body: bytes, **options) -> None:
    server.routes[path] = Route(body=body, content_type=options.pop("content_type", HTML), **options)


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
def timeline(tmp_path, clock):
    t = Timeline(EventStore(connect(tmp_path / "t.db"), clock))
    yield t
    t.close()


def make_config(tmp_path, server, *, fetch_article=True, **ingest):
    feed = {"name": "steppe", "url": server.url("/rss"), "fetch_article": fetch_article}
    return config_from_mapping(
        {
            "database": {"path": str(tmp_path / "t.db")},
            "ingest": {"timeout_seconds": 2, "article_delay_seconds": 0, **ingest},
            "feeds": [feed],
        }
    )


def ingestor(timeline, config, clock, *, gate=None):
    fetcher = Fetcher(
        FetchLimits(timeout_seconds=config.timeout_seconds, max_body_bytes=config.max_body_bytes)
    )
    pages = None
    if gate is not None:
        pages = PageReader(fetcher, timeline.conn, delay=config.article_delay_seconds, clock=clock, gate=gate)
    return Ingestor(timeline, config, fetcher, clock=clock, holder="test", pages=pages)


def events_of(timeline, kind):
    return [e for e in timeline.store.read() if e.type == kind]


def requested(server) -> list[str]:
    return [path for path, _ in server.requests]


def test_main_text_keeps_the_article_and_drops_the_chrome():
    text = main_text(page(MAIN))
    assert "4 July 2024" in text and "two new observers" in text
    assert "Most read" not in text and "Cup final" not in text and "Subscribe" not in text


def test_a_summary_only_feed_gets_the_pages_main_text_and_its_dated_facts(server, timeline, tmp_path, clock):
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY))
    serve_page(server, "/news/a1", page(MAIN))
    config = make_config(tmp_path, server)
    report = ingestor(timeline, config, clock).poll(config.feeds[0])
    assert (report.kept, report.errors, report.problems) == (1, [], [])
    [article] = events_of(timeline, "ArticleIngested")
    assert article.payload["summary"] == SUMMARY  # the feed's own words stay
    assert article.payload["text_from"] == "page"
    assert "4 July 2024" in article.payload["text"] and "Most read" not in article.payload["text"]
    dates = {f.payload["date"] for f in events_of(timeline, "FactRecorded")}
    assert "2024-07-04" in dates  # stated only on the page
    assert requested(server) == ["/rss", "/robots.txt", "/news/a1"]
    page_request = server.requests[-1][1]
    assert page_request["User-Agent"].startswith("SCO-Timeline/") and "text/html" in page_request["Accept"]


def test_the_page_text_decides_the_tagging_too(server, timeline, tmp_path, clock):
    """A summary that never names the bloc is kept when its page is about it."""
    serve_feed(server, ("a1", "Ministers meet in Astana", "Ministers met in Astana on Tuesday."))
    serve_page(server, "/news/a1", page(MAIN))
    config = make_config(tmp_path, server)
    report = ingestor(timeline, config, clock).poll(config.feeds[0])
    assert report.kept == 1 and events_of(timeline, "ArticleIngested")[0].payload["text_from"] == "page"


def test_a_page_shorter_than_the_feeds_text_leaves_the_feeds_text(server, timeline, tmp_path, clock):
    long_summary = " ".join(MAIN)
    serve_feed(server, ("a1", "SCO ministers meet in Astana", long_summary))
    serve_page(server, "/news/a1", page(MAIN[:1]))
    config = make_config(tmp_path, server)
    ingestor(timeline, config, clock).poll(config.feeds[0])
    [article] = events_of(timeline, "ArticleIngested")
    assert article.payload["text"] == long_summary and "text_from" not in article.payload


def test_robots_txt_disallow_is_honoured(server, timeline, tmp_path, clock):
    server.routes["/robots.txt"] = Route(
        body=b"User-agent: *\nDisallow: /news/private\n\nUser-agent: SCO-Timeline\nDisallow: /news/a2\n",
        content_type="text/plain",
    )
    serve_feed(
        server,
        ("a1", "SCO ministers meet in Astana", SUMMARY),
        ("a2", "SCO summit date set", "The SCO summit in Astana will open in July, officials said."),
    )
    serve_page(server, "/news/a1", page(MAIN))
    serve_page(server, "/news/a2", page(MAIN))
    config = make_config(tmp_path, server)
    report = ingestor(timeline, config, clock).poll(config.feeds[0])
    assert requested(server) == ["/rss", "/robots.txt", "/news/a1"]  # robots.txt once; a2 never asked for
    assert report.kept == 2 and report.errors == []
    assert report.problems == [f"article page {server.url('/news/a2')}: disallowed by robots.txt"]
    by_guid = {a.payload["url"].rsplit("/", 1)[1]: a.payload for a in events_of(timeline, "ArticleIngested")}
    assert by_guid["a2"]["text"].startswith("The SCO summit") and "text_from" not in by_guid["a2"]
    assert by_guid["a1"]["text_from"] == "page"


def test_an_unreadable_robots_txt_disallows_for_this_run_only(server, timeline, tmp_path, clock):
    server.routes["/robots.txt"] = [Route(status=503, content_type="text/plain"), Route(status=404)]
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY))
    serve_page(server, "/news/a1", page(MAIN))
    config = make_config(tmp_path, server)
    ing = ingestor(timeline, config, clock)
    report = ing.poll(config.feeds[0])
    assert "/news/a1" not in requested(server)
    assert report.kept == 1 and "robots.txt unreadable (HTTP 503" in report.problems[0]
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY + " They agreed the agenda."))
    report = ing.poll(config.feeds[0])  # the item changed: the next run asks robots.txt again
    assert report.updated == 1 and report.problems == []
    assert requested(server)[-2:] == ["/robots.txt", "/news/a1"]
    assert events_of(timeline, "ArticleUpdated")[0].payload["text_from"] == "page"


def test_a_page_is_fetched_once_across_polls(server, timeline, tmp_path, clock):
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY))
    serve_page(server, "/news/a1", page(MAIN))
    config = make_config(tmp_path, server)
    ingestor(timeline, config, clock).poll(config.feeds[0])
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY + " They agreed the agenda."))
    report = ingestor(timeline, config, clock).poll(config.feeds[0])  # another process, even
    assert report.updated == 1
    assert requested(server).count("/news/a1") == 1 and requested(server).count("/robots.txt") == 1
    [update] = events_of(timeline, "ArticleUpdated")
    assert update.payload["text_from"] == "page" and "4 July 2024" in update.payload["text"]


def test_a_failed_fetch_is_kept_and_tried_again_only_after_a_day(server, timeline, tmp_path, clock):
    server.routes["/news/a1"] = [
        Route(status=500, content_type=HTML),
        Route(body=page(MAIN), content_type=HTML),
    ]
    config = make_config(tmp_path, server)
    ing = ingestor(timeline, config, clock)
    for number, (later, fetched) in enumerate([(0, 1), (3, 1), (25, 2)]):
        clock.now = NOW + dt.timedelta(hours=later)
        serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY + " Update." * number))
        report = ing.poll(config.feeds[0])
        assert requested(server).count("/news/a1") == fetched
    assert report.updated == 1 and report.problems == []
    first, second, third = [
        e.payload for e in timeline.store.read() if e.type in ("ArticleIngested", "ArticleUpdated")
    ]
    assert "text_from" not in first and "text_from" not in second and third["text_from"] == "page"


def test_an_oversize_page_fails_cleanly(server, timeline, tmp_path, clock):
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY))
    serve_page(server, "/news/a1", page(MAIN * 200))
    config = make_config(tmp_path, server, max_body_bytes=20_000)
    report = ingestor(timeline, config, clock).poll(config.feeds[0])
    assert report.kept == 1 and report.errors == []
    assert report.problems == [f"article page {server.url('/news/a1')}: body larger than 20000 bytes"]
    [article] = events_of(timeline, "ArticleIngested")
    assert article.payload["text"] == SUMMARY and "text_from" not in article.payload


def test_a_slow_page_fails_cleanly(server, timeline, tmp_path, clock):
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY))
    serve_page(server, "/news/a1", page(MAIN), drip=0.05)  # one byte every 50 ms: over a second in all
    config = make_config(tmp_path, server, timeout_seconds=1)
    report = ingestor(timeline, config, clock).poll(config.feeds[0])
    assert report.kept == 1
    assert report.problems == [
        f"article page {server.url('/news/a1')}: timed out after 1 s reading the body"
        " (the limit covers the whole fetch)"
    ]
    assert events_of(timeline, "ArticleIngested")[0].payload["text"] == SUMMARY


def test_a_page_that_is_not_html_is_refused(server, timeline, tmp_path, clock):
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY))
    serve_page(server, "/news/a1", b"%PDF-1.7 ...", content_type="application/pdf")
    config = make_config(tmp_path, server)
    report = ingestor(timeline, config, clock).poll(config.feeds[0])
    assert report.kept == 1
    assert report.problems == [f"article page {server.url('/news/a1')}: not text/html: application/pdf"]
    assert events_of(timeline, "ArticleIngested")[0].payload["text"] == SUMMARY


def test_requests_to_one_host_are_spaced_by_the_delay(server, timeline, tmp_path, clock):
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    gate = HostGate(monotonic=lambda: now[0], sleep=sleep)
    serve_feed(server, *[(f"a{n}", f"SCO ministers meet, part {n}", SUMMARY) for n in (1, 2)])
    for n in (1, 2):
        serve_page(server, f"/news/a{n}", page(MAIN))
    config = make_config(tmp_path, server, article_delay_seconds=1.5)
    ingestor(timeline, config, clock, gate=gate).poll(config.feeds[0])
    assert requested(server) == ["/rss", "/robots.txt", "/news/a1", "/news/a2"]
    assert sleeps == [1.5, 1.5]  # before each page: robots.txt, then a1, had just been asked


def test_one_request_per_host_at_a_time():
    gate = HostGate(monotonic=lambda: 0.0, sleep=lambda seconds: None)
    inside, other_host, second = threading.Event(), threading.Event(), threading.Event()
    release = threading.Event()

    def first_request():
        with gate.turn("a.example", 0):
            inside.set()
            release.wait(5)

    def enter(host: str, entered: threading.Event):
        with gate.turn(host, 0):
            entered.set()

    threads = [threading.Thread(target=first_request)]
    threads[0].start()
    assert inside.wait(5)
    threads += [
        threading.Thread(target=enter, args=("a.example", second)),
        threading.Thread(target=enter, args=("b.example", other_host)),
    ]
    for thread in threads[1:]:
        thread.start()
    assert other_host.wait(5)  # another host is not held up
    assert not second.wait(0.2)  # the same host waits for the first request to end
    release.set()
    assert second.wait(5)
    for thread in threads:
        thread.join(5)


def test_a_feed_without_fetch_article_fetches_no_page(server, timeline, tmp_path, clock):
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY))
    serve_page(server, "/news/a1", page(MAIN))
    config = make_config(tmp_path, server, fetch_article=False)
    report = ingestor(timeline, config, clock).poll(config.feeds[0])
    assert report.kept == 1 and requested(server) == ["/rss"]
    assert "text_from" not in events_of(timeline, "ArticleIngested")[0].payload


def test_the_pages_table_is_neither_log_nor_projection(server, timeline, tmp_path, clock):
    serve_feed(server, ("a1", "SCO ministers meet in Astana", SUMMARY))
    serve_page(server, "/news/a1", page(MAIN))
    config = make_config(tmp_path, server)
    ingestor(timeline, config, clock).poll(config.feeds[0])
    assert "article_pages" not in PROJECTION_TABLES
    projections.rebuild(timeline.store)
    rows = timeline.conn.execute("SELECT url, status, error FROM article_pages").fetchall()
    assert rows == [(server.url("/news/a1"), "ok", None)]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            {"feeds": [{"name": "a", "url": "http://a.example/", "fetch_article": "yes"}]},
            "feeds[0].fetch_article",
        ),
        ({"ingest": {"article_delay_seconds": -1}}, "ingest.article_delay_seconds"),
        ({"ingest": {"article_delay_seconds": "1"}}, "ingest.article_delay_seconds must be a number"),
    ],
)
def test_config_errors_name_the_key(mapping, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config_from_mapping(mapping)


def test_config_defaults():
    config = config_from_mapping(
        {"feeds": [{"name": "a", "url": "http://a.example/", "fetch_article": True}]}
    )
    assert config.article_delay_seconds == 1.0 and config.feeds[0].fetch_article is True
    assert (
        config_from_mapping({"feeds": [{"name": "a", "url": "http://a.example/"}]}).feeds[0].fetch_article
        is False
    )
