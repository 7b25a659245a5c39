"""Keyset pages of the timeline: every piece walks an index in order, so any page costs the same."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from events.domain.fact import FactState
from events.log.migrations import TEXTS_JOIN
from events.read import probe_walk
from events.read.date_ranges import _date_pieces, _overlap, _overlap_params, _Piece
from events.read.filters import Cursor, Filters, TimelineQuery
from events.read.projections import STATE_COLUMNS, VERSION_SOURCES, state_from_row, viewed

FEW_HITS_FACTOR = 10  # a search with at most sqrt(10 * facts) hits reads and sorts them (see _few_hits)
TAG_COUNT_LIMIT = 20_000  # counting a tag's rows to pick the rarest stops here
# A fact's keyset position, then its state (branches add its row's key after them).
_FACT_COLUMNS = "n, sort_key, " + STATE_COLUMNS


# ---------------------------------------------------------------- where facts come from


@dataclass(frozen=True)
class Source:
    """Tables holding fact rows: the facts as they are, or the past versions of facts (time travel)."""

    facts: str = "fact_rows"  # a table, for INDEXED BY: its texts come through texts (the facts view's join)
    tags: str = "fact_tags"
    fts: str = "facts_fts"
    until: int | None = None  # only rows last changed at or before this position
    spans: str = "facts_spans"  # the index of facts with an end date, by the last key they reach
    key: str = "n"  # the column naming one row: its tags rows and its search row (rowid) carry it too
    replaced_after: int | None = None  # only versions replaced after this position (current then)
    by_position: str | None = "facts_changed"  # the index of rows by last_position, if the table has one
    texts: str = TEXTS_JOIN  # the join giving the texts a row leaves to the log (migration 18), if any
    listed_sources: str = "f.sources"  # how a listed row's sources are read where texts is ""


def versions_as_of(position: int) -> Source:
    """The past versions of facts that were current at a position (fact_versions, migration 15)."""
    return Source(
        "fact_versions",
        "fact_version_tags",
        "fact_versions_fts",
        until=position,
        spans="fact_versions_spans",
        key="replaced_at",
        replaced_after=position,
        by_position=None,  # few rows: walked whole
        texts="",  # versions keep their texts, but for sources counted (migration 19)
        listed_sources=VERSION_SOURCES,
    )


LIVE = (Source(),)


@dataclass(frozen=True)
class Listed:
    """A fact on a page: its state and its keyset position."""

    n: int
    sort_key: str
    state: FactState


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    facts: list[Listed]
    earlier: Cursor | None
    later: Cursor | None


def timeline_page(
    conn: sqlite3.Connection,
    query: TimelineQuery,
    sources: Sequence[Source] = LIVE,
    *,
    onward_only: bool = False,
) -> Page:
    """One page in the asked order, with cursors to the older and newer neighbours; onward_only: only the
    cursor onward in the asked order (the JSON API's `next`), sparing the other's neighbour check."""
    cursor = query.cursor
    older = cursor.older if cursor else query.order == "desc"
    key = (cursor.sort_key, cursor.n) if cursor else None
    rows = _fetch(conn, query.filters, sources, older, key, query.limit + 1)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    ends = sorted((r.sort_key, r.n) for r in rows) or ([key] if key else [])
    check = bool(ends and cursor)  # a first page has no neighbour on the side it starts from
    has_older = (
        more
        if older
        else check
        and not (onward_only and query.order == "asc")
        and _any_past(conn, query.filters, sources, True, ends[0])
    )
    has_newer = (
        more
        if not older
        else check
        and not (onward_only and query.order == "desc")
        and _any_past(conn, query.filters, sources, False, ends[-1])
    )
    rows.sort(key=lambda r: (r.sort_key, r.n), reverse=query.order == "desc")
    return Page(
        rows,
        Cursor(*ends[0], older=True) if has_older else None,
        Cursor(*ends[-1], older=False) if has_newer else None,
    )


class _Key(NamedTuple):
    """A fact's keyset position alone: what a neighbour check needs, without its texts and state."""

    n: int
    sort_key: str


def _any_past(conn, filters: Filters, sources: Sequence[Source], older: bool, key) -> bool:
    """Whether a fact lies past key: its keys alone are read, so no text is fetched from the log for it."""
    return bool(_fetch(conn, filters, sources, older, key, 1, keys_only=True))


def _fetch(
    conn,
    filters: Filters,
    sources: Sequence[Source],
    older: bool,
    key,
    limit: int,
    *,
    keys_only: bool = False,
) -> list:
    """Up to limit facts past key in one direction (Listed, or _Key with keys_only); a search with many hits
    probes FTS5 row by row.

    Only the live tables are probed: an as-of page's hits sit in two indexes. The probed walk reads keys
    alone, then the rows it keeps in one statement: about half the rows it probes miss, and each would
    cost a text read from the log and a FactState.
    """
    rows_left = probe_walk.budget(conn, filters.match, limit) if sources == LIVE else None
    if rows_left is None:
        return _fetch_sql(conn, filters, sources, older, key, limit, keys_only)
    plain = dataclasses.replace(filters, q="")
    listing = probe_walk.Listing(
        lambda after, size: _fetch_sql(conn, plain, sources, older, after, size, True),
        lambda after, size: _fetch_sql(conn, filters, sources, older, after, size, True),
        lambda row: (row.sort_key, row.n),
        lambda row: row.n,
    )
    found = probe_walk.walk(conn, filters.match, listing, key, limit, rows_left)
    return found if keys_only else _listed(conn, found)


# The facts view's columns spelt out over fact_rows: a statement naming the view resolves its columns
# first, ~40 us on each request's new connection.
_BY_N = (
    f"SELECT f.n, {viewed(STATE_COLUMNS)} FROM fact_rows f {TEXTS_JOIN}"
    " WHERE f.n IN (SELECT value FROM json_each(?))"
)


def states_by_n(conn: sqlite3.Connection, ns: Sequence[int]) -> dict[int, FactState]:
    """The live facts of these numbers (rowids), their rows and texts read in one statement."""
    return {row[0]: state_from_row(row[1:]) for row in conn.execute(_BY_N, (json.dumps(list(ns)),))}


def _listed(conn: sqlite3.Connection, keys: list[_Key]) -> list[Listed]:
    """The live facts at these keys, in the keys' order."""
    found = states_by_n(conn, [k.n for k in keys])
    return [Listed(k.n, k.sort_key, found[k.n]) for k in keys if k.n in found]


def _fetch_sql(
    conn, filters: Filters, sources: Sequence[Source], older: bool, key, limit: int, keys_only: bool = False
) -> list:
    """Up to limit facts past key in one direction, merged from every source and retracted state."""
    direction = "DESC" if older else "ASC"
    branches, params = [], []
    for source in sources:
        for retracted in filters.retracted_values:
            for sql, args, ks in _branches(conn, filters, source, retracted, older, key, keys_only):
                order = (
                    f"ORDER BY {ks}.sort_key {direction}, {ks}.n {direction}"  # the driving index's own order
                )
                branches.append(f"{sql} {order} LIMIT {int(limit)}")
                params += args
    # One branch is already in order: the merge would copy and sort its rows again (texts and all)
    sql = (
        branches[0]
        if len(branches) == 1
        else " UNION ALL ".join(f"SELECT * FROM ({b})" for b in branches)
        + f" ORDER BY 2 {direction}, 1 {direction} LIMIT {int(limit)}"
    )
    rows = conn.execute(*_with_hits(filters, sources, sql, params))
    if keys_only:
        return [_Key(row[0], row[1]) for row in rows]
    return [Listed(row[0], row[1], state_from_row(row[2:])) for row in rows]


def _with_hits(filters: Filters, sources: Sequence[Source], sql: str, params: list) -> tuple[str, list]:
    """The statement with each source's search hits read once, for every date piece that checks them.

    A date filter cuts a page into up to four pieces (_date_pieces); each read
    the hits of a common word again, which made search with `from` 2.5-7x
    slower (found in review). MATERIALIZED: read once, whoever asks.
    """
    if not _shares_hits(filters):
        return sql, params
    hits = ", ".join(
        f"{_hits(s)} AS MATERIALIZED (SELECT rowid AS n FROM {s.fts} WHERE {s.fts} MATCH ?)" for s in sources
    )
    return f"WITH {hits} {sql}", [filters.match] * len(sources) + params


def _shares_hits(filters: Filters) -> bool:
    """A search with `from` has several date pieces to share the hits; alone, one piece reads them inline
    (materialising them first cost ~6 ms more at 50k hits)."""
    return filters.match is not None and filters.start is not None


def _hits(source: Source) -> str:
    return "hits_" + re.sub(r"\W", "_", source.fts)


def _branches(
    conn, filters: Filters, source: Source, retracted: int, older: bool | None, key, keys_only: bool = False
) -> list[tuple[str, list, str]]:
    """SELECTs of fact columns FROM one source WHERE every filter holds, past key in time (older=None: unordered).

    The matching facts are the union of the disjoint date pieces (see
    _date_pieces), one SELECT each, so each piece walks its own index in
    (sort_key, n) order. Each also comes with the alias of the table whose
    (sort_key, n) drives its walk.
    """
    match = filters.match
    from_hits = match is not None and (older is None or _few_hits(conn, source, match))
    tags = _rarest_first(conn, source, filters.tags)
    if from_hits:  # the few hits are read and sorted anyway: one SELECT checks the overlap itself
        pieces = [_Piece(_overlap(filters), _overlap_params(filters))]
    else:
        pieces = _date_pieces(filters)
    pieces = [p for p in pieces if not _behind(p, older, key)]
    shared = _shares_hits(filters)
    return [
        _branch(source, retracted, tags, match, from_hits, piece, older, key, shared, keys_only)
        for piece in pieces
    ]


def _behind(piece: _Piece, older: bool | None, key) -> bool:
    """Whether a piece of one sort key lies wholly on the side of the cursor already shown."""
    if piece.exact is None or key is None:
        return False
    return piece.exact > key[0] if older else piece.exact < key[0]


def _branch(
    source: Source,
    retracted: int,
    tags: tuple[str, ...],
    match: str | None,
    from_hits: bool,
    piece: _Piece,
    older: bool | None,
    key,
    shared: bool,
    keys_only: bool = False,
) -> tuple[str, list, str]:
    frm, ks, where, params, tags = _driver(
        tags, source, match if from_hits else None, piece.spans, counting=older is None
    )
    params.append(retracted)
    for tag in tags:
        where.append(
            f"EXISTS (SELECT 1 FROM {source.tags} x WHERE x.tag = ? AND x.retracted = {ks}.retracted"
            f" AND x.sort_key = {ks}.sort_key AND x.n = {ks}.n{_same_row(source, 'x', ks)})"
        )
        params.append(tag)
    if match is not None and not from_hits:
        # Many hits: SQLite reads them once into a temporary index and checks each row
        # of the timeline walk against it. (Probing FTS per row costs a whole prefix
        # lookup each time: 1.6 ms per row for a common prefix at 100k facts.)
        if shared:  # read once per statement (_with_hits); "+" keeps the walk on the timeline
            # index: taken as an equality on n, SQLite drove a piece of one sort key from every hit, then sorted
            where.append(f"+f.{source.key} IN (SELECT n FROM {_hits(source)})")
        else:
            where.append(f"f.{source.key} IN (SELECT rowid FROM {source.fts} WHERE {source.fts} MATCH ?)")
            params.append(match)
    where += [condition.format(ks=ks) for condition in piece.where]
    params += piece.params
    if key is not None and piece.exact is not None:
        # One sort key: past the cursor is a range of n (or all of it), which the index
        # seeks; SQLite would rather take the row value as a sort_key range and sort.
        if piece.exact == key[0]:
            where.append(f"{ks}.n {'<' if older else '>'} ?")
            params.append(key[1])
    elif key is not None:
        where.append(f"({ks}.sort_key, {ks}.n) {'<' if older else '>'} (?, ?)")
        params += list(key)
    if source.until is not None:
        where.append("f.last_position <= ?")
        params.append(source.until)
    if source.replaced_after is not None:
        where.append("f.replaced_at > ?")
        params.append(source.replaced_after)
    wanted = _KEYS if keys_only else _COUNTED if older is None else None
    texts = source.texts if wanted is None else ""  # only listed facts read their texts from the log
    sql = f"SELECT {_columns(source, wanted)}, f.{source.key} AS k FROM {frm} {texts} WHERE {' AND '.join(where)}"
    return sql, params, ks


_KEYS = "n, sort_key"  # a neighbour check's
_COUNTED = "n, sort_key, retracted, tags"  # what summary counts by (unordered branches)


def _columns(source: Source, wanted: str | None) -> str:
    """A branch's columns: those wanted from the row alone, or a listed fact's as the facts view gives them
    (texts joined from the log where the source leaves them there: one page read a row)."""
    if wanted is not None:
        return ", ".join("f." + c.strip() for c in wanted.split(","))
    if source.texts:
        return viewed(_FACT_COLUMNS)
    return ", ".join(source.listed_sources if c == "sources" else "f." + c for c in _COLUMN_NAMES)


_COLUMN_NAMES = [c.strip() for c in _FACT_COLUMNS.split(",")]


def _same_row(source: Source, tags: str, facts: str) -> str:
    """The extra condition tying a tags row to its version, where one fact has several rows (versions)."""
    return "" if source.key == "n" else f" AND {tags}.{source.key} = {facts}.{source.key}"


def _driver(
    tags: tuple[str, ...], source: Source, match: str | None, spans: bool, *, counting: bool = False
) -> tuple[str, str, list, list, tuple[str, ...]]:
    """What the query walks: the search hits, the spans index, the first tag's index, or the timeline index
    (counting the facts of a past moment: its last_position index)."""
    if match is not None:
        hits = f"(SELECT rowid AS m FROM {source.fts} WHERE {source.fts} MATCH ?) s"
        return (
            f"{hits} CROSS JOIN {source.facts} f ON f.{source.key} = s.m",
            "f",
            ["f.retracted = ?"],
            [match],
            tags,
        )
    if spans:  # few rows whatever the tags: check every tag on them
        return f"{source.facts} f INDEXED BY {source.spans}", "f", ["f.retracted = ?"], [], tags
    if tags:
        frm = f"{source.tags} t CROSS JOIN {source.facts} f ON f.{source.key} = t.{source.key}"
        return frm, "t", ["t.tag = ?", "t.retracted = ?"], [tags[0]], tags[1:]
    if counting and source.until is not None and source.by_position:
        # The facts unchanged since a past moment lead the last_position index, stored near each other;
        # by the timeline index each was a random page read (cold, 10,001 of them at 1M: 1.25 s against 9 ms).
        return f"{source.facts} f INDEXED BY {source.by_position}", "f", ["f.retracted = ?"], [], tags
    return f"{source.facts} f", "f", ["f.retracted = ?"], [], tags


def _rarest_first(conn: sqlite3.Connection, source: Source, tags: tuple[str, ...]) -> tuple[str, ...]:
    """Walk the rarest tag's index: two tags that seldom meet then never walk the common one."""
    if len(tags) < 2:
        return tags
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {source.tags} WHERE tag = ? LIMIT {TAG_COUNT_LIMIT})"
    counts = {tag: conn.execute(sql, (tag,)).fetchone()[0] for tag in tags}
    return tuple(sorted(tags, key=counts.__getitem__))


def _few_hits(conn: sqlite3.Connection, source: Source, match: str) -> bool:
    """Whether a page should read every search hit and sort them, rather than walk the timeline.

    Sorting M hits costs about 2.6 us each; walking checks each timeline row
    against the hits (0.2 us per hit to prepare) and needs about page * N / M
    rows. They break even near M = sqrt(10 N), so either way the worst case
    grows with sqrt(N), not N.
    """
    facts = conn.execute(f"SELECT COALESCE(MAX(n), 0) FROM {source.facts}").fetchone()[0]
    limit = max(200, int(math.sqrt(FEW_HITS_FACTOR * facts)))
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {source.fts} WHERE {source.fts} MATCH ? LIMIT ?)"
    return conn.execute(sql, (match, limit + 1)).fetchone()[0] <= limit
