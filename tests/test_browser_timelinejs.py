"""/timeline.json drawn by TimelineJS3 (the npm package in tests/js, served locally) in Chromium with JavaScript on."""

from __future__ import annotations

import html
import json
import mimetypes
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browsing import VIEWPORTS, shot
from tests.needs import unavailable

pytestmark = pytest.mark.browser
JS = Path(__file__).parent / "js"
DIST = JS / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
EMBED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Embedded SCO Timeline</title>
<link rel="stylesheet" href="/embed/css/timeline.css"><script src="/embed/js/timeline.js"></script></head>
<body><div id="history" style="width: 100%; height: 640px"></div>
<script>window.drawn = new TL.Timeline("history", "/timeline.json?QUERY", {script_path: "/embed/js/", font: null});</script></body></html>"""


def timelinejs() -> Path:
    """The package from the npm registry, installed by `npm ci` in tests/js on first use."""
    if not (DIST / "js" / "timeline.js").exists():
        if shutil.which("npm") is None:
            unavailable("npm is missing: it installs TimelineJS for this test (apt-get install npm)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=JS, check=True, timeout=300)
    return DIST


def serve_embed(page, base: str, query: str) -> None:
    """A page embedding the timeline, and TimelineJS's files, answered from disk as if the site served them."""
    dist = timelinejs()
    page.route(
        base + "embed.html",
        lambda route: route.fulfill(body=EMBED.replace("QUERY", query), content_type="text/html"),
    )

    def from_dist(route):
        path = (dist / route.request.url.split("/embed/", 1)[1].split("?")[0]).resolve()
        if not path.is_relative_to(dist) or not path.is_file():
            return route.fulfill(status=404)
        return route.fulfill(
            path=str(path), content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )

    page.route(base + "embed/**", from_dist)


@pytest.mark.parametrize("query", ["tag=summit", "from=2022&to=2022"])
def test_timelinejs_draws_a_slide_per_fact(browser, live_server, query):
    context = browser.new_context(**VIEWPORTS["desktop"])  # JavaScript on: TimelineJS is a script
    page = context.new_page()
    page.viewport_name = "desktop"
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda r: problems.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None,
    )
    try:
        serve_embed(page, live_server.url, query)
        expected = json.loads(page.request.get(live_server.url + "timeline.json?" + query).body())["events"]
        assert expected
        page.goto(live_server.url + "embed.html")
        page.locator(".tl-slide-content").first.wait_for(timeout=20_000)
        page.wait_for_function(
            f"document.querySelectorAll('.tl-timemarker').length >= {len(expected)}", timeout=20_000
        )
        headlines = page.locator(".tl-timemarker .tl-headline").all_inner_texts()
        titles = {html.unescape(e["text"]["headline"]) for e in expected}  # the JSON carries HTML, escaped
        assert sorted(h.strip() for h in headlines) == sorted(titles)
        page.locator(".tl-slidenav-next").first.click()
        page.wait_for_timeout(1000)  # the slide animates in
        shown = page.locator(".tl-slide .tl-headline >> visible=true").all_inner_texts()
        assert any(h.strip().casefold() in {t.casefold() for t in titles} for h in shown), (
            shown
        )  # styled upper case
        shot(page, f"30-timelinejs-{query.split('=')[0]}")
    finally:
        context.close()
    assert problems == [], problems
