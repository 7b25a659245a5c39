"""Facts through the service: projections follow the log, rebuild and import give identical results."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3

import pytest

from events.admin.backup import export_to, import_from
from events.log.clock import FixedClock
from events.log.errors import ConcurrencyConflict, FactRetracted, ImportRefused, UnknownFact, ValidationError
from events.log.migrations import empty_projections
from events.log.store import EventStore, connect
from events.read import projections
from events.service import Timeline

T0 = dt.datetime(2024, 7, 3, 9, 30, tzinfo=dt.UTC)
FACT = {
    "date": "2022-09-15",
    "end_date": "2022-09-16",
    "title": "SCO summit in Samarkand",
    "summary": "Leaders meet for two days.",
    "tags": ["SCO", "Summit", "uzbekistan"],
    "sources": [{"url": "https://example.org/a", "outlet": "Example"}],
}


def open_timeline(path) -> Timeline:
    return Timeline(EventStore(connect(path), FixedClock(T0, dt.timedelta(minutes=1))))


@pytest.fixture
def timeline(tmp_path):
    t = open_timeline(tmp_path / "t.db")
    yield t
    t.close()


def projection_dump(conn: sqlite3.Connection) -> dict:
    tables = {
        name: conn.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall()
        for name in ("facts", "fact_tags", "articles", "feed_status", "projection_checkpoints")
    }
    tables["fts"] = conn.execute(
        "SELECT rowid, title, summary, tags FROM facts_fts ORDER BY rowid"
    ).fetchall()
    return tables


def test_record_projects_a_normalised_fact(timeline):
    fact = timeline.record_fact(FACT, actor="editor:ann")
    assert (fact.date, fact.end_date, fact.precision) == ("2022-09-15", "2022-09-16", "day")
    assert fact.tags == ("sco", "summit", "uzbekistan")
    assert fact.version == 1 and not fact.corrected and not fact.retracted
    event = list(timeline.store.read())[0]
    assert event.type == "FactRecorded" and event.metadata["actor"] == "editor:ann"
    hits = timeline.conn.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'samarkand'").fetchall()
    assert len(hits) == 1


def test_line_endings_are_stored_as_one_newline(timeline):
    """A browser's textarea sends CRLF; stored as sent, an untouched summary read as a change at every
    form correction ('summary changed' in the history and the Atom feed). Found by a product review."""
    fact = timeline.record_fact(
        FACT | {"summary": "Para one.\r\nPara two.\rPara three.\n"}, actor="editor:ann"
    )
    assert fact.summary == "Para one.\nPara two.\nPara three."
    with pytest.raises(ValidationError, match="changes nothing"):
        timeline.correct_fact(
            fact.fact_id,
            {"summary": "Para one.\r\nPara two.\r\nPara three."},
            reason="same text",
            expected_version=None,
            actor="editor:ann",
        )


def test_correct_then_retract(timeline):
    fact = timeline.record_fact(FACT, actor="editor:ann")
    corrected = timeline.correct_fact(
        fact.fact_id,
        {"title": "SCO summit opens in Samarkand", "date": "2022-09"},
        reason="wrong day",
        expected_version=1,
        actor="editor:bob",
    )
    assert corrected.corrected and corrected.version == 2 and corrected.precision == "month"
    event = list(timeline.store.read())[-1]
    assert event.payload["previous"] == {"title": "SCO summit in Samarkand", "date": "2022-09-15"}
    assert event.payload["reason"] == "wrong day"
    with pytest.raises(ConcurrencyConflict):
        timeline.retract_fact(fact.fact_id, reason="dup", expected_version=1, actor="editor:bob")
    retracted = timeline.retract_fact(
        fact.fact_id, reason="duplicate", expected_version=2, actor="editor:bob"
    )
    assert retracted.retracted and retracted.retraction_reason == "duplicate"
    with pytest.raises(FactRetracted):
        timeline.correct_fact(fact.fact_id, {"title": "x"}, reason="r", expected_version=3, actor="e")
    assert timeline.conn.execute("SELECT retracted FROM fact_tags").fetchall() == [(1,)] * 3


def test_a_correction_that_changes_nothing_is_refused(timeline):
    fact = timeline.record_fact(FACT, actor="e")
    with pytest.raises(ValidationError):
        timeline.correct_fact(
            fact.fact_id, {"title": FACT["title"]}, reason="r", expected_version=1, actor="e"
        )
    assert timeline.store.last_position() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"date": "2022-13"}, "date"),
        ({"date": None}, "date"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"end_date": "2022-09-14"}, "end_date"),
        ({"tags": "sco"}, "tags"),
        ({"sources": [{"url": "javascript:alert(1)"}]}, "sources[0].url"),
        ({"sources": [{"url": "ftp://x.org/"}]}, "sources[0].url"),
        ({"sources": [{"url": "https://x.org/", "colour": "red"}]}, "sources[0].colour"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_fields_name_the_field_and_record_nothing(timeline, change, field):
    with pytest.raises(ValidationError) as caught:
        timeline.record_fact({**FACT, **change}, actor="e")
    assert caught.value.field.startswith(field)
    assert timeline.store.is_empty()


def test_unknown_fact(timeline):
    with pytest.raises(UnknownFact):
        timeline.fact("no-such-id")


def test_idempotent_record(timeline):
    a = timeline.record_fact(FACT, actor="e", idempotency_key="k")
    b = timeline.record_fact(FACT, actor="e", idempotency_key="k")
    assert a.fact_id == b.fact_id and timeline.store.last_position() == 1


def build_history(timeline: Timeline) -> None:
    timeline.init()
    for i in range(30):
        fact = timeline.record_fact(
            {**FACT, "title": f"Fact {i}", "date": f"20{10 + i % 14}-0{1 + i % 9}", "end_date": None},
            actor="e",
        )
        if i % 3 == 0:
            timeline.correct_fact(
                fact.fact_id, {"tags": ["sco", f"t{i}"]}, reason="r", expected_version=1, actor="e"
            )
        if i % 5 == 0:
            timeline.retract_fact(fact.fact_id, reason="gone", expected_version=None, actor="e")


def test_rebuild_gives_the_identical_projection(timeline):
    build_history(timeline)
    before = projection_dump(timeline.conn)
    projections.rebuild(timeline.store)
    assert projection_dump(timeline.conn) == before
    assert before["projection_checkpoints"] == [("main", timeline.store.last_position())]


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_rebuild_in_chunks_meets_facts_of_earlier_chunks(timeline, batch):
    """A correction recorded chunks after its fact must find the fact's state."""
    build_history(timeline)
    before = projection_dump(timeline.conn)
    projections.rebuild(timeline.store, batch=batch)
    assert projection_dump(timeline.conn) == before


def test_projection_catches_up_in_chunks(timeline):
    build_history(timeline)
    expected = projection_dump(timeline.conn)
    empty_projections(timeline.conn)  # every read model, the past versions and the checkpoint
    projections.catch_up(timeline.store, batch=7)
    assert projection_dump(timeline.conn) == expected


def test_export_import_export_is_byte_identical(timeline, tmp_path):
    build_history(timeline)
    first = io.StringIO()
    count = export_to(timeline.store, first)
    assert count == timeline.store.last_position()
    copy = open_timeline(tmp_path / "copy.db")
    assert import_from(copy.store, io.StringIO(first.getvalue())) == count
    projections.rebuild(copy.store)
    second = io.StringIO()
    export_to(copy.store, second)
    assert second.getvalue() == first.getvalue()
    assert projection_dump(copy.conn) == projection_dump(timeline.conn)
    lines = first.getvalue().splitlines()
    assert [json.loads(line)["position"] for line in lines] == list(range(1, count + 1))


def test_import_refuses_a_non_empty_database_and_bad_lines(timeline, tmp_path):
    timeline.init()
    with pytest.raises(ImportRefused, match="empty"):
        import_from(timeline.store, io.StringIO(""))
    fresh = open_timeline(tmp_path / "fresh.db")
    good = io.StringIO()
    export_to(timeline.store, good)
    lines = good.getvalue().splitlines(keepends=True)
    for bad, message in [
        ("{not json\n", "line 1"),
        ('{"position": 1}\n', "line 1"),
        (lines[1] + lines[0], "line 1: hash of position 2 does not follow"),  # the chain finds it first
    ]:
        with pytest.raises(ImportRefused, match=message):
            import_from(fresh.store, io.StringIO(bad))
        assert fresh.store.is_empty()


def _altered(line: str, **changes) -> str:
    """A line changed, without the hash chain (as an export from before it): the checks behind the chain's."""
    record = json.loads(line)
    del record["hash"], record["batch_index"]
    for key, value in changes.items():
        if key in record["payload"] and key not in record:
            record["payload"][key] = value
        else:
            record[key] = value
    return json.dumps(record) + "\n"


def test_an_import_that_would_not_verify_or_project_leaves_nothing(timeline, tmp_path):
    """The log refuses DELETE: a bad event that got in could never be taken out, and every later
    command would fail on it. The import checks and projects inside its transaction instead."""
    timeline.init()
    good = io.StringIO()
    export_to(timeline.store, good)
    first, *rest = good.getvalue().splitlines(keepends=True)
    fresh = open_timeline(tmp_path / "fresh.db")
    cases = [
        (_altered(first, payload={}), "does not verify: position 1 \\(FactRecorded\\): fact_id missing"),
        (_altered(first, type="NoSuchType"), "unknown event type"),
        (_altered(first, version=5), "goes from version 0 to 5"),
        (_altered(first, position=100), "positions jump from 0 to 100"),
        (_altered(first, date="2024-13-01"), "month 13"),
        (_altered(first, recorded_at="yesterday"), "recorded_at 'yesterday'"),
        (_altered(first, idempotency_key=5), "idempotency_key"),
        (
            _altered(first)
            + _altered(
                rest[0],
                payload={
                    "fact_id": "x",
                    "date": "2024",
                    "end_date": None,
                    "title": "t",
                    "summary": "",
                    "tags": "not a list",
                    "sources": [],
                    "origin": "seed",
                },
            ),
            "tags missing or not list",
        ),
        (
            _altered(first, type="FactSourceAdded", payload={"source": {"url": None, "title": "t"}}),
            "cannot be projected: UnknownFact",
        ),  # verifies, but adds a source to a fact never recorded
    ]
    for bad, message in cases:
        with pytest.raises(ImportRefused, match=message):
            import_from(fresh.store, io.StringIO(bad))
        assert fresh.store.is_empty()
    assert (
        import_from(fresh.store, io.StringIO(good.getvalue())) == len(rest) + 1
    )  # and then the good one goes in
    assert fresh.conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0] > 20  # projected by the import


def test_seeding_twice_adds_nothing(timeline):
    assert timeline.init() >= 20
    position = timeline.store.last_position()
    assert timeline.init() == 0
    assert timeline.store.last_position() == position
    facts = timeline.conn.execute("SELECT date, precision, origin FROM facts").fetchall()
    assert all(origin == "seed" for _, _, origin in facts)
    assert {"year", "month", "day"} <= {p for _, p, _ in facts}


def test_seed_ids_are_the_same_in_every_database(tmp_path):
    ids = []
    for name in ("a.db", "b.db"):
        t = open_timeline(tmp_path / name)
        t.init()
        ids.append(sorted(r[0] for r in t.conn.execute("SELECT fact_id FROM facts")))
        t.close()
    assert ids[0] == ids[1]


def test_correcting_with_tags_that_are_not_a_list_is_refused(timeline):
    fact = timeline.record_fact(FACT, actor="e")
    for bad in ("abc", 5, {"a": 1}):
        with pytest.raises(ValidationError) as caught:
            timeline.correct_fact(fact.fact_id, {"tags": bad}, reason="r", expected_version=1, actor="e")
        assert caught.value.field == "tags"
    assert timeline.store.last_position() == 1


def test_a_source_date_that_overflows_is_a_validation_error(timeline):
    with pytest.raises(ValidationError) as caught:
        timeline.record_fact(
            {**FACT, "sources": [{"url": "https://x.org/", "published": "0001-01-01T00:00:00+01:00"}]},
            actor="e",
        )
    assert caught.value.field == "sources[0].published"


def test_a_retried_correction_or_retraction_answers_like_the_first(timeline):
    fact = timeline.record_fact(FACT, actor="e")
    first = timeline.correct_fact(
        fact.fact_id, {"title": "New"}, reason="r", expected_version=1, actor="e", idempotency_key="c1"
    )
    again = timeline.correct_fact(
        fact.fact_id, {"title": "New"}, reason="r", expected_version=1, actor="e", idempotency_key="c1"
    )
    assert again == first and timeline.store.last_position() == 2
    gone = timeline.retract_fact(
        fact.fact_id, reason="dup", expected_version=2, actor="e", idempotency_key="r1"
    )
    assert (
        timeline.retract_fact(fact.fact_id, reason="dup", expected_version=2, actor="e", idempotency_key="r1")
        == gone
    )
