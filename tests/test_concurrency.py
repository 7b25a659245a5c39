"""`timeline serve` under load: 8 editors writing, 2 ingesters polling, readers paging, for a bounded time.

Afterwards no write is lost or doubled, every 409 was a real conflict, no "database is locked"
reached anyone, and no request got a 5xx.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest

from events.admin.verify import verify
from events.domain.token import issue_token
from events.service import Timeline
from tests.conftest import REPO, LiveServer, _wait_for_health, free_port, stop_server
from tests.feed_server import FeedServer

SECONDS = 12
WRITERS = 8


@dataclass
class Outcomes:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # title -> fact id
    corrections_ok: collections.Counter = field(default_factory=collections.Counter)  # fact id -> 200s
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # (expected sent, current answered)

    def note(self, method: str, path: str, status: int, body: bytes) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status >= 500 or b"database is locked" in body:
                self.failures.append(f"{method} {path}: {status} {body[:200]!r}")


def call(server: LiveServer, outcomes: Outcomes, method: str, path: str, body=None, token=None, key=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path.lstrip("/"), data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if key:
        request.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    outcomes.note(method, path, status, payload)
    return status, payload


def writer(server, outcomes, token, name, shared_id, stop):
    i = 0
    while not stop.is_set():
        title = f"{name} fact {i}"
        fact = {"date": "2024-07", "title": title, "tags": ["sco", name]}
        status, body = call(server, outcomes, "POST", "/api/events", fact, token, key=f"{name}-{i}")
        if status == 201:
            fact_id = json.loads(body)["id"]
            with outcomes.lock:
                outcomes.created[title] = fact_id
            retry = call(server, outcomes, "POST", "/api/events", fact, token, key=f"{name}-{i}")
            if retry != (201, body):  # a retry with the same key must get the same answer
                with outcomes.lock:
                    outcomes.failures.append(f"retry of {title!r} answered {retry[0]}, not the first 201")
            _correct(server, outcomes, token, fact_id, 1, f"{title} (fixed)")
        _contend(server, outcomes, token, shared_id, name, i)
        i += 1


def _correct(server, outcomes, token, fact_id, expected, title):
    status, body = call(
        server,
        outcomes,
        "POST",
        f"/api/events/{fact_id}/corrections",
        {"title": title, "reason": "load test", "expected_version": expected},
        token,
    )
    if status == 200:
        with outcomes.lock:
            outcomes.corrections_ok[fact_id] += 1
    elif status == 409:
        with outcomes.lock:
            outcomes.conflicts.append((expected, json.loads(body).get("current_version", -1)))
    return status


def _contend(server, outcomes, token, shared_id, name, i):
    """Everyone corrects one shared fact from the version they just read: most lose with a 409."""
    status, body = call(server, outcomes, "GET", f"/api/events/{shared_id}")
    if status == 200:
        _correct(server, outcomes, token, shared_id, json.loads(body)["version"], f"Shared fact, {name} {i}")


def reader(server, outcomes, stop):
    paths = [
        "/",
        "/?order=asc",
        "/api/events",
        "/feed.atom",
        "/?tag=sco",
        "/?q=summit",
        "/api/events?tag=sco",
    ]
    i = 0
    while not stop.is_set():
        status, body = call(server, outcomes, "GET", paths[i % len(paths)])
        if status == 200 and paths[i % len(paths)] == "/api/events":
            cursor = json.loads(body).get("next")
            if cursor:
                call(server, outcomes, "GET", f"/api/events?cursor={cursor}")
        i += 1


def ingester(config, stop, runs):
    while not stop.is_set():
        result = subprocess.run(
            [sys.executable, "-m", "timeline.cli", "--config", str(config), "ingest"],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )
        runs.append((result.returncode, result.stdout + result.stderr))


@pytest.fixture
def loaded_server(tmp_path):
    db_path = tmp_path / "load.db"
    timeline = Timeline.open(db_path)
    timeline.init()
    shared = timeline.record_fact({"date": "2024-07-03", "title": "Shared fact"}, actor="test")
    tokens = {f"editor{k}": issue_token(timeline.store, f"editor{k}") for k in range(WRITERS)}
    timeline.catch_up()
    timeline.close()
    with FeedServer() as feeds:
        feeds.serve_file("/rss", "ingest/sco_news.rss")
        feeds.serve_file("/atom", "ingest/other_outlet.atom", content_type="application/atom+xml")
        port = free_port()
        config = tmp_path / "config.toml"
        config.write_text(
            f'[database]\npath = "{db_path}"\n[server]\nbase_url = "http://127.0.0.1:{port}/"\n'
            f'secret_key = "load-test"\n[ingest]\ninterval_minutes = 1\njitter_seconds = 1\n'
            f'[[feeds]]\nname = "rss"\nurl = "{feeds.url("/rss")}"\n'
            f'[[feeds]]\nname = "atom"\nurl = "{feeds.url("/atom")}"\n',
            "utf-8",
        )
        output = tmp_path / "serve.log"
        with output.open("wb") as log:
            process = subprocess.Popen(
                [
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
                ],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = LiveServer(f"http://127.0.0.1:{port}/", db_path, process, output)
        _wait_for_health(server)
        try:
            yield server, config, tokens, shared.fact_id
        finally:
            stop_server(server)


def test_writes_reads_and_polls_at_once_lose_nothing(loaded_server):
    server, config, tokens, shared_id = loaded_server
    outcomes, stop, runs = Outcomes(), threading.Event(), []
    threads = [
        threading.Thread(target=writer, args=(server, outcomes, token, name, shared_id, stop))
        for name, token in tokens.items()
    ]
    threads += [threading.Thread(target=reader, args=(server, outcomes, stop)) for _ in range(4)]
    threads += [threading.Thread(target=ingester, args=(config, stop, runs)) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(90)

    assert not outcomes.failures, outcomes.failures[:5]
    assert outcomes.created, "no write went through"
    assert all(code == 0 for code, _ in runs), [out for code, out in runs if code][:2]
    assert all("locked" not in out for _, out in runs)
    for expected, current in outcomes.conflicts:
        assert current > expected, f"a 409 for version {expected} while the fact was at {current}"

    timeline = Timeline.open(server.db_path)
    try:
        rows = timeline.conn.execute(
            "SELECT title, fact_id, version FROM facts WHERE origin = 'manual'"
        ).fetchall()
        by_title = collections.Counter(title.removesuffix(" (fixed)") for title, _, _ in rows)
        assert all(n == 1 for n in by_title.values()), "a write was recorded twice"
        recorded = {title.removesuffix(" (fixed)"): (fact_id, version) for title, fact_id, version in rows}
        for title, fact_id in outcomes.created.items():
            assert recorded[title][0] == fact_id, f"{title} was acknowledged but is missing"
            assert recorded[title][1] == 1 + outcomes.corrections_ok[fact_id]
        assert timeline.fact(shared_id).version == 1 + outcomes.corrections_ok[shared_id]
        assert verify(timeline.store) == []
        kept = timeline.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        assert kept == 2, "the two SCO articles of the fixture feeds, once each"
    finally:
        timeline.close()
    print(
        f"\n{sum(outcomes.statuses.values())} requests {dict(outcomes.statuses)}; {len(outcomes.created)} facts "
        f"created, {sum(outcomes.corrections_ok.values())} corrections, {len(outcomes.conflicts)} real 409s, "
        f"{len(runs)} ingest runs"
    )
