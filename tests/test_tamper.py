"""Tamper evidence: with the append-only triggers dropped by hand, every edit of the log is found.

Each attack is made on a real SQLite file through a plain sqlite3 connection, as someone
holding the file would, and then `timeline verify` (and `verify --head`) is run on it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from events.log.chain import GENESIS, link
from events.log.store import connect
from timeline.cli import cli

DROP_GUARDS = "DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete;"


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "conf.toml"
    path.write_text('[database]\npath = "t.db"\n', encoding="utf-8")
    assert run(path, "init").exit_code == 0
    added = run(path, "add", "--date", "2024-07-03", "--title", "Astana summit", "--tag", "sco")
    assert added.exit_code == 0, added.output
    return path


def run(config, *args):
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def attack(config, script: str) -> None:
    """The attacker's own connection: guards dropped, the log edited, the guards put back."""
    conn = sqlite3.connect(config.parent / "t.db", isolation_level=None)
    guards = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    conn.executescript(DROP_GUARDS + script)
    for name in ("events_refuse_update", "events_refuse_delete"):
        conn.execute(guards[name])  # so that only the chain can tell
    conn.close()


def verify_output(config, *args) -> list[str]:
    result = run(config, "verify", *args)
    lines = result.output.splitlines()
    assert (result.exit_code == 0) == (lines[-1].startswith("ok: ")), result.output
    return lines


def test_a_sound_log_verifies_and_its_head_is_the_last_hash(config):
    head = run(config, "head").output.strip()
    position, digest = head.split(":")
    assert position == "30" and len(digest) == 64
    conn = sqlite3.connect(config.parent / "t.db")
    assert conn.execute("SELECT hex(hash) FROM events WHERE position = 30").fetchone()[0].lower() == digest
    assert verify_output(config, "--head", head)[-1].startswith("ok: 30 events, hash chain whole")


def test_each_hash_is_the_chain_over_the_canonical_content(config):
    """Recomputed here from the definition in events/log/chain.py, not with the store's code."""
    import hashlib

    conn = sqlite3.connect(config.parent / "t.db")
    previous = bytes(32)
    columns = "position, event_id, stream_id, version, type, schema_version, payload, metadata,"
    columns += " idempotency_key, batch_index, recorded_at"
    for *row, stored in conn.execute(f"SELECT {columns}, hash FROM events ORDER BY position"):
        content = json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode()
        previous = hashlib.sha256(previous + content).digest()
        assert stored == previous


@pytest.mark.parametrize(
    "script, position",
    [
        (
            """UPDATE events SET metadata = json_set(metadata, '$.actor', 'mallory') WHERE position = 30;""",
            30,
        ),
        ("""UPDATE events SET metadata = json_set(metadata, '$.reason', 'forged') WHERE position = 3;""", 3),
        ("""UPDATE events SET payload = json_set(payload, '$.title', 'Forged') WHERE position = 30;""", 30),
        ("""UPDATE events SET recorded_at = '2020-01-01T00:00:00.000000Z' WHERE position = 7;""", 7),
        ("""UPDATE events SET type = 'FactRecorded', version = version WHERE position = 12;""", None),
        ("""UPDATE events SET hash = zeroblob(32) WHERE position = 5;""", 5),
    ],
    ids=["actor", "reason", "payload", "recorded_at", "same-value-update", "hash"],
)
def test_an_edit_of_any_column_breaks_the_chain_at_that_event(config, script, position):
    attack(config, script)
    lines = verify_output(config)
    if position is None:  # writing a value over itself changes nothing: nothing to find
        assert lines[-1].startswith("ok: ")
        return
    assert f"position {position}: hash does not follow from the event and the one before it" in lines[0]
    assert lines[-1].startswith("Error: ")


def test_an_event_deleted_in_the_middle_is_named(config):
    attack(config, "DELETE FROM events WHERE position = 10;")
    lines = verify_output(config)
    assert lines[:2] == [
        "positions jump from 9 to 11",
        "position 11: hash does not follow from the event and the one before it (edited, inserted, removed or reordered)",
    ]


def test_a_deleted_event_and_a_null_hash_are_named(config):
    attack(
        config,
        "DELETE FROM events WHERE position = 10; INSERT INTO events SELECT 10, 'x' || event_id,"
        " stream_id || '-forged', version, type, schema_version, payload, metadata, NULL, 0, recorded_at, NULL"
        " FROM events WHERE position = 9;",
    )
    lines = verify_output(config)
    assert "position 10: no hash (not appended by the store)" in lines
    assert "position 11: hash does not follow from the event and the one before it" in lines[1]


def test_an_inserted_event_is_found_even_with_a_good_hash_of_its_own(config, tmp_path):
    """Positions after 10 moved up by one, a forged event chained properly after 10: 12 no longer follows."""
    attack(
        config,
        "UPDATE events SET position = position + 1000 WHERE position > 10;"
        "UPDATE events SET position = position - 999 WHERE position > 1000;",
    )
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    conn.execute("DROP TRIGGER events_refuse_replace_version")
    (previous,) = conn.execute("SELECT hash FROM events WHERE position = 10").fetchone()
    row = (
        11,
        "forged",
        "forged-stream",
        1,
        "TokenRevoked",
        1,
        '{"name":"x"}',
        '{"actor":"m"}',
        None,
        0,
        "2024-07-03T00:00:00.000000Z",
    )
    conn.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*row, link(previous, row))
    )
    conn.close()
    lines = verify_output(config)
    assert not any(line.startswith("position 11: hash") for line in lines)
    assert any(
        line.startswith("position 12: hash does not follow from the event and the one") for line in lines
    )
    assert "trigger events_refuse_replace_version is missing: the log can be rewritten without it" in lines


def test_a_reorder_is_found(config):
    attack(
        config,
        "UPDATE events SET position = -1 WHERE position = 20;"
        "UPDATE events SET position = 20 WHERE position = 21;"
        "UPDATE events SET position = 21 WHERE position = -1;",
    )
    lines = verify_output(config)
    assert any(line.startswith("position 20: hash does not follow") for line in lines)
    assert any(line.startswith("position 21: hash does not follow") for line in lines)


def test_a_log_rewritten_and_rehashed_whole_is_found_against_a_kept_head(config, tmp_path):
    """The attacker recomputes every hash after the edit: only a head kept elsewhere can tell."""
    head = run(config, "head").output.strip()
    attack(config, "UPDATE events SET payload = json_set(payload, '$.title', 'Forged') WHERE position = 30;")
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    conn.executescript(DROP_GUARDS)
    previous, columns = (
        GENESIS,
        "position, event_id, stream_id, version, type, schema_version, payload, metadata,",
    )
    columns += " idempotency_key, batch_index, recorded_at"
    for row in conn.execute(f"SELECT {columns} FROM events ORDER BY position").fetchall():
        previous = link(previous, row)
        conn.execute("UPDATE events SET hash = ? WHERE position = ?", (previous, row[0]))
    conn.close()
    lines = verify_output(config, "--head", head)
    assert lines[:3] == [
        "trigger events_refuse_update is missing: the log can be rewritten without it",
        "trigger events_refuse_delete is missing: the log can be rewritten without it",
        f"position 30 has hash {previous.hex()}, not the head kept ({head.split(':')[1]}): rewritten up to there",
    ]


def test_a_cut_wal_loses_the_tail_and_verify_head_says_so(config, tmp_path):
    """Acknowledged appends still in the WAL; the database file copied without it (a cut WAL)."""
    from events.service import Timeline

    timeline = Timeline.open(tmp_path / "t.db")
    timeline.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for day in range(1, 6):
        timeline.record_fact({"date": f"2024-08-0{day}", "title": f"Meeting {day}"}, actor="e")
    head = run(config, "head").output.strip()
    assert head.startswith("35:")
    shutil.copyfile(tmp_path / "t.db", tmp_path / "cut.db")  # the WAL holding 31-35 is left behind
    timeline.close()
    cut = tmp_path / "cut.toml"
    cut.write_text('[database]\npath = "cut.db"\n', encoding="utf-8")
    assert verify_output(cut)[-1].startswith("ok: 30 events")  # without the head, a cut tail looks whole
    lines = verify_output(cut, "--head", head)
    assert lines[0] == "the log ends at position 30, before the head kept (35): its tail was cut"


def test_rebuild_no_longer_launders_a_payload_edit(config):
    attack(config, "UPDATE events SET payload = json_set(payload, '$.title', 'Forged') WHERE position = 30;")
    assert run(config, "rebuild").exit_code == 0  # the projections now show the forged title...
    lines = verify_output(config)  # ...and equal a rebuild, but the log itself does not verify
    assert lines[0] == (
        "position 30: hash does not follow from the event and the one before it (edited, inserted, removed or reordered)"
    )
    assert len(lines) == 2


@pytest.mark.parametrize(
    "script, problem, failure",
    [
        (
            "UPDATE events SET payload = json_remove(payload, '$.title') WHERE position = 30;",
            "position 30 (FactRecorded): title missing or not str",
            "the log cannot be projected: IntegrityError: CHECK constraint failed: texts_kept_or_logged",
        ),
        (
            "PRAGMA ignore_check_constraints = ON; UPDATE events SET payload = '{\"title\"' WHERE position = 30;",
            "position 30 (FactRecorded): the payload is not JSON",
            "the log cannot be projected: OperationalError: malformed JSON",
        ),
    ],
    ids=["title-removed", "not-json"],
)
def test_a_payload_the_rebuild_reads_with_sql_is_still_judged_by_the_check(config, script, problem, failure):
    """Verify rebuilds with SQLite's JSON functions, which read what the check refuses: the check decides,
    and a log the rebuild cannot project is said too."""
    attack(config, script)
    lines = verify_output(config)
    assert lines[0].startswith("position 30: hash does not follow")
    assert lines[1:3] == [problem, failure]


def test_missing_or_changed_triggers_are_named(config, tmp_path):
    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    conn.executescript(
        "DROP TRIGGER events_refuse_delete; DROP TRIGGER events_refuse_replace;"
        "CREATE TRIGGER events_refuse_replace BEFORE INSERT ON events WHEN 0 BEGIN SELECT 1; END;"
        "CREATE TRIGGER events_sneak AFTER INSERT ON events BEGIN SELECT 1; END;"
    )
    conn.close()
    assert verify_output(config)[:3] == [
        "trigger events_refuse_delete is missing: the log can be rewritten without it",
        "trigger events_refuse_replace is not as the migrations made it",
        "trigger events_sneak on the log is not one the migrations made",
    ]


@pytest.mark.parametrize("head", ["30", "x:00", "30:abc", "30:" + "g" * 64])
def test_a_malformed_head_is_a_usage_error(config, head):
    result = run(config, "verify", "--head", head)
    assert result.exit_code == 2 and "--head" in result.output


def test_a_head_beyond_an_empty_log(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text('[database]\npath = "e.db"\n', encoding="utf-8")
    connect(tmp_path / "e.db").close()
    assert run(path, "head").output.strip() == "0:" + "0" * 64
    lines = verify_output(path, "--head", "3:" + "ab" * 32)
    assert lines[0] == "the log ends at position 0, before the head kept (3): its tail was cut"


def test_an_existing_log_is_chained_once_by_the_migration(tmp_path, monkeypatch):
    from events.admin.verify import verify
    from events.log import migrations
    from events.log.store import EventStore

    path = tmp_path / "old.db"
    number = migrations.MIGRATIONS.index(migrations._hash_chain)
    with monkeypatch.context() as patch:  # a program from before the hash chain
        patch.setattr(migrations, "SCHEMA_VERSION", number)
        connect(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    for n in (1, 2, 3):
        conn.execute(
            "INSERT INTO events (event_id, stream_id, version, type, payload, metadata, recorded_at)"
            ' VALUES (?, \'t\', ?, \'TokenRevoked\', \'{"name":"t","token_id":"t"}\', \'{"actor":"a"}\', ?)',
            (f"e{n}", n, f"2024-07-0{n}T00:00:00.000000Z"),
        )
    conn.close()
    store = EventStore(connect(path))  # migrates
    columns = "position, event_id, stream_id, version, type, schema_version, payload, metadata,"
    columns += " idempotency_key, batch_index, recorded_at"
    previous = GENESIS
    for *row, stored in store.conn.execute(f"SELECT {columns}, hash FROM events ORDER BY position"):
        previous = link(previous, tuple(row))
        assert stored == previous
    assert verify(store, check_projections=False) == []
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE events SET hash = NULL")
    store.conn.close()


def _export(config, tmp_path) -> list[str]:
    assert run(config, "export", str(tmp_path / "log.jsonl")).exit_code == 0
    return (tmp_path / "log.jsonl").read_text("utf-8").splitlines(keepends=True)


def _import(tmp_path, lines: list[str]):
    (tmp_path / "in.jsonl").write_text("".join(lines), encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('[database]\npath = "copy.db"\n', encoding="utf-8")
    return other, run(other, "import", str(tmp_path / "in.jsonl"))


def test_export_carries_the_hashes_and_import_checks_them(config, tmp_path):
    lines = _export(config, tmp_path)
    record = json.loads(lines[29])
    assert record["hash"] == run(config, "head").output.strip().split(":")[1] and record["position"] == 30
    record["payload"]["title"] = "Forged"
    forged = [*lines[:29], json.dumps(record) + "\n"]
    other, result = _import(tmp_path, forged)
    assert result.exit_code == 1
    assert (
        "line 30: hash of position 30 does not follow from the event and the one before it" in result.output
    )
    assert not (tmp_path / "copy.db").exists() or run(other, "head").output.strip() == "0:" + "0" * 64


def test_an_export_from_before_the_chain_is_imported_and_chained(config, tmp_path):
    def without_chain(line: str) -> str:
        record = json.loads(line)
        del record["hash"], record["batch_index"]
        return json.dumps(record) + "\n"

    lines = _export(config, tmp_path)
    other, mixed = _import(tmp_path, [without_chain(lines[0]), *lines[1:]])
    assert mixed.exit_code == 1 and "line 2: some events carry a hash and others not" in mixed.output
    other, result = _import(tmp_path, [without_chain(line) for line in lines])
    assert result.exit_code == 0, result.output
    assert verify_output(other)[-1].startswith("ok: 30 events, hash chain whole")
