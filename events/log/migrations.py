"""Numbered schema migrations; the database's PRAGMA user_version says which have run.

Each migration is reviewed SQL, applied once, in order, inside one transaction.
Never edit a migration that has shipped: add the next number instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from events.log.errors import SchemaTooNew

_EVENT_LOG = """
-- The log. position is the global order of recording: AUTOINCREMENT so a
-- position is never reused, even after the highest row is gone (it never is).
CREATE TABLE events (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT    NOT NULL UNIQUE,          -- UUIDv7: time-ordered, cheap to index
    stream_id       TEXT    NOT NULL,                 -- e.g. the fact id
    version         INTEGER NOT NULL CHECK (version >= 1),
    type            TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL DEFAULT 1,       -- payload shape, for upcasting
    payload         TEXT    NOT NULL CHECK (json_valid(payload)),
    metadata        TEXT    NOT NULL CHECK (json_valid(metadata)),
    idempotency_key TEXT,                             -- shared by every event of one append
    batch_index     INTEGER NOT NULL DEFAULT 0,       -- 0 for the first event of an append
    recorded_at     TEXT    NOT NULL,                 -- UTC, ISO 8601 with microseconds
    -- Optimistic concurrency: two writers racing for the same version of a
    -- stream cannot both succeed.
    UNIQUE (stream_id, version)
);

-- Idempotency: one append per key. Only the first event of a batch carries
-- the uniqueness, the others share the key so the batch can be read back.
CREATE UNIQUE INDEX events_idempotency ON events (idempotency_key)
    WHERE idempotency_key IS NOT NULL AND batch_index = 0;

-- Time travel (as_of) finds the last position recorded before a moment.
CREATE INDEX events_recorded_at ON events (recorded_at);

-- History is append-only, enforced by SQLite itself for every connection.
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: UPDATE refused');
END;

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: DELETE refused');
END;

-- INSERT OR REPLACE deletes the old row without firing DELETE triggers while
-- recursive_triggers is off (the default). Refuse any insert that would
-- collide with an existing row before the conflict resolution runs.
CREATE TRIGGER events_refuse_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE position = NEW.position)
  OR EXISTS (SELECT 1 FROM events WHERE event_id = NEW.event_id)
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: an event cannot be replaced');
END;

CREATE TRIGGER events_refuse_replace_version BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE stream_id = NEW.stream_id AND version = NEW.version)
BEGIN
    SELECT RAISE(ABORT, 'concurrency conflict: stream version already recorded');
END;
"""

_PROJECTIONS = """
-- Read models, rebuilt from the log at will. Nothing here is a source of truth.

-- Where each projection has read the log up to; written in the same
-- transaction as the rows it covers.
CREATE TABLE projection_checkpoints (
    name     TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);

-- The current state of every fact. n is a compact rowid shared with the
-- FTS index; (sort_key, n) is the keyset for timeline pages.
CREATE TABLE facts (
    n              INTEGER PRIMARY KEY,
    fact_id        TEXT    NOT NULL UNIQUE,
    sort_key       TEXT    NOT NULL,          -- YYYY-MM-DD with 00 for unknown parts
    date           TEXT    NOT NULL,
    end_date       TEXT,
    precision      TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    summary        TEXT    NOT NULL,
    tags           TEXT    NOT NULL,          -- JSON list
    sources        TEXT    NOT NULL,          -- JSON list of objects
    origin         TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    corrected      INTEGER NOT NULL DEFAULT 0,
    retracted      INTEGER NOT NULL DEFAULT 0,
    retraction_reason TEXT,
    first_recorded TEXT    NOT NULL,
    last_recorded  TEXT    NOT NULL,
    last_position  INTEGER NOT NULL
);

-- Tag filters and the tag sidebar, in timeline order within a tag.
CREATE TABLE fact_tags (
    tag       TEXT    NOT NULL,
    retracted INTEGER NOT NULL,
    sort_key  TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (tag, retracted, sort_key, n)
) WITHOUT ROWID;

-- Full-text search over titles, summaries and tags; rowid = facts.n.
CREATE VIRTUAL TABLE facts_fts USING fts5 (
    title, summary, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Articles seen by ingest, by their dedupe key (GUID, else link, else hash).
CREATE TABLE articles (
    article_key  TEXT PRIMARY KEY,
    stream_id    TEXT NOT NULL,
    url          TEXT,
    title        TEXT NOT NULL,
    feed         TEXT,
    published    TEXT,
    content_hash TEXT NOT NULL,
    version      INTEGER NOT NULL
);
-- A second feed often carries the same article under its own GUID: the link finds it.
CREATE INDEX articles_by_url ON articles (url);
"""

_INGEST_STATE = """
-- Poll leases: one poll of a feed at a time across processes. Operational
-- state, not history, so it lives outside the log.
CREATE TABLE feed_leases (
    feed       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Feed health, projected from FeedPolled events.
CREATE TABLE feed_status (
    feed          TEXT PRIMARY KEY,
    url           TEXT,
    last_poll     TEXT,
    last_success  TEXT,
    last_error    TEXT,
    error_streak  INTEGER NOT NULL DEFAULT 0,
    next_poll     TEXT,
    etag          TEXT,
    last_modified TEXT,
    moved_to      TEXT,
    items_seen    INTEGER NOT NULL DEFAULT 0,
    items_kept    INTEGER NOT NULL DEFAULT 0
);
"""

# Secondary indexes of the projections. Rebuild drops them, loads, and creates
# them again: sorting once is much cheaper than updating them row by row.
PROJECTION_INDEXES = """
-- Timeline pages: live facts in date order, keyset on (sort_key, n).
CREATE INDEX facts_timeline ON facts (retracted, sort_key, n);
-- The Atom feed: most recently changed first.
CREATE INDEX facts_changed ON facts (last_position);
-- Replacing a fact's tags when it changes.
CREATE INDEX fact_tags_by_fact ON fact_tags (n);
"""
PROJECTION_INDEX_NAMES = ("facts_timeline", "facts_changed", "fact_tags_by_fact")

_TOKENS = """
-- Editor tokens, projected from TokenIssued / TokenRevoked: only scrypt hashes.
CREATE TABLE tokens (
    token_id   TEXT PRIMARY KEY,     -- the public half of a token, finds the row
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX tokens_by_name ON tokens (name);
"""

_GUARD_AND_SEARCH = """
-- INSERT OR REPLACE could still delete an event through the last unique
-- index the guard did not look at: the idempotency key (found November 2026,
-- a plain connection erased an event that way). The guard now covers every
-- unique key of the log. (events_refuse_replace_version stays as it was.)
DROP TRIGGER events_refuse_replace;
CREATE TRIGGER events_refuse_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE position = NEW.position)
  OR EXISTS (SELECT 1 FROM events WHERE event_id = NEW.event_id)
  OR (NEW.idempotency_key IS NOT NULL AND NEW.batch_index = 0
      AND EXISTS (SELECT 1 FROM events WHERE idempotency_key = NEW.idempotency_key AND batch_index = 0))
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: an event cannot be replaced');
END;

-- The search index keeps no copy of the text: it reads title, summary and
-- tags (the JSON list: the same words) from facts, so rebuild fills it in
-- one pass with the 'rebuild' command. Whoever writes facts must remove a
-- fact's index rows before changing the fact, and empty the index with
-- 'delete-all', never DELETE (which would read the text from facts).
DROP TABLE facts_fts;
CREATE VIRTUAL TABLE facts_fts USING fts5 (
    title, summary, tags,
    content = 'facts', content_rowid = 'n',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO facts_fts (facts_fts) VALUES ('rebuild');
"""

# Time travel (events/read/as_of.py) folds again the facts changed after a position.
# A fact with one event and a later position did not exist yet, so only facts
# with more than one event can need it: at 1M facts with 1.5% of them
# corrected, that is ~15k index entries to walk instead of half the table.
_REFOLD_INDEX = """
CREATE INDEX facts_changed_again ON facts (last_position) WHERE version > 1;
"""

# Date filters (events/read/filters.py) keep a fact whose days overlap the range. A fact
# starting before `from` overlaps it only if it is a month or year containing
# `from` (facts_timeline finds those by their key) or if its end date reaches
# `from`: this index finds those few spans by the last key they reach, 99 for
# unknown parts (2024-07 -> 2024-07-99). The expression must stay exactly
# events/read/date_ranges._SPAN_END for SQLite to use it.
_SPAN_INDEX = """
CREATE INDEX facts_spans ON facts (retracted, substr(end_date || '-99-99', 1, 10), sort_key, n)
    WHERE end_date IS NOT NULL;
"""

# Search matches inflections (summit/summits, meeting/meetings, attacked/attacks):
# the porter stemmer wraps the same unicode61 tokenizer, so the index holds
# stems, and FTS5 stems the words of a query alike (a prefix too: "summits"*
# searches summit*). The index is built again from facts in one pass, as
# _GUARD_AND_SEARCH did; the table keeps its columns and its content options,
# so projections and rebuild use it unchanged. The as_of view's temp table must
# use the same tokenizer (events/read/search.py TOKENIZE).
_STEMMED_SEARCH = """
DROP TABLE facts_fts;
CREATE VIRTUAL TABLE facts_fts USING fts5 (
    title, summary, tags,
    content = 'facts', content_rowid = 'n',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO facts_fts (facts_fts) VALUES ('rebuild');
"""

# Article pages of feeds set to fetch_article (timeline/ingest/pages.py): each page's
# main text, or why there is none, so a page is fetched once and a failure tried
# again only after a day. Operational state like feed_leases: neither the log nor a
# projection (rebuild leaves it alone); losing it costs only fetching pages again.
_ARTICLE_PAGES = """
CREATE TABLE article_pages (
    url        TEXT PRIMARY KEY,                  -- the item's link, as its feed gave it
    fetched_at TEXT NOT NULL,                     -- UTC; a failure is tried again a day after
    status     TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    text       TEXT,                              -- the main text, when ok
    error      TEXT                               -- what went wrong, when failed
);
"""

# Editors' fixes of the machine's facts (events/domain/fact.py: FactMerged, FactMergedInto,
# FactSplit, FactReviewed). facts.retracted, and fact_tags.retracted copied from it, now say
# how a fact is listed: 0 live, 1 retracted (listed with show=retracted), 2 merged into
# another fact (never listed; its page and the API say where it went). Every timeline,
# count, tag and search query already picks its values of that column, and the indexes
# lead with it, so merged-away facts leave them all with no other condition and no index.
# No fact was merged before this migration, so no row needs a 2.
_EDITORS_FIXES = """
ALTER TABLE facts ADD COLUMN merged_into TEXT;                        -- the fact it was merged into
ALTER TABLE facts ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;     -- the review queue leaves it out
ALTER TABLE facts ADD COLUMN split_off TEXT NOT NULL DEFAULT '[]';    -- JSON list of URLs split off it
"""

# Facts reported before they took place ("the ministers will meet next week"): shown as planned
# until a report published on or after their first day confirms them (events/domain/fact.py).
_PLANNED = """
ALTER TABLE facts ADD COLUMN planned INTEGER NOT NULL DEFAULT 0;      -- 1: not confirmed as having happened
"""

# Sessions an editor ended by signing out (events/log/sessions.py): the session lives in a signed
# cookie, so without this a copied cookie kept working after logout. Not a projection: the log
# does not record sessions, and rebuild leaves this table alone.
_ENDED_SESSIONS = """
CREATE TABLE ended_sessions (
    session_id TEXT PRIMARY KEY,   -- the random id sign-in put in the cookie
    ended_at   TEXT NOT NULL       -- UTC; rows older than a session's lifetime are pruned
) WITHOUT ROWID;
"""

# Counts kept on append (issue 19): the sidebar and chart of the timeline, unfiltered or
# by one tag, were counted over every matching fact again after each append (0.4 s at 1M
# facts for `/`, 1.7 s for a tag). Whoever writes facts adds and subtracts each fact's
# share in the same transaction (events/read/projections.py); rebuild fills them in bulk.
# period is substr(sort_key, 1, 7): YYYY-MM, 00 for an unknown month. retracted is the
# facts.retracted value, so a view picks its values as the timeline queries do.
_COUNTS = """
CREATE TABLE period_counts (
    retracted INTEGER NOT NULL,
    period    TEXT    NOT NULL,
    facts     INTEGER NOT NULL,
    PRIMARY KEY (retracted, period)
) WITHOUT ROWID;
-- Per tag and period: a tag's chart, and (summed) the tag sidebar of the whole timeline.
CREATE TABLE tag_counts (
    tag       TEXT    NOT NULL,
    retracted INTEGER NOT NULL,
    period    TEXT    NOT NULL,
    facts     INTEGER NOT NULL,
    PRIMARY KEY (tag, retracted, period)
) WITHOUT ROWID;
-- Facts that carry both tags (a tag with itself: all of its facts): one tag's sidebar.
CREATE TABLE tag_pair_counts (
    tag       TEXT    NOT NULL,
    retracted INTEGER NOT NULL,
    other     TEXT    NOT NULL,
    facts     INTEGER NOT NULL,
    PRIMARY KEY (tag, retracted, other)
) WITHOUT ROWID;
INSERT INTO period_counts SELECT retracted, substr(sort_key, 1, 7), count(*) FROM facts GROUP BY 1, 2;
INSERT INTO tag_counts SELECT tag, retracted, substr(sort_key, 1, 7), count(*) FROM fact_tags GROUP BY 1, 2, 3;
INSERT INTO tag_pair_counts SELECT a.value, s.retracted, b.value, sum(s.c)
    FROM (SELECT tags, retracted, count(*) AS c FROM facts GROUP BY 1, 2) s, json_each(s.tags) a, json_each(s.tags) b
    GROUP BY 1, 2, 3;
"""

# The log becomes a hash chain (events/log/chain.py): each event's hash covers its content and
# the hash before it, so `timeline verify` finds an edit, insert, reorder or removal made with the
# triggers dropped, and `timeline head` / `verify --head` a cut tail. The hash lives in the event's
# own row, written by the store in the same INSERT: no second table to write on every append. A
# NULL hash cannot be refused here (the existing rows are NULL until the chain is computed), so
# verify names it. The chain over an existing log is computed once, by the store (the log's only
# writer; it needs SHA-256, which SQLite lacks).
_HASH_COLUMN = """
ALTER TABLE events ADD COLUMN hash BLOB CHECK (length(hash) = 32);  -- SHA-256, chained
"""


def _hash_chain(conn: sqlite3.Connection) -> None:
    from events.log.store import chain_existing_log  # imported here: the store imports this module

    for statement in statements(_HASH_COLUMN):
        conn.execute(statement)
    chain_existing_log(conn)


# Time travel reads past versions from an index instead of folding the log on each request (issue 19):
# every time a fact changes, the version it replaces is kept with the position of the event that
# replaced it, so "as of position P" is the current facts last changed at or before P plus the
# versions current at P (last_position <= P < replaced_at), both walked by the same keyset queries
# (events/read/timeline.py). An event changes one fact, so replaced_at identifies a version. Its tags
# and search rows are kept beside it, as facts' are. The refold index is no longer read. Existing
# projections hold no versions: they are emptied here and projected again from the log by the next
# catch_up (the projector of `timeline serve`, or `timeline rebuild`).
_FACT_VERSIONS_TABLES = """
CREATE TABLE fact_versions (
    replaced_at       INTEGER PRIMARY KEY,   -- the position of the event that ended this version
    n                 INTEGER NOT NULL,      -- the fact's number in facts
    fact_id           TEXT    NOT NULL,
    sort_key          TEXT    NOT NULL,
    date              TEXT    NOT NULL,
    end_date          TEXT,
    precision         TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    summary           TEXT    NOT NULL,
    tags              TEXT    NOT NULL,
    sources           TEXT    NOT NULL,
    origin            TEXT    NOT NULL,
    version           INTEGER NOT NULL,
    corrected         INTEGER NOT NULL,
    retracted         INTEGER NOT NULL,
    retraction_reason TEXT,
    first_recorded    TEXT    NOT NULL,
    last_recorded     TEXT    NOT NULL,
    last_position     INTEGER NOT NULL,      -- the position from which this version was current
    merged_into       TEXT,
    reviewed          INTEGER NOT NULL,
    split_off         TEXT    NOT NULL,
    planned           INTEGER NOT NULL
);
CREATE TABLE fact_version_tags (
    tag         TEXT    NOT NULL,
    retracted   INTEGER NOT NULL,
    sort_key    TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    replaced_at INTEGER NOT NULL,
    PRIMARY KEY (tag, retracted, sort_key, n, replaced_at)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE fact_versions_fts USING fts5 (
    title, summary, tags,
    content = 'fact_versions', content_rowid = 'replaced_at',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
DROP INDEX facts_changed_again;
"""
_FACT_VERSIONS_INDEXES = """
CREATE INDEX fact_versions_timeline ON fact_versions (retracted, sort_key, n);
CREATE INDEX fact_version_tags_by_version ON fact_version_tags (replaced_at);
CREATE INDEX fact_versions_spans ON fact_versions (retracted, substr(end_date || '-99-99', 1, 10), sort_key, n)
    WHERE end_date IS NOT NULL;
"""


def _fact_versions(conn: sqlite3.Connection) -> None:
    for statement in statements(_FACT_VERSIONS_TABLES + _FACT_VERSIONS_INDEXES):
        conn.execute(statement)
    empty_projections(conn, _TABLES_OF_15)


# Time travel (EventStore.position_as_of) needs the time of each append, not of each event: an
# append's events share one recorded_at and sit at consecutive positions, the first with batch_index
# 0. So only first events are indexed, and a batched append adds one entry, not one an event. Why it
# mattered (issue 15): inside an append's transaction each 64-row INSERT copies the pages it changes
# that were there before it (the tails of the table and its indexes) into SQLite's statement journal,
# kept in memory up to 64 KiB, then in a temporary file. Every index tail counts; with the chain's 33
# bytes a row every 1,000-event append went over, ~470 writes into the file (a67b72c: 3 appends in 10).
# Without this index's tail: none (bench/README.md "Appends with the hash chain").
_APPEND_TIMES = """
DROP INDEX events_recorded_at;
CREATE INDEX events_appended_at ON events (recorded_at) WHERE batch_index = 0;
"""
# A fact's tags rows are removed by their whole key (the projector has the fact's old tags, date and
# listing in hand when it changes), so the index of tags rows by fact was only written, never read:
# 7.4 MB per 100,000 facts, and its build a tenth of a rebuild (bench/README.md). Past versions'
# tags rows are never removed one by one, and no query reads them by version alone.
_NO_TAGS_BY_FACT = """
DROP INDEX fact_tags_by_fact;
DROP INDEX fact_version_tags_by_version;
"""
_DROPPED_INDEXES = ("fact_tags_by_fact", "fact_version_tags_by_version")


# Issue 19, database size: a fact's title, summary and sources are already in its FactRecorded's payload
# (~380 bytes a fact of ~410 in its row), so the row leaves out those its log event still says: NULL, and
# texts_from names the event (NULL: the row holds all of them). The rows move to fact_rows, and facts
# becomes the view every reader already names, the search index's content included: each text is the
# row's, else the payload's. A fact corrected or given sources keeps the changed texts in its row. tags
# stay in the row: every count and tags row is derived from them, and they are 27 bytes a fact. Where
# the log is elsewhere (PostgreSQL, issue 20: the node's file has an empty events table) rows keep every
# text and the join finds nothing. Existing rows are copied, each text left out where it equals its
# payload's. The expressions are the projector's (events/read/projections.py TEXTS_FROM_LOG).
TEXTS_FROM_LOG = {
    "title": "json_extract(e.payload, '$.title')",
    "summary": "coalesce(json_extract(e.payload, '$.summary'), '')",
    "sources": "coalesce(json_extract(e.payload, '$.sources'), '[]')",
}
# And columns the row itself says otherwise, on any backend (no join): the precision of the date's length
# (events/domain/dates.py), a last change that was the first record, no URL split off. NULL in the row.
DERIVED = {
    "precision": "CASE length(f.date) WHEN 4 THEN 'year' WHEN 7 THEN 'month' ELSE 'day' END",
    "last_recorded": "f.first_recorded",
    "split_off": "'[]'",
}
_DERIVED_COPY = {
    "precision": "NULL",
    "last_recorded": "nullif(last_recorded, first_recorded)",
    "split_off": "nullif(split_off, '[]')",
}


def _copied(column: str) -> str:
    if column in TEXTS_FROM_LOG:
        return f"nullif({column}, {column}_logged)"
    return _DERIVED_COPY.get(column, column)


def _viewed(column: str) -> str:
    fallback = TEXTS_FROM_LOG.get(column) or DERIVED.get(column)
    return f"coalesce(f.{column}, {fallback}) AS {column}" if fallback else f"f.{column}"


_FACT_ROWS_COLUMNS = (
    "n, fact_id, sort_key, date, end_date, precision, title, summary, tags, sources, origin, version, corrected,"
    " retracted, retraction_reason, first_recorded, last_recorded, last_position, merged_into, reviewed,"
    " split_off, planned"
)
FACTS_VIEW_COLUMNS = ", ".join(_viewed(column) for column in _FACT_ROWS_COLUMNS.split(", "))
# The log event whose payload gives a row's left-out texts (LEFT JOIN: none in a node's file).
TEXTS_JOIN = "LEFT JOIN events e ON e.position = f.texts_from"
_FACT_ROWS_INDEXES = """
CREATE INDEX facts_timeline ON fact_rows (retracted, sort_key, n);
CREATE INDEX facts_changed ON fact_rows (last_position);
CREATE INDEX facts_spans ON fact_rows (retracted, substr(end_date || '-99-99', 1, 10), sort_key, n)
    WHERE end_date IS NOT NULL;
"""
_FACT_ROWS = f"""
CREATE TABLE fact_rows (
    n              INTEGER PRIMARY KEY,
    fact_id        TEXT    NOT NULL UNIQUE,
    sort_key       TEXT    NOT NULL,
    date           TEXT    NOT NULL,
    end_date       TEXT,
    precision      TEXT,                      -- NULL: of the date's length
    title          TEXT,                      -- NULL: its texts_from payload's
    summary        TEXT,                      -- NULL: its texts_from payload's
    tags           TEXT    NOT NULL,          -- JSON list
    sources        TEXT,                      -- JSON list of objects; NULL: its texts_from payload's
    origin         TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    corrected      INTEGER NOT NULL DEFAULT 0,
    retracted      INTEGER NOT NULL DEFAULT 0,
    retraction_reason TEXT,
    first_recorded TEXT    NOT NULL,
    last_recorded  TEXT,                      -- NULL: first_recorded
    last_position  INTEGER NOT NULL,
    merged_into    TEXT,
    reviewed       INTEGER NOT NULL DEFAULT 0,
    split_off      TEXT,                      -- JSON list; NULL: none
    planned        INTEGER NOT NULL DEFAULT 0,
    texts_from     INTEGER,                   -- the FactRecorded position whose payload has the NULL texts
    -- what NOT NULL said before: a text is in the row or in the log (a payload without a title fails here)
    CONSTRAINT texts_kept_or_logged CHECK (texts_from IS NOT NULL OR title IS NOT NULL AND summary IS NOT NULL
                                           AND sources IS NOT NULL)
);
INSERT INTO fact_rows ({_FACT_ROWS_COLUMNS}, texts_from)
SELECT {", ".join(_copied(c) for c in _FACT_ROWS_COLUMNS.split(", "))},
       CASE WHEN {" OR ".join(f"{c} IS {c}_logged" for c in TEXTS_FROM_LOG)} THEN logged END
FROM (SELECT f.*, e.position AS logged, {", ".join(f"CASE WHEN e.position IS NOT NULL THEN {x} END AS {c}_logged" for c, x in TEXTS_FROM_LOG.items())}
      FROM facts f LEFT JOIN events e ON e.stream_id = f.fact_id AND e.version = 1
      AND e.type = 'FactRecorded' AND e.schema_version = 1)
ORDER BY n;
DROP TABLE facts;
CREATE VIEW facts AS SELECT {FACTS_VIEW_COLUMNS} FROM fact_rows f {TEXTS_JOIN};
{_FACT_ROWS_INDEXES}
"""


# Issue 19 (found measuring issue 18's ingest): a version copied the fact's whole sources list, so a fact's
# k-th source copied the k-1 before it again: on the ingest bench's feeds, where one planned summit gathers
# 718 reports, a 3.7 MB log left 179 MB of version rows. A version whose sources begin the list of the
# state that replaced it (a source added; a merge's sources moved in) keeps their count alone (sources
# NULL): time travel reads them from the first later version that kept its list, or from the fact
# (events/read/projections.py VERSION_SOURCES), found by fact_versions_lists. Existing rows are left so
# here, as the projector would leave them (so verify finds a rebuild's rows).
_LISTED_SOURCES = "    sources           TEXT    NOT NULL,\n"
_COUNTED_SOURCES = (
    "    sources           TEXT,                  -- NULL: the first source_count of the next list\n"
)
_VERSION_LISTS_INDEX = """
CREATE INDEX fact_versions_lists ON fact_versions (n, replaced_at) WHERE sources IS NOT NULL;
"""


def _versions_counting_table() -> str:
    """Migration 19's script: fact_versions as 15 made it, sources nullable beside a count, rows copied."""
    table = next(s for s in statements(_FACT_VERSIONS_TABLES) if s.startswith("CREATE TABLE fact_versions "))
    assert _LISTED_SOURCES in table
    counting = table.replace("fact_versions", "fact_versions_counted", 1).replace(
        _LISTED_SOURCES, _COUNTED_SOURCES
    )
    indexes = _FACT_VERSIONS_INDEXES.replace(
        "CREATE INDEX fact_version_tags_by_version ON fact_version_tags (replaced_at);", ""
    )
    return f"""
{counting.removesuffix(chr(10) + ");")},
    source_count      INTEGER,               -- with sources NULL: how many sources this version had
    CONSTRAINT sources_listed_or_counted CHECK (sources IS NOT NULL OR source_count IS NOT NULL)
);
INSERT INTO fact_versions_counted SELECT *, NULL FROM fact_versions ORDER BY replaced_at;
DROP TABLE fact_versions;
ALTER TABLE fact_versions_counted RENAME TO fact_versions;
{indexes}
{_VERSION_LISTS_INDEX}
"""


def _versions_counting_sources(conn: sqlite3.Connection) -> None:
    import json  # a migration's own: the schema module needs no JSON anywhere else

    for statement in statements(_versions_counting_table()):
        conn.execute(statement)
    counted, fact, later = [], None, None
    rows = conn.execute(
        "SELECT v.n, v.replaced_at, v.sources, (SELECT f.sources FROM facts f WHERE f.n = v.n)"
        " FROM fact_versions v ORDER BY v.n, v.replaced_at DESC"
    )
    for n, replaced_at, sources, live in rows:
        if n != fact:
            fact, later = n, json.loads(live) if live is not None else None
        kept = json.loads(sources)
        if later is not None and later[: len(kept)] == kept:
            counted.append((len(kept), replaced_at))
        later = kept
    conn.executemany(
        "UPDATE fact_versions SET sources = NULL, source_count = ? WHERE replaced_at = ?", counted
    )


def empty_projections(conn: sqlite3.Connection, tables: tuple[str, ...] | None = None) -> None:
    """Every projection table emptied and the checkpoint gone: the next catch_up projects the whole log.

    tables: those of an older schema (a migration's), else PROJECTION_TABLES."""
    for table in PROJECTION_TABLES if tables is None else tables:
        if table.endswith("_fts"):  # external content: DELETE would read the text from its table
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
        else:
            conn.execute(f"DELETE FROM {table}")


# A migration is SQL, or a function of the connection run inside the migration's transaction.
MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    _EVENT_LOG,
    _PROJECTIONS + PROJECTION_INDEXES,
    _INGEST_STATE,
    _TOKENS,
    _GUARD_AND_SEARCH,
    _REFOLD_INDEX,
    _SPAN_INDEX,
    _STEMMED_SEARCH,
    _ARTICLE_PAGES,
    _EDITORS_FIXES,
    _PLANNED,
    _ENDED_SESSIONS,
    _COUNTS,
    _hash_chain,
    _fact_versions,
    _APPEND_TIMES,
    _NO_TAGS_BY_FACT,
    _FACT_ROWS,
    _versions_counting_sources,
)
SCHEMA_VERSION = len(MIGRATIONS)
# Tables that projections own; rebuild empties and refills exactly these.
PROJECTION_TABLES = (
    "fact_rows",
    "fact_tags",
    "facts_fts",
    "fact_versions",
    "fact_version_tags",
    "fact_versions_fts",
    "articles",
    "feed_status",
    "tokens",
    "period_counts",
    "tag_counts",
    "tag_pair_counts",
    "projection_checkpoints",
)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def refuse_newer_schema(conn: sqlite3.Connection) -> None:
    """A database from a newer program is refused before anything touches it."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database schema version {current} is newer than this program's {SCHEMA_VERSION}: upgrade sco-timeline"
        )


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; refuse a database from a newer program."""
    refuse_newer_schema(conn)
    current = schema_version(conn)
    for number in range(current, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) == number:  # another process may have migrated meanwhile
                _run(conn, MIGRATIONS[number])
                conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


def _run(conn: sqlite3.Connection, migration: str | Callable[[sqlite3.Connection], None]) -> None:
    if callable(migration):
        migration(conn)
        return
    for statement in statements(migration):
        conn.execute(statement)


def append_only_triggers() -> dict[str, str]:
    """The log's guard triggers as the migrations last define them, by name (verify checks they are there)."""
    found = {}
    for migration in MIGRATIONS:
        for statement in statements(migration) if isinstance(migration, str) else ():
            sql = without_comments(statement)
            words = sql.split()
            if words[:2] == ["CREATE", "TRIGGER"] and words[5:7] == ["ON", "events"]:
                found[words[2]] = sql
    return found


def without_comments(sql: str) -> str:
    """A statement with its -- comment lines left out and its spacing made single (to compare two spellings)."""
    return (
        " ".join(" ".join(line.split()) for line in sql.splitlines() if not line.strip().startswith("--"))
        .strip()
        .rstrip(";")
    )


def statements(script: str) -> list[str]:
    """Split a script into complete statements (triggers contain semicolons)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]


# Every secondary index of the projections, for rebuild to drop and create again.
ALL_PROJECTION_INDEXES = "\n".join(
    statement
    for statement in statements(_FACT_ROWS_INDEXES + _FACT_VERSIONS_INDEXES + _VERSION_LISTS_INDEX)
    if not any(f"INDEX {name} " in statement for name in _DROPPED_INDEXES)
)
ALL_PROJECTION_INDEX_NAMES = tuple(
    name
    for name in (
        *PROJECTION_INDEX_NAMES,
        "facts_spans",
        "fact_versions_timeline",
        "fact_versions_spans",
        "fact_versions_lists",
    )
    if name not in _DROPPED_INDEXES
)
# The projection tables as migration 15 found them (facts was still a table).
_TABLES_OF_15 = tuple("facts" if table == "fact_rows" else table for table in PROJECTION_TABLES)
