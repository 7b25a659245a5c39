"""APScheduler in the `timeline serve` process only: one job per feed, polls guarded by leases."""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from events.log.clock import from_utc_text, to_utc_text
from events.read.source_feeds import feed_status
from timeline.config import Config, Feed
from timeline.db import open_timeline
from timeline.ingest.fetch import USER_AGENT, Fetcher, FetchLimits
from timeline.ingest.poll import Ingestor

log = logging.getLogger(__name__)


def fetch_limits(config: Config) -> FetchLimits:
    return FetchLimits(
        timeout_seconds=config.timeout_seconds,
        max_body_bytes=config.max_body_bytes,
        user_agent=USER_AGENT.format(base_url=config.base_url),
    )


def poll_job(config: Config, feed: Feed, scheduler: BaseScheduler | None = None) -> None:
    """One scheduled poll, with its own connection and HTTP client; never raises into the scheduler.

    Then the feed's job is moved to the next poll the poll recorded (see follow_next_poll).
    """
    timeline = open_timeline(config)
    fetcher = Fetcher(fetch_limits(config))
    try:
        report = Ingestor(timeline, config, fetcher).poll(feed, respect_backoff=True)
        log.info("%s", report.line())
        if scheduler is not None:
            next_poll = feed_status(timeline.conn, feed.name).next_poll
            if report.busy:  # another process is polling it: its poll will record the next one
                next_poll = to_utc_text(dt.datetime.now(dt.UTC) + busy_retry(config))
            follow_next_poll(scheduler, config, feed, next_poll)
    except Exception:  # a bug in one poll must not stop the scheduler or the other feeds
        log.exception("poll of feed %s failed", feed.name)
    finally:
        fetcher.close()
        timeline.close()


def follow_next_poll(scheduler: BaseScheduler, config: Config, feed: Feed, next_poll: str | None) -> None:
    """Run the feed's job next when its recorded next poll is due, plus jitter.

    The interval trigger alone fired a moment before the next poll the last poll
    recorded, so the run was skipped and a healthy feed was polled every other
    interval; a feed backing off was retried on the interval's grid, not when
    /feeds and `timeline feeds` said. The recorded next poll is shared by every
    process on the database, so they agree on it.
    """
    if not next_poll or scheduler.state == STATE_STOPPED:
        return
    now = dt.datetime.now(dt.UTC)
    due = max(from_utc_text(next_poll), now + dt.timedelta(seconds=1))
    run_at = due + dt.timedelta(seconds=random.uniform(0, config.jitter_seconds))

    def move() -> None:
        try:
            scheduler.modify_job(job_id(feed), next_run_time=run_at)
        except JobLookupError:  # removed meanwhile
            pass

    # From another thread: shutdown(wait=True) holds the job store lock while it waits for
    # this job to end, so modifying the job from the job itself would wait for ever (found in test).
    threading.Thread(target=move, name=f"follow {feed.name}", daemon=True).start()


def busy_retry(config: Config) -> dt.timedelta:
    """How long to leave a feed another process is polling: about one poll's length, not a second.

    Its recorded next poll is still the old one, in the past, so following it
    would try again every second until the other poll commits (found in review).
    """
    return dt.timedelta(seconds=max(30, config.timeout_seconds))


def job_id(feed: Feed) -> str:
    return f"poll:{feed.name}"


def start_scheduler(config: Config) -> BackgroundScheduler:
    """Start polling every configured feed; the caller shuts it down.

    The interval trigger is the fallback; after each run the job follows the
    feed's recorded next poll (follow_next_poll).
    """
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for feed in config.feeds:
        minutes = config.feed_interval(feed)
        scheduler.add_job(
            poll_job,
            IntervalTrigger(minutes=minutes, jitter=config.jitter_seconds),
            args=(config, feed, scheduler),
            id=job_id(feed),
            name=f"poll {feed.name}",
            misfire_grace_time=max(60, minutes * 30),  # a poll late by up to half its interval still runs
            next_run_time=_first_run(),
        )
    scheduler.start()
    return scheduler


def _first_run() -> dt.datetime:
    """Poll soon after start rather than one full interval later."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)


def start_with_server(app, config: Config) -> BackgroundScheduler:
    """The `timeline serve` hook: one scheduler, in the serving process only, logging each poll."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = start_scheduler(config)
    names = ", ".join(feed.name for feed in config.feeds) or "none configured"
    log.info("feed scheduler started: %d feed(s): %s", len(config.feeds), names)
    return scheduler
