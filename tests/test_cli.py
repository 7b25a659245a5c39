"""The `timeline` command: init, add, export/import, rebuild; errors are one line, no traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from timeline.cli import cli


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "conf.toml"
    path.write_text('[database]\npath = "db/t.db"\n', encoding="utf-8")
    return path


def run(config, *args, input=None):
    return CliRunner().invoke(cli, ["--config", str(config), *args], input=input)


def test_init_creates_seeds_and_says_where(config, tmp_path):
    result = run(config, "init")
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "db" / "t.db") in result.output
    assert "seed facts added: 29" in result.output
    assert "seed facts added: 0" in run(config, "init").output


def test_add_prints_the_id_and_export_import_round_trips(config, tmp_path):
    run(config, "init")
    added = run(
        config,
        "add",
        "--date",
        "2024-05",
        "--title",
        "Putin visits Beijing",
        "--tag",
        "China",
        "--tag",
        "vladimir-putin",
        "--source",
        "https://example.org/visit",
    )
    assert added.exit_code == 0, added.output
    fact_id = added.output.strip()
    export_file = tmp_path / "log.jsonl"
    assert run(config, "export", str(export_file)).exit_code == 0
    assert fact_id in export_file.read_text("utf-8")
    other = tmp_path / "other.toml"
    other.write_text('[database]\npath = "copy.db"\n', encoding="utf-8")
    imported = run(other, "import", str(export_file))
    assert imported.exit_code == 0, imported.output
    again = run(other, "export", "-")
    assert again.stdout == export_file.read_text("utf-8")
    refused = run(other, "import", str(export_file))
    assert refused.exit_code == 1 and "empty" in refused.output


def test_rebuild(config):
    run(config, "init")
    result = run(config, "rebuild")
    assert result.exit_code == 0 and "rebuilt projections up to position 29" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["add", "--date", "2024-13", "--title", "x"], "month 13"),
        (["add", "--date", "2024", "--title", ""], "title is required"),
        (["add", "--date", "2024", "--title", "x", "--source", "javascript:alert(1)"], "http(s)"),
        (["add", "--date", "2024-05", "--end-date", "2024-04", "--title", "x"], "before"),
        (["import", "/nonexistent/file.jsonl"], "No such file"),
    ],
)
def test_errors_exit_non_zero_with_one_line(config, args, message):
    result = run(config, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_help_on_every_command(config):
    for command in ("init", "rebuild", "export", "import", "add"):
        result = run(config, command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_a_real_process_prints_no_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[server]\nport = 'x'\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "timeline.cli", "--config", str(bad), "init"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "server.port" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- what a command-line hunt found


def _one_line_error(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert (
        message in result.output
        and "Traceback" not in result.output
        and result.exception.__class__ is SystemExit
    )
    assert result.output.strip().count("\n") == 0


@pytest.mark.parametrize(
    "content", [b"this is not a database, just text\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_a_file_that_is_not_a_usable_database_is_one_line(tmp_path, content):
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "t.db").write_bytes(content)
    config = tmp_path / "conf.toml"
    config.write_text('[database]\npath = "db/t.db"\n', encoding="utf-8")
    for args in (["export", "-"], ["init"], ["verify"]):
        _one_line_error(run(config, *args), "database error:")
    assert (tmp_path / "db" / "t.db").read_bytes() == content


def test_a_database_of_a_newer_schema_is_refused_untouched(config, tmp_path):
    path = tmp_path / "db" / "t.db"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (y)")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    _one_line_error(run(config, "export", "-"), "newer than this program")
    assert path.read_bytes() == before  # not even switched to WAL mode


def test_an_empty_config_path_is_an_error_not_the_default(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    _one_line_error(CliRunner().invoke(cli, ["--config", "", "feeds"]), "is empty")
    _one_line_error(CliRunner().invoke(cli, ["feeds"], env={"TIMELINE_CONFIG": ""}), "is empty")


def test_a_file_that_is_not_utf8_is_one_line(config, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"position": 1, "title": "caf\xe9"}\n')
    _one_line_error(run(config, "import", str(bad)), "not UTF-8 text: byte 0xe9")
    assert "exported 0 events" in run(config, "export", "-").output  # nothing was imported


@pytest.mark.parametrize("value", ["nan", "inf", "1e300"])
def test_a_non_finite_timeout_is_a_config_error(tmp_path, value):
    config = tmp_path / "conf.toml"
    config.write_text(f'[database]\npath = "t.db"\n[ingest]\ntimeout_seconds = {value}\n', encoding="utf-8")
    _one_line_error(run(config, "feeds"), "ingest.timeout_seconds must be a positive number")


@pytest.mark.parametrize(
    "args, message",
    [
        (["add"], "Error: Missing option '--date' (see 'timeline add --help')"),
        (["nosuch"], "Error: No such command 'nosuch' (see 'timeline --help')"),
        (["add", "--date", "2024", "--bogus"], "Error: No such option '--bogus' (see 'timeline add --help')"),
        (["token", "revoke"], "Error: Missing argument 'NAME' (see 'timeline token revoke --help')"),
        (["ingest", "--feed"], "Error: Option '--feed' requires an argument"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(config, args, message):
    """Click prints usage, a hint and the error over four lines; here it is one, like every other error."""
    result = CliRunner().invoke(cli, ["--config", str(config), *args], prog_name="timeline")
    assert result.exit_code == 2 and result.output.strip() == message, result.output


def test_the_installed_command_prints_usage_errors_in_one_line_and_help_as_before():
    proc = subprocess.run([sys.executable, "-m", "timeline.cli", "add"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "Error: Missing option '--date' (see 'timeline add --help')\n"
    assert "Usage: timeline add" in run_help(["add", "--help"]) and "Commands:" in run_help([])


def run_help(args: list[str]) -> str:
    return CliRunner().invoke(cli, args, prog_name="timeline").output


def test_export_onto_the_database_itself_is_refused_and_the_log_is_kept(config, tmp_path):
    """`timeline export var/timeline.db` (a typo for a backup) truncated the database before reading it:
    the whole log was gone, and the next `verify` said "ok: 0 events" (found in review)."""
    assert run(config, "init").exit_code == 0
    database = tmp_path / "db" / "t.db"
    for target in (database, tmp_path / "db" / "t.db-wal", tmp_path / "db" / ".." / "db" / "t.db"):
        result = run(config, "export", str(target))
        assert result.exit_code == 1 and "is the database itself" in result.output, result.output
    assert "ok: 29 events" in run(config, "verify").output


def test_export_replaces_a_backup_whole_and_leaves_no_partial_file(config, tmp_path):
    assert run(config, "init").exit_code == 0
    backup = tmp_path / "backup.jsonl"
    backup.write_text("an older backup\n", encoding="utf-8")
    assert run(config, "export", str(backup)).exit_code == 0
    assert len(backup.read_text("utf-8").splitlines()) == 29
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


@pytest.mark.parametrize(
    "command",
    [
        ["verify"],
        ["export", "-"],
        ["feeds"],
        ["rebuild"],
        ["retag"],
        ["reextract"],
        ["token", "list"],
        ["token", "revoke", "ann"],
    ],
)
def test_commands_that_read_refuse_a_missing_database_and_create_nothing(config, tmp_path, command):
    """A mistyped [database] path made verify say "ok: 0 events" and export write an empty backup,
    both with exit 0, creating the database on the way (found in review)."""
    result = run(config, *command)
    assert result.exit_code == 1 and "no database at" in result.output and "timeline init" in result.output
    assert result.output.strip().count("\n") == 0
    assert not (tmp_path / "db").exists()
