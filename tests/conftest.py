"""Shared fixtures: a real SQLite file per test, an injected clock, the app, and `timeline serve` as a real process."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from events.log.clock import FixedClock
from events.log.store import EventStore, connect
from events.service import Timeline
from tests.browsing import ARGS, CHROMIUM, VIEWPORTS
from tests.needs import unavailable
from timeline import create_app

REPO = Path(__file__).resolve().parents[1]
UTC = dt.UTC
START = dt.datetime(2024, 1, 10, 9, 0, tzinfo=UTC)


def app_config(db_path: Path) -> dict:
    return {"database": {"path": str(db_path)}, "server": {"base_url": "http://testserver/"}}


def editor_app_config(db_path: Path) -> dict:
    """The app with a fixed session secret, as the editors' tests sign in."""
    return {
        "database": {"path": str(db_path)},
        "server": {"base_url": "http://testserver/", "secret_key": "test-secret"},
    }


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "t.db"


@pytest.fixture
def clock() -> FixedClock:
    """Every event one second after the last, from START; set clock.now to jump."""
    return FixedClock(START, step=dt.timedelta(seconds=1))


def open_fast(db_path: Path, clock) -> Timeline:
    """A Timeline whose commits skip fsync: these tests read, they do not test durability."""
    conn = connect(db_path)
    conn.execute("PRAGMA synchronous = OFF")
    return Timeline(EventStore(conn, clock))


@pytest.fixture
def timeline(db_path: Path, clock: FixedClock):
    timeline = open_fast(db_path, clock)
    yield timeline
    timeline.close()


@pytest.fixture
def seeded(timeline: Timeline) -> Timeline:
    """The timeline with the shipped seed facts."""
    timeline.init()
    return timeline


@pytest.fixture
def app(db_path: Path):
    return create_app(app_config(db_path))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def seeded_client(seeded: Timeline, client):
    return client


@pytest.fixture
def editor_app(db_path: Path):
    return create_app(editor_app_config(db_path))


@pytest.fixture
def editor_client(editor_app):
    return editor_app.test_client()


@pytest.fixture
def issue_token_for(timeline: Timeline) -> Callable[[str], str]:
    """Issue an editor's token, as `timeline token create NAME` does; returns the token text."""
    from events.domain.token import issue_token

    def issue(name: str = "ann") -> str:
        token = issue_token(timeline.store, name)
        timeline.catch_up()
        return token

    return issue


@pytest.fixture
def make_fact(timeline: Timeline) -> Callable[..., object]:
    """Record a manual fact with defaults for whatever the test does not care about."""

    def make(date: str = "2024-03-15", title: str = "A fact", **fields):
        fields = {
            "summary": "",
            "tags": ["sco"],
            "sources": [{"url": "https://example.org/a", "outlet": "Example"}],
        } | fields
        return timeline.record_fact({"date": date, "title": title, **fields}, actor="test", origin="manual")

    return make


# ---------------------------------------------------------------- a real server


@dataclass
class LiveServer:
    url: str
    db_path: Path
    process: subprocess.Popen
    output: Path
    ids: dict = field(default_factory=dict)

    def get(self, path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
            return response.status, response.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def populate_for_browsing(db_path: Path) -> dict:
    """Seeds recorded in 2023, 80 more facts in mid-2024, then a correction and a retraction in 2025.

    Time travel to 2024-01-01 therefore shows the seeds alone, uncorrected.
    """
    clock = FixedClock(dt.datetime(2023, 5, 1, tzinfo=UTC), step=dt.timedelta(seconds=1))
    timeline = open_fast(db_path, clock)
    try:
        timeline.init()
        clock.now = dt.datetime(2024, 6, 1, tzinfo=UTC)
        for i in range(80):
            timeline.record_fact(
                {
                    "date": f"2023-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                    "title": f"Working group meeting number {i}",
                    "summary": "Officials of the member states met to prepare the next summit.",
                    "tags": ["working-group", "sco"],
                    "sources": [{"url": f"https://example.org/wg/{i}", "outlet": "Example"}],
                },
                actor="feed:example",
                origin="feed",
            )
        clock.now = dt.datetime(2025, 1, 2, tzinfo=UTC)
        samarkand = _find(timeline, "SCO leaders' summit held in Samarkand, Uzbekistan")
        timeline.correct_fact(
            samarkand,
            {"title": "SCO heads of state summit held in Samarkand"},
            reason="official name of the meeting",
            expected_version=None,
            actor="editor:ana",
        )
        moscow = _find(timeline, "Terrorist attack in Moscow kills more than 145 people")
        timeline.retract_fact(moscow, reason="not about the SCO", expected_version=None, actor="editor:ana")
        return {"corrected": samarkand, "retracted": moscow}
    finally:
        timeline.close()


def _find(timeline: Timeline, title: str) -> str:
    return timeline.conn.execute("SELECT fact_id FROM facts WHERE title = ?", (title,)).fetchone()[0]


def start_server(
    tmp: Path,
    db_path: Path,
    server_settings: str = "",
    *,
    base_url: str | None = "",
    database_settings: str = "",
) -> LiveServer:
    """`timeline serve` as a subprocess on a free port, once /healthz answers.

    base_url "" configures the URL served, None configures none; server_settings go in [server],
    database_settings in [database] (e.g. the shared log's url).
    """
    port = free_port()
    config = tmp / "config.toml"
    base_url = base_url or (f"http://127.0.0.1:{port}/" if base_url == "" else None)
    base_line = f'base_url = "{base_url}"\n' if base_url else ""
    config.write_text(
        f'[database]\npath = "{db_path}"\n{database_settings}\n[server]\n{base_line}{server_settings}\n',
        "utf-8",
    )
    output = tmp / "serve.log"
    command = [
        sys.executable,
        "-m",
        "timeline.cli",
        "--config",
        str(config),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with output.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = LiveServer(f"http://127.0.0.1:{port}/", db_path, process, output)
    _wait_for_health(server)
    return server


def _wait_for_health(server: LiveServer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"timeline serve exited: {server.output.read_text('utf-8', 'replace')}")
        try:
            if server.get("/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"timeline serve did not answer /healthz in {timeout} s")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One `timeline serve` for the session, over a database with enough facts to page through."""
    tmp = tmp_path_factory.mktemp("live")
    db_path = tmp / "live.db"
    ids = populate_for_browsing(db_path)
    server = start_server(tmp, db_path)
    server.ids.update(ids)
    yield server
    stop_server(server)


# ---------------------------------------------------------------- a real browser (tests/test_browser*.py)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request, browser, live_server):
    """A page with JavaScript off (the site must work without it) that records problems."""
    context = browser.new_context(java_script_enabled=False, **VIEWPORTS[request.param])
    page = context.new_page()
    page.viewport_name = request.param
    page.problems = []
    page.on(
        "console", lambda message: page.problems.append(message.text) if message.type == "error" else None
    )
    page.on(
        "request",
        lambda r: page.problems.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None,
    )
    yield page
    context.close()
    assert page.problems == [], page.problems  # no CSP violation, nothing fetched from elsewhere


@pytest.fixture
def by_words_alone(monkeypatch):
    """The matcher without the SCO's calendar (events/data/sco_calendar.json): for tests of the rules that
    read a report's words, which real dates would otherwise leave to the calendar."""
    from events.pipeline import calendar
    from events.pipeline.happenings import the_gathering

    monkeypatch.setattr(calendar, "gatherings", lambda: ())
    the_gathering.cache_clear()
    yield
    the_gathering.cache_clear()
