"""The `timeline` command: init, add, export/import, rebuild; errors are one line, no traceback."""

from __future__ import annotations

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
    added = run(config, "add", "--date", "2024-05", "--title", "Putin visits Beijing", "--tag", "China",
                "--tag", "vladimir-putin", "--source", "https://example.org/visit")  # fmt: skip
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
    proc = subprocess.run([sys.executable, "-m", "timeline.cli", "--config", str(bad), "init"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "server.port" in proc.stderr
    assert "Traceback" not in proc.stderr
