"""config.toml: defaults, path resolution, and one-line errors naming the file and the key."""

import pytest

from timeline.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "conf.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_relative_paths_resolve_against_the_file(tmp_path):
    config = load_config(write(tmp_path, ""))
    assert config.database_path == tmp_path / "var" / "timeline.db"
    assert (config.host, config.port, config.interval_minutes, config.max_body_bytes) == (
        "127.0.0.1",
        8080,
        30,
        5_000_000,
    )


def test_a_full_config(tmp_path):
    config = load_config(
        write(
            tmp_path,
            """
[database]
path = "data/x.db"
[server]
host = "0.0.0.0"
port = 9000
base_url = "https://sco.example.org"
[ingest]
interval_minutes = 15
[[feeds]]
name = "a"
url = "https://a.example/rss"
[[feeds]]
name = "b"
url = "http://b.example/atom"
interval_minutes = 5
""",
        )
    )
    assert config.database_path == tmp_path / "data" / "x.db"
    assert config.base_url == "https://sco.example.org/"
    assert [f.name for f in config.feeds] == ["a", "b"]
    assert [config.feed_interval(f) for f in config.feeds] == [15, 5]


def test_the_environment_variable_selects_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, "[server]\nport = 1234\n")
    monkeypatch.setenv("TIMELINE_CONFIG", str(path))
    assert load_config().port == 1234


@pytest.mark.parametrize(
    "text, key",
    [
        ("[server]\nprot = 1\n", "server.prot"),
        ("[server]\nport = 'eighty'\n", "server.port"),
        ("[server]\nport = true\n", "server.port"),
        ("[database]\npath = 3\n", "database.path"),
        ("[nope]\n", "[nope]"),
        ("[ingest]\ninterval_minutes = 0\n", "ingest.interval_minutes"),
        ("[[feeds]]\nname = 'a'\n", "feeds[0].url"),
        ("[[feeds]]\nname = 'a'\nurl = 'file:///etc/passwd'\n", "feeds[0].url"),
        ("[[feeds]]\nname = 'a'\nurl = 'http://'\n", "feeds[0].url"),  # no host: would only fail at poll time
        ("[[feeds]]\nname = 'a'\nurl = 'http://[::1/rss'\n", "feeds[0].url"),
        ("[[feeds]]\nname = 'a'\nurl = 'http://x/'\ncolour = 1\n", "feeds[0].colour"),
        (
            "[[feeds]]\nname = 'a'\nurl = 'http://x/'\n[[feeds]]\nname = 'a'\nurl = 'http://y/'\n",
            "feeds[1].name",
        ),
        ("[server\n", "not valid TOML"),
        # found in review: each was accepted, then misbehaved later
        ("[ingest]\njitter_seconds = -30\n", "ingest.jitter_seconds"),  # fired polls before they were due
        ("[server]\nhost = ''\n", "server.host"),
        ("[server]\nbase_url = 'http://'\n", "server.base_url"),  # Atom ids and links without a host
        ("[server]\nmax_request_bytes = 0\n", "server.max_request_bytes"),
        ("[database]\npath = ''\n", "database.path"),  # was 'unable to open database file', naming nothing
    ],
)
def test_errors_are_one_line_naming_file_and_key(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and key in message
    assert "\n" not in message


def test_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml")
