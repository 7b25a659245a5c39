"""One log line per request, for whoever runs the service: who asked what, the answer, how long it took.

waitress logs nothing per request, so a 4xx, a slow page or a burst of failed
sign-ins left no trace (found by a product review).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger("timeline.access")

MAX_TARGET = 300  # characters of path and query kept: a 5,000-character query is one line, not a page


class AccessLog:
    """WSGI middleware: `127.0.0.1 "GET /?q=summit" 200 1234 5.2ms`, logged when the body is sent."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[str] = []

        def remember(code: str, headers: list, *args: Any):
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, *args)

        body = self.app(environ, remember)
        return _Logged(body, environ, status, started)


class _Logged:
    """The app's body, passed through; the line is written when the server closes it (all bytes sent)."""

    def __init__(self, body: Iterable[bytes], environ: dict, status: list[str], started: float):
        self.body, self.environ, self.status, self.started, self.size = body, environ, status, started, 0

    def __iter__(self):
        for chunk in self.body:
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            closer = getattr(self.body, "close", None)
            if closer is not None:
                closer()
        finally:
            log.info(
                "%s",
                line(
                    self.environ,
                    self.status[0] if self.status else "-",
                    self.size,
                    time.perf_counter() - self.started,
                ),
            )


def line(environ: dict, status: str, size: int, seconds: float) -> str:
    query = environ.get("QUERY_STRING", "")
    target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
    if len(target) > MAX_TARGET:
        target = target[:MAX_TARGET] + "..."
    target = "".join(
        c if " " < c < "\x7f" and c != '"' else f"\\x{ord(c):02x}" for c in target
    )  # one line, always
    address = environ.get("REMOTE_ADDR", "-")
    return f'{address} "{environ.get("REQUEST_METHOD", "-")} {target}" {status} {size} {seconds * 1000:.1f}ms'
