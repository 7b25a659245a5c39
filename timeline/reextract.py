"""Run the current extractor over stored articles; what it now finds differently becomes new events."""

from __future__ import annotations

from dataclasses import dataclass, field

from events import articles as art
from events.clock import from_utc_text
from events.extract import extract_facts, same_fact
from events.facts import FACT_RECORDED, FACT_SOURCE_ADDED, fact_retracted
from events.model import NewEvent, StreamAppend
from events.service import Timeline
from events.store import write_transaction
from timeline.facts_from_articles import article_source, as_extracted, recorded_fact

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
    """New facts are recorded; facts the extractor no longer finds, that only this article backs and
    no editor touched, are retracted with the reason. Nothing already right is touched."""
    report = ReextractReport()
    with write_transaction(timeline.conn):
        for stream, article in _stored_articles(timeline).items():
            report.articles += 1
            batch = _differences(timeline, stream, article, report)
            if batch:
                timeline.store.append(batch)
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


def _differences(timeline: Timeline, stream: str, article: _Article, report: ReextractReport) -> list[StreamAppend]:
    p = article.payload
    published = from_utc_text(p["published"]).date()
    now = extract_facts(p["title"], p.get("text", ""), published)
    states = [timeline.fact(fact_id) for fact_id in dict.fromkeys(article.facts)]
    live = [s for s in states if not s.retracted]
    batch = []
    for found in now:
        if not any(same_fact(as_extracted(s), found) for s in live):
            batch.append(recorded_fact(found, article_source(p), stream, ACTOR))
            report.recorded += 1
    for state in live:
        if _owned(state) and not any(same_fact(as_extracted(state), found) for found in now):
            event = fact_retracted(state, "re-extraction with the current rules no longer finds this fact")
            batch.append(StreamAppend(state.fact_id, (NewEvent(event.type, event.payload, {"actor": ACTOR}),),
                                      state.version))  # fmt: skip
            report.retracted += 1
    return batch


def _owned(state) -> bool:
    """Only facts the machine made alone may be withdrawn by the machine."""
    return state.origin == "feed" and not state.corrected and len(state.sources) == 1
