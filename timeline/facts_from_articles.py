"""Dated facts from an article, and the fact already recorded that a new one repeats."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Iterator

from events.dates import precision_of, sort_key_of
from events.extract import ExtractedFact, extract_facts, same_fact
from events.facts import (
    MAX_SUMMARY,
    MAX_TAGS,
    MAX_TITLE,
    MAX_URL,
    FactState,
    clean_source,
    fact_recorded,
    fact_source_added,
    validate_fact,
)
from events.ids import uuid7
from events.model import NewEvent, StreamAppend
from events.store import loads_json

# Only what same_fact compares: a fact cited by hundreds of articles has a sources
# list of ~100 KB, which decoding for every date of every poll made the costliest step.
_CANDIDATES = (
    "SELECT fact_id, version, date, end_date, title, summary, tags FROM facts"
    " WHERE retracted = 0 AND sort_key = ? AND date = ? LIMIT 5000"  # by the facts_timeline index
)


@dataclass(frozen=True)
class Existing:
    fact_id: str
    version: int


class FactFinder:
    """Wraps the pure extractor with the one lookup it cannot do alone: facts already in the timeline.

    Within a poll, each date's live facts are read once and kept, with the
    facts this poll recorded added as they come (they are not projected yet).
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.by_date: dict[str, list[tuple[ExtractedFact, Existing]]] = {}
        self.unsure: list[tuple[str, tuple[ExtractedFact, Existing]]] | None = None

    def facts(self, title: str, text: str, published: dt.date) -> list[ExtractedFact]:
        return extract_facts(title, text, published)

    def remember(self, found: ExtractedFact, fact_id: str) -> None:
        entry = (found, Existing(fact_id, 1))
        self._on(found.date).append(entry)
        if self.unsure is not None:
            self.unsure.append((found.date, entry))

    @contextlib.contextmanager
    def tentatively(self) -> Iterator[None]:
        """Facts remembered inside are forgotten again if the block fails (its append never happened).

        Without this, a later item of the poll could add a source to a fact that
        was never recorded, and the whole poll would fail on projecting it.
        """
        self.unsure = []
        try:
            yield
        except BaseException:
            for date, entry in self.unsure:
                self.by_date[date].remove(entry)
            raise
        finally:
            self.unsure = None

    def forget_pending(self) -> None:
        """Called at the end of a poll: the projection now holds what was remembered."""
        self.by_date.clear()

    def same_fact_as(self, found: ExtractedFact) -> Existing | None:
        """A live fact on the same date that the extractor judges to be the same statement."""
        for candidate, existing in self._on(found.date):
            if same_fact(candidate, found):
                return existing
        return None

    def _on(self, date: str) -> list[tuple[ExtractedFact, Existing]]:
        if date not in self.by_date:
            rows = self.conn.execute(_CANDIDATES, (sort_key_of(date), date))
            self.by_date[date] = [_candidate(row) for row in rows]
        return self.by_date[date]


def as_extracted(state: FactState) -> ExtractedFact:
    """A recorded fact in the extractor's terms, so same_fact can compare it with a new one."""
    return _recorded_as_extracted(state.date, state.end_date, state.title, state.summary, state.tags)


def _candidate(row: tuple) -> tuple[ExtractedFact, Existing]:
    """as_extracted from a _CANDIDATES row, with the fact it names."""
    fact_id, version, date, end_date, title, summary, tags = row
    return _recorded_as_extracted(date, end_date, title, summary, tuple(loads_json(tags))), Existing(fact_id, version)


def _recorded_as_extracted(date: str, end_date: str | None, title: str, summary: str,
                           tags: tuple[str, ...]) -> ExtractedFact:  # fmt: skip
    return ExtractedFact(date=date, end_date=end_date, precision=precision_of(date).value, title=title,
                         summary=summary, tags=tags, confidence=1.0)  # fmt: skip


def article_source(payload: dict) -> dict:
    """The source entry an ArticleIngested payload gives the facts found in it, cleaned once per article.

    An item the feed gave no date is stored at its fetch time (date_from_feed false):
    its source claims no publication date rather than show the fetch time as one.
    """
    url = payload.get("url")
    published = payload["published"] if payload.get("date_from_feed", True) else None
    raw = {"url": url if url and len(url) <= MAX_URL else None, "title": fit(payload["title"], 500),
           "outlet": fit(payload.get("outlet") or "", 200) or None, "published": published}  # fmt: skip
    return clean_source(raw, "source", require_url=False)


def fit(text: str, limit: int) -> str:
    """Feed text longer than a fact allows is shortened, never a reason to lose the article."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def recorded_fact(found: ExtractedFact, source: dict, article: str, actor: str) -> StreamAppend:
    """A new fact stream for an extracted fact, citing and linking its article."""
    fields = validate_fact({"date": found.date, "end_date": found.end_date, "title": fit(found.title, MAX_TITLE),
                            "summary": fit(found.summary, MAX_SUMMARY), "tags": list(found.tags)[:MAX_TAGS],
                            "sources": [source]}, require_source_url=False)  # fmt: skip
    event = fact_recorded(uuid7(), fields, "feed", article=article)
    meta = {"actor": actor, "article": article, "confidence": found.confidence}
    return StreamAppend(event.payload["fact_id"], (NewEvent(event.type, event.payload, meta),), 0)


def source_added(existing: Existing, source: dict, article: str, actor: str) -> StreamAppend:
    """Another article reporting a fact already recorded becomes one more source of it (source: article_source)."""
    event = fact_source_added(source, article=article)
    return StreamAppend(existing.fact_id, (NewEvent(event.type, event.payload, {"actor": actor, "article": article}),))
