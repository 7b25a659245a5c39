"""Sidebar and chart counts for the current filters, memoised by log position so pages do not count again."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from events.read.filters import Filters
from events.read.projections import checkpoint
from events.read.timeline import LIVE, Source, _branches, _with_hits

SIDEBAR_TAGS = 60


# ---------------------------------------------------------------- counts


@dataclass(frozen=True)
class Summary:
    """Counts for the current filters: the total, per period (YYYY-MM, 00 = month unknown) and per tag."""

    total: int
    periods: dict[str, int]
    tags: list[tuple[str, int]]


def summarize(conn: sqlite3.Connection, filters: Filters, sources: Sequence[Source] = LIVE) -> Summary:
    periods = _period_counts(conn, filters, sources)
    return Summary(sum(periods.values()), periods, _tag_counts(conn, filters, sources))


def _matching(conn, filters: Filters, sources: Sequence[Source]) -> tuple[str, list]:
    """Every matching fact (n, sort_key, retracted) from every source, as one SQL union."""
    parts, params = [], []
    for index, source in enumerate(sources):
        for retracted in filters.retracted_values:
            for sql, args, _ in _branches(conn, filters, source, retracted, None, None):
                parts.append(f"SELECT n, sort_key, retracted, {index} AS src FROM ({sql})")
                params += args
    return _with_hits(filters, sources, " UNION ALL ".join(parts), params)


def _period_counts(conn, filters: Filters, sources: Sequence[Source]) -> dict[str, int]:
    sql, params = _matching(conn, filters, sources)
    rows = conn.execute(
        f"SELECT substr(sort_key, 1, 7) AS p, count(*) FROM ({sql}) GROUP BY p ORDER BY p", params
    )
    return dict(rows.fetchall())


def _tag_counts(conn, filters: Filters, sources: Sequence[Source]) -> list[tuple[str, int]]:
    """The most used tags among matching facts."""
    if filters.is_empty and sources == LIVE:
        values = ", ".join(str(v) for v in filters.retracted_values)
        sql, params = f"SELECT tag FROM fact_tags WHERE retracted IN ({values})", []
    else:
        matched, params = _matching(conn, filters, sources)
        joins = " UNION ALL ".join(
            f"SELECT g.tag FROM m JOIN {s.tags} g ON g.n = m.n WHERE m.src = {i}"
            for i, s in enumerate(sources)
        )
        sql = f"WITH m AS MATERIALIZED ({matched}) {joins}"
    return conn.execute(
        f"SELECT tag, count(*) AS c FROM ({sql}) GROUP BY tag ORDER BY c DESC, tag LIMIT {SIDEBAR_TAGS}",
        params,
    ).fetchall()


class Memo:
    """A small thread-safe LRU of values computed from the log at one position.

    Keys include the log position (see view_state), so a value is never
    stale: once the log moves, new keys are asked for and old ones age out.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: two threads may both compute, never block each other
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def view_state(conn: sqlite3.Connection, as_of_position: int | None = None) -> tuple:
    """What the counts depend on: the projection checkpoint now, or a fixed past position."""
    if as_of_position is not None:
        return ("as_of", as_of_position)
    return ("live", checkpoint(conn))
