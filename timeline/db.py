"""One Timeline (SQLite connection) per request, closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g

from events.read import projections
from events.service import Timeline


def get_timeline() -> Timeline:
    if "timeline" not in g:
        g.timeline = Timeline.open(current_app.config["TIMELINE"].database_path)
        if projections.needs_catch_up(g.timeline.store):  # the scheduler or the CLI appended meanwhile
            g.timeline.catch_up()
    return g.timeline


def close_timeline(_error: BaseException | None = None) -> None:
    timeline = g.pop("timeline", None)
    if timeline is not None:
        timeline.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_timeline)
