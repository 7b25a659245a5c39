"""HTTP content codings (gzip, deflate) decoded in small steps, every layer capped at max_body_bytes.

httpx decodes each network chunk in one call with no output limit, through
every layer at once: a 3.5 KB body sent with `Content-Encoding: gzip, gzip`
took 4.1 GB of memory before our size cap saw a byte (issue 15). Here no call
to zlib returns more than STEP bytes, and a layer stops the whole body as soon
as its output passes the cap, so memory stays within the cap plus a few steps
per layer, whatever the input.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

STEP = 64 * 1024  # the most one decompress call may return
MAX_CODINGS = 2  # "gzip, gzip" is already odd; more layers only serve a bomb
ACCEPTED = "gzip, deflate"  # what we ask for; brotli and zstd are refused, not decoded unbounded
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class BodyRefused(Exception):
    """The body cannot be read within the limits, or not at all: the message says why."""


def codings(header: str | None) -> list[str]:
    """The content codings applied, first applied first, identity left out; refused if unsupported."""
    applied = [c.strip().lower() for c in (header or "").split(",")]
    applied = [c for c in applied if c and c != "identity"]
    unsupported = [c for c in applied if c not in _WBITS]
    if unsupported:
        raise BodyRefused(
            f"Content-Encoding {', '.join(unsupported)} is not supported (we ask for {ACCEPTED})"
        )
    if len(applied) > MAX_CODINGS:
        raise BodyRefused(f"Content-Encoding {header} has more than {MAX_CODINGS} layers")
    return applied


def decoded(raw: Iterable[bytes], applied: list[str], cap: int) -> Iterator[bytes]:
    """The body with its codings undone, last applied first; the raw bytes and each layer's output
    are each capped at cap bytes."""
    chunks = _capped(raw, cap, "")
    for coding in reversed(applied):
        chunks = _capped(_inflate(chunks, coding), cap, f" (decoding {coding})")
    return chunks


def _capped(chunks: Iterable[bytes], cap: int, step: str) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise BodyRefused(f"body larger than {cap} bytes{step}")
        yield chunk


def _inflate(chunks: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """One coding undone, STEP bytes at most per call; bytes after the end of the stream are ignored."""
    inflater = None
    for chunk in chunks:
        if inflater is None:
            inflater = zlib.decompressobj(_wbits(coding, chunk))
        pending = chunk
        while not inflater.eof:
            try:
                out = inflater.decompress(pending, STEP)
            except zlib.error as error:
                raise BodyRefused(f"body is not valid {coding}: {error}") from None
            pending = inflater.unconsumed_tail
            if out:
                yield out
            if not pending and len(out) < STEP:  # a full step may leave output inside zlib: ask again
                break


def _wbits(coding: str, first: bytes) -> int:
    """deflate is meant to be zlib-wrapped, but some servers send it raw (httpx accepts both too)."""
    if coding == "deflate" and not _zlib_header(first):
        return -zlib.MAX_WBITS
    return _WBITS[coding]


def _zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
