"""GET /metrics from `timeline serve` on 127.0.0.1, parsed as Prometheus parses it (issue 15)."""

from __future__ import annotations

import urllib.error

from prometheus_client.parser import text_string_to_metric_families

from events.domain.source_feed import feed_polled, feed_stream
from events.service import Timeline
from tests.conftest import start_server, stop_server


def record_polls(db_path, polls: list[tuple[str, bool, bool]]) -> int:
    """FeedPolled events as ingest writes them: (feed, ok, not_modified); returns the log position."""
    timeline = Timeline.open(db_path)
    try:
        timeline.init()
        for i, (feed, ok, not_modified) in enumerate(polls):
            payload = {
                "feed": feed,
                "url": f"http://127.0.0.1:9/{feed}",
                "polled_at": f"2026-01-01T00:{i:02d}:00Z",
                "ok": ok,
                "not_modified": not_modified,
                "error": None if ok else "connection refused",
            }
            timeline.store.append_to(feed_stream(feed), [feed_polled(payload, f"feed:{feed}")])
        timeline.catch_up()
        return timeline.store.last_position()
    finally:
        timeline.close()


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_requests_polls_and_the_log(tmp_path):
    db_path = tmp_path / "t.db"
    position = record_polls(
        db_path,
        [("alpha", True, False), ("alpha", True, False), ("alpha", True, True), ("beta", False, False)],
    )
    server = start_server(tmp_path, db_path)
    try:
        for path in ("/", "/", "/api/events", "/api/events?limit=nope"):
            try:
                server.get(path)
            except urllib.error.HTTPError as error:
                assert error.code == 400
        try:
            server.get("/no/such/page")
        except urllib.error.HTTPError as error:
            assert error.code == 404
        status, body = server.get("/metrics")
    finally:
        stop_server(server)
    assert status == 200
    seen = samples(body.decode())

    def value(name: str, **labels) -> float | None:
        return seen.get((name, frozenset(labels.items())))

    assert value("timeline_http_requests_total", route="/", method="GET", status="200") == 2
    assert value("timeline_http_requests_total", route="/api/events", method="GET", status="200") == 1
    assert value("timeline_http_requests_total", route="/api/events", method="GET", status="400") == 1
    assert value("timeline_http_requests_total", route="(no route)", method="GET", status="404") == 1
    assert value("timeline_http_request_duration_seconds_count", route="/") == 2
    assert value("timeline_http_request_duration_seconds_bucket", route="/", le="+Inf") == 2
    assert value("timeline_feed_polls_total", feed="alpha", outcome="ok") == 2
    assert value("timeline_feed_polls_total", feed="alpha", outcome="not_modified") == 1
    assert value("timeline_feed_polls_total", feed="beta", outcome="error") == 1
    assert value("timeline_log_position") == position
    assert value("timeline_projection_lag_events") == 0
    assert value("timeline_database_bytes") > 0
