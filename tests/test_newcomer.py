"""What a newcomer meets first: the served URL in Atom, a saved feed ingested, the README's commands."""

from __future__ import annotations

from tests.conftest import start_server, stop_server


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
