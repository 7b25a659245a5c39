"""Debian's Chromium, headless and with JavaScript off, against `timeline serve` running as a real process."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browsing import shot  # the fixtures browser and page are in conftest, shared by every browser test

pytestmark = pytest.mark.browser


def tag_link(page, name: str):
    """A tag's link where a person finds it: the sidebar on a wide screen, the panel under the search on a phone."""
    if page.viewport_name == "phone":
        page.locator(".tags-panel summary").click()
        return page.locator(".tags-panel a", has_text=re.compile(rf"^{name}\b")).first
    return page.locator("ul.tag-counts a", has_text=re.compile(rf"^{name}\b")).first


def article_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("article.fact .fact-title").all_inner_texts()]


def params(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def test_open_the_timeline(page, live_server):
    page.goto(live_server.url)
    assert page.locator("h1").inner_text().startswith("Shanghai Cooperation Organization")
    assert page.locator("article.fact").count() == 50
    assert page.locator("svg.density a").count() > 3
    assert page.locator("main").count() == 1 and page.locator("aside").count() == 1
    assert page.locator("link[rel=stylesheet]").count() == 1
    shot(page, "01-timeline")
    shot(page, "01-timeline-full", full_page=True)


def test_filter_by_a_tag(page, live_server):
    page.goto(live_server.url)
    tag_link(page, "Summit").click()
    assert params(page)["tag"] == ["summit"]
    tags = page.locator("article.fact ul.tags").all_inner_texts()
    assert tags and all("Summit" in t.split("\n") for t in tags)
    assert page.locator(".active-tags").inner_text().startswith("Only facts tagged")
    shot(page, "02-tag-summit")


def test_search(page, live_server):
    page.goto(live_server.url)
    page.locator("#q").fill("samarkand")
    page.locator("#q").press("Enter")
    assert params(page)["q"] == ["samarkand"]
    assert page.locator("mark").count() >= 3
    assert all("samarkand" in t.lower() for t in page.locator("article.fact").all_inner_texts())
    shot(page, "03-search-samarkand")


def test_go_to_the_next_page_and_back(page, live_server):
    page.goto(live_server.url)
    first = article_titles(page)
    page.get_by_role("link", name="Earlier facts").click()
    second = article_titles(page)
    assert second and not set(first) & set(second)
    shot(page, "04-earlier-page")
    page.get_by_role("link", name="Later facts").click()
    assert article_titles(page) == first


def test_open_a_permalink(page, live_server):
    page.goto(live_server.url + "?q=samarkand")
    page.get_by_role("link", name="SCO heads of state summit held in Samarkand").click()
    assert re.search(r"/events/[0-9a-f-]{36}$", page.url)
    assert page.locator("h1").inner_text() == "SCO heads of state summit held in Samarkand"
    history = page.locator("ol.history-list > li")
    assert history.count() == 2
    assert "by editor ana" in history.nth(1).inner_text()
    assert "SCO leaders' summit held in Samarkand, Uzbekistan" in history.nth(1).locator("del").inner_text()
    shot(page, "05-permalink")


def test_a_retracted_fact_keeps_its_permalink(page, live_server):
    page.goto(live_server.url + f"events/{live_server.ids['retracted']}")
    assert "This fact was retracted: not about the SCO" in page.locator(".notice-retracted").inner_text()
    shot(page, "06-retracted-permalink")


def test_time_travel(page, live_server):
    page.goto(live_server.url)
    page.locator("details.more-filters summary").click()
    page.locator("#as_of").fill("2024-01-01T00:00:00")
    page.get_by_role("button", name="Show").click()
    assert params(page)["as_of"][0].startswith("2024-01-01T00:00")  # Chromium drops zero seconds
    assert "as it was known at 1 January 2024, 00:00:00 UTC" in page.locator(".banner").inner_text()
    titles = article_titles(page)
    assert len(titles) == 29 and not any(t.startswith("Working group") for t in titles)
    assert "SCO leaders' summit held in Samarkand, Uzbekistan" in titles  # the 2025 correction not yet made
    assert "Terrorist attack in Moscow kills more than 145 people" in titles  # nor the retraction
    shot(page, "07-time-travel")


def test_a_chart_bar_opens_its_period(page, live_server):
    page.goto(live_server.url)
    page.locator("svg.density a").last.click()
    query = params(page)
    assert query["from"] == query["to"]
    assert page.locator("article.fact").count() >= 1


def test_the_feeds_page_fits_a_phone(page, live_server):
    """A failing feed with a long URL and a long error: every word stays on screen, nothing scrolls sideways."""
    from events.domain import source_feed
    from events.service import Timeline

    long_url = "https://news.example.org/" + "very-long-path-segment/" * 12 + "rss.xml"
    payload = {
        "feed": "long-feed",
        "url": long_url,
        "polled_at": "2025-01-03T08:00:00.000000Z",
        "ok": False,
        "status": 503,
        "error": "HTTP 503 from " + long_url + "; " + "the server said it is overloaded " * 6,
        "not_modified": False,
        "etag": None,
        "last_modified": None,
        "moved_to": None,
        "next_poll": "2025-01-03T08:10:00.000000Z",
        "items_seen": 0,
        "items_kept": 0,
        "problems": [],
        "item_errors": [],
    }
    timeline = Timeline.open(live_server.db_path)
    try:
        if "long-feed" not in {row[0] for row in timeline.conn.execute("SELECT feed FROM feed_status")}:
            timeline.store.append_to(
                source_feed.feed_stream("long-feed"), [source_feed.feed_polled(payload, "feed:long-feed")]
            )
            timeline.catch_up()
    finally:
        timeline.close()
    page.goto(live_server.url + "feeds")
    entry = page.locator("li.feed", has_text="long-feed")
    assert "Failing: 1 poll in a row" in entry.locator(".badge").inner_text()
    assert entry.locator(".feed-error").is_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width  # no sideways scrolling
    shot(page, "feeds", full_page=True)


def test_a_title_that_is_one_long_word_stays_on_screen(page, live_server):
    """A title of one very long word pushed the timeline to 1,027 px and a fact's page to 1,531 px
    on a 375 px phone (product review): long words break rather than scroll sideways."""
    from events.service import Timeline

    word = "Intergovernmentalorganisationcooperationframework" * 3
    timeline = Timeline.open(live_server.db_path)
    try:
        found = timeline.conn.execute("SELECT fact_id FROM facts WHERE title = ?", (word,)).fetchone()
        fact_id = (
            found[0]
            if found
            else timeline.record_fact(
                {"date": "2030-01-01", "title": word, "summary": word, "tags": [word[:60]]},
                actor="test",
                origin="manual",
            ).fact_id
        )
    finally:
        timeline.close()
    for path in ("", f"events/{fact_id}"):
        page.goto(live_server.url + path)
        assert page.get_by_text(word).first.is_visible()
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (path, width)  # no sideways scrolling


def test_a_summarys_line_breaks_are_shown(page, live_server):
    """A summary of two paragraphs was shown as one line on the timeline and the fact's page (product review)."""
    from events.service import Timeline

    title = "Two-paragraph summary fact"
    timeline = Timeline.open(live_server.db_path)
    try:
        found = timeline.conn.execute("SELECT fact_id FROM facts WHERE title = ?", (title,)).fetchone()
        fact_id = (
            found[0]
            if found
            else timeline.record_fact(
                {"date": "2031-01-01", "title": title, "summary": "First paragraph.\nSecond paragraph."},
                actor="test",
                origin="manual",
            ).fact_id
        )
    finally:
        timeline.close()
    for path in ("?q=paragraph", f"events/{fact_id}"):
        page.goto(live_server.url + path)
        assert page.locator(".fact-summary").first.inner_text() == "First paragraph.\nSecond paragraph.", path
