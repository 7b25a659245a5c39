"""What a newcomer meets first: the served URL in Atom, a saved feed ingested, the README's commands."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, app_config, start_server, stop_server
from tests.feed_server import FeedServer, Route
from tests.needs import unavailable
from timeline import create_app
from timeline.cli import cli


def test_atom_follows_the_port_served_when_no_base_url_is_configured(tmp_path):
    server = start_server(tmp_path, tmp_path / "t.db", base_url=None)
    try:
        status, body = server.get("/feed.atom")
    finally:
        stop_server(server)
    assert status == 200
    text = body.decode()
    assert f'href="{server.url}feed.atom"' in text
    assert "127.0.0.1:8080" not in text


def test_a_configured_base_url_wins_over_the_port_served(tmp_path):
    server = start_server(tmp_path, tmp_path / "t.db", base_url="https://sco.example.org/")
    try:
        text = server.get("/feed.atom")[1].decode()
    finally:
        stop_server(server)
    assert 'href="https://sco.example.org/feed.atom"' in text


# ---------------------------------------------------------------- timeline ingest --file

EXAMPLE = REPO / "examples" / "sco-news.xml"
_FACT_CONTENT = (
    "SELECT date, end_date, title, summary, tags, sources, origin FROM facts ORDER BY sort_key, title"
)


def _cli(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def _facts(db: Path) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(_FACT_CONTENT).fetchall()


def test_a_saved_feed_is_ingested_exactly_as_a_poll_of_it(tmp_path):
    with FeedServer() as server:
        server.routes["/sco.xml"] = Route(body=EXAMPLE.read_bytes())
        polled = tmp_path / "polled.toml"
        polled.write_text(
            f'[database]\npath = "polled.db"\n[[feeds]]\nname = "sco-news"\nurl = "{server.url("/sco.xml")}"\n',
            "utf-8",
        )
        assert _cli(polled, "ingest").exit_code == 0
    saved = tmp_path / "saved.toml"
    saved.write_text('[database]\npath = "saved.db"\n', "utf-8")
    result = _cli(saved, "ingest", "--file", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sco-news: new 7, kept 6, skipped 1")
    facts = _facts(tmp_path / "saved.db")
    assert len(facts) == 9  # ingest appends no seeds: the feed's facts alone
    assert facts == _facts(tmp_path / "polled.db")
    again = _cli(saved, "ingest", "--file", str(EXAMPLE))
    assert "kept 0" in again.output and "facts 0" in again.output
    assert _facts(tmp_path / "saved.db") == facts


def test_ingest_file_records_the_poll_under_the_name_given(tmp_path):
    saved = tmp_path / "saved.toml"
    saved.write_text('[database]\npath = "saved.db"\n', "utf-8")
    assert _cli(saved, "ingest", "--file", str(EXAMPLE), "--name", "my-reader").exit_code == 0
    page = create_app(app_config(tmp_path / "saved.db")).test_client().get("/feeds").get_data(as_text=True)
    assert "my-reader" in page and EXAMPLE.resolve().as_uri() in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "x"], "--name goes with --file"),
        (["--file", "missing.xml"], "does not exist"),
        (["--file", "EXAMPLE", "--feed", "x"], "cannot be combined"),
    ],
)
def test_ingest_file_usage_errors_are_one_line(tmp_path, args, message):
    saved = tmp_path / "saved.toml"
    saved.write_text('[database]\npath = "saved.db"\n', "utf-8")
    result = _cli(saved, "ingest", *[str(EXAMPLE) if a == "EXAMPLE" else a for a in args])
    assert result.exit_code == 2 and message in result.output, result.output


def test_a_file_that_is_not_a_feed_fails_like_a_bad_feed_and_records_nothing(tmp_path):
    saved = tmp_path / "saved.toml"
    saved.write_text('[database]\npath = "saved.db"\n', "utf-8")
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"this is not a feed")
    result = _cli(saved, "ingest", "--file", str(junk))
    assert result.exit_code == 2 and "junk: " in result.output and "errors 1" in result.output
    assert _facts(tmp_path / "saved.db") == []


# ---------------------------------------------------------------- the README's first steps, as written


def readme_blocks() -> list[str]:
    """The shell blocks of the README's "First steps", in order: export, restore, ingest, token and curl."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text[text.index("## First steps") : text.index("## Configuration")]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def run_block(block: str, cwd: Path, config: Path, url: str) -> str:
    """A README block in bash, -e: the service's URL and this checkout's venv put in, nothing else changed."""
    script = block.replace("http://127.0.0.1:8080", url.rstrip("/"))
    script = script.replace(".venv/bin/", f"{Path(sys.executable).parent}/").replace(
        "examples/", f"{REPO}/examples/"
    )
    env = dict(os.environ, TIMELINE_CONFIG=str(config))
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, (script, done.stdout, done.stderr)
    return done.stdout


def test_the_readmes_first_steps_work_as_written(tmp_path):
    if shutil.which("curl") is None:
        unavailable("curl is missing: the README's example uses it")
    export, restore, ingest, post = readme_blocks()
    readme = (REPO / "README.md").read_text("utf-8")
    server = start_server(tmp_path, tmp_path / "var" / "timeline.db")
    config = tmp_path / "config.toml"
    try:
        first = run_block(ingest, tmp_path, config, server.url)
        assert first.strip() in readme and first.startswith("sco-news: new 7, kept 6, skipped 1")
        fact = json.loads(run_block(post, tmp_path, config, server.url))
        assert fact["title"] == "SCO leaders adopt the Tianjin declaration"
        listed = json.loads(server.get("/api/events?q=Tianjin+declaration")[1])["events"]
        assert [e["id"] for e in listed] == [fact["id"]]
        assert "new 1, kept 0, skipped 1" in run_block(ingest, tmp_path, config, server.url)
        run_block(export, tmp_path, config, server.url)
    finally:
        stop_server(server)
    assert restore.strip().splitlines()[-1] == "./run.sh"  # the last line starts the service again
    run_block("\n".join(restore.strip().splitlines()[:-1]), tmp_path, config, server.url)
    assert (tmp_path / "var" / "old" / "timeline.db").exists()
    with contextlib.closing(sqlite3.connect(tmp_path / "var" / "timeline.db")) as conn:
        assert conn.execute("SELECT count(*) FROM facts WHERE fact_id = ?", (fact["id"],)).fetchone() == (1,)
