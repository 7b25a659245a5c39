"""An editor in headless Chromium, JavaScript off: sign in, post, find it, correct, read the history, retract."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import lxml.etree
import pytest

from events.log.clock import FixedClock
from tests.browsing import ARGS, CHROMIUM, shot
from tests.conftest import UTC, open_fast, start_server, stop_server
from tests.needs import unavailable

pytestmark = pytest.mark.browser
TITLE = "SCO ministers meet on water security in Dushanbe"
CORRECTED = "SCO energy ministers meet on water security in Dushanbe"
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def editors_server(tmp_path_factory):
    """`timeline serve` over the seed facts, with a token for ann and no configured secret key."""
    from events.domain.token import issue_token

    tmp = tmp_path_factory.mktemp("editors")
    db_path = tmp / "editors.db"
    timeline = open_fast(
        db_path, FixedClock(dt.datetime(2024, 1, 1, tzinfo=UTC), step=dt.timedelta(seconds=1))
    )
    try:
        timeline.init()
        token = issue_token(timeline.store, "ann")
        timeline.catch_up()
    finally:
        timeline.close()
    server = start_server(tmp, db_path)
    server.ids["token"] = token
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def chromium_path():
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    return CHROMIUM


def in_own_thread(scenario: Callable[[], None], timeout: float = 300.0) -> None:
    """Run a scenario on a thread of its own and re-raise what it raised.

    Playwright's sync API allows one instance per thread, and test_browser.py
    keeps its own open for the whole session on the main thread.
    """
    raised: list[BaseException] = []

    def run() -> None:
        try:
            scenario()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread as it is
            raised.append(error)

    thread = threading.Thread(target=run, name="chromium-editor")
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"the browser scenario took longer than {timeout} s"
    if raised:
        raise raised[0]


@contextmanager
def editor_page(server) -> Iterator:
    """Chromium at desktop size, JavaScript off.

    Console errors (a CSP violation is one) and requests to anywhere else are problems.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.viewport_name = "desktop"
        page.problems = []
        page.on(
            "console", lambda message: page.problems.append(message.text) if message.type == "error" else None
        )
        page.on(
            "request",
            lambda r: None if r.url.startswith((server.url, "data:")) else page.problems.append(r.url),
        )
        try:
            yield page
        finally:
            context.close()
            browser.close()
        assert page.problems == [], page.problems


def history_items(page) -> list[str]:
    return [t.strip() for t in page.locator("ol.history-list > li").all_inner_texts()]


def atom_entry(page, server, title: str) -> str:
    """The text of the feed entry with this title after its date (fetched with the page's own cookies)."""
    feed = lxml.etree.fromstring(page.request.get(server.url + "feed.atom").body())
    for entry in feed.findall("a:entry", ATOM):
        if entry.findtext("a:title", namespaces=ATOM).partition(" · ")[2] == title:
            return " ".join(entry.find("a:content", ATOM).itertext())
    raise AssertionError(f"no entry titled {title!r} in the feed")


def sign_in(page, server) -> None:
    page.goto(server.url)
    page.get_by_role("link", name="Sign in").click()
    assert page.locator("h1").inner_text() == "Sign in to edit"
    page.get_by_label("Token").fill(server.ids["token"])
    shot(page, "editors-01-sign-in")
    page.get_by_role("button", name="Sign in").click()
    assert page.url == server.url
    assert "Signed in as ann" in page.locator("nav").inner_text()


def post_a_fact(page) -> str:
    page.get_by_role("link", name="New fact").click()
    page.get_by_label("Date", exact=True).fill("2025-03-15")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Summary").fill("Ministers discussed shared rivers and hydropower.")
    page.get_by_label("Tags").fill("water, tajikistan")
    page.locator("#sources-0-url").fill("https://example.org/dushanbe-water")
    page.locator("#sources-0-outlet").fill("Example News")
    shot(page, "editors-03-new-fact", full_page=True)
    page.get_by_role("button", name="Record the fact").click()
    assert re.search(r"/events/[0-9a-f-]{36}$", page.url), page.url
    assert page.locator("h1").inner_text() == TITLE
    assert "Recorded by editor ann" in history_items(page)[0]
    shot(page, "editors-04-posted")
    return page.url


def test_an_editor_posts_corrects_and_retracts_a_fact(chromium_path, editors_server):
    in_own_thread(lambda: post_correct_and_retract(editors_server))


def post_correct_and_retract(server) -> None:
    with editor_page(server) as page:
        sign_in(page, server)
        a_mistake_is_shown_next_to_its_field(page, server)
        permalink = post_a_fact(page)
        find_it_on_the_timeline_and_in_the_feed(page, server)
        correct_it(page, server, permalink)
        retract_it(page, server, permalink)
        sign_out(page, permalink)


def a_mistake_is_shown_next_to_its_field(page, server) -> None:
    page.get_by_role("link", name="New fact").click()
    page.get_by_label("Date", exact=True).fill("2024-02-30")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_role("button", name="Record the fact").click()
    assert "does not exist" in page.locator("#date-error").inner_text()
    assert page.get_by_label("Title", exact=True).input_value() == TITLE  # what was typed is kept
    shot(page, "editors-02-form-errors", full_page=True)
    assert page.problems == [
        "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    ]
    page.problems.clear()  # that 400 was the point
    page.goto(server.url)


def find_it_on_the_timeline_and_in_the_feed(page, server) -> None:
    page.goto(server.url)  # the newest fact opens the timeline
    assert page.locator("article.fact .fact-title").first.inner_text().strip() == TITLE
    assert "15 March 2025" in atom_entry(page, server, TITLE)


def correct_it(page, server, permalink: str) -> None:
    page.goto(permalink)
    page.get_by_role("link", name="Correct").click()
    assert page.get_by_label("Title", exact=True).input_value() == TITLE  # prefilled
    assert page.locator("input[name=expected_version]").input_value() == "1"
    page.get_by_label("Title", exact=True).fill(CORRECTED)
    page.get_by_label("Why is this a correction?").fill("the meeting was of energy ministers")
    shot(page, "editors-05-correct", full_page=True)
    page.get_by_role("button", name="Save the correction").click()
    assert page.url == permalink + "#history"
    assert page.locator("h1").inner_text() == CORRECTED
    last = history_items(page)[-1]
    assert (
        last.startswith("Corrected by editor ann") and "Reason: the meeting was of energy ministers" in last
    )
    assert page.locator("ol.history-list > li").last.locator("del").inner_text() == TITLE
    shot(page, "editors-06-history", full_page=True)
    entry = atom_entry(page, server, CORRECTED)
    assert "by editor ann" in entry and "Reason: the meeting was of energy ministers" in entry


def retract_it(page, server, permalink: str) -> None:
    page.get_by_role("link", name="Retract").click()
    page.get_by_label("Why is this fact retracted?").fill("the meeting was postponed")
    page.get_by_role("button", name="Retract the fact").click()
    assert page.url == permalink
    assert (
        "This fact was retracted: the meeting was postponed" in page.locator(".notice-retracted").inner_text()
    )
    assert page.get_by_role("link", name="Correct").count() == 0
    assert history_items(page)[-1].startswith("Retracted by editor ann")
    shot(page, "editors-07-retracted")
    page.goto(server.url)
    assert CORRECTED not in page.locator("main").inner_text()


def sign_out(page, permalink: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    assert "Sign in" in page.locator("nav").inner_text()
    page.goto(permalink)
    assert page.get_by_role("link", name="Retract").count() == 0
