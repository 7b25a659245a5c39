"""Replay stored articles through the current tagging rules; differences become new events."""

from __future__ import annotations

from dataclasses import dataclass, field

from events.domain import article as art
from events.domain.fact import FACT_RECORDED, fact_retracted
from events.log.model import NewEvent, StreamAppend
from events.pipeline.extract import extract_facts
from events.pipeline.matching import RETAGGED, FactFinder, facts_stated, machine_made_alone, restate_facts
from events.pipeline.tagging import TaggingRules, classify
from events.service import Timeline
from timeline.config import Config

ACTOR = "retag"


@dataclass
class _Article:
    payload: dict
    keep: bool = True  # stored articles were kept when they were ingested
    facts: list[str] = field(default_factory=list)


def retag_articles(timeline: Timeline, config: Config) -> int:
    """Record ArticleRelevanceChanged where the verdict flipped, and retract facts only that article backed."""
    rules = TaggingRules.from_mapping(config.tagging)
    changed, finder = 0, FactFinder(timeline.conn)
    for stream, article in _stored_articles(timeline).items():
        p = article.payload
        verdict = classify(
            title=p["title"],
            summary=p.get("summary", ""),
            content=p.get("text", ""),
            categories=p.get("categories", ()),
            rules=rules,
        )
        if verdict.keep == article.keep:
            continue
        batch = [
            StreamAppend(stream, (art.relevance_changed(p["key"], verdict.keep, verdict.reason, ACTOR),))
        ]
        if not verdict.keep:
            batch += _retractions(timeline, article.facts, p["key"])
        else:  # about the SCO again: what retag withdrew is stated anew, as reextract would (never an editor's)
            states = [timeline.current_fact(fact_id) for fact_id in dict.fromkeys(article.facts)]
            batch += restate_facts(finder, facts_stated(extract_facts, p), p, stream, states, ACTOR).appends
        timeline.store.append(batch)
        changed += 1
    timeline.catch_up()
    return changed


def _stored_articles(timeline: Timeline) -> dict[str, _Article]:
    found: dict[str, _Article] = {}
    for event in timeline.store.read():
        if event.type in (art.ARTICLE_INGESTED, art.ARTICLE_UPDATED):
            article = found.setdefault(event.stream_id, _Article(event.payload))
            article.payload = event.payload
        elif event.type == art.ARTICLE_RELEVANCE_CHANGED and event.stream_id in found:
            found[event.stream_id].keep = event.payload["keep"]
        elif event.type == FACT_RECORDED and event.payload.get("article") in found:
            found[event.payload["article"]].facts.append(event.stream_id)
    return found


def _retractions(timeline: Timeline, fact_ids: list[str], key: str) -> list[StreamAppend]:
    out = []
    for fact_id in fact_ids:
        state = timeline.current_fact(fact_id)
        if not machine_made_alone(
            state
        ):  # other articles back it, or an editor corrected it: not retag's to drop
            continue
        event = fact_retracted(
            state, f"its only article ({key}) {RETAGGED}"
        )  # retracted_by_the_machine knows it
        out.append(
            StreamAppend(fact_id, (NewEvent(event.type, event.payload, {"actor": ACTOR}),), state.version)
        )
    return out
