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
SEARCH_COUNT_LIMIT = 10_000  # a search counts its matches up to here, then says "10,000+"


# ---------------------------------------------------------------- counts


@dataclass(frozen=True)
class Summary:
    """Counts for the current filters: the total, per period (YYYY-MM, 00 = month unknown) and per tag."""

    total: int
    periods: dict[str, int]
    tags: list[tuple[str, int]]
    more: bool = False  # more than total match ("10,000+"): not counted, so no periods or tags either


def summarize(conn: sqlite3.Connection, filters: Filters, sources: Sequence[Source] = LIVE) -> Summary:
    kept = kept_counts(conn, filters) if sources == LIVE else None
    if kept is not None:
        return kept
    if filters.match is not None and _more_than(conn, filters, sources, SEARCH_COUNT_LIMIT):
        return Summary(SEARCH_COUNT_LIMIT, {}, [], more=True)
    periods = _period_counts(conn, filters, sources)
    return Summary(sum(periods.values()), periods, _tag_counts(conn, filters, sources))


def _more_than(conn: sqlite3.Connection, filters: Filters, sources: Sequence[Source], limit: int) -> bool:
    """Whether more than limit facts match, reading at most limit + 1 of them (in search-hit order).

    A common word's counts read every hit (1.2 s at 1M facts for "summit", each time the log moved):
    past the limit a search says "10,000+" instead, with no chart or tag counts.
    """
    sql, params = _matching(conn, filters, sources)
    return conn.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(limit) + 1})", params).fetchone()[0] > limit


def kept_counts(conn: sqlite3.Connection, filters: Filters) -> Summary | None:
    """The counts of the whole timeline, or of one tag, from the counts kept on append
    (migrations._COUNTS): a few hundred rows, however many facts. None for other filters."""
    values = ", ".join(str(v) for v in filters.retracted_values)
    if filters.is_empty:
        periods = (
            "SELECT period, sum(facts) FROM period_counts WHERE retracted IN ({v}) GROUP BY 1 ORDER BY 1"
        )
        tags = "SELECT tag, sum(facts) AS c FROM tag_counts WHERE retracted IN ({v}) GROUP BY 1"
        params: tuple = ()
    elif len(filters.tags) == 1 and not (filters.match or filters.start or filters.end):
        periods = "SELECT period, sum(facts) FROM tag_counts WHERE tag = ? AND retracted IN ({v}) GROUP BY 1 ORDER BY 1"
        tags = "SELECT other, sum(facts) AS c FROM tag_pair_counts WHERE tag = ? AND retracted IN ({v}) GROUP BY 1"
        params = filters.tags
    else:
        return None
    counted = dict(conn.execute(periods.format(v=values), params).fetchall())
    counted = {period: count for period, count in counted.items() if count}
    top = conn.execute(f"{tags.format(v=values)} ORDER BY c DESC, 1 LIMIT {SIDEBAR_TAGS}", params).fetchall()
    return Summary(sum(counted.values()), counted, [tuple(row) for row in top])


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
