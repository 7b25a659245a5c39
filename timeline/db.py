"""One Timeline (SQLite connection) per request, closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g

from events.service import Timeline


def get_timeline() -> Timeline:
    if "timeline" not in g:
        # No catch-up here: a GET never writes (issue 15). Whoever appends projects in its
        # own transaction, and `timeline serve`'s projector picks up anything left behind.
        g.timeline = Timeline.open(current_app.config["TIMELINE"].database_path)
    return g.timeline


def close_timeline(_error: BaseException | None = None) -> None:
    timeline = g.pop("timeline", None)
    if timeline is not None:
        timeline.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_timeline)
