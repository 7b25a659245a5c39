"""One fact's history: its stream told as what changed, when and by whom, for permalinks and the editors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from events.domain.fact import (
    FACT_CORRECTED,
    FACT_EVENT_TYPES,
    FACT_MERGED,
    FACT_MERGED_INTO,
    FACT_RECORDED,
    FACT_RETRACTED,
    FACT_REVIEWED,
    FACT_SOURCE_ADDED,
    FACT_SPLIT,
)
from events.log.clock import to_utc_text
from events.log.model import Event
from events.log.store import EventStore

# ---------------------------------------------------------------- one fact


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a fact's stream, said as what happened, when, and by whom."""

    position: int
    version: int
    kind: str  # recorded, corrected, retracted, source-added, merged, merged-into, split, reviewed
    recorded_at: str
    actor: str
    reason: str | None = None
    changes: tuple[FieldChange, ...] = ()
    source: dict | None = None
    # the other fact a merge or split names: the one merged in, merged into, split off into, or split from
    related_fact: str | None = None


_KINDS = {
    FACT_RECORDED: "recorded",
    FACT_CORRECTED: "corrected",
    FACT_RETRACTED: "retracted",
    FACT_SOURCE_ADDED: "source-added",
    FACT_MERGED: "merged",
    FACT_MERGED_INTO: "merged-into",
    FACT_SPLIT: "split",
    FACT_REVIEWED: "reviewed",
}


def fact_history(store: EventStore, fact_id: str) -> list[HistoryEntry]:
    """The fact's whole stream from the log, oldest first."""
    return [_entry(e) for e in store.read_stream(fact_id) if e.type in FACT_EVENT_TYPES]


def _entry(event: Event) -> HistoryEntry:
    p = event.payload
    changes = tuple(FieldChange(k, p.get("previous", {}).get(k), v) for k, v in p.get("changes", {}).items())
    return HistoryEntry(
        position=event.position,
        version=event.version,
        kind=_KINDS[event.type],
        recorded_at=to_utc_text(event.recorded_at),
        actor=str(event.metadata.get("actor") or "unknown"),
        reason=p.get("reason"),
        changes=changes,
        source=p.get("source"),
        related_fact=p.get("merged") or p.get("into") or p.get("split_from"),
    )
