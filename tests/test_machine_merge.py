"""Ingest merges two machine-made facts of one happening that feeds arriving in another order made apart,
with the merge event editors use, and never a fact an editor has looked at."""

from __future__ import annotations

from dataclasses import replace

import pytest

from events.admin.verify import verify
from events.domain.fact import FACT_MERGED, FACT_MERGED_INTO
from events.pipeline.extract import ExtractedFact
from events.pipeline.matching import FactFinder, refinable, restate_facts
from events.service import Timeline

# Merging is tested with the reports' words deciding: the SCO's calendar would know Astana's summit ran on
# 3-4 July 2024, which these invented reports place on one day.
pytestmark = pytest.mark.usefixtures("by_words_alone")

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


# Feeds in another order: the accession and the one-day summit it was completed at recorded apart.
JOINED = {
    "date": "2023-07-04",
    "title": "Iran became a full member of the SCO on Tuesday at a virtual summit chaired by India",
    "tags": ["sco", "iran", "india"],
    "sources": [{"url": "https://a.example/iran"}, {"url": "https://b.example/iran"}],
}
VIRTUAL_SUMMIT = {
    "date": "2023-07-04",
    "title": "SCO leaders held their summit by video link on Tuesday",
    "tags": ["sco", "summit"],
    "sources": [{"url": "https://c.example/virtual"}],
}
IRAN_JOINS = ExtractedFact(
    "2023-07-04",
    None,
    "day",
    "Iran joined the SCO on Tuesday",
    "Iran joined the SCO on Tuesday",
    ("sco", "iran"),
    1.0,
)


def test_a_report_of_the_accession_alone_merges_the_one_day_summit_it_was_completed_at(timeline):
    joined, summit = machine_fact(timeline, JOINED), machine_fact(timeline, VIRTUAL_SUMMIT)
    changes = ingest_report(timeline, IRAN_JOINS)
    assert timeline.fact(summit.fact_id).merged_into == joined.fact_id
    merged = next(e for a in changes.appends for e in a.events if e.type == FACT_MERGED_INTO)
    assert "a member admitted at a summit of that one day" in merged.payload["reason"]
    assert verify(timeline.store) == []


def test_an_accession_beside_a_summit_of_two_days_stays_apart(timeline):
    joined = machine_fact(
        timeline, JOINED | {"date": "2024-07-04", "title": JOINED["title"].replace("Iran", "Belarus")}
    )
    summit = machine_fact(timeline, VIRTUAL_SUMMIT | {"date": "2024-07-03", "end_date": "2024-07-04"})
    ingest_report(
        timeline, replace(IRAN_JOINS, date="2024-07-04", title="Belarus joined the SCO on Thursday")
    )
    assert timeline.fact(summit.fact_id).merged_into is None
    assert timeline.fact(joined.fact_id).merged_into is None


def test_a_report_joining_a_fact_merges_a_fact_of_its_month_that_is_its_happening(timeline):
    """A preview's "in October" and the meeting's days, recorded apart: a later report of the meeting
    that says nothing of the preview still shows them one happening (the same ministers, in Pakistan)."""
    meeting = machine_fact(
        timeline,
        {
            "date": "2024-10-15",
            "end_date": "2024-10-16",
            "title": "The SCO Council of Heads of Government met in Islamabad",
            "tags": ["sco", "islamabad"],
            "sources": [{"url": "https://a.example/chg"}, {"url": "https://b.example/chg"}],
        },
    )
    preview = machine_fact(
        timeline,
        {
            "date": "2024-10",
            "title": "Pakistan will host a meeting of the SCO Council of Heads of Government in October",
            "tags": ["sco", "pakistan"],
            "sources": [{"url": "https://c.example/preview"}],
        },
    )
    title = "Heads of government of the SCO ended their meeting in Islamabad"
    ingest_report(
        timeline, ExtractedFact("2024-10-15", "2024-10-16", "day", title, title, ("sco", "islamabad"), 1.0)
    )
    assert timeline.fact(preview.fact_id).merged_into == meeting.fact_id
    assert verify(timeline.store) == []


def test_a_list_s_entry_is_recorded_with_its_list_s_name_so_a_later_report_finds_its_kind(timeline):
    """Twenty-second corpus: "2021, 25 November — by videoconference, chaired by Kazakhstan (20th)" on a page
    "Council of Heads of Government (...)", recorded first, named no kind; the meeting's report the next
    day became a fact of its own. The entry's fact now says what list it is from."""
    page = "Council of Heads of Government (Shanghai Cooperation Organisation)"
    entry = "2031, 25 November — by videoconference, chaired by Kazakhstan (20th)"
    headline = ExtractedFact("2031-11-30", None, "day", page, page, ("sco",), 1.0)
    listed = ExtractedFact("2031-11-25", None, "day", entry, entry, ("kazakhstan",), 1.0)
    payload = {"title": page, "url": "https://wiki.example/chg", "published": "2031-11-30T10:00:00Z"}
    restated = restate_facts(
        FactFinder(timeline.conn), [headline, listed], payload, "article-w", [], "feed:w"
    )
    timeline.store.append(restated.appends)
    timeline.catch_up()
    (fact_id,) = timeline.conn.execute("SELECT fact_id FROM facts WHERE date = '2031-11-25'").fetchone()
    recorded = timeline.fact(fact_id)
    assert recorded.summary == f"{entry} ({page})" and recorded.title.startswith("2031, 25 November")
    said = "Prime Minister Askar Mamin chaired the 20th meeting of the SCO Council of Heads of Government by video"
    ingest_report(timeline, report(said, "2031-11-25", ("sco", "kazakhstan")), "https://e.example/chg")
    assert [s["url"] for s in timeline.fact(recorded.fact_id).sources] == [
        "https://wiki.example/chg",
        "https://e.example/chg",
    ]


def test_restating_an_unchanged_article_that_backs_a_vaguer_fact_changes_nothing(timeline):
    """A day told without its year ("will open on 3 July", not sure enough to re-date the fact) joined the
    fact of its month at ingest; extracting the unchanged article again found the fact already cited and,
    its day being the more precise, recorded it as a fact of its own: re-extraction must agree with ingest."""
    month = machine_fact(
        timeline,
        {
            "date": "2024-07",
            "title": "Leaders prepare the July summit in Astana",
            "tags": ["sco", "summit", "astana"],
            "sources": [{"url": "https://a.example/prepare"}],
        },
    )
    said = "The SCO summit in Astana will open on 3 July"
    day = replace(report(said, "2024-07-03"), confidence=0.85)
    ingest_report(timeline, day, "https://e.example/date")
    cited = timeline.fact(month.fact_id)
    assert [s["url"] for s in cited.sources][-1] == "https://e.example/date" and cited.date == "2024-07"
    payload = {"title": said, "url": "https://e.example/date", "published": "2024-07-04T18:00:00Z"}
    again = restate_facts(FactFinder(timeline.conn), [day], payload, "article-d", [cited], "feed:d")
    assert again.appends == []
