"""All network I/O of the service: one HTTP GET (a feed, an article page), limits and conditional headers."""

from __future__ import annotations

import contextvars
import datetime as dt
import email.utils
import math
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from timeline.ingest import resolve
from timeline.ingest.codings import ACCEPTED, BodyRefused, codings, decoded

USER_AGENT = "SCO-Timeline/0.1 (+{base_url}; news timeline of the Shanghai Cooperation Organization)"
MAX_REDIRECTS = 5
PERMANENT = (301, 308)


@dataclass(frozen=True)
class FetchResult:
    """What a poll got: a body, a 304, or an error said in words."""

    url: str  # the URL finally fetched, after redirects
    status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None  # target of a permanent redirect, to show in `timeline feeds`
    retry_after: float | None = None  # seconds the server asked us to wait (429/503)
    content_type: str | None = None  # the Content-Type header, whose charset the parser honours
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class FetchLimits:
    timeout_seconds: float = 20.0
    max_body_bytes: int = 5_000_000
    user_agent: str = USER_AGENT.format(base_url="http://127.0.0.1:8080/")


# --- one deadline for the whole fetch ------------------------------------------
#
# httpx's timeouts are per operation: a server sending its headers one byte every
# few seconds never trips a read timeout, and held one poll for 620 s with
# timeout_seconds = 20, past its lease (issue 15). So every socket operation
# (connect, TLS handshake, each write, each read) waits at most until the fetch's
# deadline, which Fetcher sets for each call.

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("fetch_deadline", default=math.inf)


def _time_left(timeout: float | None, error: type[Exception]) -> float:
    """The time an operation may wait: its own timeout, never past the deadline."""
    left = _deadline.get() - time.monotonic()
    if left <= 0:
        raise error("the fetch's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the current fetch's deadline (kept-alive ones too)."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        left = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        """The name is resolved by the deadline too, then each address tried in turn as
        socket.create_connection would; httpcore still sends the name as Host and as TLS SNI and checks
        the certificate against it, since only this connect sees the address."""
        found = resolve.addresses(host, port, _time_left(timeout, httpcore.ConnectTimeout))
        for address in found:
            left = _time_left(timeout, httpcore.ConnectTimeout)
            try:
                return _DeadlineStream(
                    super().connect_tcp(address, port, left, local_address, socket_options)
                )
            except httpcore.ConnectError as error:
                failed = error
        raise failed


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport on _DeadlineBackend: httpx takes no network backend, so its pool is rebuilt
    with one (the trickling-headers test in tests/test_ingest.py fails if this stops taking effect)."""

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,  # httpx's default limits, which it would have given its own pool
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_DeadlineBackend(),
        )


class Fetcher:
    """GET a feed with a timeout, a body cap, redirects checked hop by hop, and conditional headers."""

    def __init__(self, limits: FetchLimits, transport: httpx.BaseTransport | None = None):
        """transport replaces the network (tests); timeout_seconds then bounds each operation only."""
        self.limits = limits
        self._phase = ""  # what the current fetch is doing, for the message if it times out
        self._only_types: tuple[str, ...] = ()  # set by each call: media types accepted, () for any
        self.client = httpx.Client(
            timeout=httpx.Timeout(limits.timeout_seconds),
            follow_redirects=False,
            headers={
                "User-Agent": limits.user_agent,
                "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5",
                "Accept-Encoding": ACCEPTED,  # decoded by codings.py, within the cap; never httpx's own
            },
            transport=transport or _DeadlineTransport(),
            trust_env=False,  # no proxy from the environment: only the URLs in config are reached
        )

    def close(self) -> None:
        self.client.close()

    def __call__(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        only_types: tuple[str, ...] = (),
    ) -> FetchResult:
        """only_types (an article page's ("text/html",)) refuses any other media type before its body is read."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if only_types:
            headers["Accept"] = ", ".join(only_types)
        self._only_types = only_types
        token = _deadline.set(time.monotonic() + self.limits.timeout_seconds)
        try:
            return self._follow(url, headers)
        except httpx.TimeoutException as error:
            return FetchResult(url, error=self._timed_out(error))
        except httpx.HTTPError as error:
            return FetchResult(url, error=f"{type(error).__name__}: {error}"[:500])
        finally:
            _deadline.reset(token)

    def _timed_out(self, error: httpx.TimeoutException) -> str:
        """Which step was cut: resolving the name, connecting, the response headers (redirects included)
        or the body."""
        step = self._phase
        if isinstance(error.__cause__, resolve.ResolveTimeout):
            step = str(error.__cause__)  # "resolving HOST"
        elif isinstance(error, httpx.ConnectTimeout):
            step = "connecting"
        return f"timed out after {self.limits.timeout_seconds:g} s {step} (the limit covers the whole fetch)"

    def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        moved_to, all_permanent = None, True
        for _ in range(MAX_REDIRECTS + 1):
            refusal = refuse_url(url)
            if refusal:
                return FetchResult(url, error=refusal, moved_to=moved_to)
            self._phase = f"waiting for the response headers of {url}"
            with self.client.stream("GET", url, headers=headers) as response:
                if response.has_redirect_location:
                    url = urljoin(url, response.headers.get("Location", ""))
                    all_permanent = all_permanent and response.status_code in PERMANENT
                    if all_permanent:  # the feed has moved for good: say where
                        moved_to = url
                    continue
                return self._result(url, response, moved_to)
        return FetchResult(url, error=f"more than {MAX_REDIRECTS} redirects", moved_to=moved_to)

    def _result(self, url: str, response: httpx.Response, moved_to: str | None) -> FetchResult:
        common = {"url": url, "status": response.status_code, "moved_to": moved_to}
        if response.status_code == 304:
            return FetchResult(**common)
        if response.status_code in (429, 503):
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            return FetchResult(
                **common,
                retry_after=wait,
                error=f"HTTP {response.status_code}"
                + (f", retry after {wait:g} s" if wait is not None else ""),
            )
        if response.status_code >= 400:
            return FetchResult(**common, error=f"HTTP {response.status_code} {response.reason_phrase}")
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if self._only_types and media_type not in self._only_types:
            return FetchResult(
                **common, error=f"not {' or '.join(self._only_types)}: {media_type or 'untyped'}"
            )
        try:
            body = self._read_capped(response)
        except BodyRefused as refused:
            return FetchResult(**common, error=str(refused))
        return FetchResult(
            **common,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
        )

    def _read_capped(self, response: httpx.Response) -> bytes:
        """The body decoded, refused as soon as it or any layer of its coding passes the cap (a lying
        Content-Length changes nothing); raw bytes from httpx, whose own decoders have no output limit."""
        cap = self.limits.max_body_bytes
        applied = codings(response.headers.get("Content-Encoding"))
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise BodyRefused(f"body larger than {cap} bytes")
        self._phase = "reading the body"
        return b"".join(decoded(response.iter_raw(), applied, cap))


def refuse_url(url: str) -> str | None:
    """Only absolute http(s) URLs are polled: never file:, ftp: or a local path."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"refused URL {url!r}: only http and https are polled"
    return None


def retry_after_seconds(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())
