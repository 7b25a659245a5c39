"""Raw HTTP/1.1 on a socket: what a client that is not a browser (or an attacker) sends, byte for byte."""

from __future__ import annotations

import http.client
import json
import selectors
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def address(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname, parts.port


def connect(url: str, timeout: float = 10.0) -> socket.socket:
    return socket.create_connection(address(url), timeout=timeout)


def exchange(url: str, head: bytes, body: bytes = b"", timeout: float = 10.0) -> Answer:
    """Send head (and body), then read one answer; socket.timeout when none comes within `timeout`."""
    with connect(url, timeout) as sock:
        sock.sendall(head + body)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> Answer:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before an answer: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", 0))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Answer(int(lines[0].split()[1]), headers, rest[:length])


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed this connection (reads EOF or a reset) rather than waiting for more."""
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


class SlowHeaders:
    """`count` sockets, each sending one more byte of a never-ending header every `every` seconds (slowloris).

    Runs in one thread; records how long each socket lived when the server dropped it.
    """

    def __init__(self, url: str, count: int, every: float = 2.0):
        self.url, self.count, self.every = url, count, every
        self.lived: list[float] = []  # seconds from connect to the server's close, per dropped socket
        self.refused = 0  # connects that failed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SlowHeaders:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(30)

    @property
    def dropped(self) -> int:
        return len(self.lived)

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        opened: dict[socket.socket, float] = {}
        for _ in range(self.count):
            try:
                sock = connect(self.url, timeout=5)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            except OSError:
                self.refused += 1
                continue
            sock.setblocking(False)
            opened[sock] = time.monotonic()
            selector.register(sock, selectors.EVENT_READ)
        try:
            while opened and not self._stop.is_set():
                self._drip(opened, selector)
        finally:
            for sock in opened:
                sock.close()
            selector.close()

    def _drip(self, opened: dict, selector) -> None:
        """One byte on every open socket, then watch for closes until the next drip."""
        for sock in list(opened):
            try:
                sock.send(b"a")
            except OSError:
                self._gone(sock, opened, selector)
        until = time.monotonic() + self.every
        while opened and not self._stop.is_set() and time.monotonic() < until:
            for key, _ in selector.select(timeout=0.2):
                try:
                    data = key.fileobj.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    self._gone(key.fileobj, opened, selector)

    def _gone(self, sock, opened: dict, selector) -> None:
        self.lived.append(time.monotonic() - opened.pop(sock))
        selector.unregister(sock)
        sock.close()


def get_many(
    url: str, paths: tuple[str, ...], rounds: int, timeout: float = 10.0
) -> list[tuple[str, int, float]]:
    """Each path `rounds` times on a new connection, as new readers come: (path, status, seconds); status 0 = failed."""
    results = []
    for _ in range(rounds):
        for path in paths:
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection(*address(url), timeout=timeout)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
                conn.close()
            except OSError:
                status = 0
            results.append((path, status, time.monotonic() - started))
    return results
