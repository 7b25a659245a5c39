"""Merging the search indexes into one segment each, a little at a time, when no one is writing.

FTS5 writes one segment per write transaction and merges them only in groups
(automerge), so a rebuild left 7-8 and every append adds one more. A search
probe (`MATCH ? AND rowid = ?`, events/read/probe_walk.py) seeks the term in
every segment: at 100k facts 63 us with 8 segments, 6 us with one (issue 19).
A negative 'merge' takes every segment whatever its level, a bounded number
of pages per step, so each step holds the write lock briefly. It moves no
row: the index says what a rebuild's does (`timeline verify` agrees).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from events.log.store import write_transaction
from events.read.projections import SEARCH_INDEXES, checkpoint

# Leaf pages written per step (~0.8 MB). FTS5 ends a step only between terms, so a term in most facts is
# one step: at 1M facts the longest held the write lock 0.73 s (54 steps, 4.1 s in all; bench/README.md).
STEP_PAGES = 200
SHARE = 0.05  # of the time spent merging, at most: a whole merge at 1M facts rewrites ~130 MB


def merge_step(conn: sqlite3.Connection, table: str, pages: int = STEP_PAGES) -> bool:
    """One step of merging table's segments into one, in its own transaction; False once nothing is left."""
    with write_transaction(conn):
        before = conn.total_changes
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('merge', ?)", (-pages,))
        return conn.total_changes - before >= 2  # FTS5's sign that it merged something (fts5 docs)


class IndexMerger:
    """Merges once the projections moved and then stood still for a look, in steps until a time budget,
    then rests. Waiting for a quiet look keeps a burst of appends (a round of polls) from
    merging between each, and leaves the first readers after an append the CPU.

    After a whole merge that took s seconds it rests s / SHARE, so a busy feed
    schedule at 1M facts costs at most SHARE of a core; between merges, each
    append's small segment costs a probe a few us.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, share: float = SHARE):
        self.clock, self.share = clock, share
        self.merged_at: int | None = None  # the checkpoint at which every index was last one segment
        self.seen: int | None = None  # the checkpoint at the last look
        self.spent = 0.0  # seconds of the merge under way
        self.rest_until = 0.0

    def run(self, conn: sqlite3.Connection, seconds: float) -> bool:
        """Steps for up to `seconds`; True when the indexes are whole at the current checkpoint."""
        position = checkpoint(conn)
        quiet, self.seen = position == self.seen, position  # nothing projected since the last look
        if position == self.merged_at:
            return True
        if not quiet or self.clock() < self.rest_until:
            return False
        started = self.clock()
        done = self._steps(conn, started + seconds)
        self.spent += self.clock() - started
        if done:
            self.merged_at, self.rest_until = position, self.clock() + self.spent / self.share
            self.spent = 0.0
        return done

    def _steps(self, conn: sqlite3.Connection, deadline: float) -> bool:
        for table in SEARCH_INDEXES:
            while merge_step(conn, table):
                if self.clock() >= deadline:
                    return False
        return True
