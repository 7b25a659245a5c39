"""The editors' review queue: machine-made facts no editor has looked at yet that most need a look."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from events.domain.fact import FACT_CORRECTED, FactState
from events.read.projections import STATE_COLUMNS, state_from_row

QUEUE_PAGE = 50
# Below this the extractor counted the date (a weekday, "last month") rather than read it written out
# (events/pipeline/matching.SURE_OF_THE_DAYS, the line below which a report never moves a fact's dates).
LOW_CONFIDENCE = 0.9
_STATE = ", ".join("f." + column.strip() for column in STATE_COLUMNS.split(","))
# Newest first by n, the order facts were first recorded in. Live (retracted = 0 also leaves out
# merged-away facts), machine-made, not reviewed; then the reasons to look, worked out per row:
# the extractor's confidence (kept in its FactRecorded's metadata), whether a later report moved
# the fact's dates (the machine's corrections carry their article), and how many sources it has.
_QUEUE = f"""
SELECT * FROM (
  SELECT f.n, {_STATE},
         json_extract(r.metadata, '$.confidence') AS confidence,
         EXISTS (SELECT 1 FROM events c WHERE c.stream_id = f.fact_id AND c.type = :corrected
                 AND json_extract(c.metadata, '$.article') IS NOT NULL) AS machine_dated,
         json_array_length(f.sources) AS reports
  FROM facts f JOIN events r ON r.stream_id = f.fact_id AND r.version = 1
  WHERE f.n < :before AND f.origin = 'feed' AND f.reviewed = 0 AND f.retracted = 0
)
WHERE reports = 1 OR confidence < :low OR machine_dated
ORDER BY n DESC LIMIT :limit
"""


@dataclass(frozen=True)
class Waiting:
    """A fact in the queue, with what makes it worth a look."""

    n: int
    state: FactState
    confidence: float | None
    machine_dated: bool

    @property
    def reasons(self) -> list[str]:
        found = []
        if self.confidence is not None and self.confidence < LOW_CONFIDENCE:
            found.append(f"low confidence ({self.confidence:.2f}): its date was worked out, not written out")
        if self.machine_dated:
            found.append("a later report moved its dates")
        if len(self.state.sources) == 1:
            found.append("a single source")
        return found


@dataclass(frozen=True)
class Queue:
    items: list[Waiting]
    before: int | None  # the cursor of the next (older) page, if there is one


def review_queue(conn: sqlite3.Connection, before: int | None = None, limit: int = QUEUE_PAGE) -> Queue:
    """One page of the queue, newest first, older than the fact numbered `before`."""
    params = {"corrected": FACT_CORRECTED, "before": before or 2**63 - 1, "low": LOW_CONFIDENCE}
    rows = conn.execute(_QUEUE, params | {"limit": limit + 1}).fetchall()
    items = [_waiting(row) for row in rows[:limit]]
    return Queue(items, items[-1].n if len(rows) > limit else None)


def _waiting(row: tuple) -> Waiting:
    return Waiting(row[0], state_from_row(row[1:-3]), row[-3], bool(row[-2]))
