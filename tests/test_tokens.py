"""Editor tokens: shown once, stored as scrypt hashes, issued and revoked as events."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from events.domain.token import authenticate, issue_token, list_tokens, revoke_token
from events.log.errors import ValidationError
from events.service import Timeline
from timeline.cli import cli


@pytest.fixture
def timeline(tmp_path):
    t = Timeline.open(tmp_path / "t.db")
    yield t
    t.close()


def test_a_token_authenticates_its_editor_until_revoked(timeline):
    token = issue_token(timeline.store, "ann")
    timeline.catch_up()
    assert authenticate(timeline.conn, token) == "ann"
    for bad in (None, "", "nodot", token + "x", "0000000000000000." + token.split(".")[1], "x" * 500):
        assert authenticate(timeline.conn, bad) is None
    revoke_token(timeline.store, "ann")
    timeline.catch_up()
    assert authenticate(timeline.conn, token) is None
    assert [t.active for t in list_tokens(timeline.conn)] == [False]


def test_only_the_hash_is_in_the_log(timeline):
    token = issue_token(timeline.store, "ann")
    secret = token.split(".")[1]
    log = " ".join(str(e.payload) + str(e.metadata) for e in timeline.store.read())
    assert secret not in log and "scrypt$" in log
    types = [e.type for e in timeline.store.read()]
    assert types == ["TokenIssued"]


def test_names_are_checked_and_one_active_token_per_name(timeline):
    with pytest.raises(ValidationError):
        issue_token(timeline.store, "Bad Name!")
    issue_token(timeline.store, "ann")
    timeline.catch_up()
    with pytest.raises(ValidationError, match="already"):
        issue_token(timeline.store, "ann")
    with pytest.raises(ValidationError, match="no active token"):
        revoke_token(timeline.store, "bob")


def test_token_cli(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text('[database]\npath = "t.db"\n', encoding="utf-8")
    runner = CliRunner()
    created = runner.invoke(cli, ["--config", str(conf), "token", "create", "ann"])
    assert created.exit_code == 0
    token = created.stdout.strip()
    assert "." in token and len(token) > 40
    assert "ann" in runner.invoke(cli, ["--config", str(conf), "token", "list"]).output
    assert runner.invoke(cli, ["--config", str(conf), "token", "revoke", "ann"]).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["--config", str(conf), "token", "list"]).output
    again = runner.invoke(cli, ["--config", str(conf), "token", "revoke", "ann"])
    assert again.exit_code == 1 and "no active token" in again.output
