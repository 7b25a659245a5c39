"""`timeline serve`: create and seed the database, then serve the app with waitress.

Some requests are answered on the wire, before the app sees them and before their
body is read (issue 15): a body over `[server] max_request_bytes` (413), an
anonymous write to the API (401). Those answers and the slow clients dropped are
logged and counted as the app's own (timeline/web/refusals.py).
"""

from __future__ import annotations

import json
import re
import resource
import sqlite3
import threading
import time
from collections.abc import Callable

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask
from waitress.utilities import Error, RequestHeaderFieldsTooLarge

from events.log.errors import TimelineError
from events.log.store import connect
from events.read.index_merge import IndexMerger
from events.read.projections import needs_catch_up
from timeline import create_app
from timeline.config import Config, served_at
from timeline.db import open_timeline
from timeline.web.access_log import AccessLog
from timeline.web.refusals import WireWatch

THREADS = 8
PROJECTOR_INTERVAL = 1.0  # seconds between the projector's looks at the log
MERGE_SECONDS = 0.25  # of each idle look spent merging the search indexes, in short steps
CONNECTION_LIMIT = 4000  # open connections; beyond, new ones wait in the listen backlog
HEADER_SECONDS = 10.0  # from a request's first byte to the end of its headers
REQUEST_SECONDS = 60.0  # to the end of its body (a 1 MB body at 20 KB/s)
IDLE_SECONDS = 30  # a connection that sends nothing at all
OnStart = Callable[[Flask, Config], None]

WRITES = frozenset(("POST", "PUT", "PATCH", "DELETE"))
# The API's writes, all behind a bearer token (timeline/editors/api.py): refused on their headers alone.
API_WRITE = re.compile(r"^/api/events(/[^/]+/(corrections|retraction|merge|split|review))?/?$")


def prepare_database(config: Config) -> int:
    """Create the schema and append missing seed facts; returns how many were added."""
    timeline = open_timeline(config)
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

    server = create_server(application, config, host or config.host, config.port if port is None else port)
    config = served_at(config, server_url(server))
    app = create_app(config)
    served.append(AccessLog(app))
    server.watch = WireWatch(app)
    echo(f"database: {config.database_path} ({added} seed facts added)")
    echo(f"SCO Timeline is serving at {server_url(server)}")
    projector = Projector(config, echo=echo)
    projector.start()
    if on_start is not None:
        on_start(app, config)
    keeper = keep_wal_open(config)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        projector.stop()
        server.close()
        keeper.close()


def create_server(app: Callable, config: Config, host: str, port: int) -> TimelineServer:
    """waitress, set for hostile clients (issue 15): many connections, each with a deadline.

    Slow sockets cost no worker thread here: waitress reads every connection in one
    asyncore loop and hands a request to a thread only once it has arrived whole. What
    it lacked was room (100 connections) and a deadline (a byte every few seconds kept a
    socket forever), so 150 slowloris sockets locked everyone out.
    """
    raise_open_files_limit(CONNECTION_LIMIT + 100)
    server = TimelineServer(
        app,
        host=host,
        port=port,
        threads=THREADS,
        ident="sco-timeline",
        connection_limit=CONNECTION_LIMIT,
        asyncore_use_poll=True,  # select() cannot watch a descriptor past 1024
        channel_timeout=IDLE_SECONDS,
        cleanup_interval=1,  # how often deadlines are checked
        # waitress's own check is `>=`; ours (RequestParser) answers first, in JSON for the API
        max_request_body_size=config.max_request_bytes + 1,
        # waitress drops X-Forwarded-For from any peer but its one trusted_proxy; with
        # [server] trusted_proxies the app reads it across those hops (timeline/web/forwarded.py)
        clear_untrusted_proxy_headers=not config.trusted_proxies,
    )
    server.channel_class = channel_for(config)
    return server


class TimelineServer(TcpWSGIServer):
    """waitress's server, closing connections whose request is too slow to arrive."""

    watch: WireWatch | None = None  # told of refusals and drops once the app exists (serve)

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle connections, after channel_timeout
        for channel in list(self.active_channels.values()):
            request = channel.request  # the request still arriving, if any
            if request is not None and not channel.will_close and too_slow(request, time.monotonic()):
                channel.will_close = True
                if self.watch is not None:
                    self.watch.dropped("body" if request.headers_finished else "headers")


def too_slow(request: RequestParser, now: float) -> bool:
    """Headers get HEADER_SECONDS from the request's first byte, the whole request REQUEST_SECONDS."""
    age = now - getattr(request, "started", now)
    return (not request.headers_finished and age > HEADER_SECONDS) or age > REQUEST_SECONDS


def raise_open_files_limit(wanted: int) -> None:
    """Each connection is a descriptor; many systems start processes with a soft limit of 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def keep_wal_open(config: Config) -> sqlite3.Connection:
    """One connection held for the server's life, so its WAL and shared-memory files stay.

    Each request opens its own connection; when the last one closed, SQLite
    checkpointed and deleted both files, and the next request had to create them
    again: on a full disk even a read then failed ("disk I/O error", issue 15).
    """
    keeper = connect(config.database_path)
    keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()  # maps the WAL index
    return keeper


class Projector:
    """The one background worker that projects what appenders left unprojected.

    Every appender projects its own events, in the same transaction where it can
    (events/service.py, ingest): this worker only picks up the rest, e.g. a
    process killed between its append and its projection, or another program's
    append. Reads never catch up themselves, so a GET never writes (issue 15),
    and a projection that cannot be written (a full disk) stops no read.
    On a shared PostgreSQL log (issue 20) it is how this node follows the others:
    woken by their appends (LISTEN), with a look every interval as a fallback.
    A look with nothing to project merges the search indexes a step at a time.
    """

    def __init__(
        self, config: Config, interval: float = PROJECTOR_INTERVAL, echo: Callable[[str], None] = print
    ):
        self.config, self.interval, self.echo = config, interval, echo
        self.merger = IndexMerger()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="projector", daemon=True)
        self._listener = None
        if config.database_url is not None:
            from events.log.postgres import AppendListener

            self._listener = AppendListener(config.database_url)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _wait(self) -> bool:
        """Until the next look (an append elsewhere, or the interval); True once stopping."""
        if self._listener is None:
            return self._stop.wait(self.interval)
        self._listener.wait(self.interval)
        return self._stop.is_set()

    def _look(self, timeline) -> None:
        """Project what is left; with nothing to project, merge the search indexes a little (index_merge)."""
        if needs_catch_up(timeline.store):
            timeline.catch_up()
        else:
            self.merger.run(timeline.conn, MERGE_SECONDS)

    def _run(self) -> None:
        timeline, failing = None, ""
        while not self._wait():
            try:
                timeline = timeline or open_timeline(self.config)
                self._look(timeline)
                failing = ""
            except (sqlite3.Error, OSError, TimelineError) as error:  # tried again next time
                if str(error) != failing:  # said once per cause, not every second
                    failing = str(error)
                    self.echo(f"projector: cannot project the log yet: {error}")
        if timeline is not None:
            timeline.close()
        if self._listener is not None:
            self._listener.close()


def server_url(server) -> str:
    """The URL people can open: the bound host and the effective port (port 0 picks one)."""
    host = server.effective_host
    host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{server.effective_port}/"


# ---------------------------------------------------------------- answered on the wire


class Refusal(Error):
    """An answer given once the headers are in, before the body is read: JSON under /api/, text elsewhere."""

    def __init__(self, code: int, reason: str, message: str, *, api: bool, headers=(), field=None):
        super().__init__(message)
        self.code, self.reason, self.api, self.headers, self.field = code, reason, api, list(headers), field

    def to_response(self, ident=None):
        if not self.api:
            status, headers, body = super().to_response(ident)
            return status, headers + self.headers, body
        problem = {"error": self.body} | ({"field": self.field} if self.field else {})
        headers = [("Content-Type", "application/json"), *self.headers]
        return f"{self.code} {self.reason}", headers, json.dumps(problem).encode()


class RequestParser(HTTPRequestParser):
    """waitress's parser, with the checks a request must pass before its body is read."""

    max_bytes = 1_000_000
    _checked = False

    def __init__(self, adj):
        super().__init__(adj)
        self.started = time.monotonic()  # waitress makes a parser when a request's first byte comes

    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if self.headers_finished and not self._checked:
            self._checked = True
            # waitress's own 413 (content_length >= its limit) is replaced by ours, in JSON under /api/
            refusal = self.refusal() if self.error is None or self.error.code == 413 else None
            if refusal is not None:
                self.error, self.completed = refusal, True
        return consumed

    def refusal(self) -> Refusal | None:
        api = self.path.startswith("/api/")
        if "CONTENT_LENGTH" in self.headers and (self.chunked or "TRANSFER_ENCODING" in self.headers):
            # RFC 9112 6.1: a proxy in front may frame the body by the other header (request smuggling)
            message = "a request may not carry both Content-Length and Transfer-Encoding"
            return Refusal(400, "Bad Request", message, api=api, field="Transfer-Encoding")
        if self.content_length > self.max_bytes:
            message = f"the request body is {self.content_length} bytes; the limit is {self.max_bytes}"
            return Refusal(413, "Content Too Large", message, api=api, field="body")
        if self.command in WRITES and API_WRITE.match(self.path) and not self._bearer():
            challenge = [("WWW-Authenticate", 'Bearer realm="SCO Timeline"')]
            message = "send Authorization: Bearer <token>"
            return Refusal(401, "Unauthorized", message, api=True, headers=challenge, field="Authorization")
        return None

    def _bearer(self) -> bool:
        scheme, _, token = self.headers.get("AUTHORIZATION", "").partition(" ")
        return scheme.lower() == "bearer" and bool(token.strip())


class ReportedErrorTask(ErrorTask):
    """waitress's answer to a request it refused, logged and counted as the app's answers are: before it
    is sent, so a client that has read the answer finds it counted."""

    def execute(self) -> None:
        watch = self.channel.server.watch
        if watch is not None:
            error, ident = self.request.error, self.channel.server.adj.ident
            seconds = time.monotonic() - getattr(self.request, "started", time.monotonic())
            size = len(error.to_response(ident)[2])
            watch.refused(wire_environ(self.request, self.channel.addr), error.code, size, seconds)
        super().execute()


def wire_environ(request: HTTPRequestParser, peer) -> dict[str, str]:
    """The little of a WSGI environ a refused request has: what the access log and the route need."""
    # a request refused in its request line has no command, path nor query; one whose headers are too
    # large has those of a request line waitress makes up ("GET /"), never logged as the client's
    read = request if not isinstance(request.error, RequestHeaderFieldsTooLarge) else None
    environ = {
        "REQUEST_METHOD": getattr(read, "command", ""),
        "PATH_INFO": getattr(read, "path", ""),
        "QUERY_STRING": getattr(read, "query", ""),
        "REMOTE_ADDR": peer[0] if isinstance(peer, tuple) else "-",
        "HTTP_X_FORWARDED_FOR": request.headers.get("X_FORWARDED_FOR", ""),
    }
    return {key: value for key, value in environ.items() if value}


def channel_for(config: Config) -> type[HTTPChannel]:
    """waitress's connection, reading requests with our parser and this config's limits."""
    parser = type("ConfiguredParser", (RequestParser,), {"max_bytes": config.max_request_bytes})
    return type("Channel", (HTTPChannel,), {"parser_class": parser, "error_task_class": ReportedErrorTask})
