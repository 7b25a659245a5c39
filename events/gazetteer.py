"""Tags from the gazetteer shipped in events/data, so every fact speaks the timeline's tag vocabulary."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

KINDS = ("country", "place", "person", "organisation", "theme")


@dataclass(frozen=True)
class Entry:
    slug: str
    kind: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    raw = resources.files("events.data").joinpath("gazetteer.json").read_text(encoding="utf-8")
    return tuple(Entry(e["slug"], e["kind"], tuple(e["aliases"])) for e in json.loads(raw)["entries"])


@lru_cache(maxsize=1)
def kinds() -> dict[str, str]:
    return {entry.slug: entry.kind for entry in entries()}


def kind_of(slug: str) -> str | None:
    return kinds().get(slug)


def _alias_pattern(alias: str) -> str:
    """An all-lowercase alias matches in any case; one with a capital letter only as written."""
    escaped = re.escape(alias)
    return f"(?i:{escaped})" if alias == alias.lower() else escaped


def _matcher(group: tuple[Entry, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over all aliases, longest first, so the longest alias wins at each position."""
    slugs: dict[str, str] = {}
    for entry in group:
        for alias in entry.aliases:
            slugs[alias if alias != alias.lower() else alias.lower()] = entry.slug
    ordered = sorted(slugs, key=len, reverse=True)
    body = "|".join(_alias_pattern(alias) for alias in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)"), slugs


@lru_cache(maxsize=1)
def _matchers() -> tuple[tuple[re.Pattern[str], dict[str, str]], ...]:
    """Themes are matched apart from names, so "Ukraine invasion" gives both ukraine and ukraine-war."""
    names = tuple(e for e in entries() if e.kind != "theme")
    themes = tuple(e for e in entries() if e.kind == "theme")
    return _matcher(names), _matcher(themes)


def _slug_for(found: str, slugs: dict[str, str]) -> str | None:
    return slugs.get(found) or slugs.get(found.lower())


def tags_for(text: str) -> tuple[str, ...]:
    """The gazetteer slugs named in text, sorted and unique."""
    found: set[str] = set()
    for pattern, slugs in _matchers():
        for match in pattern.finditer(text or ""):
            slug = _slug_for(match.group(0), slugs)
            if slug:
                found.add(slug)
    return tuple(sorted(found))
