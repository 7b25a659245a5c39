"""APScheduler in the `timeline serve` process only: one job per feed, polls guarded by leases."""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from events.service import Timeline
from timeline.config import Config, Feed
from timeline.fetch import Fetcher, FetchLimits, USER_AGENT
from timeline.ingest import Ingestor

log = logging.getLogger(__name__)


def fetch_limits(config: Config) -> FetchLimits:
    return FetchLimits(timeout_seconds=config.timeout_seconds, max_body_bytes=config.max_body_bytes,
                       user_agent=USER_AGENT.format(base_url=config.base_url))  # fmt: skip


def poll_job(config: Config, feed: Feed) -> None:
    """One scheduled poll, with its own connection and HTTP client; never raises into the scheduler."""
    timeline = Timeline.open(config.database_path)
    fetcher = Fetcher(fetch_limits(config))
    try:
        report = Ingestor(timeline, config, fetcher).poll(feed, respect_backoff=True)
        log.info("%s", report.line())
    except Exception:  # a bug in one poll must not stop the scheduler or the other feeds
        log.exception("poll of feed %s failed", feed.name)
    finally:
        fetcher.close()
        timeline.close()


def start_scheduler(config: Config) -> BackgroundScheduler:
    """Start polling every configured feed; the caller shuts it down."""
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for feed in config.feeds:
        minutes = config.feed_interval(feed)
        scheduler.add_job(
            poll_job, IntervalTrigger(minutes=minutes, jitter=config.jitter_seconds),
            args=(config, feed), id=f"poll:{feed.name}", name=f"poll {feed.name}",
            misfire_grace_time=max(60, minutes * 30),  # a poll late by up to half its interval still runs
            next_run_time=_first_run(),
        )  # fmt: skip
    scheduler.start()
    return scheduler


def _first_run() -> dt.datetime:
    """Poll soon after start rather than one full interval later."""
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)


def start_with_server(app, config: Config) -> BackgroundScheduler:
    """The `timeline serve` hook: one scheduler, in the serving process only, logging each poll."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = start_scheduler(config)
    names = ", ".join(feed.name for feed in config.feeds) or "none configured"
    log.info("feed scheduler started: %d feed(s): %s", len(config.feeds), names)
    return scheduler
