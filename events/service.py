"""The timeline's use cases: record, correct and retract facts, then bring projections up to date."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from events.domain.fact import (
    FactState,
    fact_corrected,
    fact_recorded,
    fact_retracted,
    validate_fact,
)
from events.domain.seeds import append_seeds
from events.log.clock import Clock, utc_now
from events.log.errors import UnknownFact
from events.log.ids import uuid7
from events.log.model import AppendResult, Event, NewEvent, StreamAppend
from events.log.store import EventStore, connect
from events.read import projections


@dataclass
class Timeline:
    """One open database: its store and the operations people and feeds perform."""

    store: EventStore

    @classmethod
    def open(cls, path: str | Path, clock: Clock = utc_now) -> Timeline:
        return cls(EventStore(connect(path), clock))

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    def close(self) -> None:
        self.conn.close()

    def init(self) -> int:
        """Create the schema (done on open) and append the seed facts not yet there."""
        added = append_seeds(self.store)
        self.catch_up()
        return added

    def catch_up(self, appended: Sequence[Event] = ()) -> int:
        """Bring the projections up to date; appended as in projections.catch_up."""
        return projections.catch_up(self.store, appended=appended)

    def record_fact(
        self,
        fields: Mapping[str, Any],
        *,
        actor: str,
        origin: str = "manual",
        idempotency_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> FactState:
        checked = validate_fact(fields, require_source_url=origin != "seed")
        fact_id = uuid7()
        event = fact_recorded(fact_id, checked, origin)
        result = self._append(fact_id, event, 0, actor, idempotency_key, metadata)
        return self.fact(result.events[0].stream_id)

    def correct_fact(
        self,
        fact_id: str,
        changes: Mapping[str, Any],
        *,
        reason: str,
        expected_version: int | None,
        actor: str,
        idempotency_key: str | None = None,
    ) -> FactState:
        if idempotency_key and self.store.replayed(idempotency_key):
            return self.fact(fact_id)  # a retry of a correction already recorded
        state = self.fact(fact_id)
        event = fact_corrected(state, changes, reason)
        self._append(fact_id, event, _expect(state, expected_version), actor, idempotency_key, _why(event))
        return self.fact(fact_id)

    def retract_fact(
        self,
        fact_id: str,
        *,
        reason: str,
        expected_version: int | None,
        actor: str,
        idempotency_key: str | None = None,
    ) -> FactState:
        if idempotency_key and self.store.replayed(idempotency_key):
            return self.fact(fact_id)
        state = self.fact(fact_id)
        event = fact_retracted(state, reason)
        self._append(fact_id, event, _expect(state, expected_version), actor, idempotency_key, _why(event))
        return self.fact(fact_id)

    def fact(self, fact_id: str) -> FactState:
        """The current state of one fact, from the projection once it has caught up."""
        self.catch_up()
        found = projections.load_states(self.conn, [fact_id])
        if fact_id not in found:
            raise UnknownFact(f"no fact with id {fact_id}")
        return found[fact_id][1]

    def _append(
        self,
        stream_id: str,
        event: NewEvent,
        expected: int,
        actor: str,
        key: str | None,
        metadata: Mapping[str, Any] | None = None,
    ) -> AppendResult:
        meta = dict(metadata or {}, actor=actor)
        event = NewEvent(event.type, event.payload, meta, event.schema_version)
        result = self.store.append([StreamAppend(stream_id, (event,), expected)], idempotency_key=key)
        self.catch_up()
        return result


def _why(event: NewEvent) -> dict[str, str]:
    """An editor's reason goes in the metadata too, beside who acted: the audit trail of an action,
    while the payload's reason is the fact's history (both asked for: issues 2 and 7)."""
    return {"reason": event.payload["reason"]}


def _expect(state: FactState, expected_version: int | None) -> int:
    """A writer that states no version appends after what it just read."""
    return state.version if expected_version is None else expected_version
