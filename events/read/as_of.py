"""The timeline and single facts as the log knew them at a past moment."""

from __future__ import annotations

from dataclasses import dataclass

from events.domain.fact import FactState, fold
from events.log.store import EventStore
from events.read.timeline import Source, versions_as_of

# ---------------------------------------------------------------- the timeline as of a moment


@dataclass(frozen=True)
class AsOf:
    moment: str  # fixed-width UTC text
    position: int  # the last event recorded at or before the moment
    sources: tuple[Source, ...]


def as_of(store: EventStore, moment: str) -> AsOf:
    """Sources showing the timeline as the log knew it at a moment: a bitemporal read, with no folding.

    A fact unchanged since the position reads from facts as it is; one changed
    later reads the version that was current then, kept in fact_versions when
    it was replaced (migration 15). Both are walked by the same keyset queries
    as the live timeline, each with one more condition on log positions.
    """
    position = store.position_as_of(moment)
    return AsOf(moment, position, (Source(until=position), versions_as_of(position)))


def fact_as_of(store: EventStore, fact_id: str, position: int) -> FactState | None:
    """One fact folded from its stream up to a position; None if it did not exist yet."""
    return fold(store.read_stream(fact_id, until=position)).get(fact_id)
