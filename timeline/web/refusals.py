"""Requests the server answers or drops before the app runs, logged and counted as the app's own answers.

waitress writes those answers itself (ours in timeline/server.py: 413, 401, 400 for
Content-Length with Transfer-Encoding; its own: 431, 400 for a malformed request, 501)
and drops slow clients without a word, so the access log and /metrics missed exactly
the requests an attack makes (issue 15).
"""

from __future__ import annotations

import ipaddress

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from timeline.web import access_log, metrics
from timeline.web.forwarded import client_address

REFUSED = "(refused)"  # the route label of a refusal whose path and method match no route


class WireWatch:
    """What the server reports about the app's requests it never passed on."""

    def __init__(self, app: Flask):
        self.app = app
        networks = app.config["TIMELINE"].trusted_proxies
        self.trusted = tuple(ipaddress.ip_network(network) for network in networks)

    def refused(self, environ: dict, status: int, size: int, seconds: float) -> None:
        """environ: the request as far as it was read (method, path, query, peer, X-Forwarded-For)."""
        environ = dict(environ, REMOTE_ADDR=self._client(environ))
        access_log.log.info("%s", access_log.line(environ, str(status), size, seconds))
        metrics.count_request(self.app, self._route(environ), environ.get("REQUEST_METHOD", ""), status)

    def dropped(self, stage: str) -> None:
        metrics.count_drop(self.app, stage)

    def _client(self, environ: dict) -> str:
        """The address the app's own log line would show, behind trusted proxies too (forwarded.py)."""
        peer = environ.get("REMOTE_ADDR", "-")
        return client_address(peer, environ.get("HTTP_X_FORWARDED_FOR", ""), self.trusted)

    def _route(self, environ: dict) -> str:
        """The route pattern the app would have answered on, so a refusal counts with its route."""
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if not path or not method:  # refused before its request line was read
            return REFUSED
        try:
            rule, _ = self.app.url_map.bind("localhost").match(path, method, return_rule=True)
        except (HTTPException, RoutingException):
            return REFUSED
        return rule.rule
