"""Ingest merges two machine-made facts of one happening that feeds arriving in another order made apart,
with the merge event editors use, and never a fact an editor has looked at."""

from __future__ import annotations

from events.admin.verify import verify
from events.domain.fact import FACT_MERGED, FACT_MERGED_INTO
from events.pipeline.extract import ExtractedFact
from events.pipeline.matching import FactFinder, refinable, restate_facts
from events.service import Timeline

# Two reports of one summit recorded apart, as when the report linking them had not arrived yet.
EARLIER = {
    "date": "2024-07-04",
    "title": "SCO leaders open their summit in Astana",
    "tags": ["sco", "summit", "astana"],
    "sources": [{"url": "https://a.example/opens"}, {"url": "https://b.example/opens"}],
}
LATER = {
    "date": "2024-07-04",
    "title": "Kazakhstan hosts the SCO summit in Astana",
    "tags": ["sco", "summit", "astana", "kazakhstan"],
    "summary": "Kazakhstan hosts the SCO summit in Astana on Thursday.",
    "sources": [{"url": "https://c.example/hosts"}],
}


def machine_fact(timeline: Timeline, fields: dict):
    return timeline.record_fact(fields, actor="feed:test", origin="feed", metadata={"confidence": 1.0})


def report(title: str, date: str = "2024-07-04", tags=("sco", "summit", "astana")) -> ExtractedFact:
    return ExtractedFact(date, None, "day", title, title, tuple(tags), 1.0)


def ingest_report(timeline: Timeline, found: ExtractedFact, url: str = "https://d.example/summit"):
    payload = {"title": found.title, "url": url, "published": "2024-07-04T18:00:00Z"}
    changes = restate_facts(FactFinder(timeline.conn), [found], payload, "article-d", [], "feed:d")
    timeline.store.append(changes.appends)
    timeline.catch_up()
    return changes


def test_a_report_telling_two_facts_of_one_happening_merges_one_into_the_fact_it_joins(timeline):
    earlier, later = machine_fact(timeline, EARLIER), machine_fact(timeline, LATER)
    changes = ingest_report(timeline, report("Leaders met at the SCO summit in Astana on Thursday"))
    kept, gone = timeline.fact(earlier.fact_id), timeline.fact(later.fact_id)
    assert gone.merged_into == earlier.fact_id  # the one with more reports is kept
    urls = [s["url"] for s in kept.sources]
    assert urls == [
        *(s["url"] for s in EARLIER["sources"]),
        "https://d.example/summit",
        "https://c.example/hosts",
    ]
    moved = next(s for s in kept.sources if s["url"] == "https://c.example/hosts")
    assert moved["evidence"] == LATER["summary"]  # the sentence it was told in goes with it
    # the kept fact stays the machine's: refined by later reports, and in the review queue
    assert refinable(kept) and not kept.reviewed
    merges = [e for a in changes.appends for e in a.events if e.type in (FACT_MERGED, FACT_MERGED_INTO)]
    assert [e.type for e in merges] == [FACT_MERGED, FACT_MERGED_INTO]
    assert merges[0].payload["machine"] is True
    assert merges[0].metadata["actor"] == "feed:d" and merges[0].metadata["article"] == "article-d"
    assert merges[1].payload["reason"].startswith("the machine merged one happening told twice")
    assert verify(timeline.store) == []


def test_a_report_of_one_of_them_only_merges_nothing(timeline):
    earlier = machine_fact(timeline, EARLIER)
    other_day = machine_fact(timeline, LATER | {"date": "2024-07-03", "title": "Kazakhstan readies Astana"})
    ingest_report(timeline, report("Leaders met at the SCO summit in Astana on Thursday"))
    assert timeline.fact(other_day.fact_id).merged_into is None
    assert len(timeline.fact(earlier.fact_id).sources) == 3


def test_never_a_fact_an_editor_reviewed(timeline):
    earlier, later = machine_fact(timeline, EARLIER), machine_fact(timeline, LATER)
    timeline.review_fact(later.fact_id, expected_version=1, actor="ann")
    ingest_report(timeline, report("Leaders met at the SCO summit in Astana on Thursday"))
    assert timeline.fact(later.fact_id).merged_into is None
    assert timeline.fact(earlier.fact_id).merged_into is None


def test_never_facts_an_editor_split_apart(timeline):
    both = machine_fact(timeline, EARLIER)
    timeline.split_fact(
        both.fact_id,
        "https://b.example/opens",
        {"date": "2024-07-04", "title": "SCO summit opens in Astana", "tags": ["sco", "summit", "astana"]},
        reason="two reports",
        expected_version=1,
        actor="ann",
    )
    later = machine_fact(timeline, LATER)
    ingest_report(timeline, report("Leaders met at the SCO summit in Astana on Thursday"))
    assert timeline.fact(both.fact_id).merged_into is None
    assert timeline.fact(later.fact_id).merged_into is None


def test_an_editors_merge_still_marks_the_kept_fact_reviewed(timeline):
    earlier, later = machine_fact(timeline, EARLIER), machine_fact(timeline, LATER)
    timeline.merge_fact(later.fact_id, earlier.fact_id, reason="one summit", expected_version=1, actor="ann")
    assert timeline.fact(earlier.fact_id).reviewed
