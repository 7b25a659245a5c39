"""The log's hash chain: each event's hash covers its own content and the hash of the event before it.

As in git and Certificate Transparency logs, a hash commits to everything
recorded up to it: an edit, an insert, a removal or a reordering anywhere
before a hash an operator kept elsewhere (`timeline head`) changes it.

Canonical content of an event, exactly: the JSON array

    [position, event_id, stream_id, version, type, schema_version,
     payload, metadata, idempotency_key, batch_index, recorded_at]

of the row's stored values, in that order, written by orjson (no spaces;
integers as digits; null for a missing idempotency key; strings escaping only
the quote, the backslash and control characters, as UTF-8). payload and
metadata enter as their stored text (the store's canonical JSON: sorted keys,
compact), so the actor and the reason, which live in metadata, are covered, and
so is any respelling of the same JSON. Every column of the row is there but
the hash itself.

    hash = SHA-256(previous event's hash (32 bytes) || canonical content)

The first event's previous hash is GENESIS, 32 zero bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import orjson

CHAINED_COLUMNS = (
    "position",
    "event_id",
    "stream_id",
    "version",
    "type",
    "schema_version",
    "payload",
    "metadata",
    "idempotency_key",
    "batch_index",
    "recorded_at",
)
GENESIS = bytes(32)
_dumps, _sha256 = orjson.dumps, hashlib.sha256


def link(previous: bytes, row: Sequence) -> bytes:
    """The hash of an event (its CHAINED_COLUMNS values, in order) chained after the previous hash."""
    return _sha256(previous + _dumps(row)).digest()


def head_text(position: int, digest: bytes | None) -> str:
    """POSITION:HASH, as `timeline head` prints it and `timeline verify --head` reads it."""
    return f"{position}:{(digest or GENESIS).hex()}"


def parse_head(text: str) -> tuple[int, bytes]:
    """POSITION:HASH back to a position and 32 bytes; ValueError says what is wrong."""
    position, separator, digest = text.strip().partition(":")
    if not separator or not position.isdigit():
        raise ValueError(f"expected POSITION:HASH (as `timeline head` prints it), not {text[:80]!r}")
    try:
        value = bytes.fromhex(digest)
    except ValueError:
        value = b""
    if len(value) != len(GENESIS):
        raise ValueError(f"the hash after {position}: must be 64 hexadecimal digits")
    return int(position), value
