"""One Timeline (SQLite connection) per request, closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g

from events.service import Timeline


def open_timeline(config) -> Timeline:
    """The configured database (config: a timeline.config.Config): one SQLite file, or with [database] url the shared PostgreSQL log
    and this node's SQLite file of read models (issue 20)."""
    return Timeline.open(config.database_path, log_url=config.database_url)


def get_timeline() -> Timeline:
    if "timeline" not in g:
        # No catch-up here: a GET never writes (issue 15). Whoever appends projects in its
        # own transaction, and `timeline serve`'s projector picks up anything left behind.
        g.timeline = open_timeline(current_app.config["TIMELINE"])
    return g.timeline


def close_timeline(_error: BaseException | None = None) -> None:
    timeline = g.pop("timeline", None)
    if timeline is not None:
        timeline.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_timeline)
