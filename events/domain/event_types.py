"""What an event type is: its name and the payload shape every stored event of it must have.

Each aggregate module declares its own event types beside their payloads and
fold, so adding one touches that module, its projection handler and (for a new
table) a migration, and nothing else: `timeline verify` and import learn the
shape from here (events/domain/registry.py gathers them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# JSON types a payload key may hold (None allowed where listed)
STR, OPT_STR, LIST, DICT, BOOL = (str,), (str, type(None)), (list,), (dict,), (bool,)


@dataclass(frozen=True)
class EventType:
    name: str
    payload: Mapping[str, tuple[type, ...]]
    # further checks of a well-shaped payload, each problem said in words
    check: Callable[[dict[str, Any]], list[str]] = field(default=lambda payload: [])

    def problems(self, payload: dict[str, Any]) -> list[str]:
        out = [
            f"{key} missing or not {'/'.join(t.__name__ for t in types)}"
            for key, types in self.payload.items()
            if not isinstance(payload.get(key, ...), types)
        ]
        return out + self.check(payload)
