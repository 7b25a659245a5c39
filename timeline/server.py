"""`timeline serve`: create and seed the database, then serve the app with waitress."""

from __future__ import annotations

from collections.abc import Callable

import waitress
from flask import Flask

from events.service import Timeline
from timeline import create_app
from timeline.config import Config, served_at
from timeline.web.access_log import AccessLog

THREADS = 8
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
    if on_start is not None:
        on_start(app, config)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def server_url(server) -> str:
    """The URL people can open: the bound host and the effective port (port 0 picks one)."""
    host = server.effective_host
    host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{server.effective_port}/"
