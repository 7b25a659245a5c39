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

    Spelled as _text spells uuid7's, but a millisecond's first 15 characters are
    written once, the counters come from a table and the random bits for all of
    them from one call, as hexadecimal digits: 0.3 us an id against 0.7 us
    formatting each 128-bit value (an append's CPU, bench/README.md "Appends with
    the hash chain"; 1.2 us one uuid7 call at a time).
    """
    ms, counter = _reserve(count)
    digits = _random.getrandbits(64 * count).to_bytes(8 * count, "big").hex()  # for uniqueness, not secrecy
    ids: list[str] = []
    at = 0
    while count > 0:
        h = "%012x" % ms
        prefix = f"{h[:8]}-{h[8:]}-7"  # the version digit follows the milliseconds
        run = min(count, 0x1000 - counter)  # counter exhausted: borrow the next millisecond, as _reserve did
        for c in range(counter, counter + run):
            tail = digits[at : at + 16]
            ids.append(f"{prefix}{_COUNTERS[c]}{_VARIANT[tail[0]]}{tail[1:4]}-{tail[4:]}")
            at += 16
        count, ms, counter = count - run, ms + 1, 0
    return ids


_VERSION_AND_VARIANT = (0x7 << 76) | (0b10 << 62)
_COUNTERS = [f"{c:03x}-" for c in range(0x1000)]
# The variant (binary 10) in the top two bits of a random hexadecimal digit: 8, 9, a or b.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


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
