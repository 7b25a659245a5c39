"""Tags from the gazetteer shipped in events/data, so every fact speaks the timeline's tag vocabulary."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

KINDS = ("country", "place", "person", "organisation", "theme")


@dataclass(frozen=True)
class Entry:
    slug: str
    kind: str
    aliases: tuple[str, ...]
    country: str | None = None  # a place's country, a person's: who and where, one level up


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    raw = resources.files("events.data").joinpath("gazetteer.json").read_text(encoding="utf-8")
    return tuple(
        Entry(e["slug"], e["kind"], tuple(e["aliases"]), e.get("country")) for e in json.loads(raw)["entries"]
    )


@lru_cache(maxsize=1)
def kinds() -> dict[str, str]:
    return {entry.slug: entry.kind for entry in entries()}


def kind_of(slug: str) -> str | None:
    return kinds().get(slug)


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    return {entry.slug: entry.country for entry in entries() if entry.country}


def country_of(slug: str) -> str | None:
    """The country a place lies in or a person speaks for: Islamabad and Shehbaz Sharif are Pakistan."""
    return _countries().get(slug)


@lru_cache(maxsize=64)
def places_in(country: str) -> tuple[str, ...]:
    return tuple(e.slug for e in entries() if e.kind == "place" and e.country == country)


def _any_case(alias: str) -> bool:
    """An all-lowercase alias matches in any case; one with a capital letter only as written."""
    return alias == alias.lower()


def _alias_tokens(alias: str) -> tuple[str, ...]:
    """One regex token per character: an all-lowercase alias matches in any case, others only as written."""
    if not _any_case(alias):
        return tuple(re.escape(c) for c in alias)
    return tuple(f"[{c}{c.upper()}]" if c.upper() != c else re.escape(c) for c in alias)


def trie_pattern(tokens: list[tuple[str, ...]], after_first: str = "") -> str:
    """The aliases as a prefix tree, so the regex engine reads each position once instead of once per alias.

    Children are tried longest first and a shorter alias is an optional tail, so
    the longest alias ending at a word boundary wins, as with a longest-first list.
    after_first follows the first token of every alias.
    """
    trie: dict = {}
    for alias in tokens:
        node = trie
        for token in alias:
            node = node.setdefault(token, {})
        node[""] = {}

    def depth(node: dict) -> int:
        return max((1 + depth(child) for key, child in node.items() if key), default=0)

    def pattern(node: dict, after: str = "") -> str:
        branches = sorted((key for key in node if key), key=lambda key: -depth(node[key]))
        if not branches:
            return ""
        body = "|".join(key + after + pattern(node[key]) for key in branches)
        if "" in node:  # an alias ends here: the rest is optional
            return f"(?:{body})?"
        return body if len(branches) == 1 else f"(?:{body})"

    return pattern(trie, after_first)


@dataclass(frozen=True)
class _Matcher:
    """Finds aliases in text: the prefix tree says where one starts, the longest-first list which one.

    The tree alone is fast but may prefer a shorter alias when an all-lowercase
    alias and a capitalised one share a start (their branches differ); asking
    the longest-first alternation only where the tree found something keeps
    both its speed and the longest-alias rule.
    """

    finder: re.Pattern[str]
    longest: re.Pattern[str]
    slugs: dict[str, str]
    ambiguous_starts: frozenset[str]  # lowercased first letters shared by the two kinds of alias

    def found(self, text: str) -> Iterator[str]:
        if not self.ambiguous_starts:  # the loop below with no re-match: findall, as no alias is empty
            yield from self.finder.findall(text)
            return
        pos = 0
        while hit := self.finder.search(text, pos):
            match = hit
            if text[hit.start()].lower() in self.ambiguous_starts:
                match = self.longest.match(text, hit.start()) or hit
            yield match.group(0)
            pos = match.end()


def _alias_pattern(alias: str) -> str:
    escaped = re.escape(alias)
    return f"(?i:{escaped})" if _any_case(alias) else escaped


# (?<!\w) moved one character on: the character before the first one is no word character.
_WORD_START_BEHIND = r"(?<!\w[\s\S])"


def _finder(slugs: dict[str, str]) -> re.Pattern[str]:
    """The prefix tree between word boundaries.

    Without any-case aliases (the names, nearly all capitalised) the word-start
    check goes after each first character, so the pattern starts with a
    character set the regex engine skips along instead of trying every position.
    With them, most letters could start an alias and the check first fails sooner.
    """
    tokens = [_alias_tokens(alias) for alias in slugs]
    if any(_any_case(alias) for alias in slugs):
        return re.compile(rf"(?<!\w)(?:{trie_pattern(tokens)})(?!\w)")
    return re.compile(rf"(?:{trie_pattern(tokens, _WORD_START_BEHIND)})(?!\w)")


# Scripts written without spaces between words: Chinese (both scripts) and Japanese kana.
_UNSPACED = re.compile(
    "[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)


def _unspaced(alias: str) -> bool:
    return bool(_UNSPACED.search(alias))


def _unspaced_matcher(group: tuple[Entry, ...]) -> _Matcher:
    """Aliases in Chinese: no spaces, so no word boundaries; the prefix tree still takes the longest
    (上海合作组织 is the SCO, not 上海), and they have no case."""
    slugs = {alias: entry.slug for entry in group for alias in entry.aliases if _unspaced(alias)}
    longest_first = "|".join(re.escape(alias) for alias in sorted(slugs, key=len, reverse=True))
    tree = trie_pattern([tuple(re.escape(c) for c in alias) for alias in slugs])
    return _Matcher(re.compile(f"(?:{tree})"), re.compile(f"(?:{longest_first})"), slugs, frozenset())


def _matcher(group: tuple[Entry, ...]) -> _Matcher:
    slugs: dict[str, str] = {}
    for entry in group:
        for alias in entry.aliases:
            if not _unspaced(alias):
                slugs[alias] = entry.slug
    longest_first = "|".join(_alias_pattern(alias) for alias in sorted(slugs, key=len, reverse=True))
    exact_starts = {alias[0].lower() for alias in slugs if not _any_case(alias)}
    any_case_starts = {alias[0] for alias in slugs if _any_case(alias)}
    return _Matcher(
        _finder(slugs),
        re.compile(rf"(?<!\w)(?:{longest_first})(?!\w)"),
        slugs,
        frozenset(exact_starts & any_case_starts),
    )


@lru_cache(maxsize=1)
def _matchers() -> tuple[_Matcher, ...]:
    """Themes are matched apart from names, so "Ukraine invasion" gives both ukraine and ukraine-war.

    Chinese aliases are matched apart from the others, as they need no word boundaries;
    so 上合峰会 gives sco and summit.
    """
    names = tuple(e for e in entries() if e.kind != "theme")
    themes = tuple(e for e in entries() if e.kind == "theme")
    matchers = (_matcher(names), _matcher(themes), _unspaced_matcher(names), _unspaced_matcher(themes))
    return tuple(matcher for matcher in matchers if matcher.slugs)


def _slug_for(found: str, slugs: dict[str, str]) -> str | None:
    return slugs.get(found) or slugs.get(found.lower())


@lru_cache(maxsize=1024)
def tags_for(text: str) -> tuple[str, ...]:
    """The gazetteer slugs named in text, sorted and unique.

    Cached: the extractor asks again for each date of a short sentence.
    """
    found: set[str] = set()
    for matcher in _matchers():
        for alias in matcher.found(text or ""):
            slug = _slug_for(alias, matcher.slugs)
            if slug:
                found.add(slug)
    return tuple(sorted(found))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Each named thing's first alias, its name in English; themes say their slug's words (their aliases are cues)."""
    return {
        e.slug: e.aliases[0] for e in entries() if e.kind != "theme" or _is_spelling(e.aliases[0], e.slug)
    }


def _is_spelling(alias: str, slug: str) -> bool:
    return alias.lower().replace(" ", "-") == slug


def display_name(tag: str) -> str:
    """ "Alexander Lukashenko" for alexander-lukashenko, "SCO" for sco; a tag the gazetteer lacks in words: "Working group"."""
    words = _names().get(tag) or tag.replace("-", " ").replace("_", " ").strip() or tag
    return words[:1].upper() + words[1:]
