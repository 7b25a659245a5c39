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
    kept = kept_counts(conn, filters, _past_position(sources))
    if kept is not None:
        return kept
    bounded = filters.match is not None or sources != LIVE  # a search, or the timeline at a past moment
    if bounded and _more_than(conn, filters, sources, SEARCH_COUNT_LIMIT):
        return Summary(SEARCH_COUNT_LIMIT, {}, [], more=True)
    periods = _period_counts(conn, filters, sources)
    return Summary(sum(periods.values()), periods, _tag_counts(conn, filters, sources))


def _past_position(sources: Sequence[Source]) -> int | None:
    """None for the timeline as it is; the position of a past moment's sources (as_of); -1 for any other."""
    if sources == LIVE:
        return None
    facts = [source for source in sources if source.facts == LIVE[0].facts]
    return facts[0].until if len(facts) == 1 and facts[0].until is not None else -1


def _more_than(conn: sqlite3.Connection, filters: Filters, sources: Sequence[Source], limit: int) -> bool:
    """Whether more than limit facts match, reading at most limit + 1 of them (in search-hit order).

    A common word's counts read every hit (1.2 s at 1M facts for "summit", each time the log moved),
    and the counts at a past moment every fact then (no counts are kept per moment): past the
    limit a search or a past moment says "10,000+" instead, with no chart or tag counts.
    """
    sql, params = _matching(conn, filters, sources)
    return conn.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(limit) + 1})", params).fetchone()[0] > limit


CHANGED_SINCE_LIMIT = (
    20_000  # counts at a past moment come from the kept ones if at most this many facts changed since
)


def kept_counts(conn: sqlite3.Connection, filters: Filters, position: int | None = None) -> Summary | None:
    """The counts of the whole timeline, or of one tag, from the counts kept on append
    (migrations._COUNTS): a few hundred rows, however many facts. None for other filters.

    At a past position (time travel), the kept counts minus the facts changed since
    and plus the versions they replaced, if few changed since (a recent moment);
    None otherwise, and the caller counts with a bound.
    """
    if position == -1 or not (filters.is_empty or _one_tag(filters)):
        return None
    values = ", ".join(str(v) for v in filters.retracted_values)
    tag = filters.tags[0] if filters.tags else None
    if tag is None:
        periods = f"SELECT period AS p, facts AS c FROM period_counts WHERE retracted IN ({values})"
        tags = f"SELECT tag AS g, facts AS c FROM tag_counts WHERE retracted IN ({values})"
    else:
        periods = (
            f"SELECT period AS p, facts AS c FROM tag_counts WHERE tag = :tag AND retracted IN ({values})"
        )
        tags = (
            f"SELECT other AS g, facts AS c FROM tag_pair_counts WHERE tag = :tag AND retracted IN ({values})"
        )
    params = {"tag": tag, "at": position}
    if position is not None:
        if _changed_since(conn, position) > CHANGED_SINCE_LIMIT:
            return None
        changes = _changes_since(values, tag)
        periods += f" UNION ALL SELECT substr(sort_key, 1, 7), sign FROM ({changes})"
        tags += f" UNION ALL SELECT t.value, sign FROM ({changes}) c, json_each(c.tags) t"
    counted = conn.execute(f"SELECT p, sum(c) FROM ({periods}) GROUP BY 1 ORDER BY 1", params)
    counted = {period: count for period, count in counted.fetchall() if count}
    top = conn.execute(
        f"SELECT g, sum(c) AS s FROM ({tags}) GROUP BY 1 HAVING s > 0 ORDER BY s DESC, 1"
        f" LIMIT {SIDEBAR_TAGS}",
        params,
    ).fetchall()
    return Summary(sum(counted.values()), counted, [tuple(row) for row in top])


def _one_tag(filters: Filters) -> bool:
    return len(filters.tags) == 1 and not (filters.match or filters.start or filters.end)


def _changed_since(conn: sqlite3.Connection, position: int) -> int:
    """How many facts changed after a position, counting at most one past the limit (facts_changed index)."""
    sql = "SELECT count(*) FROM (SELECT 1 FROM facts WHERE last_position > ? LIMIT ?)"
    return conn.execute(sql, (position, CHANGED_SINCE_LIMIT + 1)).fetchone()[0]


def _changes_since(values: str, tag: str | None) -> str:
    """Rows (sign, sort_key, tags) turning the counts now into those at :at: each fact changed since
    takes its share away, each version current at :at (replaced since) gives its share back."""
    has_tag = " AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = :tag)" if tag is not None else ""
    return (
        f"SELECT -1 AS sign, sort_key, tags FROM facts WHERE last_position > :at AND retracted IN ({values}){has_tag}"
        " UNION ALL SELECT 1, sort_key, tags FROM fact_versions WHERE replaced_at > :at AND last_position <= :at"
        f" AND retracted IN ({values}){has_tag}"
    )


def _matching(conn, filters: Filters, sources: Sequence[Source]) -> tuple[str, list]:
    """Every matching fact (n, sort_key, retracted, its row's key k, its tags, its source's index) from every
    source, as one SQL union."""
    parts, params = [], []
    for index, source in enumerate(sources):
        for retracted in filters.retracted_values:
            for sql, args, _ in _branches(conn, filters, source, retracted, None, None):
                parts.append(f"SELECT n, sort_key, retracted, k, tags, {index} AS src FROM ({sql})")
                params += args
    return _with_hits(filters, sources, " UNION ALL ".join(parts), params)


def _period_counts(conn, filters: Filters, sources: Sequence[Source]) -> dict[str, int]:
    sql, params = _matching(conn, filters, sources)
    rows = conn.execute(
        f"SELECT substr(sort_key, 1, 7) AS p, count(*) FROM ({sql}) GROUP BY p ORDER BY p", params
    )
    return dict(rows.fetchall())


def _tag_counts(conn, filters: Filters, sources: Sequence[Source]) -> list[tuple[str, int]]:
    """The most used tags among matching facts.

    Counted from the matching rows' own tags, by tag set first (far fewer sets
    than facts, as for tag_pair_counts in projections): no index finds a fact's
    fact_tags rows by the fact (migration 17).
    """
    if filters.is_empty and sources == LIVE:
        values = ", ".join(str(v) for v in filters.retracted_values)
        sql, params = (
            f"SELECT tag, count(*) AS c FROM fact_tags WHERE retracted IN ({values}) GROUP BY tag",
            [],
        )
    else:
        matched, params = _matching(conn, filters, sources)
        sets = f"SELECT tags, count(*) AS c FROM ({matched}) GROUP BY tags"
        sql = f"SELECT t.value AS tag, sum(s.c) AS c FROM ({sets}) s, json_each(s.tags) t GROUP BY tag"
    return conn.execute(f"{sql} ORDER BY c DESC, tag LIMIT {SIDEBAR_TAGS}", params).fetchall()


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
