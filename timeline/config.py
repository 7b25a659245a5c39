"""Read and validate config.toml: every key known, typed, and paths resolved against the file."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"
ENV_VAR = "TIMELINE_CONFIG"


class ConfigError(Exception):
    """A config problem, said in one line naming the file and the key."""


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    interval_minutes: int | None = None
    fetch_article: bool = False  # a summary-only feed: read each new item's page (ingest/pages.py)


@dataclass(frozen=True)
class Config:
    source: Path | None
    database_path: Path  # the SQLite file: the log and read models, or with database_url the read models only
    database_url: str | None = None  # postgresql://...: the shared log (events/log/postgres.py), issue 20
    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str = "http://127.0.0.1:8080/"
    base_url_set: bool = False  # false: `timeline serve` uses the host and port it actually serves
    secret_key: str | None = None
    max_request_bytes: int = 1_000_000  # a larger request body is refused (413) before it is read
    trusted_proxies: tuple[str, ...] = ()  # addresses or networks whose X-Forwarded-For is believed
    interval_minutes: int = 30
    timeout_seconds: float = 20.0
    max_body_bytes: int = 5_000_000
    jitter_seconds: int = 60
    article_delay_seconds: float = 1.0  # between two article page requests to one host
    feeds: tuple[Feed, ...] = ()
    tagging: dict[str, Any] = field(default_factory=dict)

    def feed_interval(self, feed: Feed) -> int:
        return feed.interval_minutes or self.interval_minutes


# section -> key -> (accepted types, description for errors)
_SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], str]]] = {
    "database": {"path": ((str,), "a string"), "url": ((str,), "a postgresql:// URL")},
    "server": {
        "host": ((str,), "a string"),
        "port": ((int,), "an integer"),
        "base_url": ((str,), "a string"),
        "secret_key": ((str,), "a string"),
        "max_request_bytes": ((int,), "an integer"),
        "trusted_proxies": ((list,), "a list of addresses or networks"),
    },
    "ingest": {
        "interval_minutes": ((int,), "an integer"),
        "timeout_seconds": ((int, float), "a number"),
        "max_body_bytes": ((int,), "an integer"),
        "jitter_seconds": ((int,), "an integer"),
        "article_delay_seconds": ((int, float), "a number"),
    },
}
_FEED_KEYS = {
    "name": ((str,), "a string"),
    "url": ((str,), "a string"),
    "interval_minutes": ((int,), "an integer"),
    "fetch_article": ((bool,), "true or false"),
}


def served_at(config: Config, url: str) -> Config:
    """The config with base_url following the URL served, unless the config names one."""
    return config if config.base_url_set else dataclasses.replace(config, base_url=url)


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """--config, else $TIMELINE_CONFIG, else the repository's config.toml.

    An empty one given is an error, not the default: `--config ""` or an empty
    TIMELINE_CONFIG would otherwise open the repository's own database.
    """
    chosen = explicit if explicit is not None else os.environ.get(ENV_VAR)
    if chosen is not None and not str(chosen).strip():
        raise ConfigError(f"the config file named by --config or {ENV_VAR} is empty")
    return Path(chosen).expanduser().resolve() if chosen else DEFAULT_CONFIG


def load_config(path: str | os.PathLike | None = None) -> Config:
    path = config_path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return config_from_mapping(data, source=path)


def config_from_mapping(
    data: dict[str, Any], *, source: Path | None = None, base_dir: Path | None = None
) -> Config:
    """Validate a parsed config; relative paths resolve against the config file's folder."""
    where = str(source) if source else "config"
    folder = base_dir or (source.parent if source else Path.cwd())
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section == "feeds":
            values["feeds"] = _feeds(table, where)
        elif section == "tagging":
            values["tagging"] = _tagging(table, where)
        elif section in _SCHEMA:
            values.update(_section(section, table, where))
        else:
            raise ConfigError(f"{where}: unknown section [{section}]")
    raw_path = values.pop("path", "var/timeline.db")
    if not raw_path.strip():
        raise ConfigError(f"{where}: database.path is empty: name the database file")
    db = Path(raw_path).expanduser()
    values["database_path"] = db if db.is_absolute() else (folder / db).resolve()
    if "url" in values:
        values["database_url"] = _log_url(values.pop("url"), where)
    _check_values(values, where)
    return Config(source=source, base_url_set="base_url" in values, **values)


def _log_url(url: str, where: str) -> str:
    """The shared log's PostgreSQL URL, checked for its scheme and host before anything connects."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("postgresql", "postgres") or not _has_host(url.strip()):
        raise ConfigError(
            f"{where}: database.url must be a postgresql://user:password@host:port/database URL, not {url[:80]!r}"
        )
    return url.strip()


def _section(section: str, table: Any, where: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [{section}] must be a table")
    out = {}
    for key, value in table.items():
        if key not in _SCHEMA[section]:
            raise ConfigError(f"{where}: unknown key {section}.{key}")
        out[key] = _typed(value, _SCHEMA[section][key], f"{section}.{key}", where)
    return out


def _typed(value: Any, spec: tuple[tuple[type, ...], str], name: str, where: str) -> Any:
    types, description = spec
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        raise ConfigError(f"{where}: {name} must be {description}, not {value!r}")
    return value


def _has_host(url: str) -> bool:
    try:
        return bool(urllib.parse.urlsplit(url).hostname)
    except ValueError:  # e.g. a broken IPv6 host
        return False


def _feeds(table: Any, where: str) -> tuple[Feed, ...]:
    if not isinstance(table, list):
        raise ConfigError(f"{where}: feeds must be an array of tables ([[feeds]])")
    feeds, names = [], set()
    for index, entry in enumerate(table):
        name = f"feeds[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: {name} must be a table")
        for key, value in entry.items():
            if key not in _FEED_KEYS:
                raise ConfigError(f"{where}: unknown key {name}.{key}")
            _typed(value, _FEED_KEYS[key], f"{name}.{key}", where)
        for key in ("name", "url"):
            if not entry.get(key):
                raise ConfigError(f"{where}: {name}.{key} is required")
        if entry["name"] in names:
            raise ConfigError(f"{where}: {name}.name {entry['name']!r} is used twice")
        if not entry["url"].startswith(("http://", "https://")) or not _has_host(entry["url"]):
            raise ConfigError(f"{where}: {name}.url must be an http(s) URL with a host, not {entry['url']!r}")
        if entry.get("interval_minutes") is not None and entry["interval_minutes"] < 1:
            raise ConfigError(f"{where}: {name}.interval_minutes must be at least 1")
        names.add(entry["name"])
        feeds.append(Feed(**entry))
    return tuple(feeds)


def _tagging(table: Any, where: str) -> dict[str, Any]:
    from events.pipeline.tagging import TaggingRules

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tagging] must be a table")
    try:
        TaggingRules.from_mapping(table)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None
    return dict(table)


def _networks(entries: list, where: str) -> tuple[str, ...]:
    """Each an address (10.0.0.1, ::1) or a network (10.0.0.0/8), kept in its normal form."""
    networks = []
    for entry in entries:
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except (TypeError, ValueError):
            raise ConfigError(
                f"{where}: server.trusted_proxies: {entry!r} is not an address or a network like 10.0.0.0/8"
            ) from None
    return tuple(networks)


def _check_values(values: dict[str, Any], where: str) -> None:
    port = values.get("port", 8080)
    if not 0 <= port <= 65535:
        raise ConfigError(f"{where}: server.port must be 0-65535, not {port}")
    for key in ("interval_minutes", "max_body_bytes", "timeout_seconds"):
        if key in values and not 0 < values[key] < 1e9:  # nan and inf fail this too
            raise ConfigError(f"{where}: ingest.{key} must be a positive number below 1e9, not {values[key]}")
    if not 1_000 <= values.get("max_request_bytes", 1_000) <= 2**31:
        raise ConfigError(
            f"{where}: server.max_request_bytes must be 1000-2147483648, not {values['max_request_bytes']}"
        )
    if "trusted_proxies" in values:
        values["trusted_proxies"] = _networks(values["trusted_proxies"], where)
    jitter = values.get("jitter_seconds", 0)
    if not 0 <= jitter < 86_400:  # negative jitter fired polls before they were due (found in review)
        raise ConfigError(f"{where}: ingest.jitter_seconds must be 0-86399, not {jitter}")
    delay = values.get("article_delay_seconds", 0)
    if not 0 <= delay <= 3600:  # nan fails this too
        raise ConfigError(f"{where}: ingest.article_delay_seconds must be 0-3600, not {delay}")
    if "host" in values and not values["host"].strip():
        raise ConfigError(f"{where}: server.host is empty: use 127.0.0.1, or 0.0.0.0 for every address")
    base = values.get("base_url")
    if base is not None and (not base.startswith(("http://", "https://")) or not _has_host(base)):
        raise ConfigError(f"{where}: server.base_url must be an http(s) URL with a host, not {base!r}")
    if base is not None and not base.endswith("/"):
        values["base_url"] = base + "/"
