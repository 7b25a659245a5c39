"""Date-range SQL: the overlap test in disjoint pieces that each walk an index (facts_spans for one)."""

from __future__ import annotations

from dataclasses import dataclass

from events.read.filters import Filters

# ---------------------------------------------------------------- date ranges

# The last sort key a fact may reach: its end date's, else its date's, 99 for
# unknown parts (2024-07 -> 2024-07-99). `>= day` holds exactly when the fact's
# last possible day is on or after that day. _SPAN_END is the expression the
# facts_spans index is built on (events/log/migrations.py): keep them identical.
_END = "substr(COALESCE(f.end_date, f.date) || '-99-99', 1, 10)"
_SPAN_END = "substr(f.end_date || '-99-99', 1, 10)"


@dataclass(frozen=True)
class _Piece:
    """One disjoint part of a date range: conditions ({ks} is the driving alias) and whether spans drive it."""

    where: tuple[str, ...] = ()
    params: tuple = ()
    spans: bool = False
    exact: str | None = None  # the one sort key of this piece, if it has one


def _overlap(filters: Filters) -> tuple[str, ...]:
    """A fact is in [from, to] when the days it may cover overlap the days the range covers.

    The fact covers [first day of date, last day of end_date or else of date];
    sort_key <= high_key says it starts by the end of `to`, _END >= low_day that
    it lasts until the start of `from`. Precise for every row, but not an index range.
    """
    return (("{ks}.sort_key <= ?",) if filters.end else ()) + ((f"{_END} >= ?",) if filters.start else ())


def _overlap_params(filters: Filters) -> tuple:
    return ((filters.high_key,) if filters.end else ()) + ((filters.low_day,) if filters.start else ())


def _date_pieces(filters: Filters) -> list[_Piece]:
    """_overlap cut into disjoint pieces that each walk an index in (sort_key, n) order.

    `to` alone is one key range: a fact starts by the end of `to`. With `from`
    (first day F), facts starting on or after F reach it; of those starting
    before F, only three kinds can reach it: the month containing F
    (2024-07 for F = 2024-07-01, key 2024-07-00) and the year containing F
    (key 2024-00-00), each found by its exact key, and facts whose end date
    reaches F, found through the small facts_spans index. Those three also
    check that the fact lasts until F, since a fuzzy fact may end before its
    own date does (2024 to 2024-03).
    """
    if filters.start is None:
        return [_Piece(*_with_end(filters, (), ()))]
    day, high = filters.low_day, filters.high_key
    month_key, year_key = day[:7] + "-00", day[:4] + "-00-00"
    reaches = f"{_END} >= ?"
    pieces = [_Piece(*_with_end(filters, ("{ks}.sort_key >= ?",), (day,)))]
    for key in (month_key, year_key):
        if high is None or key <= high:
            pieces.append(_Piece(("{ks}.sort_key = ?", reaches), (key, day), exact=key))
    spans = ("f.end_date IS NOT NULL", f"{_SPAN_END} >= ?", "f.sort_key < ?", "f.sort_key NOT IN (?, ?)")
    return pieces + [_Piece(*_with_end(filters, spans, (day, day, month_key, year_key)), spans=True)]


def _with_end(filters: Filters, where: tuple[str, ...], params: tuple) -> tuple[tuple[str, ...], tuple]:
    if filters.end is None:
        return where, params
    return (*where, "{ks}.sort_key <= ?"), (*params, filters.high_key)
