"""timeline verify: a sound log passes; each kind of damage is named."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from events.admin.verify import payload_problems, verify
from events.log.model import NewEvent, StreamAppend
from events.service import Timeline
from timeline.cli import cli


@pytest.fixture
def timeline(tmp_path):
    t = Timeline.open(tmp_path / "t.db")
    t.init()
    fact = t.record_fact({"date": "2024-05", "title": "Visit", "tags": ["china"]}, actor="e")
    t.correct_fact(fact.fact_id, {"title": "State visit"}, reason="r", expected_version=1, actor="e")
    yield t
    t.close()


def test_a_sound_log_has_no_problems(timeline):
    assert verify(timeline.store) == []


def test_a_projection_out_of_step_is_found(timeline):
    """The search index is checked against the rows a rebuild makes: here it still holds the
    log's words, so only the tampered row of facts is named."""
    timeline.conn.execute("UPDATE fact_rows SET title = 'tampered' WHERE n = 1")
    title = timeline.conn.execute("SELECT title FROM facts WHERE n = 2").fetchone()[0]  # n = 1 is tampered
    problems = verify(timeline.store)
    assert problems[0].startswith(
        "projection facts differs from a rebuild of the log: n=1 has title 'tampered', a rebuild '"
    )
    assert len(problems) == 1 and title not in problems[0]  # the row that differs, not the others


def test_a_search_index_edited_with_its_facts_is_found(timeline):
    """Both edited alike (facts and its index agree): the index no longer matches what the log says."""
    row = timeline.conn.execute("SELECT title, summary, tags FROM facts WHERE n = 1").fetchone()
    timeline.conn.execute(
        "INSERT INTO facts_fts (facts_fts, rowid, title, summary, tags) VALUES ('delete', 1, ?, ?, ?)", row
    )
    timeline.conn.execute("UPDATE fact_rows SET title = 'tampered' WHERE n = 1")
    timeline.conn.execute(
        "INSERT INTO facts_fts (rowid, title, summary, tags) VALUES (1, 'tampered', ?, ?)", row[1:]
    )
    problems = verify(timeline.store)
    assert problems[0].startswith(
        "projection facts differs from a rebuild of the log: n=1 has title 'tampered'"
    )
    assert problems[1:] == ["projection facts_fts: the search index does not match facts"]


def test_a_row_reading_its_texts_from_another_event_is_found(timeline):
    """fact_rows leaves texts to the log (migration 18): verify compares the texts the facts view gives,
    so a row pointing at another fact's FactRecorded is named by the title a reader would see."""
    n, texts_from = timeline.conn.execute(
        "SELECT n, texts_from FROM fact_rows WHERE title IS NULL ORDER BY n LIMIT 1"
    ).fetchone()
    other = timeline.conn.execute(
        "SELECT position FROM events WHERE type = 'FactRecorded' AND position <> ? LIMIT 1", (texts_from,)
    ).fetchone()[0]
    timeline.conn.execute("UPDATE fact_rows SET texts_from = ? WHERE n = ?", (other, n))
    problems = verify(timeline.store)
    assert problems and problems[0].startswith(
        f"projection facts differs from a rebuild of the log: n={n} has title"
    )


def test_events_after_the_checkpoint_are_checked_though_not_rebuilt(timeline):
    """An append not yet projected is no fault of the read models, but the log check reads it."""
    payload = {"fact_id": "f-late", "date": "2024-13", "end_date": None, "title": "t", "summary": ""}
    payload |= {"tags": [], "sources": [], "origin": "seed"}
    timeline.store.append([StreamAppend("f-late", (NewEvent("FactRecorded", payload),), 0)])
    last = timeline.store.last_position()
    assert verify(timeline.store) == [f"position {last} (FactRecorded): date: month 13 is out of range 1-12"]


def test_rows_missing_from_or_added_to_a_projection_are_named(timeline):
    tag, n = timeline.conn.execute("SELECT tag, n FROM fact_tags ORDER BY n, tag LIMIT 1").fetchone()
    timeline.conn.execute("DELETE FROM fact_tags WHERE tag = ? AND n = ?", (tag, n))
    timeline.conn.execute("INSERT INTO feed_status (feed, error_streak) VALUES ('ghost', 0)")
    assert verify(timeline.store) == [
        f"projection fact_tags differs from a rebuild of the log: tag={tag!r}, retracted=0, sort_key="
        + repr(timeline.conn.execute("SELECT sort_key FROM facts WHERE n = ?", (n,)).fetchone()[0])
        + f", n={n} is missing",
        "projection feed_status differs from a rebuild of the log: feed='ghost' is not in a rebuild",
    ]


def test_a_search_index_out_of_step_is_found(timeline):
    timeline.conn.execute(
        "INSERT INTO facts_fts (rowid, title, summary, tags) VALUES (99, 'ghost', '', '[]')"
    )
    assert verify(timeline.store) == ["projection facts_fts: the search index does not match facts"]


def test_damage_to_the_log_itself_is_found(tmp_path, timeline):
    """Simulate a log written by something else: drop the guards on a copy and damage it."""
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.executescript(
        "DROP TRIGGER events_refuse_delete; DROP TRIGGER events_refuse_update;"
        "DELETE FROM events WHERE position = 5;"
        "UPDATE events SET version = 3 WHERE position = 31;"
        "UPDATE events SET payload = '{\"title\": 1}' WHERE position = 2;"
    )
    conn.close()
    problems = verify(timeline.store, check_projections=False)
    assert "positions jump from 4 to 6" in problems
    assert any("goes from version 1 to 3" in p for p in problems)
    assert any(p.startswith("position 2 (FactRecorded): title missing or not str") for p in problems)


def test_payload_rules():
    assert payload_problems("Nope", "{}") == ["unknown event type 'Nope'"]
    assert payload_problems("FactRetracted", '{"reason": "x"}') == []
    bad = '{"fact_id":"a","date":"2024-13","end_date":null,"title":"t","summary":"","tags":[],"sources":[],"origin":"seed"}'
    assert payload_problems("FactRecorded", bad) == ["date: month 13 is out of range 1-12"]


def test_cli_verify(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text('[database]\npath = "t.db"\n', encoding="utf-8")
    runner = CliRunner()
    runner.invoke(cli, ["--config", str(conf), "init"])
    result = runner.invoke(cli, ["--config", str(conf), "verify"])
    assert result.exit_code == 0 and result.output.startswith("ok: 29 events")
    sqlite3.connect(tmp_path / "t.db").execute("DELETE FROM fact_tags").connection.commit()
    broken = runner.invoke(cli, ["--config", str(conf), "verify"])
    assert broken.exit_code == 1 and "fact_tags differs" in broken.output


def test_an_in_memory_database_is_verified_too():
    """It has no file for the integrity check's own connection: checked on its own connection instead."""
    from events.log.store import EventStore, connect

    store = EventStore(connect(":memory:"))
    Timeline(store).init()
    assert verify(store) == []
    store.conn.execute("UPDATE fact_rows SET title = 'x' WHERE n = 1")
    assert verify(store)[0].startswith(
        "projection facts differs from a rebuild of the log: n=1 has title 'x'"
    )


class _WriteAfterBegin:
    """A reader connection after whose first BEGIN another connection commits: the two snapshots would differ."""

    def __init__(self, conn, writer):
        self.conn, self.writer, self.begins = conn, writer, 0

    def execute(self, sql, *args):
        cursor = self.conn.execute(sql, *args)
        if sql == "BEGIN":
            self.begins += 1
            if self.begins == 1:
                self.writer.execute("INSERT INTO t VALUES (2)")
        return cursor


def test_a_commit_between_the_two_beginnings_makes_verify_begin_again(tmp_path):
    """The rebuild's connection and the log check's must read one state: a commit between their
    BEGINs is seen (data_version) and both begin again, then agree."""
    from events.admin.verify import CHECKED, _one_snapshot

    path = tmp_path / "c.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("CREATE TABLE t (x)")
    writer.execute("INSERT INTO t VALUES (1)")
    fresh = sqlite3.connect(":memory:", isolation_level=None)
    fresh.execute(f"ATTACH DATABASE ? AS {CHECKED}", (f"file:{path}?mode=ro",))
    reader = _WriteAfterBegin(sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None), writer)
    with _one_snapshot(fresh, reader):
        writer.execute("INSERT INTO t VALUES (3)")  # after both began: seen by neither
        seen = (
            reader.conn.execute("SELECT count(*) FROM t").fetchone()[0],
            fresh.execute(f"SELECT count(*) FROM {CHECKED}.t").fetchone()[0],
        )
    assert reader.begins == 2 and seen == (2, 2)
