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


def _alias_tokens(alias: str) -> tuple[str, ...]:
    """One regex token per character: an all-lowercase alias matches in any case, others only as written."""
    if alias != alias.lower():
        return tuple(re.escape(c) for c in alias)
    return tuple(f"[{c}{c.upper()}]" if c.upper() != c else re.escape(c) for c in alias)


def _trie_pattern(tokens: list[tuple[str, ...]]) -> str:
    """The aliases as a prefix tree, so the regex engine reads each position once instead of once per alias.

    Children are tried longest first and a shorter alias is an optional tail, so
    the longest alias ending at a word boundary wins, as with a longest-first list.
    """
    trie: dict = {}
    for alias in tokens:
        node = trie
        for token in alias:
            node = node.setdefault(token, {})
        node[""] = {}

    def depth(node: dict) -> int:
        return max((1 + depth(child) for key, child in node.items() if key), default=0)

    def pattern(node: dict) -> str:
        branches = sorted((key for key in node if key), key=lambda key: -depth(node[key]))
        if not branches:
            return ""
        body = "|".join(key + pattern(node[key]) for key in branches)
        if "" in node:  # an alias ends here: the rest is optional
            return f"(?:{body})?"
        return body if len(branches) == 1 else f"(?:{body})"

    return pattern(trie)


def _matcher(group: tuple[Entry, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over all aliases, where the longest alias wins at each position."""
    slugs: dict[str, str] = {}
    for entry in group:
        for alias in entry.aliases:
            slugs[alias if alias != alias.lower() else alias.lower()] = entry.slug
    body = _trie_pattern([_alias_tokens(alias) for alias in slugs])
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)"), slugs


@lru_cache(maxsize=1)
def _matchers() -> tuple[tuple[re.Pattern[str], dict[str, str]], ...]:
    """Themes are matched apart from names, so "Ukraine invasion" gives both ukraine and ukraine-war."""
    names = tuple(e for e in entries() if e.kind != "theme")
    themes = tuple(e for e in entries() if e.kind == "theme")
    return _matcher(names), _matcher(themes)


def _slug_for(found: str, slugs: dict[str, str]) -> str | None:
    return slugs.get(found) or slugs.get(found.lower())


@lru_cache(maxsize=1024)
def tags_for(text: str) -> tuple[str, ...]:
    """The gazetteer slugs named in text, sorted and unique.

    Cached: the extractor asks again for each date of a short sentence.
    """
    found: set[str] = set()
    for pattern, slugs in _matchers():
        for match in pattern.finditer(text or ""):
            slug = _slug_for(match.group(0), slugs)
            if slug:
                found.add(slug)
    return tuple(sorted(found))
