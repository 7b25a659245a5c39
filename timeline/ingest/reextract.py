"""Run the current extractor over stored articles; what it now finds differently becomes new events."""

from __future__ import annotations

from dataclasses import dataclass, field

from events.domain import article as art
from events.domain.fact import FACT_RECORDED, FACT_SOURCE_ADDED
from events.log.store import write_transaction
from events.pipeline.extract import extract_facts
from events.pipeline.matching import FactFinder, facts_stated, restate_facts
from events.service import Timeline

ACTOR = "reextract"


@dataclass
class _Article:
    payload: dict
    facts: list[str] = field(default_factory=list)  # facts this article recorded or backs


@dataclass
class ReextractReport:
    articles: int = 0
    recorded: int = 0
    retracted: int = 0

    def line(self) -> str:
        return f"articles {self.articles}: facts recorded {self.recorded}, retracted {self.retracted}"


def reextract_articles(timeline: Timeline) -> ReextractReport:
    """New facts are recorded (or cited, where another article recorded them); facts the extractor no
    longer finds, that only this article backs and no editor touched, are retracted with the reason.
    The rule is restate_facts, the one ingest follows when a feed changes an article."""
    report, finder = ReextractReport(), FactFinder(timeline.conn)
    with write_transaction(timeline.conn):
        for stream, article in _stored_articles(timeline).items():
            report.articles += 1
            p = article.payload
            states = [
                timeline.current_fact(fact_id) for fact_id in dict.fromkeys(article.facts)
            ]  # caught up: exact
            changes = restate_facts(finder, facts_stated(extract_facts, p), p, stream, states, ACTOR)
            if changes.appends:
                timeline.store.append(changes.appends)
            report.recorded += changes.recorded
            report.retracted += changes.retracted
    timeline.catch_up()
    return report


def _stored_articles(timeline: Timeline) -> dict[str, _Article]:
    found: dict[str, _Article] = {}
    for event in timeline.store.read():
        if event.type in (art.ARTICLE_INGESTED, art.ARTICLE_UPDATED):
            found.setdefault(event.stream_id, _Article(event.payload)).payload = event.payload
        elif event.type in (FACT_RECORDED, FACT_SOURCE_ADDED) and event.payload.get("article") in found:
            found[event.payload["article"]].facts.append(event.stream_id)
    return found
