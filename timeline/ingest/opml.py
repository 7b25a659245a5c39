"""Feeds from a feed reader's OPML export, added to a copy of config.toml that the user names."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

from timeline.config import Config, ConfigError, Feed, load_config

MAX_OPML_BYTES = 5_000_000


class OpmlError(Exception):
    """An OPML file that cannot be read, said in one line."""


def feeds_in_opml(path: Path) -> list[Feed]:
    """Every outline with an http(s) xmlUrl, at any depth (readers nest them in folders), named by its title."""
    if path.stat().st_size > MAX_OPML_BYTES:
        raise OpmlError(f"{path} is larger than {MAX_OPML_BYTES} bytes")
    try:
        root = ET.fromstring(path.read_bytes())  # expat refuses entity expansion bombs; no external entities
    except ET.ParseError as error:
        raise OpmlError(f"{path} is not XML: {error}") from None
    if root.tag != "opml":
        raise OpmlError(f"{path} is not OPML: its root is <{root.tag}>")
    feeds = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if urllib.parse.urlsplit(url).scheme in ("http", "https") and urllib.parse.urlsplit(url).hostname:
            name = (outline.get("title") or outline.get("text") or "").strip() or urllib.parse.urlsplit(
                url
            ).hostname
            feeds.append(Feed(name=" ".join(name.split())[:100], url=url))
    return feeds


def new_feeds(config: Config, found: list[Feed]) -> list[Feed]:
    """The feeds not configured yet (by URL), with names made unique: "Name (2)"."""
    urls, names, added = {f.url for f in config.feeds}, {f.name for f in config.feeds}, []
    for feed in found:
        if feed.url in urls:
            continue
        name, n = feed.name, 2
        while name in names:
            name, n = f"{feed.name} ({n})", n + 1
        urls.add(feed.url)
        names.add(name)
        added.append(Feed(name=name, url=feed.url))
    return added


def write_config_with(config: Config, feeds: list[Feed], target: Path) -> None:
    """The current config file's text (comments kept) with [[feeds]] tables appended, checked, then written
    to target, which must not exist: nothing is overwritten."""
    if target.exists():
        raise ConfigError(f"{target} exists: name a new file (nothing is overwritten)")
    base = config.source.read_text("utf-8") if config.source else ""
    tables = "".join(f"\n[[feeds]]\nname = {json.dumps(f.name)}\nurl = {json.dumps(f.url)}\n" for f in feeds)
    text = base.rstrip("\n") + "\n\n# Added from an OPML file by `timeline feeds --import-opml`\n" + tables
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
        load_config(temporary)  # the new file is a valid config before it takes its name
        os.link(temporary, target)  # fails if target appeared meanwhile: never replaced
    finally:
        os.unlink(temporary)
