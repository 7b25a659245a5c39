"""The scheduler: one job per feed with its interval, jitter and misfire grace; polls really happen."""

from __future__ import annotations

import datetime as dt
import logging
import time

from apscheduler.schedulers.background import BackgroundScheduler

from events.log.clock import from_utc_text, to_utc_text
from events.read.source_feeds import feed_status
from events.service import Timeline
from tests.feed_server import FeedServer
from timeline.config import config_from_mapping
from timeline.ingest.scheduler import job_id, poll_job, start_scheduler


def test_one_job_per_feed_with_its_interval(tmp_path):
    config = config_from_mapping(
        {
            "database": {"path": str(tmp_path / "t.db")},
            "ingest": {"interval_minutes": 30, "jitter_seconds": 20},
            "feeds": [
                {"name": "a", "url": "http://127.0.0.1:9/a"},
                {"name": "b", "url": "http://127.0.0.1:9/b", "interval_minutes": 5},
            ],
        }
    )
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
        config = config_from_mapping(
            {
                "database": {"path": str(tmp_path / "t.db")},
                "ingest": {"timeout_seconds": 2},
                "feeds": [
                    {"name": "good", "url": server.url("/rss")},
                    {"name": "bad", "url": server.url("/missing")},
                ],
            }
        )
        for feed in config.feeds:
            poll_job(config, feed)
    timeline = Timeline.open(config.database_path)
    assert feed_status(timeline.conn, "good").items_kept == 2
    assert feed_status(timeline.conn, "bad").last_error == "HTTP 404 Not Found"
    timeline.close()


def test_the_scheduler_polls_soon_after_start(tmp_path):
    with FeedServer() as server:
        server.serve_file("/rss", "ingest/sco_news.rss")
        config = _one_feed(tmp_path, "good", server.url("/rss"), {"jitter_seconds": 0})
        Timeline.open(config.database_path).close()
        scheduler = start_scheduler(config)
        try:
            deadline = time.monotonic() + 30
            while not server.requests and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            scheduler.shutdown(wait=True)
    assert server.requests, "the first poll did not happen within 30 s"


def _one_feed(tmp_path, name: str, url: str, ingest: dict):
    return config_from_mapping(
        {
            "database": {"path": str(tmp_path / "t.db")},
            "ingest": ingest,
            "feeds": [{"name": name, "url": url}],
        }
    )


def _recorded_next_poll(config, name: str) -> dt.datetime:
    timeline = Timeline.open(config.database_path)
    try:
        return from_utc_text(feed_status(timeline.conn, name).next_poll)
    finally:
        timeline.close()


def _job_moved(scheduler, feed_id: str, when) -> bool:
    """follow_next_poll moves the job from its own thread: wait for it, a few seconds at most."""
    deadline = time.monotonic() + 5
    while scheduler.get_job(feed_id).next_run_time != when and time.monotonic() < deadline:
        time.sleep(0.02)
    return scheduler.get_job(feed_id).next_run_time == when


def _paused_scheduler(config):
    """The real scheduler with its jobs, not running them: the test calls poll_job itself."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start(paused=True)
    for feed in config.feeds:
        scheduler.add_job(
            poll_job,
            "interval",
            minutes=config.feed_interval(feed),
            args=(config, feed, scheduler),
            id=job_id(feed),
        )
    return scheduler


def test_after_a_poll_the_job_runs_when_the_recorded_next_poll_is_due(tmp_path, caplog):
    """The interval trigger fired a moment before the next poll the last poll recorded, so that run was
    skipped and a healthy feed was polled every other interval (seen with jitter_seconds = 0)."""
    with FeedServer() as server:
        server.serve_file("/rss", "ingest/sco_news.rss")
        config = _one_feed(tmp_path, "good", server.url("/rss"), {"interval_minutes": 1, "jitter_seconds": 0})
        feed = config.feeds[0]
        scheduler = _paused_scheduler(config)
        try:
            poll_job(config, feed, scheduler)
            next_poll = _recorded_next_poll(config, "good")
            assert _job_moved(scheduler, "poll:good", next_poll)
            with caplog.at_level(logging.INFO, logger="timeline.ingest.scheduler"):
                poll_job(config, feed, scheduler)  # what the trigger did: a run just before the next poll
            assert len(server.requests) == 1
            assert f"good: not polled, next poll due at {to_utc_text(next_poll)}" in caplog.text
            assert "errors 0" not in caplog.text  # it no longer reads like a healthy poll
            time.sleep(0.2)  # a move, if one were wrongly made, has had time to happen
            assert _job_moved(scheduler, "poll:good", next_poll)  # so it runs then, not an interval later
        finally:
            scheduler.shutdown(wait=False)


def test_a_failing_feed_is_retried_when_its_backoff_says_not_on_the_interval(tmp_path):
    with FeedServer() as server:
        config = _one_feed(
            tmp_path, "bad", server.url("/missing"), {"interval_minutes": 30, "jitter_seconds": 0}
        )
        scheduler = _paused_scheduler(config)
        try:
            before = dt.datetime.now(dt.UTC)
            poll_job(config, config.feeds[0], scheduler)
            due = _recorded_next_poll(config, "bad")
            assert _job_moved(scheduler, "poll:bad", due)
            run_at = scheduler.get_job("poll:bad").next_run_time
        finally:
            scheduler.shutdown(wait=False)
    assert (
        dt.timedelta(minutes=5) <= run_at - before < dt.timedelta(minutes=6)
    )  # the first backoff, as /feeds says


def test_jitter_delays_the_followed_poll_by_at_most_jitter_seconds(tmp_path):
    with FeedServer() as server:
        config = _one_feed(
            tmp_path, "bad", server.url("/missing"), {"interval_minutes": 30, "jitter_seconds": 120}
        )
        scheduler = _paused_scheduler(config)
        try:
            poll_job(config, config.feeds[0], scheduler)
            due = _recorded_next_poll(config, "bad")
            deadline = time.monotonic() + 5  # moved from its own thread (see follow_next_poll)
            while (
                not due <= scheduler.get_job("poll:bad").next_run_time <= due + dt.timedelta(seconds=120)
                and time.monotonic() < deadline
            ):
                time.sleep(0.02)
            delay = scheduler.get_job("poll:bad").next_run_time - due
        finally:
            scheduler.shutdown(wait=False)
    assert dt.timedelta(0) <= delay <= dt.timedelta(seconds=120)


def test_a_feed_another_process_is_polling_is_left_for_a_poll_s_length_not_a_second(tmp_path):
    """Its recorded next poll is the old one, in the past: followed, the job ran again every second
    until the other process committed (found in review)."""
    from events.log.leases import take_lease

    with FeedServer() as server:
        server.serve_file("/rss", "ingest/sco_news.rss")
        config = _one_feed(tmp_path, "good", server.url("/rss"), {"timeout_seconds": 40, "jitter_seconds": 0})
        scheduler = _paused_scheduler(config)
        try:
            poll_job(config, config.feeds[0], scheduler)  # recorded: next poll in 30 min
            timeline = Timeline.open(config.database_path)
            past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
            timeline.conn.execute(
                "UPDATE feed_status SET next_poll = ? WHERE feed = 'good'", (to_utc_text(past),)
            )
            assert take_lease(
                timeline.conn,
                "good",
                "another-process",
                dt.datetime.now(dt.UTC),
                dt.timedelta(minutes=5),
            )
            timeline.close()
            before = dt.datetime.now(dt.UTC)
            poll_job(config, config.feeds[0], scheduler)
            deadline = time.monotonic() + 5
            while (
                scheduler.get_job("poll:good").next_run_time - before > dt.timedelta(minutes=20)
                and time.monotonic() < deadline
            ):
                time.sleep(0.02)
            wait = scheduler.get_job("poll:good").next_run_time - before
        finally:
            scheduler.shutdown(wait=False)
    assert len(server.requests) == 1
    assert dt.timedelta(seconds=39) <= wait <= dt.timedelta(seconds=45)  # max(30 s, timeout_seconds)
