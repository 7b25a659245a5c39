"""Kill `timeline ingest` with SIGKILL at random moments: nothing is ever half-recorded or duplicated.

At least 50 kills land while a poll is under way (the killed process still holds the feed's lease).
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from email.utils import format_datetime

import pytest

from events.admin.verify import verify
from events.service import Timeline
from tests.feed_server import FeedServer, Route

KILLS = 50
ITEMS = 200


def big_feed(items: int) -> bytes:
    start = dt.datetime(2024, 7, 3, 9, 0, tzinfo=dt.UTC)
    body = "".join(
        f"<item><title>SCO ministers meet, report {i}</title><link>http://crash.example/{i}</link>"
        f"<guid>crash-{i}</guid><pubDate>{format_datetime(start - dt.timedelta(hours=i))}</pubDate>"
        f"<description>Ministers of the Shanghai Cooperation Organization met in Astana on Tuesday "
        f"(report {i}); the summit opens next month.</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Crash feed</title>'
        f"<link>http://crash.example/</link><description>x</description>{body}</channel></rss>"
    ).encode()


def start_ingest(config) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "timeline.cli", "--config", str(config), "ingest"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def check_log(db_path) -> int:
    """Every article at most once, each with its facts (the batch is whole), projections sound."""
    timeline = Timeline.open(db_path)
    try:
        counts = collections.Counter(
            e.payload["key"] for e in timeline.store.read() if e.type == "ArticleIngested"
        )
        assert all(n == 1 for n in counts.values()), "an article was recorded twice"
        articles = {e.stream_id for e in timeline.store.read() if e.type == "ArticleIngested"}
        with_facts = {
            e.payload.get("article")
            for e in timeline.store.read()
            if e.type in ("FactRecorded", "FactSourceAdded")
        }
        assert articles <= with_facts, "an article was recorded without its facts"
        assert len(counts) in (0, ITEMS), f"a poll was half recorded: {len(counts)} of {ITEMS} articles"
        assert verify(timeline.store) == []
        return len(counts)
    finally:
        timeline.close()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_ingest_survives_sigkill_at_random_moments(tmp_path):
    rng = random.Random(20241122)
    db_path = tmp_path / "t.db"
    with FeedServer() as server:
        server.routes["/feed"] = Route(body=big_feed(ITEMS))
        config = tmp_path / "c.toml"
        config.write_text(
            f'[database]\npath = "{db_path}"\n[[feeds]]\nname = "crash"\nurl = "{server.url("/feed")}"\n',
            encoding="utf-8",
        )
        Timeline.open(db_path).close()
        kills, mid_poll, completed = 0, 0, 0
        while mid_poll < KILLS:
            process = start_ingest(config)
            # a random moment of the poll: once the process holds the lease (its start-up, ~0.5 s of imports,
            # varies with the machine's load; a fixed window from the start missed the poll on a slow one)
            wait_for_the_lease(db_path, process)
            time.sleep(rng.uniform(0.0, 0.45))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            else:
                completed += 1
            process.wait(30)
            mid_poll += killed_holding_the_lease(db_path, process.pid)
            recorded = check_log(db_path)
            if recorded == ITEMS:  # a poll got through: start over so the kills keep landing mid-poll
                db_path.unlink()
                for suffix in ("-wal", "-shm"):
                    (tmp_path / f"t.db{suffix}").unlink(missing_ok=True)
                Timeline.open(db_path).close()
        final = start_ingest(config)
        assert final.wait(120) == 0, final.stderr.read().decode()
        assert check_log(db_path) == ITEMS
    print(f"{kills} kills survived, {mid_poll} of them mid-poll (lease held), {completed} runs completed")


def wait_for_the_lease(db_path, process: subprocess.Popen, limit: float = 10.0) -> None:
    """Until the process holds the feed's lease (its poll is under way), or it ends, or the limit passes."""
    deadline = time.monotonic() + limit
    while process.poll() is None and time.monotonic() < deadline:
        if killed_holding_the_lease(db_path, process.pid):
            return
        time.sleep(0.01)


def killed_holding_the_lease(db_path, pid: int) -> bool:
    """The lease names the poller until it releases it, so a leftover lease means the kill hit mid-poll."""
    conn = sqlite3.connect(db_path)
    try:
        holders = [row[0] for row in conn.execute("SELECT holder FROM feed_leases")]
    finally:
        conn.close()
    return any(holder.endswith(f":{pid}") for holder in holders)
