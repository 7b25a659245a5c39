"""The facts' search index of a rebuild, tokenised by a second connection in a thread while the rebuild
goes on, then copied in.

Tokenising is the largest step of a rebuild (7.9 s of 28.6 at 1M facts,
bench/README.md) and needs one core; the machine has two. SQLite releases the
GIL inside a statement, so a thread's connection can tokenise into a throwaway
file while the rebuild's connection writes fact rows, tags, counts and
indexes. The thread cannot read the rebuild's new rows (they are not committed),
so it reads what they are made of: every FactRecorded up to the rebuild's
checkpoint, numbered in log order as the rebuild numbers them, with the texts
the facts view gives an unchanged fact. The rebuild then copies the finished
index's shadow tables into its own transaction (a copy of pages, far cheaper
than tokenising) and indexes again the few facts later events changed
(`refresh`). A crash leaves at most the throwaway file, removed by the next
rebuild; the database keeps the old read models or the new.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from events.domain.fact import FACT_RECORDED

TABLE = "facts_fts"
# The shadow tables holding the index itself; facts_fts_config (merge settings) stays the database's own.
_COPIED = ("data", "idx", "docsize")
# A FactRecorded's indexed texts as the facts view gives them while its row leaves them to the log
# (migrations.TEXTS_FROM_LOG), and its tags as _RECORDED_FACTS writes them.
_TEXTS = (
    "json_extract(payload, '$.title'), coalesce(json_extract(payload, '$.summary'), ''),"
    " coalesce(json_extract(payload, '$.tags'), '[]')"
)
_RECORDED = f"type = '{FACT_RECORDED}' AND position <= ?"
# FTS5's merge settings while the index is filled: merged once, by the 'optimize' (projections._MERGE_OFF).
_FILLING = (("automerge", 0), ("crisismerge", 2000))


def database_file(conn: sqlite3.Connection) -> str | None:
    """The file of conn's main database; None for one in memory or a temporary one."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or None
    return None


class SearchBeside:
    """The index of the facts a rebuild makes from FactRecorded events, built by a thread from the database
    file path into path + '-rebuild-search', which the rebuild's connection attaches as beside to copy it
    (and detaches after its transaction: SQLite cannot detach a database a transaction holds)."""

    def __init__(self, path: str) -> None:
        self.path, self.file = path, f"{path}-rebuild-search"
        self._failed: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.attached = False

    def start(self, conn: sqlite3.Connection, until: int) -> None:
        """Tokenise the facts of the FactRecorded events up to position until (read inside conn's
        transaction, so the thread, which sees every committed event, indexes the same)."""
        create = conn.execute("SELECT sql FROM main.sqlite_master WHERE name = ?", (TABLE,)).fetchone()[0]
        self._thread = threading.Thread(target=self._build, args=(create, until), daemon=True)
        self._thread.start()

    def _build(self, create: str, until: int) -> None:
        try:
            conn = sqlite3.connect(f"file:{quote(self.file)}", uri=True, isolation_level=None)
            try:
                _tokenise(conn, f"file:{quote(self.path)}?mode=ro", create, until)
            finally:
                conn.close()
        except BaseException as failure:  # handed to the rebuild, which rolls back
            self._failed = failure

    def copy_into(self, conn: sqlite3.Connection) -> None:
        """Wait for the thread, then replace conn's index with its (inside conn's transaction)."""
        self._join()
        if self._failed is not None:
            raise self._failed
        conn.execute("ATTACH DATABASE ? AS beside", (self.file,))
        self.attached = True
        for shadow in _COPIED:
            conn.execute(f"DELETE FROM main.{TABLE}_{shadow}")
            conn.execute(f"INSERT INTO main.{TABLE}_{shadow} SELECT * FROM beside.{TABLE}_{shadow}")

    def busy(self) -> bool:
        """Whether the thread is still at work (on the second core)."""
        return self._thread is not None and self._thread.is_alive()

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()


@contextmanager
def beside(conn: sqlite3.Connection, wanted: bool) -> Iterator[SearchBeside | None]:
    """A SearchBeside for a rebuild around this block (its transaction inside), when wanted and conn's
    database is a file; else None. Detached and its file removed after, whatever happened.

    None too inside a transaction (an import projects the log it has not committed yet): the thread's
    connection would not see that log, and the outer transaction would keep beside attached."""
    path = database_file(conn)
    if not wanted or path is None or conn.in_transaction:
        yield None
        return
    search = SearchBeside(path)
    _remove(search.file)
    try:
        yield search
    finally:
        search._join()
        if search.attached:
            conn.execute("DETACH DATABASE beside")
        _remove(search.file)


def _tokenise(conn: sqlite3.Connection, log: str, create: str, until: int) -> None:
    """Fill a new facts_fts in conn (a throwaway file) from the FactRecorded events of log, one segment."""
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -64000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("ATTACH DATABASE ? AS log", (log,))
    conn.execute(create)
    for option, value in _FILLING:
        conn.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('{option}', {value})")
    conn.execute("BEGIN")
    conn.execute(
        f"INSERT INTO {TABLE} (rowid, title, summary, tags)"
        f" SELECT row_number() OVER (ORDER BY position), {_TEXTS} FROM log.events WHERE {_RECORDED}",
        (until,),
    )
    conn.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")
    conn.execute("COMMIT")


def refresh(conn: sqlite3.Connection, numbers: str, until: int) -> None:
    """Index again the facts numbered in the JSON list numbers, which events after their FactRecorded
    changed or made: each entry the thread made from a FactRecorded goes (FTS5 'delete' takes the texts
    it was made of), and the facts view's texts are indexed."""
    conn.execute(
        f"INSERT INTO {TABLE} ({TABLE}, rowid, title, summary, tags) SELECT 'delete', f.n, {_TEXTS}"
        f" FROM fact_rows f JOIN events ON stream_id = f.fact_id AND {_RECORDED}"
        " WHERE f.n IN (SELECT value FROM json_each(?))",
        (until, numbers),
    )
    conn.execute(
        f"INSERT INTO {TABLE} (rowid, title, summary, tags) SELECT n, title, summary, tags FROM facts"
        " WHERE n IN (SELECT value FROM json_each(?))",
        (numbers,),
    )


def _remove(file: str) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.remove(file + suffix)
        except FileNotFoundError:
            pass
