"""`timeline serve`: create and seed the database, then serve the app with waitress."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import waitress
from flask import Flask

from events.log.errors import TimelineError
from events.service import Timeline
from timeline import create_app
from timeline.config import Config, served_at
from timeline.web.access_log import AccessLog

THREADS = 8
PROJECTOR_INTERVAL = 1.0  # seconds between the projector's looks at the log
OnStart = Callable[[Flask, Config], None]


def prepare_database(config: Config) -> int:
    """Create the schema and append missing seed facts; returns how many were added."""
    timeline = Timeline.open(config.database_path)
    try:
        return timeline.init()
    finally:
        timeline.close()


def serve(
    config: Config,
    host: str | None = None,
    port: int | None = None,
    *,
    on_start: OnStart | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted. on_start(app, config) runs once the socket is bound:
    the hook for starting the feed scheduler in this one process.
    """
    added = prepare_database(config)
    served: list = []  # the app, made once the socket is bound and its URL known

    def application(environ, start_response):
        return served[0](environ, start_response)

    server = waitress.create_server(
        application,
        host=host or config.host,
        port=config.port if port is None else port,
        threads=THREADS,
        ident="sco-timeline",
    )
    config = served_at(config, server_url(server))
    app = create_app(config)
    served.append(AccessLog(app))
    echo(f"database: {config.database_path} ({added} seed facts added)")
    echo(f"SCO Timeline is serving at {server_url(server)}")
    projector = Projector(config.database_path, echo=echo)
    projector.start()
    if on_start is not None:
        on_start(app, config)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        projector.stop()
        server.close()


class Projector:
    """The one background worker that projects what appenders left unprojected.

    Every appender projects its own events, in the same transaction where it can
    (events/service.py, ingest): this worker only picks up the rest, e.g. a
    process killed between its append and its projection, or another program's
    append. Reads never catch up themselves, so a GET never writes (issue 15),
    and a projection that cannot be written (a full disk) stops no read.
    """

    def __init__(
        self,
        path: str | Path,
        interval: float = PROJECTOR_INTERVAL,
        echo: Callable[[str], None] = print,
    ):
        self.path, self.interval, self.echo = path, interval, echo
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="projector", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        timeline, failing = None, ""
        while not self._stop.wait(self.interval):
            try:
                timeline = timeline or Timeline.open(self.path)
                timeline.catch_up_if_behind()
                failing = ""
            except (sqlite3.Error, OSError, TimelineError) as error:  # tried again next time
                if str(error) != failing:  # said once per cause, not every second
                    failing = str(error)
                    self.echo(f"projector: cannot project the log yet: {error}")
        if timeline is not None:
            timeline.close()


def server_url(server) -> str:
    """The URL people can open: the bound host and the effective port (port 0 picks one)."""
    host = server.effective_host
    host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{server.effective_port}/"
