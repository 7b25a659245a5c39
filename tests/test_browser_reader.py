"""What a reader sees in Chromium at 1280 and 390 px: filters near the top, bands, errors, and a CSP the pages keep."""

from __future__ import annotations

import re

import pytest

from tests.browsing import VIEWPORTS, shot
from tests.test_browser import params

pytestmark = pytest.mark.browser
PHONE_HEIGHT = VIEWPORTS["phone"]["viewport"]["height"]


def in_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= PHONE_HEIGHT


def test_on_a_phone_search_dates_and_tags_are_one_tap_from_the_top(page, live_server):
    page.goto(live_server.url)
    if page.viewport_name != "phone":
        assert page.locator("aside.sidebar").is_visible() and not page.locator(".tags-panel").is_visible()
        return
    assert not page.locator("aside.sidebar").is_visible()
    search, dates, tags = (
        page.locator("#q"),
        page.locator("details.more-filters summary"),
        page.locator(".tags-panel summary"),
    )
    assert all(in_first_screen(x) for x in (search, dates, tags))  # nothing to scroll past
    tags.click()
    summit = page.locator(".tags-panel a", has_text=re.compile(r"^Summit\b")).first
    assert summit.is_visible()
    shot(page, "10-tags-panel-open")
    summit.click()
    assert params(page)["tag"] == ["summit"]
    dates.click()
    assert page.locator("#from").is_visible() and in_first_screen(page.locator("#from"))


def test_facts_known_only_to_the_year_come_after_the_dated_ones(page, live_server):
    page.goto(live_server.url + "?from=2024&to=2024")
    headings = [h.strip() for h in page.locator("section.month > h3, section.undated > h4").all_inner_texts()]
    assert headings[-1] == "Sometime in 2024"
    during = [i for i, h in enumerate(headings) if h.startswith("During ")]
    assert during and all(
        headings[i] == "During " + headings[i - 1] for i in during
    )  # right after its month's dated facts
    band = page.locator("section.undated", has_text="Sometime in 2024").last
    assert band.is_visible() and band.locator("article.fact").count() >= 1
    shot(page, "11-sometime-band", full_page=True)


PAGES = {
    "timeline": "",
    "fact": "events/{corrected}",
    "feeds": "feeds",
    "sign-in": "login",
    "not-found": "no/such/page",
    "bad-filter": "?q=summit&from=next+week",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_main_pages_carry_a_csp_without_unsafe_inline_and_break_none_of_it(page, live_server, name):
    """The page fixture fails the test on any console error: Chromium reports every CSP violation there."""
    response = page.goto(live_server.url + PAGES[name].format(**live_server.ids))
    if response.status >= 400:  # the error page's own status is logged too; only that line is expected
        page.problems.remove(
            f"Failed to load resource: the server responded with a status of {response.status} ({response.status_text})"
        )
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert (
        page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    )  # the stylesheet applied
    shot(page, f"20-{name}")


def test_a_csp_violation_would_be_seen(page, live_server):
    """The check above can fail: an inline style under the site's CSP is reported on the console."""
    csp = page.request.get(live_server.url).headers["content-security-policy"]
    body = "<!doctype html><title>x</title><style>body{color:red}</style><p style='color:red'>x</p>"
    page.route(
        live_server.url + "csp-probe",
        lambda route: route.fulfill(
            status=200, body=body, headers={"Content-Type": "text/html", "Content-Security-Policy": csp}
        ),
    )
    page.goto(live_server.url + "csp-probe")
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in problem for problem in page.problems), page.problems
    page.problems.clear()
