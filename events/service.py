"""The timeline's use cases: record, correct and retract facts, then bring projections up to date."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from events.domain.fact import (
    FACT_MERGED,
    FACT_RECORDED,
    FACT_SOURCE_ADDED,
    MAX_TITLE,
    FactState,
    fact_corrected,
    fact_merged,
    fact_recorded,
    fact_retracted,
    fact_reviewed,
    fact_split,
    validate_fact,
)
from events.domain.seeds import append_seeds
from events.log.clock import Clock, utc_now
from events.log.errors import UnknownFact, ValidationError
from events.log.ids import uuid7
from events.log.model import AppendResult, Event, NewEvent, StreamAppend
from events.log.store import EventStore, connect, write_transaction
from events.pipeline.extract import extract_facts
from events.pipeline.matching import fit
from events.read import projections


@dataclass
class Timeline:
    """One open database: its store and the operations people and feeds perform."""

    store: EventStore

    @classmethod
    def open(cls, path: str | Path, clock: Clock = utc_now, *, log_url: str | None = None) -> Timeline:
        """The database at path; with log_url, the log is the shared PostgreSQL one and path holds
        this node's read models (issue 20)."""
        if log_url is None:
            return cls(EventStore(connect(path), clock))
        from events.log.postgres import PostgresEventStore

        return cls(PostgresEventStore(log_url, clock, conn=connect(path)))

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    def close(self) -> None:
        self.store.close()

    def init(self) -> int:
        """Create the schema (done on open) and append the seed facts not yet there."""
        added = append_seeds(self.store)
        self.catch_up()
        return added

    def catch_up(self, appended: Sequence[Event] = ()) -> int:
        """Bring the projections up to date; appended as in projections.catch_up."""
        return projections.catch_up(self.store, appended=appended)

    def catch_up_if_behind(self) -> None:
        """A writer's first step: project what others appended (and did not project) before
        reading the state it will append after. Reads never call this: a GET never writes."""
        if projections.needs_catch_up(self.store):
            self.catch_up()

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
        self.catch_up_if_behind()
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
        self.catch_up_if_behind()
        state = self.fact(fact_id)
        event = fact_retracted(state, reason)
        self._append(fact_id, event, _expect(state, expected_version), actor, idempotency_key, _why(event))
        return self.fact(fact_id)

    def merge_fact(
        self,
        fact_id: str,
        into: Any,
        *,
        reason: str,
        expected_version: int | None,
        actor: str,
        idempotency_key: str | None = None,
    ) -> FactState:
        """fact_id joins `into` (the fact kept): both streams record it in one append, or neither does."""
        self.catch_up_if_behind()
        other = self.fact(fact_id)
        kept = self._named_fact(into, "into")
        to_kept, to_other = fact_merged(kept, other, reason)
        appends = [
            (kept.fact_id, to_kept, kept.version),
            (fact_id, to_other, _expect(other, expected_version)),
        ]
        self._append_all(appends, actor, _why(to_other), idempotency_key)
        return self.fact(fact_id)

    def split_fact(
        self,
        fact_id: str,
        source_url: Any,
        fields: Mapping[str, Any],
        *,
        reason: str,
        expected_version: int | None,
        actor: str,
        idempotency_key: str | None = None,
    ) -> FactState:
        """A source leaves the fact for a new fact of its own (dated and titled by the editor); returns the new one."""
        self.catch_up_if_behind()
        state, new_id = self.fact(fact_id), uuid7()
        article = self._article_citing(fact_id, source_url) if isinstance(source_url, str) else None
        draft = split_draft(state, source_url) if isinstance(source_url, str) else {}
        fields = {"summary": draft.get("summary", ""), "tags": list(state.tags), **fields}
        split, recorded = fact_split(state, source_url, new_id, fields, reason, article=article)
        appends = [(fact_id, split, _expect(state, expected_version)), (new_id, recorded, 0)]
        self._append_all(appends, actor, _why(split), idempotency_key)
        return self.fact(new_id)

    def review_fact(
        self, fact_id: str, *, expected_version: int | None, actor: str, idempotency_key: str | None = None
    ) -> FactState:
        self.catch_up_if_behind()
        state = self.fact(fact_id)
        event = fact_reviewed(state)
        self._append(fact_id, event, _expect(state, expected_version), actor, idempotency_key)
        return self.fact(fact_id)

    def _named_fact(self, fact_id: Any, field: str) -> FactState:
        """A fact a request names in a field: a missing one is the request's fault (400), not the URL's (404)."""
        if not isinstance(fact_id, str) or not fact_id.strip():
            raise ValidationError(f"{field} is required: the id of a fact", field)
        try:
            return self.fact(fact_id.strip())
        except UnknownFact:
            raise ValidationError(f"{field}: no fact with id {fact_id.strip()}", field) from None

    def _article_citing(self, fact_id: str, url: str, depth: int = 0) -> str | None:
        """The article whose report brought this source URL to the fact, following merges into it;
        the fact split off for it then counts among that article's facts, so re-reading the
        article finds it there and attaches the report nowhere else."""
        for event in self.store.read_stream(fact_id):
            p = event.payload
            if event.type == FACT_MERGED and depth < 10:
                found = self._article_citing(p["merged"], url, depth + 1)
            elif event.type in (FACT_RECORDED, FACT_SOURCE_ADDED):
                cited = p.get("sources", []) if event.type == FACT_RECORDED else [p.get("source") or {}]
                found = p.get("article") if any(s.get("url") == url for s in cited) else None
            else:
                found = None
            if found:
                return found
        return None

    def current_fact(self, fact_id: str) -> FactState:
        """A writer's read of a fact it may append after: what it (or others) appended is projected first."""
        self.catch_up_if_behind()
        return self.fact(fact_id)

    def fact(self, fact_id: str) -> FactState:
        """The state of one fact as last projected (appenders project; reads never write)."""
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
        return self._append_and_project([StreamAppend(stream_id, (event,), expected)], key)

    def _append_all(
        self,
        appends: Sequence[tuple[str, NewEvent, int]],
        actor: str,
        metadata: Mapping[str, Any],
        key: str | None = None,
    ) -> AppendResult:
        """Events for several streams, each at the version its writer read, in one atomic append."""
        meta = dict(metadata, actor=actor)
        batch = [
            StreamAppend(sid, (NewEvent(e.type, e.payload, meta, e.schema_version),), v)
            for sid, e, v in appends
        ]
        return self._append_and_project(batch, key)

    def _append_and_project(self, batch: Sequence[StreamAppend], key: str | None) -> AppendResult:
        """The append and its projection in one transaction (one commit): a read never finds
        the log ahead of the read models because of us, and a GET need not catch up."""
        with write_transaction(self.conn):
            result = self.store.append(batch, idempotency_key=key)
            self.catch_up(() if result.replayed else result.events)
        return result


def split_draft(state: FactState, url: str) -> dict[str, Any]:
    """What a split starts from: the date and words of the source's own sentence (its evidence), read as
    ingest reads an article, counted from its publication day; else that day, else the fact's date."""
    source = next((s for s in state.sources if s.get("url") == url), {})
    evidence = source.get("evidence") or ""
    headline = source.get("title") or evidence or state.title
    draft = {"date": state.date, "end_date": None, "title": fit(headline, MAX_TITLE), "summary": evidence}
    try:
        published = dt.date.fromisoformat((source.get("published") or "")[:10])
    except ValueError:  # no publication day (a seed source, a month only): the fact's own date stands
        return draft
    found = extract_facts(headline, evidence, published)
    told = found[1:] or found  # the first is the headline at its publication day
    if told:
        draft.update(date=told[0].date, end_date=told[0].end_date, title=fit(told[0].title, MAX_TITLE))
    return draft


def _why(event: NewEvent) -> dict[str, str]:
    """An editor's reason goes in the metadata too, beside who acted: the audit trail of an action,
    while the payload's reason is the fact's history (both asked for: issues 2 and 7)."""
    return {"reason": event.payload["reason"]}


def _expect(state: FactState, expected_version: int | None) -> int:
    """A writer that states no version appends after what it just read."""
    return state.version if expected_version is None else expected_version
