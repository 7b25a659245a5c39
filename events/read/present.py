"""How views show facts: search highlighting and the JSON of a fact and its history, shared by both APIs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from events.domain.fact import FactState
from events.domain.language import language_of
from events.read.filters import _fold_word
from events.read.history import HistoryEntry
from events.read.search import matcher

_WORD = re.compile(r"\w+", re.UNICODE)


# ---------------------------------------------------------------- presentation helpers


def highlight(text: str, words: Sequence[str], prefix: bool = True) -> list[tuple[str, bool]]:
    """Split text into (piece, matched) runs the way FTS5 matched it: folded, stemmed, either spelling,
    the last word a prefix unless the search took it whole (Filters.prefix)."""
    if not words:
        return [(text, False)]
    matches = matcher(tuple(words), prefix)
    pieces, last = [], 0
    for found in _WORD.finditer(text):
        if matches(_fold_word(found.group())):
            pieces += [(text[last : found.start()], False), (found.group(), True)]
            last = found.end()
    pieces.append((text[last:], False))
    return [p for p in pieces if p[0]]


def fact_dict(state: FactState) -> dict[str, Any]:
    """The JSON shape of a fact, shared by the read API and the editors' API."""
    return {
        "id": state.fact_id,
        "date": state.date,
        "end_date": state.end_date,
        "precision": state.precision,
        "title": state.title,
        "title_lang": language_of(state.title),
        "summary": state.summary,
        "tags": list(state.tags),
        "sources": [dict(s) for s in state.sources],
        "origin": state.origin,
        "version": state.version,
        "recorded_at": state.first_recorded,
        "updated_at": state.last_recorded,
        "corrected": state.corrected,
        "retracted": state.retracted,
        "retraction_reason": state.retraction_reason,
        "merged_into": state.merged_into,
        "reviewed": state.reviewed,
        "planned": state.planned,
    }


def history_dict(entry: HistoryEntry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "position": entry.position,
        "version": entry.version,
        "type": entry.kind,
        "recorded_at": entry.recorded_at,
        "actor": entry.actor,
    }
    if entry.changes:
        out["changes"] = {c.field: {"old": c.old, "new": c.new} for c in entry.changes}
    if entry.reason is not None:
        out["reason"] = entry.reason
    if entry.source is not None:
        out["source"] = entry.source
    if entry.related_fact is not None:
        out["related_fact"] = entry.related_fact
    return out
