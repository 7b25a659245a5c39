"""The scheduler: one job per feed with its interval, jitter and misfire grace; polls really happen."""

from __future__ import annotations

import time

from events.feed_status import feed_status
from events.service import Timeline
from tests.feed_server import FeedServer
from timeline.config import config_from_mapping
from timeline.scheduler import poll_job, start_scheduler


def test_one_job_per_feed_with_its_interval(tmp_path):
    config = config_from_mapping({
        "database": {"path": str(tmp_path / "t.db")}, "ingest": {"interval_minutes": 30, "jitter_seconds": 20},
        "feeds": [{"name": "a", "url": "http://127.0.0.1:9/a"},
                  {"name": "b", "url": "http://127.0.0.1:9/b", "interval_minutes": 5}],
    })  # fmt: skip
    scheduler = start_scheduler(config)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"poll:a", "poll:b"}
        assert jobs["poll:a"].trigger.interval.total_seconds() == 30 * 60
        assert jobs["poll:b"].trigger.interval.total_seconds() == 5 * 60
        assert jobs["poll:a"].trigger.jitter == 20
        assert jobs["poll:b"].misfire_grace_time == 150
        assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
    finally:
        scheduler.shutdown(wait=False)


def test_a_scheduled_poll_records_and_a_failing_one_does_not_raise(tmp_path):
    with FeedServer() as server:
        server.serve_file("/rss", "ingest/sco_news.rss")
        config = config_from_mapping({
            "database": {"path": str(tmp_path / "t.db")}, "ingest": {"timeout_seconds": 2},
            "feeds": [{"name": "good", "url": server.url("/rss")}, {"name": "bad", "url": server.url("/missing")}],
        })  # fmt: skip
        for feed in config.feeds:
            poll_job(config, feed)
    timeline = Timeline.open(config.database_path)
    assert feed_status(timeline.conn, "good").items_kept == 2
    assert feed_status(timeline.conn, "bad").last_error == "HTTP 404 Not Found"
    timeline.close()


def test_the_scheduler_polls_soon_after_start(tmp_path):
    with FeedServer() as server:
        server.serve_file("/rss", "ingest/sco_news.rss")
        config = config_from_mapping({"database": {"path": str(tmp_path / "t.db")},
                                      "ingest": {"jitter_seconds": 0},
                                      "feeds": [{"name": "good", "url": server.url("/rss")}]})  # fmt: skip
        Timeline.open(config.database_path).close()
        scheduler = start_scheduler(config)
        try:
            deadline = time.monotonic() + 30
            while not server.requests and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            scheduler.shutdown(wait=True)
    assert server.requests, "the first poll did not happen within 30 s"
