"""Read models built from the log; each batch and its checkpoint commit together."""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from events.domain.dates import precision_of, sort_key_of
from events.domain.fact import (
    FACT_EVENT_TYPES,
    FACT_RECORDED,
    PLANNED,
    FactState,
    evolve_stream,
    upcast,
    utc_text,
)
from events.log.clock import to_utc_text
from events.log.migrations import (
    ALL_PROJECTION_INDEX_NAMES,
    ALL_PROJECTION_INDEXES,
    DERIVED,
    TEXTS_FROM_LOG,
    TEXTS_JOIN,
    empty_projections,
    statements,
)
from events.log.model import Event
from events.log.store import (
    EVENT_COLUMNS,
    EventStore,
    canonical_json,
    event_from_row,
    loads_json,
    write_transaction,
)
from events.read import search_beside
from events.read.search_beside import SearchBeside

CHECKPOINT = "main"
BATCH = 5_000
SORTED_RUN_KIB = 512  # cache_size while rebuild sorts (_short_sorted_runs): each sorted run's bytes, at most
SORTER_HELPERS = 1  # threads SQLite's sorter may start while rebuild sorts (_short_sorted_runs)
_FACT_COLUMNS = (
    "n, fact_id, sort_key, date, end_date, precision, title, summary, tags, sources, origin, version,"
    " corrected, retracted, retraction_reason, first_recorded, last_recorded, last_position,"
    " merged_into, reviewed, split_off, planned"
)
# The search indexes, external content over facts and fact_versions (emptied by migrations.empty_projections).
SEARCH_INDEXES = ("facts_fts", "fact_versions_fts")
_PLACES = ", ".join("?" * len(_FACT_COLUMNS.split(",")))
_UPSERT_FACT = f"INSERT OR REPLACE INTO fact_rows ({_FACT_COLUMNS}, texts_from) VALUES ({_PLACES}, ?)"
_INSERT_VERSION = (
    f"INSERT INTO fact_versions (replaced_at, {_FACT_COLUMNS}, source_count) VALUES (?, {_PLACES}, ?)"
)
# Precision by length of an ISO fuzzy date (2024, 2024-05, 2024-05-17), as stored.
_PRECISION = {length: precision_of("2024-05-17"[:length]).value for length in (4, 7, 10)}
# The columns state_from_row reads, in its order (timeline pages select them too).
STATE_COLUMNS = (
    "fact_id, date, end_date, title, summary, tags, sources, origin, version, corrected, retracted,"
    " retraction_reason, first_recorded, last_recorded, last_position, merged_into, reviewed, split_off, planned"
)
# How a fact is listed, in facts.retracted (migration 10): merged-away facts are never listed.
LISTED, RETRACTED, MERGED_AWAY = 0, 1, 2
# The texts a fact_rows row may leave to its FactRecorded's payload (migration 18), by place in a _fact_row.
_LEFT_OUT = {"title": 6, "summary": 7, "sources": 9}
_UNKNOWN = object()  # a text of the payload not known to equal the row's: kept in the row


# A past version's sources as time travel reads them (migration 19): its own list, else the first source_count
# of the fact's next list, a later version's (fact_versions_lists finds it) or the fact's own (spelled out as the
# facts view gives it: a statement naming the view resolves its columns first, ~40 us a new connection).
VERSION_SOURCES = f"""coalesce(f.sources, (
    SELECT json_group_array(json(value)) FROM json_each(coalesce(
        (SELECT v.sources FROM fact_versions v INDEXED BY fact_versions_lists
         WHERE v.n = f.n AND v.replaced_at > f.replaced_at AND v.sources IS NOT NULL ORDER BY v.replaced_at LIMIT 1),
        (SELECT coalesce(l.sources, {TEXTS_FROM_LOG["sources"]}) FROM fact_rows l LEFT JOIN events e
         ON e.position = l.texts_from WHERE l.n = f.n)
    )) WHERE key < f.source_count
)) AS sources"""


def viewed(columns: str) -> str:
    """The columns as the facts view gives them, read from fact_rows f joined (TEXTS_JOIN) to events e:
    for queries that must name the table (INDEXED BY) and the few rows they return."""
    return ", ".join(
        f"coalesce(f.{c}, {TEXTS_FROM_LOG.get(c) or DERIVED[c]}) AS {c}"
        if c in TEXTS_FROM_LOG or c in DERIVED
        else f"f.{c}"
        for c in (column.strip() for column in columns.split(","))
    )


def _derived_left_out(row: list) -> None:
    """A fact_rows row (a list) without the columns DERIVED gives back: precision, last_recorded when it is
    first_recorded, split_off when empty."""
    row[5] = None
    if row[16] == row[15]:
        row[16] = None
    if row[20] == "[]":
        row[20] = None


def checkpoint(conn: sqlite3.Connection, schema: str = "main") -> int:
    row = conn.execute(
        f"SELECT position FROM {schema}.projection_checkpoints WHERE name = ?", (CHECKPOINT,)
    ).fetchone()
    return row[0] if row else 0


def catch_up(
    store: EventStore,
    *,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    appended: Sequence[Event] = (),
) -> int:
    """Project every event after the checkpoint; returns the new checkpoint.

    Safe to call from any process at any time: the write lock serialises
    projectors, and each re-reads the checkpoint inside its transaction.
    appended: events this connection has just appended, as the store returned
    them; when they are exactly what the projections lack, they are projected
    without being read back (ingest appends ~5 events an item and decoding
    them again cost ~20 us an item, measured). Their payloads are the
    caller's own objects: only pass events whose payloads hold JSON types
    and have not been changed since, or the projections would differ from
    a rebuild (`timeline verify` would say so).
    """
    if appended and _project_appended(store, appended):
        return appended[-1].position
    while True:
        with write_transaction(store.conn) as conn:
            start = checkpoint(conn)
            events = list(store.read(after=start, limit=batch))
            if not events:
                return start
            apply(conn, events, log_here=store.url is None)
            _set_checkpoint(conn, events[-1].position)
        if progress:
            progress(len(events))


def _project_appended(store: EventStore, events: Sequence[Event]) -> bool:
    """Apply events held in memory if they are every event after the checkpoint; False (nothing done) if not."""
    with write_transaction(store.conn) as conn:
        first, last = events[0].position, events[-1].position
        contiguous = all(b.position == a.position + 1 for a, b in zip(events, events[1:]))
        if not contiguous or checkpoint(conn) != first - 1 or store.last_position() != last:
            return False
        apply(conn, list(events), log_here=store.url is None)
        _set_checkpoint(conn, last)
    return True


def rebuild(store: EventStore, *, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Empty every projection and project the whole log again, in one transaction.

    Facts are written as the log is read; their tags, search index and
    secondary indexes are then built from the facts table in bulk, which
    SQLite does several times faster than row by row (bench/README.md). Each
    search index ends in one segment ('optimize'): a probe seeks every segment
    (events/read/index_merge.py), and 'rebuild' leaves several.
    """
    with search_beside.beside(store.conn, store.url is None) as beside, write_transaction(store.conn) as conn:
        touched = _AllWritten()
        if beside is not None:
            beside.start(conn, store.last_position())
        return _rebuilt(conn, lambda: _project_log(store, conn, batch, progress, touched), beside, touched)


def rebuild_from(conn: sqlite3.Connection, log: str, *, batch: int = BATCH) -> int:
    """rebuild's work into conn's own (empty) read models, from the log of the database attached as log,
    up to that database's checkpoint; returns the checkpoint.

    `timeline verify`'s throwaway read models, made by rebuild's fast path. Inside
    the caller's transaction, so what it reads of log is the snapshot the caller checks.
    Without what only pages read: verify compares rows by their primary keys, and puts
    the checked database's own search indexes beside the rebuilt facts to ask FTS5
    whether they agree, so building the search and secondary indexes would be wasted
    (at 100k: 1.61 -> 1.51 s CPU; the counts, summed without facts_timeline, take 0.09 s more).
    """
    until = checkpoint(conn, log)
    with write_transaction(conn):
        _rebuilt(
            conn, lambda: _project_attached(conn, log, until, batch, None, _AllWritten()), for_pages=False
        )
    return until


def _rebuilt(
    conn: sqlite3.Connection,
    project_log: Callable[[], int],
    beside: SearchBeside | None = None,
    touched: dict[str, int] | None = None,
    *,
    for_pages: bool = True,
) -> int:
    """Every projection emptied, project_log's facts rows and other read models, then (for_pages) their
    secondary and search indexes, tags and counts in bulk; returns the checkpoint set.

    beside: the facts' search index, being tokenised meanwhile; copied in last, and the facts
    project_log changed after their FactRecorded (touched, id -> n) indexed again."""
    with _bulk_settings(conn), _no_cycle_collection():
        empty_projections(conn)
        for index in ALL_PROJECTION_INDEX_NAMES:
            conn.execute(f"DROP INDEX IF EXISTS {index}")
        position = project_log()
        with _short_sorted_runs(conn, _helpers(beside)):
            for statement in statements(ALL_PROJECTION_INDEXES) if for_pages else ():
                conn.execute(statement)
        for table in SEARCH_INDEXES if for_pages else ():
            if beside is None or table != search_beside.TABLE:
                _build_search_index(conn, table)
        with _short_sorted_runs(conn, _helpers(beside)):  # the largest sort last: the thread is often done
            _derive_tags(conn, "")
            _derive_version_tags(conn, 0)
        _count_every_fact(conn, _helpers(beside))
        if beside is not None:
            beside.copy_into(conn)
            search_beside.refresh(conn, json.dumps(list((touched or {}).values())), position)
            _merge_settings(conn, search_beside.TABLE, _MERGE_ON)
    if position:  # like catch_up: an empty log has no checkpoint row
        _set_checkpoint(conn, position)
    return position


def _helpers(beside: SearchBeside | None) -> int:
    """Sorter helper threads for the next sort (_short_sorted_runs): none while the search index's
    thread still takes the second core (at 1M facts they slowed it as much as they saved)."""
    return 0 if beside is not None and beside.busy() else SORTER_HELPERS


# FTS5's merge settings while rebuild fills a search index, and after (FTS5's defaults).
_MERGE_OFF, _MERGE_ON = (("automerge", 0), ("crisismerge", 2000)), (("automerge", 4), ("crisismerge", 16))


def _build_search_index(conn: sqlite3.Connection, table: str) -> None:
    """The index filled from its content table and left in one segment.

    'rebuild' writes a segment per megabyte of terms and, by default, merges them
    as it goes; 'optimize' then merges them all again. With merging off until the
    'optimize', the terms are merged once: 10.6 -> 9.0 s at 1M facts (bench/README.md).
    """
    _merge_settings(conn, table, _MERGE_OFF)
    conn.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
    conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
    _merge_settings(conn, table, _MERGE_ON)


def _merge_settings(conn: sqlite3.Connection, table: str, settings: tuple[tuple[str, int], ...]) -> None:
    for option, value in settings:
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('{option}', {value})")


def _project_log(
    store: EventStore,
    conn: sqlite3.Connection,
    batch: int,
    progress: Callable[[int], None] | None,
    touched: dict[str, int],
) -> int:
    """rebuild's facts rows and other read models, without tags and search rows; returns the last position."""
    if store.url is None:
        return _project_attached(conn, "main", store.last_position(), batch, progress, touched)
    position, written = 0, {}
    for events in store.read_chunks(batch):
        apply(conn, events, written=written)  # the log is elsewhere: rows keep their texts
        position = events[-1].position
        if progress:
            progress(len(events))
    return position


def _project_attached(
    conn: sqlite3.Connection,
    log: str,
    until: int,
    batch: int,
    progress: Callable[[int], None] | None,
    written: _AllWritten,
) -> int:
    """The same from a log in a database conn has open (main, or attached as log), up to position until.

    Its recorded facts are written by one INSERT ... SELECT (_RECORDED_FACTS), and
    only the other events are decoded and folded here; written gets the facts they touched (id -> n).
    """
    log_here = log == "main"  # else the rows keep their texts: conn's own events table does not hold them
    texts = _LOGGED if log_here else _PAYLOAD_TEXTS
    recorded = conn.execute(_RECORDED_FACTS.format(log=log, **texts), (until,)).rowcount
    if progress and recorded > 0:
        progress(recorded)
    cursor = conn.execute(_LEFT.format(log=log), (until,))
    while rows := cursor.fetchmany(batch):
        apply(conn, [event_from_row(row) for row in rows], written=written, log_here=log_here)
        if progress:
            progress(len(rows))
    return until


# Every FactRecorded as its facts row (_recorded_row in SQL), numbered n = 1, 2, ... in log order as
# catch_up numbers them (fact_rows is empty, so each row's rowid is the last one plus one). The payload's
# tags and sources lists come out as SQLite spells them, which is canonical_json's spelling of the
# payload's own canonical JSON unless a string in them holds an escape: _LEFT folds those again.
# Texts: left to the log (_LOGGED) when it is conn's own, else copied from the payload (_PAYLOAD_TEXTS).
_RECORDED_FACTS = f"""INSERT INTO fact_rows ({_FACT_COLUMNS.removeprefix("n, ")}, texts_from)
SELECT stream_id, d || substr('-00-00', length(d) - 3), d, json_extract(payload, '$.end_date'), NULL,
       {{title}}, {{summary}}, coalesce(json_extract(payload, '$.tags'), '[]'), {{sources}},
       json_extract(payload, '$.origin'), version, 0, {LISTED}, NULL, recorded_at, NULL, position,
       NULL, 0, NULL, json_extract(payload, '$.status') IS '{PLANNED}', {{texts_from}}
FROM (SELECT *, json_extract(payload, '$.date') AS d FROM {{log}}.events WHERE type = '{FACT_RECORDED}' AND position <= ?)
ORDER BY position"""
_PAYLOAD_TEXTS = {
    "title": "json_extract(payload, '$.title')",
    "summary": "coalesce(json_extract(payload, '$.summary'), '')",
    "sources": "coalesce(json_extract(payload, '$.sources'), '[]')",
    "texts_from": "NULL",
}
# A payload without a title string has no row (texts_kept_or_logged), as NOT NULL refused it before.
_LOGGED = {
    "title": "NULL",
    "summary": "NULL",
    "sources": "NULL",
    "texts_from": "CASE json_type(payload, '$.title') WHEN 'text' THEN position END",
}
# What _RECORDED_FACTS left to fold: every other event, and the facts it may have spelt otherwise
# (a backslash in the payload, a time not in to_utc_text's form) or must refuse (a newer payload
# shape: upcast says so); their rows are written again.
_LEFT = (
    f"SELECT {EVENT_COLUMNS} FROM {{log}}.events WHERE position <= ? AND (type <> '{FACT_RECORDED}'"
    " OR schema_version <> 1 OR instr(payload, '\\') > 0 OR recorded_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-"
    "[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z') ORDER BY position"
)


class _AllWritten(dict):
    """rebuild's `written` once _RECORDED_FACTS has written every fact: each is found by its id."""

    def __contains__(self, fact_id: object) -> bool:
        return True


def needs_catch_up(store: EventStore) -> bool:
    return checkpoint(store.conn) < store.last_position()


def apply(
    conn: sqlite3.Connection,
    events: list[Event],
    *,
    written: dict[str, int] | None = None,
    log_here: bool = False,
) -> None:
    """Project a batch: facts folded and written once each, then the other read models.

    written is rebuild's: the facts it has written so far (id -> n), so only
    those are read back, and their tags and search rows wait for the bulk step.
    log_here: these events are in conn's own events table, so rows may leave
    texts to them (migration 18); else every row keeps its texts.
    """
    fact_events = [e for e in events if e.type in FACT_EVENT_TYPES]
    if fact_events:
        _apply_facts(conn, fact_events, written, log_here)
    for event in events:
        handler = OTHER_HANDLERS.get(event.type)
        if handler:
            handler(conn, event)


def _apply_facts(
    conn: sqlite3.Connection, events: list[Event], written: dict[str, int] | None, log_here: bool
) -> None:
    by_fact: dict[str, list[Event]] = {}
    for event in events:
        by_fact.setdefault(event.stream_id, []).append(event)
    earlier = list(by_fact) if written is None else [i for i in by_fact if i in written]
    known = _load_rows(conn, earlier) if earlier else {}
    numbers = {fact_id: n for fact_id, (n, _, _) in known.items()}
    next_n = conn.execute("SELECT COALESCE(MAX(n), 0) FROM fact_rows").fetchone()[0]
    rows, versions = [], []
    for fact_id, fact_events in by_fact.items():
        if fact_id not in numbers:
            next_n += 1
            numbers[fact_id] = next_n
        only_recorded = len(fact_events) == 1 and fact_events[0].type == FACT_RECORDED
        if written is not None and fact_id not in known and only_recorded:  # rebuild's common case
            rows.append(_recorded_row(numbers[fact_id], fact_events[0], log_here))
            continue
        recorded = fact_events[0].type == FACT_RECORDED  # a stream's first event: nothing before it
        previous, origin = known[fact_id][1:] if fact_id in known and not recorded else (None, None)
        if recorded:
            origin = _origin(fact_events[0]) if log_here else None
        state = _evolve_keeping_versions(numbers[fact_id], previous, fact_events, versions)
        rows.append(_row_of(numbers[fact_id], state, origin))
    if versions:
        _write_versions(conn, versions, derive=written is None)
    if written is None:
        _write_facts(conn, rows, _tags_rows((n, s) for n, s, _ in known.values()) if known else None)
    else:
        conn.executemany(_UPSERT_FACT, rows)
        written.update(numbers)


def _evolve_keeping_versions(
    n: int, previous: FactState | None, events: list[Event], versions: list[tuple]
) -> FactState:
    """The fact after its events, adding to versions each state they replaced (as fact_versions rows).

    One event at a time when there is something to keep, so time travel sees every
    state the log passed through, whatever the batches were (a rebuild's or an append's).
    """
    if previous is None and len(events) == 1:
        return evolve_stream(None, events)
    state = previous
    for event in events:
        replaced, state = state, evolve_stream(state, [event])
        if replaced is not None:
            versions.append(_version_row(event.position, n, replaced, state))
    assert state is not None
    return state


def _version_row(replaced_at: int, n: int, replaced: FactState, by: FactState) -> tuple:
    """A fact_versions row: sources that begin the list of the state that replaced it are kept as
    their count alone (migration 19: a fact's k-th source would copy the k-1 before it again)."""
    row = _fact_row(n, replaced)
    count = len(replaced.sources)
    if by.sources[:count] != replaced.sources:
        return (replaced_at, *row, None)
    at = _LEFT_OUT["sources"]
    return (replaced_at, *row[:at], None, *row[at + 1 :], count)


def _write_versions(conn: sqlite3.Connection, versions: list[tuple], derive: bool) -> None:
    """Past versions, in the order of the events that replaced them; with derive, their tags and search rows
    now (a rebuild derives them all at its end)."""
    versions.sort(key=lambda row: row[0])
    conn.executemany(_INSERT_VERSION, versions)
    if derive:
        first = versions[0][0]
        _derive_version_tags(conn, first)
        conn.execute(
            "INSERT INTO fact_versions_fts (rowid, title, summary, tags)"
            " SELECT replaced_at, title, summary, tags FROM fact_versions WHERE replaced_at >= ?",
            (first,),
        )


def _derive_version_tags(conn: sqlite3.Connection, first: int) -> None:
    """fact_version_tags rows of the versions replaced at or after position first, out of their tags."""
    conn.execute(
        "INSERT INTO fact_version_tags (tag, retracted, sort_key, n, replaced_at)"
        " SELECT t.value, f.retracted, f.sort_key, f.n, f.replaced_at FROM fact_versions f, json_each(f.tags) t"
        " WHERE f.replaced_at >= ? ORDER BY 1, 2, 3, 4, 5",
        (first,),
    )


def _write_facts(conn: sqlite3.Connection, rows: list[tuple], old_tags: list[tuple] | None) -> None:
    """Facts rows, then their tags and search rows derived from them.

    old_tags: the fact_tags rows of the facts being replaced (None: all are new),
    removed by their whole key: no index finds them by fact. The search index
    reads its text from facts (external content), so a fact's index rows go
    while the fact still holds the text they were made of.
    """
    numbers = (json.dumps([row[0] for row in rows]),)
    replace = old_tags is not None
    if replace:
        _count(conn, -1, numbers)
        conn.executemany(
            "DELETE FROM fact_tags WHERE tag = ? AND retracted = ? AND sort_key = ? AND n = ?", old_tags
        )
        conn.executemany("DELETE FROM facts_fts WHERE rowid = ?", [(row[0],) for row in rows])
    conn.executemany(_UPSERT_FACT, rows)
    where = "WHERE f.n IN (SELECT value FROM json_each(?))"  # the facts view: the texts a reader sees
    params = numbers
    _derive_tags(conn, where, params)
    _count(conn, 1, numbers)
    if replace:  # a count that reached 0 goes, so the tables equal a rebuild's (`timeline verify`)
        for table, _select in _COUNTED:
            conn.execute(f"DELETE FROM {table} WHERE facts = 0")
    conn.execute(
        f"INSERT INTO facts_fts (rowid, title, summary, tags) SELECT n, title, summary, tags FROM facts f {where}",
        params,
    )


def _tags_rows(facts: Iterable[tuple[int, FactState]]) -> list[tuple]:
    """The fact_tags rows (tag, retracted, sort_key, n) of facts as loaded (load_states), as _derive_tags made them."""
    return [(tag, listed_as(s), sort_key_of(s.date), n) for n, s in facts for tag in s.tags]


def _derive_tags(conn: sqlite3.Connection, where: str, params: tuple = ()) -> None:
    """fact_tags rows of the facts chosen by where, out of facts.tags: rebuild and catch_up share it."""
    conn.execute(
        "INSERT INTO fact_tags (tag, retracted, sort_key, n)"
        f" SELECT t.value, f.retracted, f.sort_key, f.n FROM fact_rows f, json_each(f.tags) t {where}"
        " ORDER BY 1, 2, 3, 4",  # in key order, the WITHOUT ROWID b-tree only appends
        params,
    )


# The kept counts (migrations._COUNTS): each fact's share, from its facts and fact_tags rows.
# {only} picks some facts (an append's) or, empty, all of them (rebuild).
_COUNTED = (
    (  # by day first, in the order of facts_timeline and of fact_tags' key, so only days are sorted
        # (rebuild at 1M facts: 0.3 -> 0.07 s CPU, tag_counts 1.3 -> 0.4-0.6 s; bench/README.md)
        "period_counts",
        "SELECT retracted, substr(sort_key, 1, 7), sum(c) FROM"
        " (SELECT retracted, sort_key, count(*) AS c FROM fact_rows {only} GROUP BY 1, 2) GROUP BY 1, 2",
    ),
    (
        "tag_counts",
        "SELECT tag, retracted, substr(sort_key, 1, 7), sum(c) FROM"
        " (SELECT tag, retracted, sort_key, count(*) AS c FROM fact_tags {only} GROUP BY 1, 2, 3) GROUP BY 1, 2, 3",
    ),
    (  # by tag set first: far fewer sets than facts (rebuild at 100k: 0.16 s, a self-join of fact_tags 1.4 s)
        "tag_pair_counts",
        "SELECT a.value, s.retracted, b.value, sum(s.c) FROM"
        " (SELECT tags, retracted, count(*) AS c FROM fact_rows {only} GROUP BY 1, 2) s,"
        " json_each(s.tags) a, json_each(s.tags) b GROUP BY 1, 2, 3",
    ),
)
_KEYS = {"period_counts": "retracted, period", "tag_counts": "tag, retracted, period"}
_ONLY = "WHERE n IN (SELECT value FROM json_each(?))"


def _count(conn: sqlite3.Connection, sign: int, numbers: tuple) -> None:
    """Add (sign 1) or take away (sign -1) the shares of the facts numbered in the JSON list numbers[0]."""
    for table, select in _COUNTED:
        key = _KEYS.get(table, "tag, retracted, other")
        sql = select.format(only=_ONLY)
        sql = sql.replace("count(*)", f"{sign} * count(*)")  # sum(s.c) then sums the signed counts
        conn.execute(
            f"INSERT INTO {table} {sql} ON CONFLICT ({key}) DO UPDATE SET facts = facts + excluded.facts",
            numbers,
        )


def _count_every_fact(conn: sqlite3.Connection, helpers: int) -> None:
    """The kept counts of every fact (rebuild), grouped in short sorted runs with a helper thread
    (_short_sorted_runs): the rebuild's own thread 1.26 -> 0.97 s CPU at 1M facts, where the tag pairs
    were counted from a Counter of the tag sets in Python (bench/README.md, ninth session)."""
    with _short_sorted_runs(conn, helpers):
        for table, select in _COUNTED:
            conn.execute(f"INSERT INTO {table} {select.format(only='')}")


@contextmanager
def _bulk_settings(conn: sqlite3.Connection, kib: int = 64_000) -> Iterator[None]:
    """A rebuild touches every page of the read models: give it 64 MB of cache, then the default back.

    And the pages it frees, every page of the old read models, are not overwritten with zeros
    (secure_delete, on in Debian's SQLite): that wrote each into the WAL again (emptying them at
    1M facts: ~1.0 -> 0.3 s CPU, bench/README.md). What they held is the log's, which stays."""
    before = [conn.execute(f"PRAGMA {pragma}").fetchone()[0] for pragma in ("cache_size", "secure_delete")]
    conn.execute(f"PRAGMA cache_size = -{kib}")
    conn.execute("PRAGMA secure_delete = OFF")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before[0]}")
        conn.execute(f"PRAGMA secure_delete = {before[1]}")


@contextmanager
def _short_sorted_runs(conn: sqlite3.Connection, helpers: int) -> Iterator[None]:
    """Rebuild's big sorts (fact_tags' 2.7M rows at 1M facts, the secondary indexes) in runs that fit the CPU's cache.

    SQLite's sorter sorts runs of up to cache_size bytes in memory, as linked lists, then
    merges the runs from temporary files. With _bulk_settings' 64 MB a run held over a million
    records scattered in the heap, and merging the lists waited on memory more than it compared
    (perf; integer keys sorted no faster). Short runs stay in the cache and their merge reads
    files in order: fact_tags at 1M 6.4 -> 4.1 s CPU, facts_timeline 1.5 -> 1.0 s (bench/README.md,
    eighth session). cache_size is given back after: the b-trees' reads and writes want it large.

    helpers: threads SQLite's sorter may start (PRAGMA threads), to sort each run while the
    connection's own thread reads the next: fact_tags at 1M 3.8 -> 2.3 s CPU of the rebuild's own
    thread, 3.8 -> 4.3 s of the process (bench/README.md, ninth session). The machine has two
    cores, and the search index's thread (search_beside) takes one for the first half of a rebuild.
    """
    before = [conn.execute(f"PRAGMA {pragma}").fetchone()[0] for pragma in ("cache_size", "threads")]
    conn.execute(f"PRAGMA cache_size = -{SORTED_RUN_KIB}")
    conn.execute(f"PRAGMA threads = {helpers}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before[0]}")
        conn.execute(f"PRAGMA threads = {before[1]}")


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Rebuild makes a few objects per event, none in a cycle, so reference counting frees them all.

    Left on, the cycle collector kept walking them: it took ~0.5 s of a 100k-event
    rebuild (measured), for nothing to collect. Off for the rebuild only.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fact_row(n: int, s: FactState) -> tuple:
    return (
        n,
        s.fact_id,
        sort_key_of(s.date),
        s.date,
        s.end_date,
        _PRECISION[len(s.date)],
        s.title,
        s.summary,
        canonical_json(s.tags),
        canonical_json(s.sources),
        s.origin,
        s.version,
        int(s.corrected),
        listed_as(s),
        s.retraction_reason,
        s.first_recorded,
        s.last_recorded,
        s.last_position,
        s.merged_into,
        int(s.reviewed),
        canonical_json(s.split_off),
        int(s.planned),
    )


def listed_as(state: FactState) -> int:
    """The facts.retracted value of a fact: LISTED, RETRACTED or MERGED_AWAY."""
    if state.merged_into is not None:
        return MERGED_AWAY
    return RETRACTED if state.retracted else LISTED


def _row_of(n: int, state: FactState, origin: tuple | None) -> tuple:
    """The fact_rows row of a fact: _fact_row, without each text that equals its FactRecorded's (origin,
    from _origin or _load_rows; None: every text kept), and the position of that event if any is left out."""
    return _left_out(_fact_row(n, state), origin)


def _left_out(fact_row: tuple, origin: tuple | None) -> tuple:
    row, left_out = list(fact_row), False
    _derived_left_out(row)
    for place, logged in zip(_LEFT_OUT.values(), origin[1:] if origin else ()):
        if row[place] == logged:
            row[place], left_out = None, True
    return (*row, origin[0] if left_out and origin else None)


def _origin(event: Event) -> tuple | None:
    """A FactRecorded's position and the texts its payload gives the facts view (TEXTS_FROM_LOG), in
    _LEFT_OUT's order; None for an older payload shape (the view reads the payload as it is stored)."""
    if event.schema_version != 1:
        return None
    p = event.payload
    texts = [p["title"], p.get("summary", ""), canonical_json(p.get("sources", ()))]
    # json_extract gives a list as stored: canonical_json's spelling, which an escape might not be;
    # and a string up to its first NUL, if it holds one
    unsure = (*(not isinstance(text, str) or "\x00" in text for text in texts[:2]), "\\" in texts[2])
    return (event.position, *(_UNKNOWN if no else text for text, no in zip(texts, unsure)))


def _recorded_row(n: int, event: Event, log_here: bool = False) -> tuple:
    """_row_of(n, evolve_stream(None, [event]), origin) for a FactRecorded, without building the FactState.

    Rebuild only: catch_up goes through evolve_stream, so `timeline verify` (catch_up
    against rebuild) and tests/test_projections.py check the two agree.
    """
    return _left_out(_recorded_texts_row(n, event), _origin(event) if log_here else None)


def _recorded_texts_row(n: int, event: Event) -> tuple:
    p = upcast(event).payload
    date, at = p["date"], utc_text(event.recorded_at)
    return (
        n,
        event.stream_id,
        sort_key_of(date),
        date,
        p.get("end_date"),
        _PRECISION[len(date)],
        p["title"],
        p.get("summary", ""),
        canonical_json(p.get("tags", ())),
        canonical_json(p.get("sources", ())),
        p["origin"],
        event.version,
        0,
        0,
        None,
        at,
        at,
        event.position,
        None,
        0,
        "[]",
        int(p.get("status") == PLANNED),
    )


# A fact's number, state (texts as the facts view gives them), then its texts_from and which texts its row
# leaves out, in _LEFT_OUT's order (_origin's shape).
_LOAD_ROWS = (
    f"SELECT f.n, {viewed(STATE_COLUMNS)}, f.texts_from, {', '.join(f'f.{c} IS NULL' for c in _LEFT_OUT)}"
    f" FROM fact_rows f {TEXTS_JOIN} WHERE f.fact_id IN (SELECT value FROM json_each(?))"
)


def _load_rows(
    conn: sqlite3.Connection, fact_ids: list[str]
) -> dict[str, tuple[int, FactState, tuple | None]]:
    """load_states with each fact's origin: its texts_from and the texts its row leaves to it (_UNKNOWN:
    kept in the row), so _row_of leaves out again those a change did not touch."""
    found = {}
    for row in conn.execute(_LOAD_ROWS, (json.dumps(fact_ids),)):
        state, (texts_from, *left_out) = state_from_row(row[1:-4]), row[-4:]
        texts = (state.title, state.summary, canonical_json(state.sources))
        origin = (texts_from, *(t if out else _UNKNOWN for t, out in zip(texts, left_out)))
        found[row[1]] = (row[0], state, origin if texts_from is not None else None)
    return found


def load_states(conn: sqlite3.Connection, fact_ids: list[str]) -> dict[str, tuple[int, FactState]]:
    rows = conn.execute(
        f"SELECT n, {STATE_COLUMNS} FROM facts WHERE fact_id IN (SELECT value FROM json_each(?))",
        (json.dumps(fact_ids),),
    )
    return {row[1]: (row[0], state_from_row(row[1:])) for row in rows}


def state_from_row(row: tuple) -> FactState:
    """A FactState from the columns named in STATE_COLUMNS, in that order."""
    return FactState(
        fact_id=row[0],
        date=row[1],
        end_date=row[2],
        title=row[3],
        summary=row[4],
        tags=tuple(loads_json(row[5])),
        sources=tuple(loads_json(row[6])),
        origin=row[7],
        version=row[8],
        corrected=bool(row[9]),
        retracted=row[10] == RETRACTED,
        retraction_reason=row[11],
        first_recorded=row[12],
        last_recorded=row[13],
        last_position=row[14],
        merged_into=row[15],
        reviewed=bool(row[16]),
        split_off=tuple(loads_json(row[17])),
        planned=bool(row[18]),
    )


def _set_checkpoint(conn: sqlite3.Connection, position: int) -> None:
    conn.execute(
        "INSERT INTO projection_checkpoints (name, position) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET position = excluded.position",
        (CHECKPOINT, position),
    )


# ------------------------------------------------------- articles and feeds


def _article_seen(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        "INSERT INTO articles (article_key, stream_id, url, title, feed, published, content_hash, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_key) DO UPDATE SET url = excluded.url,"
        " title = excluded.title, published = excluded.published, content_hash = excluded.content_hash,"
        " version = excluded.version",
        (
            p["key"],
            event.stream_id,
            p.get("url"),
            p["title"],
            p.get("feed"),
            p.get("published"),
            p["content_hash"],
            event.version,
        ),
    )


def _feed_polled(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    polled_at = p["polled_at"]
    ok = p["ok"]
    conn.execute(
        """INSERT INTO feed_status (feed, url, last_poll, last_success, last_error, error_streak, next_poll,
                                    etag, last_modified, moved_to, items_seen, items_kept)
           VALUES (:feed, :url, :at, CASE WHEN :ok THEN :at END, CASE WHEN :ok THEN NULL ELSE :error END,
                   CASE WHEN :ok THEN 0 ELSE 1 END, :next_poll, :etag, :last_modified, :moved_to, :seen, :kept)
           ON CONFLICT (feed) DO UPDATE SET
             url = excluded.url, last_poll = excluded.last_poll,
             last_success = COALESCE(excluded.last_success, feed_status.last_success),
             last_error = CASE WHEN :ok THEN feed_status.last_error ELSE excluded.last_error END,
             error_streak = CASE WHEN :ok THEN 0 ELSE feed_status.error_streak + 1 END,
             next_poll = excluded.next_poll,
             etag = CASE WHEN :ok THEN COALESCE(excluded.etag, feed_status.etag) ELSE feed_status.etag END,
             last_modified = CASE WHEN :ok THEN COALESCE(excluded.last_modified, feed_status.last_modified)
                                  ELSE feed_status.last_modified END,
             moved_to = CASE WHEN excluded.url IS feed_status.url THEN COALESCE(excluded.moved_to, feed_status.moved_to)
                             ELSE excluded.moved_to END,  -- a feed given a new URL starts again from it
             items_seen = feed_status.items_seen + excluded.items_seen,
             items_kept = feed_status.items_kept + excluded.items_kept""",
        {
            "feed": p["feed"],
            "url": p.get("url"),
            "at": polled_at,
            "ok": ok,
            "error": p.get("error"),
            "next_poll": p.get("next_poll"),
            "etag": p.get("etag"),
            "last_modified": p.get("last_modified"),
            "moved_to": p.get("moved_to"),
            "seen": p.get("items_seen", 0),
            "kept": p.get("items_kept", 0),
        },
    )


def _token_issued(conn: sqlite3.Connection, event: Event) -> None:
    p = event.payload
    conn.execute(
        "INSERT INTO tokens (token_id, name, hash, issued_at) VALUES (?, ?, ?, ?)",
        (p["token_id"], p["name"], p["hash"], to_utc_text(event.recorded_at)),
    )


def _token_revoked(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "UPDATE tokens SET revoked_at = ? WHERE token_id = ?",
        (to_utc_text(event.recorded_at), event.payload["token_id"]),
    )


OTHER_HANDLERS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    "TokenIssued": _token_issued,
    "TokenRevoked": _token_revoked,
    "ArticleIngested": _article_seen,
    "ArticleUpdated": _article_seen,
    "FeedPolled": _feed_polled,
}
