"""GET /metrics in the Prometheus text format: requests, latencies, polls, the log and the database.

Requests are counted in this process, by route pattern and never by path, so a
crawler cannot make a label per URL. The rest is read from the database at each
scrape (no catch-up, like /healthz), so polls by `timeline ingest` count too.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import NamedTuple

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import choose_encoder

from events.log.errors import TimelineError
from events.read.health import health, poll_counts
from events.service import Timeline
from timeline.db import open_timeline

bp = Blueprint("metrics", __name__)
METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
DROP_STAGES = ("headers", "body")  # timeline/server.py drops a request still sending either too slowly


def init_app(app: Flask) -> None:
    disable_created_metrics()  # a `_created` series per label set doubles the page and says nothing here
    registry = CollectorRegistry()
    registry.register(StateCollector(app.config["TIMELINE"]))
    requests = Counter(
        "timeline_http_requests",
        "HTTP requests answered, by route pattern, method and status",
        ["route", "method", "status"],
        registry=registry,
    )
    latency = Histogram(
        "timeline_http_request_duration_seconds",
        "Time from the request reaching the app to its response, by route pattern",
        ["route"],
        registry=registry,
    )
    dropped = Counter(
        "timeline_http_slow_clients_dropped",
        "Connections closed because their request arrived too slowly, by what was still arriving",
        ["stage"],
        registry=registry,
    )
    for stage in DROP_STAGES:  # a series at 0 from the start, so a rate over it never starts with a gap
        dropped.labels(stage)
    app.extensions["timeline_metrics"] = Meters(registry, requests, latency, dropped)
    app.before_request(_start_clock)
    app.after_request(_count)


class Meters(NamedTuple):
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    dropped: Counter


def count_request(app: Flask, route: str, method: str, status: int) -> None:
    """One answer, by the app or by the server on its behalf (timeline/web/refusals.py)."""
    app.extensions["timeline_metrics"].requests.labels(route, method_label(method), str(status)).inc()


def count_drop(app: Flask, stage: str) -> None:
    app.extensions["timeline_metrics"].dropped.labels(stage).inc()


def method_label(method: str) -> str:
    """A method the site knows, else "other": a client can send any token as a method, and each one
    would be a new series."""
    return method if method in METHODS else "other"


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _count(response: Response) -> Response:
    route = request.url_rule.rule if request.url_rule is not None else "(no route)"
    count_request(current_app, route, request.method, response.status_code)
    started = g.get("metrics_started")
    if started is not None:
        current_app.extensions["timeline_metrics"].latency.labels(route).observe(
            time.perf_counter() - started
        )
    return response


@bp.get("/metrics")
def metrics():
    """The text format, or OpenMetrics when the scraper asks for it (Accept)."""
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    body = encode(current_app.extensions["timeline_metrics"].registry)
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


class StateCollector:
    """What the database says at this scrape: read only, on a connection of its own."""

    def __init__(self, config):  # a timeline.config.Config
        self.config = config
        self.database = config.database_path

    def collect(self):
        yield _gauge(
            "timeline_database_bytes", "Size of the database file and its WAL", database_bytes(self.database)
        )
        try:
            timeline = open_timeline(self.config)
        except (sqlite3.Error, OSError):
            return  # /healthz says why; the page still carries the request metrics
        try:
            yield from _log_metrics(timeline)
        except (sqlite3.Error, TimelineError):  # TimelineError: the shared log's server cannot be reached
            return
        finally:
            timeline.close()


def _log_metrics(timeline: Timeline):
    numbers = health(timeline.store)
    yield _gauge("timeline_log_position", "Position of the last event in the log", numbers["log_position"])
    yield _gauge(
        "timeline_projection_checkpoint",
        "Last log position the read models include",
        numbers["projection_checkpoint"],
    )
    yield _gauge(
        "timeline_projection_lag_events", "Events in the log not yet projected", numbers["projection_lag"]
    )
    polls = CounterMetricFamily(
        "timeline_feed_polls", "Feed polls recorded, by feed and outcome", labels=["feed", "outcome"]
    )
    counts = poll_counts(timeline.conn) if timeline.store.url is None else timeline.store.poll_counts()
    for (feed, outcome), count in sorted(counts.items()):
        polls.add_metric([feed, outcome], count)
    yield polls
    if timeline.store.url is not None:
        yield _gauge(
            "timeline_log_bytes",
            "Size of the shared log in PostgreSQL, indexes included",
            timeline.store.log_bytes(),
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def database_bytes(database: Path) -> int:
    total = 0
    for path in (database, database.with_name(database.name + "-wal")):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total
