"""A real HTTP server on 127.0.0.1 that serves feed files and scripted misbehaviour to ingest tests."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass
class Route:
    """What one path answers: a body (with ETag support), a status, extra headers, a delay."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    delay: float = 0.0
    content_type: str = "application/rss+xml; charset=utf-8"
    drip: float = 0.0  # seconds between the body's bytes, sent one at a time (a server that trickles)
    header_drip: float = 0.0  # seconds between the status line's and headers' bytes, sent one at a time


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route | list[Route]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append((self.path, dict(self.headers)))
                route = server.next_route(self.path)
                if route is None:
                    self.send_error(404)
                    return
                time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", route.etag)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                try:
                    self.finish_headers(route)
                    if route.drip:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.drip)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def finish_headers(self, route: Route) -> None:
                if not route.header_drip:
                    self.end_headers()
                    return
                self._headers_buffer.append(b"\r\n")  # what end_headers adds, sent here byte by byte
                head, self._headers_buffer = b"".join(self._headers_buffer), []
                for byte in head:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(route.header_drip)

            def log_message(self, *args) -> None:
                pass

        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        self.httpd = server_class((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host = self.httpd.server_address[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.httpd.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def next_route(self, path: str) -> Route | None:
        """A list of routes answers one per request, then repeats its last."""
        route = self.routes.get(path)
        if isinstance(route, list):
            return route.pop(0) if len(route) > 1 else route[0]
        return route

    def serve_file(self, path: str, name: str, **options) -> str:
        self.routes[path] = Route(body=(DATA / name).read_bytes(), **options)
        return self.url(path)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
