"""A search with many hits walks the listing's own index and asks FTS5 about each row, up to a budget.

Reading every hit into a lookup costs about 0.23 us a hit (11 ms for
"summit" at 100k facts, half of them hits, and again for each neighbour
check), whatever the page. Asking FTS5 whether one row matches a whole-word
query costs 35-60 us (`MATCH ? AND rowid = ?` seeks one doclist), and a page
of 51 needs about 51 * facts / hits rows. So probing pays once hits are many;
a prefix costs ~2.7 ms a probe, so a query with one is never probed. Hits
bunched far down the walk would make it probe without end, hence the budget:
past it the caller finishes with the lookup, so at worst a page costs the
lookup plus about as much again.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Row = TypeVar("Row")
COST_RATIO = 200  # one probe costs about as much as reading this many hits into the lookup (measured above)
_SLACK = 8  # rows a chunk asks for beyond twice what is missing: few chunks at any density over half


def budget(
    conn: sqlite3.Connection, match: str | None, limit: int, facts: str = "fact_rows", fts: str = "facts_fts"
) -> int | None:
    """Rows a walk of `limit` matches may probe, or None when the lookup is the cheaper plan.

    Probing is chosen when the hits number more than `cap`, where the probes a
    page expects (limit * facts / hits) cost what reading the cap's hits does;
    counting stops there (0.05 us a hit). The budget is twice the probes the
    cap would afford.
    """
    if match is None or "*" in match:  # only fts_query writes MATCH text: "*" is its prefix operator
        return None
    total = conn.execute(f"SELECT COALESCE(MAX(n), 0) FROM {facts}").fetchone()[0]
    cap = int(math.sqrt(limit * total * COST_RATIO))
    if cap >= total:
        return None
    return 2 * cap // COST_RATIO if _more_hits(conn, fts, match, cap, total) else None


_COUNT = "SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH ? LIMIT ?)"
# Counting to the cap costs ~2 ms at 100k facts, on every page and neighbour check; the answer only picks
# a plan (either gives the same rows), so it is kept until the newest fact changes: at worst a stale one
# costs one page the budget's probes or the lookup.
_counted: dict[tuple, bool] = {}


def _more_hits(conn: sqlite3.Connection, fts: str, match: str, cap: int, total: int) -> bool:
    key = (conn.execute("PRAGMA database_list").fetchone()[2], fts, match, cap, total)
    if key not in _counted:
        if len(_counted) >= 1024:
            _counted.clear()
        _counted[key] = conn.execute(_COUNT.format(fts=fts), (match, cap + 1)).fetchone()[0] > cap
    return _counted[key]


_PROBE = (
    "SELECT value FROM json_each(?)"
    " WHERE EXISTS (SELECT 1 FROM {fts} WHERE {fts} MATCH ? AND rowid = value)"  # one doclist seek each
)


def matching(conn: sqlite3.Connection, match: str, ns: Sequence[int], fts: str = "facts_fts") -> set[int]:
    """Which of these facts match: one statement, one FTS5 probe per fact."""
    rows = conn.execute(_PROBE.format(fts=fts), (json.dumps(list(ns)), match))
    return {row[0] for row in rows}


@dataclass(frozen=True)
class Listing(Generic[Row]):
    """How to go down a listing: its next rows unsearched (step), or searched by the lookup (finish)."""

    step: Callable[[Any, int], list[Row]]  # (rows after this key, how many)
    finish: Callable[[Any, int], list[Row]]
    key_of: Callable[[Row], Any]
    n_of: Callable[[Row], int]  # the fact's rowid in the search index


def walk(
    conn: sqlite3.Connection, match: str, listing: Listing[Row], key: Any, limit: int, rows_left: int
) -> list[Row]:
    """The matching rows past key in the listing's order, up to limit, probing at most rows_left rows.

    When the budget runs out, the lookup finishes the page from the last row probed.
    """
    found: list[Row] = []
    while rows_left > 0:
        size = min(rows_left, 2 * (limit - len(found)) + _SLACK)
        rows = listing.step(key, size)
        hits = matching(conn, match, [listing.n_of(row) for row in rows])
        found += [row for row in rows if listing.n_of(row) in hits]
        if len(found) >= limit or len(rows) < size:  # enough, or the listing has no more rows
            return found[:limit]
        key, rows_left = listing.key_of(rows[-1]), rows_left - len(rows)
    return found + listing.finish(key, limit - len(found))
