"""Editors fix what the machine gets wrong: merge two facts, split a source off, mark a fact reviewed,
and the review queue; each as events with visible history that the machine never undoes."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from lxml import etree

from events.admin.backup import export_to, import_from
from events.admin.verify import verify
from events.domain.fact import (
    FACT_MERGED,
    FACT_MERGED_INTO,
    FACT_REVIEWED,
    FACT_SPLIT,
    evolve_stream,
    fact_merged,
    fact_reviewed,
    fact_split,
)
from events.log.errors import FactMergedAway, FactRetracted, ValidationError
from events.log.store import EventStore, connect
from events.pipeline.extract import ExtractedFact
from events.pipeline.matching import FactFinder, machine_made_alone, refinable, restate_facts, split_off
from events.read import projections
from events.read.filters import Filters
from events.read.review import review_queue
from events.read.summary import summarize
from events.service import Timeline
from tests.needs import shared_path
from tests.test_editors_web import form_values, html, sign_in
from tests.test_feed import ATOM, check_feed, entries

TOMBSTONES = "{http://purl.org/atompub/tombstones/1.0}"
SUMMIT = {
    "date": "2024-07-04",
    "title": "SCO summit opens in Astana",
    "tags": ["summit", "astana"],
    "sources": [
        {"url": "https://a.example/summit", "outlet": "A"},
        {"url": "https://b.example/shared", "outlet": "B"},
    ],
}
OPENING = {
    "date": "2024-07-03",
    "title": "Leaders arrive in Astana for the summit",
    "tags": ["summit", "astana", "arrivals"],
    "sources": [
        {"url": "https://b.example/shared", "outlet": "B"},
        {
            "url": "https://c.example/ministers",
            "title": "Ministers to meet in Goa",
            "outlet": "C",
            "published": "2024-07-01",
            "evidence": "Foreign ministers will meet in Goa on July 20.",
            "why": "the same date and nearly the same words",
        },
    ],
}


def machine_fact(timeline: Timeline, fields: dict, confidence: float = 1.0):
    """A fact as ingest records it: origin feed, its extractor's confidence in the metadata."""
    return timeline.record_fact(fields, actor="feed:test", origin="feed", metadata={"confidence": confidence})


@pytest.fixture
def two(timeline):
    """Two machine-made facts of one happening: the summit (kept) and its opening (merged away)."""
    return machine_fact(timeline, SUMMIT), machine_fact(timeline, OPENING)


@pytest.fixture
def token(seeded, issue_token_for) -> str:
    return issue_token_for("ann")


@pytest.fixture
def api(editor_client, token):
    def post(path: str, body=None, *, auth: bool = True, headers: dict | None = None, **kwargs):
        headers = ({"Authorization": f"Bearer {token}"} if auth else {}) | (headers or {})
        return editor_client.post(path, json=body, headers=headers, **kwargs)

    return post


@pytest.fixture
def signed_in(editor_client, token):
    assert sign_in(editor_client, token).status_code == 303
    return editor_client


def rebuilt_equals_projected(timeline: Timeline) -> None:
    assert verify(timeline.store) == []


# ---------------------------------------------------------------- the domain


def test_a_merge_writes_to_both_streams_and_moves_the_sources_without_duplicates(timeline, two):
    kept, other = two
    merged = timeline.merge_fact(
        other.fact_id, kept.fact_id, reason="one summit", expected_version=1, actor="editor:ann"
    )
    assert merged.merged_into == kept.fact_id and merged.sources == () and merged.version == 2
    kept_now = timeline.fact(kept.fact_id)
    urls = [s["url"] for s in kept_now.sources]
    assert urls == ["https://a.example/summit", "https://b.example/shared", "https://c.example/ministers"]
    assert kept_now.reviewed and kept_now.version == 2
    [to_kept] = timeline.store.read_stream(kept.fact_id)[1:]
    [to_other] = timeline.store.read_stream(other.fact_id)[1:]
    assert (to_kept.type, to_kept.payload["merged"], to_kept.payload["reason"]) == (
        FACT_MERGED,
        other.fact_id,
        "one summit",
    )
    assert [s["url"] for s in to_kept.payload["sources"]] == ["https://c.example/ministers"]
    assert (to_other.type, to_other.payload) == (
        FACT_MERGED_INTO,
        {"into": kept.fact_id, "reason": "one summit"},
    )
    assert to_kept.position + 1 == to_other.position  # one append
    assert to_kept.metadata["actor"] == to_other.metadata["actor"] == "editor:ann"
    assert (
        evolve_stream(None, timeline.store.read_stream(kept.fact_id)) == kept_now
    )  # the fold is the projection
    rebuilt_equals_projected(timeline)


def test_a_merge_is_refused_into_itself_a_retracted_or_a_merged_away_fact(timeline, two):
    kept, other = two
    with pytest.raises(ValidationError) as error:
        fact_merged(kept, kept, "same")
    assert error.value.field == "into"
    with pytest.raises(ValidationError):
        fact_merged(kept, other, "  ")  # a reason is required
    timeline.merge_fact(other.fact_id, kept.fact_id, reason="r", expected_version=None, actor="e")
    third = machine_fact(timeline, {"date": "2024-07-05", "title": "Summit closes", "sources": []})
    with pytest.raises(FactMergedAway):
        fact_merged(timeline.fact(other.fact_id), third, "into a merged-away fact")
    with pytest.raises(FactMergedAway):
        timeline.correct_fact(other.fact_id, {"title": "x"}, reason="r", expected_version=None, actor="e")
    timeline.retract_fact(third.fact_id, reason="wrong", expected_version=None, actor="e")
    with pytest.raises(FactRetracted):
        fact_merged(kept, timeline.fact(third.fact_id), "r")


def test_a_split_moves_one_source_to_a_new_fact_of_the_editors(timeline, two):
    _, opening = two
    new = timeline.split_fact(
        opening.fact_id,
        "https://c.example/ministers",
        {"date": "2024-07-20", "title": "Foreign ministers meet in Goa"},
        reason="another meeting",
        expected_version=1,
        actor="editor:ann",
    )
    old = timeline.fact(opening.fact_id)
    assert [s["url"] for s in old.sources] == ["https://b.example/shared"]
    assert old.split_off == ("https://c.example/ministers",) and old.reviewed
    assert (new.date, new.title, new.origin) == ("2024-07-20", "Foreign ministers meet in Goa", "manual")
    assert [s["url"] for s in new.sources] == ["https://c.example/ministers"]
    assert new.sources[0]["evidence"] == OPENING["sources"][1]["evidence"]  # the report keeps its sentence
    assert new.summary == OPENING["sources"][1]["evidence"] and new.tags == opening.tags  # the defaults
    split = timeline.store.read_stream(opening.fact_id)[-1]
    recorded = timeline.store.read_stream(new.fact_id)[0]
    assert (split.type, split.payload["into"], split.payload["source"]["url"]) == (
        FACT_SPLIT,
        new.fact_id,
        "https://c.example/ministers",
    )
    assert recorded.payload["split_from"] == opening.fact_id
    rebuilt_equals_projected(timeline)


@pytest.mark.parametrize(
    ("url", "fields", "field"),
    [
        ("https://nowhere.example/x", {"date": "2024-07-20", "title": "T"}, "source_url"),
        ("not a url", {"date": "2024-07-20", "title": "T"}, "source_url"),
        ("https://c.example/ministers", {"date": "2024-13-01", "title": "T"}, "date"),
        ("https://c.example/ministers", {"date": "2024-07-20", "title": ""}, "title"),
        ("https://c.example/ministers", {"date": "2024-07-20", "title": "T", "sources": []}, "sources"),
    ],
)
def test_a_split_names_what_is_wrong(timeline, two, url, fields, field):
    _, opening = two
    with pytest.raises(ValidationError) as error:
        fact_split(opening, url, "new-id", fields, "reason")
    assert error.value.field == field


def test_a_fact_with_one_source_has_nothing_to_split_off(timeline):
    alone = machine_fact(
        timeline, {"date": "2024-07-01", "title": "T", "sources": [{"url": "https://x.example/"}]}
    )
    with pytest.raises(ValidationError, match="only source"):
        fact_split(alone, "https://x.example/", "id", {"date": "2024-07-01", "title": "U"}, "r")


def test_review_marks_machine_facts_once(timeline, make_fact):
    fact = machine_fact(timeline, SUMMIT)
    reviewed = timeline.review_fact(fact.fact_id, expected_version=1, actor="editor:ann")
    assert reviewed.reviewed and reviewed.version == 2
    assert timeline.store.read_stream(fact.fact_id)[-1].type == FACT_REVIEWED
    with pytest.raises(ValidationError, match="already"):
        fact_reviewed(reviewed)
    with pytest.raises(ValidationError, match="machine-made"):
        fact_reviewed(make_fact())
    rebuilt_equals_projected(timeline)


# ---------------------------------------------------------------- what readers see


def test_a_merged_away_fact_leaves_the_timeline_counts_tags_and_search(timeline, two, client):
    kept, other = two
    timeline.merge_fact(other.fact_id, kept.fact_id, reason="one summit", expected_version=1, actor="e")
    listed = {f["id"] for f in client.get("/api/events").get_json()["events"]}
    assert listed == {kept.fact_id}
    assert {f["id"] for f in client.get("/api/events?show=retracted").get_json()["events"]} == {kept.fact_id}
    assert client.get("/api/events?q=arrive").get_json()["events"] == []
    assert client.get("/api/events?tag=arrivals").get_json()["events"] == []
    summary = summarize(timeline.conn, Filters())
    assert summary.total == 1 and ("arrivals", 1) not in summary.tags
    assert summarize(timeline.conn, Filters(retracted=True)).total == 1
    row = timeline.conn.execute("SELECT retracted FROM facts WHERE fact_id = ?", (other.fact_id,)).fetchone()
    assert row == (projections.MERGED_AWAY,)
    assert "Leaders arrive" not in client.get("/").get_data(as_text=True)
    rebuilt_equals_projected(timeline)


def test_time_travel_before_the_merge_shows_both_facts(timeline, two, client, clock):
    import datetime as dt

    kept, other = two
    before = clock.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    clock.now += dt.timedelta(hours=1)
    timeline.merge_fact(other.fact_id, kept.fact_id, reason="one summit", expected_version=1, actor="e")
    then = client.get(f"/api/events?as_of={before}").get_json()["events"]
    assert {f["id"] for f in then} == {kept.fact_id, other.fact_id}
    assert client.get(f"/api/events/{other.fact_id}?as_of={before}").get_json()["merged_into"] is None


def test_the_page_of_a_merged_away_fact_says_where_it_went(timeline, two, client):
    kept, other = two
    timeline.merge_fact(other.fact_id, kept.fact_id, reason="one summit", expected_version=1, actor="e")
    page = html(client.get(f"/events/{other.fact_id}"))
    assert page.xpath("//p[contains(@class, 'notice-merged')]//a/@href") == [f"/events/{kept.fact_id}"]
    assert page.xpath("//link[@rel='canonical']/@href") == [f"/events/{kept.fact_id}"]
    assert "Merged into another fact" in page.text_content()
    kept_page = html(client.get(f"/events/{kept.fact_id}"))
    assert f"/events/{other.fact_id}" in kept_page.xpath("//section[@id='history']//a/@href")
    body = client.get(f"/api/events/{other.fact_id}").get_json()
    assert body["merged_into"] == kept.fact_id and body["history"][-1]["type"] == "merged-into"
    assert body["history"][-1]["related_fact"] == kept.fact_id


def test_every_fix_survives_export_and_import_byte_for_byte(timeline, two, tmp_path):
    kept, other = two
    timeline.split_fact(
        other.fact_id,
        "https://c.example/ministers",
        {"date": "2024-07-20", "title": "Ministers meet in Goa"},
        reason="another meeting",
        expected_version=None,
        actor="e",
    )
    timeline.merge_fact(other.fact_id, kept.fact_id, reason="one summit", expected_version=None, actor="e")
    timeline.review_fact(
        machine_fact(timeline, OPENING | {"date": "2024-08-01"}).fact_id, expected_version=1, actor="e"
    )
    first = io.StringIO()
    export_to(timeline.store, first)
    copy = Timeline(EventStore(connect(tmp_path / "copy.db")))
    try:
        import_from(copy.store, io.StringIO(first.getvalue()))
        second = io.StringIO()
        export_to(copy.store, second)
        assert second.getvalue() == first.getvalue()
        assert verify(copy.store) == []
        assert copy.fact(other.fact_id).merged_into == kept.fact_id
    finally:
        copy.close()
    rebuilt_equals_projected(timeline)


# ---------------------------------------------------------------- the machine leaves editors' fixes alone


def test_the_machine_no_longer_moves_or_drops_what_an_editor_reviewed_or_merged(timeline, two):
    kept, other = two
    alone = machine_fact(
        timeline, {"date": "2024-07-01", "title": "T", "sources": [{"url": "https://x.example/"}]}
    )
    assert machine_made_alone(alone) and refinable(alone)
    assert not machine_made_alone(timeline.review_fact(alone.fact_id, expected_version=1, actor="e"))
    merged = timeline.merge_fact(other.fact_id, kept.fact_id, reason="r", expected_version=1, actor="e")
    assert not refinable(merged) and not refinable(timeline.fact(kept.fact_id))


def found_like(state, **changes) -> ExtractedFact:
    fields = dict(date=state.date, end_date=None, precision="day", title=state.title, summary="", tags=())
    return ExtractedFact(**(fields | changes), confidence=1.0)


def article(url: str) -> dict:
    return {
        "title": "Leaders arrive in Astana for the summit",
        "url": url,
        "published": "2024-07-03T08:00:00Z",
    }


@pytest.mark.usefixtures(
    "by_words_alone"
)  # the calendar would join the report to the other fact of Astana's summit
def test_ingest_never_attaches_a_report_to_the_fact_an_editor_split_it_off(timeline, two):
    _, opening = two
    timeline.split_fact(
        opening.fact_id,
        "https://c.example/ministers",
        {"date": "2024-07-20", "title": "Ministers meet in Goa"},
        reason="another meeting",
        expected_version=1,
        actor="e",
    )
    assert split_off(timeline.conn, opening.fact_id, "https://c.example/ministers")
    assert not split_off(timeline.conn, opening.fact_id, "https://d.example/new")
    state = timeline.fact(opening.fact_id)
    refused = restate_facts(
        FactFinder(timeline.conn),
        [found_like(state)],
        article("https://c.example/ministers"),
        "k1",
        [],
        "ingest",
    )
    assert refused.appends == [] and refused.recorded == 0
    other_report = restate_facts(
        FactFinder(timeline.conn), [found_like(state)], article("https://d.example/new"), "k2", [], "ingest"
    )
    assert [a.stream_id for a in other_report.appends] == [opening.fact_id]  # another report still joins it


def test_ingest_never_attaches_a_report_to_a_merged_away_fact(timeline, two):
    kept, other = two
    timeline.merge_fact(other.fact_id, kept.fact_id, reason="r", expected_version=1, actor="e")
    found = found_like(timeline.fact(other.fact_id))
    changes = restate_facts(
        FactFinder(timeline.conn), [found], article("https://d.example/x"), "k", [], "ingest"
    )
    assert other.fact_id not in {a.stream_id for a in changes.appends}


def test_reading_an_article_again_attaches_its_merged_report_nowhere_new(timeline, two):
    """The article's fact was merged away: its report lives on in the kept fact, which it already cites."""
    kept, other = two
    timeline.merge_fact(other.fact_id, kept.fact_id, reason="r", expected_version=1, actor="e")
    merged = timeline.fact(other.fact_id)
    found = found_like(timeline.fact(kept.fact_id))
    changes = restate_facts(
        FactFinder(timeline.conn), [found], article("https://b.example/shared"), "k", [merged], "reextract"
    )
    assert changes.appends == []


# ---------------------------------------------------------------- the API


def test_merge_split_and_review_through_the_api(api, editor_client, timeline):
    kept, other = machine_fact(timeline, SUMMIT), machine_fact(timeline, OPENING)
    response = api(
        f"/api/events/{other.fact_id}/split",
        {
            "source_url": "https://c.example/ministers",
            "date": "2024-07-20",
            "title": "Foreign ministers meet in Goa",
            "reason": "another meeting",
            "expected_version": 1,
        },
    )
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert response.headers["Location"] == f"/api/events/{new['id']}"
    assert new["origin"] == "manual" and new["history"][0]["related_fact"] == other.fact_id
    response = api(
        f"/api/events/{other.fact_id}/merge", {"into": kept.fact_id, "reason": "one", "expected_version": 2}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["merged_into"] == kept.fact_id and body["sources"] == []
    assert [h["type"] for h in body["history"]] == ["recorded", "split", "merged-into"]
    assert body["history"][-1]["actor"] == "editor:ann" and body["history"][-1]["reason"] == "one"
    kept_body = editor_client.get(f"/api/events/{kept.fact_id}").get_json()
    assert kept_body["history"][-1] | {"position": 0, "recorded_at": ""} == {
        "position": 0,
        "recorded_at": "",
        "version": 2,
        "type": "merged",
        "actor": "editor:ann",
        "reason": "one",
        "related_fact": other.fact_id,
    }
    third = machine_fact(timeline, {"date": "2024-07-09", "title": "T", "sources": []}, confidence=0.5)
    response = api(f"/api/events/{third.fact_id}/review", {"expected_version": 1})
    assert response.status_code == 200 and response.get_json()["reviewed"] is True
    assert verify(timeline.store) == []


def assert_error(response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body["error"], str) and body["error"]
    if field is not None:
        assert body.get("field") == field, body


@pytest.mark.parametrize(
    ("action", "body", "status", "field"),
    [
        ("merge", {"into": "KEPT", "reason": "r", "expected_version": 5}, 409, "expected_version"),
        ("merge", {"reason": "r", "expected_version": 1}, 400, "into"),
        ("merge", {"into": "nope", "reason": "r", "expected_version": 1}, 400, "into"),
        ("merge", {"into": "SELF", "reason": "r", "expected_version": 1}, 400, "into"),
        ("merge", {"into": "KEPT", "reason": "", "expected_version": 1}, 400, "reason"),
        ("merge", {"into": "KEPT", "reason": "r"}, 400, "expected_version"),
        ("merge", {"into": "KEPT", "reason": "r", "expected_version": 1, "extra": 1}, 400, "extra"),
        ("split", {"source_url": "https://b.example/shared", "date": "2024-07-03", "title": "T",
                   "reason": "r", "expected_version": 2}, 409, "expected_version"),
        ("split", {"source_url": "https://x.example/", "date": "2024-07-03", "title": "T",
                   "reason": "r", "expected_version": 1}, 400, "source_url"),
        ("split", {"source_url": "https://b.example/shared", "date": "July", "title": "T",
                   "reason": "r", "expected_version": 1}, 400, "date"),
        ("split", {"source_url": "https://b.example/shared", "date": "2024-07-03", "title": "T",
                   "tags": "summit", "reason": "r", "expected_version": 1}, 400, "tags"),
        ("review", {"expected_version": 3}, 409, "expected_version"),
        ("review", {"expected_version": 1, "reason": "x"}, 400, "reason"),
        ("review", [], 400, "body"),
    ],
)  # one bad request a row reads best # fmt: skip
def test_bad_requests_are_answered_and_record_nothing(api, timeline, action, body, status, field):
    kept, other = machine_fact(timeline, SUMMIT), machine_fact(timeline, OPENING)
    if isinstance(body, dict) and "into" in body:
        body["into"] = {"KEPT": kept.fact_id, "SELF": other.fact_id}.get(body["into"], body["into"])
    position = timeline.store.last_position()
    assert_error(api(f"/api/events/{other.fact_id}/{action}", body), status, field)
    assert timeline.store.last_position() == position


@pytest.mark.parametrize("action", ["merge", "split", "review"])
def test_without_a_token_or_a_fact(api, timeline, action):
    fact = machine_fact(timeline, SUMMIT)
    position = timeline.store.last_position()
    assert_error(api(f"/api/events/{fact.fact_id}/{action}", {"expected_version": 1}, auth=False), 401)
    assert_error(api(f"/api/events/nope/{action}", {"expected_version": 1}), 404)
    assert timeline.store.last_position() == position


def test_merged_away_and_retracted_facts_are_changed_no_more(api, timeline):
    kept, other = machine_fact(timeline, SUMMIT), machine_fact(timeline, OPENING)
    assert (
        api(
            f"/api/events/{other.fact_id}/merge", {"into": kept.fact_id, "reason": "r", "expected_version": 1}
        ).status_code
        == 200
    )
    third = machine_fact(timeline, {"date": "2024-07-09", "title": "T", "sources": []})
    position = timeline.store.last_position()
    into_gone = {"into": other.fact_id, "reason": "r", "expected_version": 1}
    assert_error(api(f"/api/events/{third.fact_id}/merge", into_gone), 409)
    assert_error(api(f"/api/events/{other.fact_id}/review", {"expected_version": 2}), 409)
    assert_error(
        api(f"/api/events/{other.fact_id}/corrections", {"title": "x", "reason": "r", "expected_version": 2}),
        409,
    )
    assert_error(
        api(f"/api/events/{kept.fact_id}/review", {"expected_version": 2}), 400
    )  # a merge reviewed it
    assert timeline.store.last_position() == position


# ---------------------------------------------------------------- the forms


@pytest.mark.parametrize("path", ["/review", "/events/x/merge", "/events/x/split"])
def test_the_forms_send_readers_to_sign_in(editor_client, path):
    response = editor_client.get(path)
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/login"


def test_merge_through_the_form_with_the_kept_facts_address(signed_in, timeline):
    kept, other = machine_fact(timeline, SUMMIT), machine_fact(timeline, OPENING)
    page = signed_in.get(f"/events/{other.fact_id}/merge")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    sent = form_values(page) | {"into": f"http://testserver/events/{kept.fact_id}", "reason": ""}
    refused = signed_in.post(f"/events/{other.fact_id}/merge", data=sent)
    assert refused.status_code == 400 and "Reason is required" in refused.get_data(as_text=True)
    assert timeline.fact(other.fact_id).merged_into is None
    response = signed_in.post(f"/events/{other.fact_id}/merge", data=sent | {"reason": "one summit"})
    assert response.status_code == 303 and response.headers["Location"] == f"/events/{kept.fact_id}"
    assert timeline.fact(other.fact_id).merged_into == kept.fact_id
    assert signed_in.get(f"/events/{other.fact_id}/merge").status_code == 409  # merged away: changed no more


def test_a_merge_form_sent_from_an_older_version_saves_nothing(signed_in, timeline):
    kept, other = machine_fact(timeline, SUMMIT), machine_fact(timeline, OPENING)
    page = signed_in.get(f"/events/{other.fact_id}/merge?into={kept.fact_id}")
    timeline.review_fact(other.fact_id, expected_version=1, actor="editor:bob")
    response = signed_in.post(f"/events/{other.fact_id}/merge", data=form_values(page) | {"reason": "r"})
    assert response.status_code == 409 and "changed while you were editing" in response.get_data(as_text=True)
    assert timeline.fact(other.fact_id).merged_into is None
    assert form_values(response)["expected_version"] == "2"


def test_a_merge_form_without_its_csrf_token_is_refused(signed_in, timeline):
    kept, other = machine_fact(timeline, SUMMIT), machine_fact(timeline, OPENING)
    sent = {"into": kept.fact_id, "reason": "r", "expected_version": "1"}
    assert signed_in.post(f"/events/{other.fact_id}/merge", data=sent).status_code == 400
    assert timeline.fact(other.fact_id).merged_into is None


def test_split_through_the_form_prefilled_from_the_reports_sentence(signed_in, timeline):
    fact = machine_fact(timeline, OPENING)
    page = signed_in.get(f"/events/{fact.fact_id}/split?source=https://c.example/ministers")
    values = form_values(page) | {"source_url": "https://c.example/ministers"}  # the option selected
    assert values["date"] == "2024-07-20"  # "on July 20", counted from its publication day
    assert "Goa" in values["title"] and values["summary"] == OPENING["sources"][1]["evidence"]
    chosen = html(page).xpath("//select[@name='source_url']/option[@selected]/@value")
    assert chosen == ["https://c.example/ministers"]
    response = signed_in.post(f"/events/{fact.fact_id}/split", data=values | {"reason": "another meeting"})
    assert response.status_code == 303, response.get_data(as_text=True)
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert timeline.fact(new_id).date == "2024-07-20"
    assert timeline.fact(fact.fact_id).split_off == ("https://c.example/ministers",)


def test_review_from_the_facts_page(signed_in, timeline):
    fact = machine_fact(timeline, SUMMIT)
    page = signed_in.get(f"/events/{fact.fact_id}")
    [form] = html(page).xpath(f"//form[@action='/events/{fact.fact_id}/review']")
    values = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    response = signed_in.post(f"/events/{fact.fact_id}/review", data=values)
    assert response.status_code == 303 and response.headers["Location"] == f"/events/{fact.fact_id}"
    assert timeline.fact(fact.fact_id).reviewed
    again = signed_in.post(f"/events/{fact.fact_id}/review", data=values)  # the version moved on
    assert again.status_code == 409
    assert not html(signed_in.get(f"/events/{fact.fact_id}")).xpath("//form[contains(@action, '/review')]")


# ---------------------------------------------------------------- the review queue


def test_the_queue_lists_machine_facts_that_need_a_look_newest_first(signed_in, timeline, make_fact):
    single = machine_fact(
        timeline, {"date": "2024-07-01", "title": "One source", "sources": [{"url": "https://x.example/1"}]}
    )
    unsure = machine_fact(timeline, SUMMIT, confidence=0.6)
    sure = machine_fact(timeline, OPENING)  # two sources, a written date: no reason to look
    make_fact(title="An editor's own fact", sources=[{"url": "https://x.example/2"}])
    reviewed = machine_fact(
        timeline, {"date": "2024-07-02", "title": "Looked at", "sources": [{"url": "https://x.example/3"}]}
    )
    timeline.review_fact(reviewed.fact_id, expected_version=1, actor="e")
    queue = review_queue(timeline.conn)
    assert [item.state.fact_id for item in queue.items] == [unsure.fact_id, single.fact_id]
    assert queue.items[0].reasons[0].startswith("low confidence (0.60)")
    assert queue.items[1].reasons == ["a single source"]
    first = review_queue(timeline.conn, limit=1)
    assert [i.state.fact_id for i in first.items] == [unsure.fact_id] and first.before is not None
    assert [i.state.fact_id for i in review_queue(timeline.conn, first.before, 1).items] == [single.fact_id]
    page = signed_in.get("/review")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    titles = html(page).xpath("//ol[@class='review-queue']//h2/a/text()")
    assert titles == [SUMMIT["title"], "One source"] and sure.title not in titles
    assert html(page).xpath("//nav//a[text()='Review queue']/@href") == ["/review"]
    assert signed_in.get("/review?before=x").status_code == 400


def test_the_queue_offers_review_merge_and_split_and_comes_back(signed_in, timeline):
    fact = machine_fact(timeline, OPENING | {"date": "2024-07-09"}, confidence=0.5)
    page = signed_in.get("/review")
    tree = html(page)
    assert tree.xpath(f"//form[@action='/events/{fact.fact_id}/merge']//input[@name='into']")
    assert f"/events/{fact.fact_id}/split?source=https://c.example/ministers" in tree.xpath("//a/@href")
    [form] = tree.xpath(f"//form[@action='/events/{fact.fact_id}/review']")
    values = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    response = signed_in.post(f"/events/{fact.fact_id}/review", data=values)
    assert response.status_code == 303 and response.headers["Location"] == "/review"
    assert review_queue(timeline.conn).items == []


def test_a_machine_date_correction_puts_a_fact_in_the_queue(timeline):
    fact = machine_fact(timeline, OPENING)
    assert review_queue(timeline.conn).items == []
    timeline.store.append_to(fact.fact_id, [_machine_correction()], expected_version=1)
    timeline.catch_up()
    [item] = review_queue(timeline.conn).items
    assert item.reasons == ["a later report moved its dates"]


def _machine_correction():
    from events.log.model import NewEvent

    payload = {
        "changes": {"date": "2024-07-04"},
        "previous": {"date": "2024-07-03"},
        "reason": "a later report",
    }
    return NewEvent("FactCorrected", payload, {"actor": "feed:test", "article": "k"})


# ---------------------------------------------------------------- Atom


@pytest.fixture(scope="module")
def atom_schema():
    return etree.RelaxNG(etree.parse(str(shared_path("schemas", "atom.rng"))))


def test_atom_shows_a_merge_as_an_updated_entry_and_a_tombstone(timeline, two, client, atom_schema):
    kept, other = two
    timeline.merge_fact(
        other.fact_id, kept.fact_id, reason="one summit", expected_version=1, actor="editor:ann"
    )
    doc = check_feed(atom_schema, client.get("/feed.atom").data)
    [gone] = doc.findall(f"{TOMBSTONES}deleted-entry")
    assert gone.get("ref") == f"urn:uuid:{other.fact_id}"
    assert gone.findtext(f"{TOMBSTONES}by/{ATOM}name") == "editor ann"
    comment = gone.findtext(f"{TOMBSTONES}comment")
    assert f"http://testserver/events/{kept.fact_id}" in comment and "one summit" in comment
    assert gone.find(f"{ATOM}link").get("href") == f"http://testserver/events/{kept.fact_id}"
    [entry] = entries(doc)  # the merged-away fact is no entry any more
    assert entry.findtext(f"{ATOM}id") == f"urn:uuid:{kept.fact_id}"
    text = "".join(entry.find(f"{ATOM}content").itertext())
    assert "Merged on" in text and "bringing 1 source" in text and "Ministers to meet in Goa" in text
    assert gone.get("when") == entry.findtext(f"{ATOM}updated")


def test_every_change_sent_again_with_its_idempotency_key_records_once_and_answers_the_same(
    api, editor_client, timeline
):
    """A client that lost the answer sends the change again with the same key: it gets the answer
    (not a 409 for its now stale expected_version), and the log records it once."""
    kept, other = machine_fact(timeline, SUMMIT), machine_fact(timeline, OPENING)
    third = machine_fact(timeline, {"date": "2024-07-09", "title": "T", "sources": []}, confidence=0.5)
    split = {
        "source_url": "https://c.example/ministers",
        "date": "2024-07-20",
        "title": "Foreign ministers meet in Goa",
        "reason": "another meeting",
        "expected_version": 1,
    }
    changes = [
        (f"/api/events/{other.fact_id}/split", split, 201),
        (
            f"/api/events/{other.fact_id}/merge",
            {"into": kept.fact_id, "reason": "one", "expected_version": 2},
            200,
        ),
        (
            f"/api/events/{third.fact_id}/corrections",
            {"title": "T2", "reason": "r", "expected_version": 1},
            200,
        ),
        (f"/api/events/{third.fact_id}/review", {"expected_version": 2}, 200),
        (f"/api/events/{third.fact_id}/retraction", {"reason": "gone", "expected_version": 3}, 200),
    ]
    for number, (path, body, status) in enumerate(changes):
        headers = {"Idempotency-Key": f"change-{number}"}
        first = api(path, body, headers=headers)
        assert first.status_code == status, (path, first.get_json())
        position = timeline.store.last_position()
        again = api(path, body, headers=headers)
        assert again.status_code == status, (path, again.get_json())
        assert again.get_json() == first.get_json() and again.headers.get("Location") == first.headers.get(
            "Location"
        )
        assert timeline.store.last_position() == position, path  # nothing more recorded
    elsewhere = api(
        f"/api/events/{kept.fact_id}/review", {"expected_version": 2}, headers={"Idempotency-Key": "change-3"}
    )
    assert elsewhere.status_code == 422 and elsewhere.get_json()["field"] == "Idempotency-Key"
    assert verify(timeline.store) == []
