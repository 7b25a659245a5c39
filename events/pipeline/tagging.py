"""Decide whether a feed item is about the Shanghai Cooperation Organization, so ingest keeps only relevant news."""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

_MEMBERS = (
    "China",
    "Chinese",
    "Russia",
    "Russian",
    "India",
    "Indian",
    "Pakistan",
    "Pakistani",
    "Kazakhstan",
    "Kazakh",
    "Kyrgyzstan",
    "Kyrgyz",
    "Tajikistan",
    "Tajik",
    "Uzbekistan",
    "Uzbek",
    "Iran",
    "Iranian",
    "Belarus",
    "Belarusian",
)
_CAPITALS = (
    "Beijing",
    "Moscow",
    "New Delhi",
    "Delhi",
    "Islamabad",
    "Astana",
    "Bishkek",
    "Dushanbe",
    "Tashkent",
    "Tehran",
    "Minsk",
)
# Cities that hosted SCO summits or meetings, and the bloc's own headquarters.
_VENUES = ("Shanghai", "Samarkand", "Tianjin", "Qingdao", "Ufa", "Goa", "Cholpon-Ata")
_LEADERS = (
    "Xi",
    "Xi Jinping",
    "Putin",
    "Modi",
    "Sharif",
    "Tokayev",
    "Japarov",
    "Rahmon",
    "Mirziyoyev",
    "Pezeshkian",
    "Lukashenko",
    "Lavrov",
    "Wang Yi",
    "Jaishankar",
)
_BLOC_WORDS = (
    "summit",
    "summits",
    "secretary-general",
    "secretary general",
    "member",
    "members",
    "member states",
    "member countries",
    "membership",
    "bloc",
    "grouping",
    "heads of state",
    "heads of government",
    "foreign ministers",
    "defence ministers",
    "defense ministers",
    "ministers",
    "ministerial",
    "observer",
    "observers",
    "dialogue partner",
    "dialogue partners",
    "declaration",
    "charter",
    "Eurasian",
    "RATS",
    "Regional Anti-Terrorist Structure",
    "anti-terror",
    "counter-terrorism",
    "Peace Mission",
    "joint exercises",
    "multilateral",
)


@dataclass(frozen=True)
class TaggingRules:
    """What counts as an SCO mention; config.toml's [tagging] table can replace any field."""

    terms: tuple[str, ...] = (
        "Shanghai Cooperation Organization",
        "Shanghai Cooperation Organisation",
        "Shanghai Co-operation Organization",
        "Shanghai Co-operation Organisation",
        "上海合作组织",
        "上合组织",
    )
    acronyms: tuple[str, ...] = ("SCO",)
    context_words: tuple[str, ...] = _BLOC_WORDS + _MEMBERS + _CAPITALS + _VENUES + _LEADERS
    category_terms: tuple[str, ...] = (
        "SCO",
        "Shanghai Cooperation Organization",
        "Shanghai Cooperation Organisation",
    )
    excludes: tuple[str, ...] = (
        "SCO Group",
        "SCO Unix",
        "SCO OpenServer",
        "SCO UnixWare",
        "OpenServer",
        "UnixWare",
        "Santa Cruz Operation",
        "Caldera",
        "Xinuos",
        "Unix",
        "Linux",
        "Novell",
        "SCOTUS",
        "SCO Health Service",
        "Scotland",
        "Scottish",
        "cricket",
        "rugby",
        "Six Nations",
        "T20",
        "Orchestra",
    )
    context_window: int = 12

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> TaggingRules:
        """Build rules from config.toml's [tagging] table; missing keys keep their defaults."""
        known = {f.name for f in fields(cls)}
        for key in mapping:
            if key not in known:
                raise ValueError(f"tagging.{key}: unknown key (expected one of {', '.join(sorted(known))})")
        return cls(**{key: _checked(key, value) for key, value in mapping.items()})


@dataclass(frozen=True)
class Verdict:
    keep: bool
    reason: str


def _checked(key: str, value: Any) -> Any:
    if key == "context_window":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"tagging.{key}: expected a non-negative integer, got {value!r}")
        return value
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"tagging.{key}: expected a list of strings, got {type(value).__name__}")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"tagging.{key}: item {index} must be a non-empty string, got {item!r}")
    return tuple(" ".join(item.split()) for item in value)


DEFAULT_RULES = TaggingRules()

# [^<>] keeps each attempt short, so a run of unclosed '<' costs linear time, not quadratic.
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def matchable_text(text: str) -> str:
    """The words tagging matches: tags and URLs dropped, entities decoded, NFKC-folded.

    Not the parser's plain_text (timeline/ingest/parse.py): that keeps URLs for people to read;
    here a URL or a tag would otherwise fake or hide a mention.
    """
    text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFKC", html.unescape(text))
    return " ".join(_URL.sub(" ", text).split())


def _phrase_pattern(phrase: str, *, ignore_case: bool) -> re.Pattern[str]:
    """Whole-word match for phrase; words may be separated by any whitespace."""
    body = r"\s+".join(re.escape(word) for word in phrase.split())
    start = r"(?<!\w)" if phrase[0].isascii() and phrase[0].isalnum() else ""
    end = r"(?!\w)" if phrase[-1].isascii() and phrase[-1].isalnum() else ""
    return re.compile(start + body + end, re.IGNORECASE if ignore_case else 0)


@lru_cache(maxsize=16)
def _compiled(rules: TaggingRules) -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    def build(phrases: Sequence[str], ignore_case: bool) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((p, _phrase_pattern(p, ignore_case=ignore_case)) for p in phrases)

    return {
        "terms": build(rules.terms, True),
        "acronyms": build(rules.acronyms, False),
        "context": build(rules.context_words, True),
        "excludes": build(rules.excludes, True),
    }


def _category_verdict(categories: Sequence[str], rules: TaggingRules) -> Verdict | None:
    """Acronym categories must match exactly ('sco' may be Scotland); names ignore case."""
    for category in categories:
        label = matchable_text(category)
        for term in rules.category_terms:
            same = label == term if term.isupper() else label.casefold() == term.casefold()
            if same:
                return Verdict(True, f"category {category.strip()!r}")
    return None


def _name_verdict(text: str, rules: TaggingRules) -> Verdict | None:
    for term, pattern in _compiled(rules)["terms"]:
        if pattern.search(text):
            return Verdict(True, f"names the {term}")
    return None


def _word_spans(text: str, patterns: Sequence[tuple[str, re.Pattern[str]]], starts: list[int]):
    """(phrase, first word number, last word number) for every match, so 'near' counts words."""
    for phrase, pattern in patterns:
        for m in pattern.finditer(text):
            yield (
                phrase,
                max(0, bisect_right(starts, m.start()) - 1),
                max(0, bisect_right(starts, m.end() - 1) - 1),
            )


def _reach(spans, size: int, window: int) -> list[str | None]:
    """For each word number, the first phrase within window words of it (linear, unlike pairwise checks)."""
    reach: list[str | None] = [None] * size
    for phrase, first, last in spans:
        for i in range(max(0, first - window), min(size, last + window + 1)):
            reach[i] = reach[i] or phrase
    return reach


def _acronym_verdict(text: str, rules: TaggingRules) -> Verdict:
    compiled = _compiled(rules)
    starts = [m.start() for m in _WORD.finditer(text)]
    mentions = list(_word_spans(text, compiled["acronyms"], starts))
    if not mentions:
        return Verdict(False, "no SCO mention")
    size, window = len(starts), rules.context_window
    lookalikes = _reach(_word_spans(text, compiled["excludes"], starts), size, window)
    contexts = _reach(_word_spans(text, compiled["context"], starts), size, window)
    lookalike = None
    for acronym, first, last in mentions:
        vetoed = next(filter(None, lookalikes[first : last + 1]), None)
        context = next(filter(None, contexts[first : last + 1]), None)
        if context and not vetoed:
            return Verdict(True, f"{acronym!r} near {context!r}")
        lookalike = lookalike or vetoed
    if lookalike:
        return Verdict(False, f"only lookalike {lookalike!r}")
    return Verdict(False, f"{mentions[0][0]!r} without context words")


def classify(
    *,
    title: str,
    summary: str = "",
    content: str = "",
    categories: Sequence[str] = (),
    rules: TaggingRules = DEFAULT_RULES,
) -> Verdict:
    """Keep an item that is tagged SCO, names the organization, or says 'SCO' in a bloc context."""
    verdict = _category_verdict(categories, rules)
    if verdict:
        return verdict
    text = "\n".join(matchable_text(part) for part in (title, summary, content) if part)
    return _name_verdict(text, rules) or _acronym_verdict(text, rules)
