"""Turn what a person typed into a safe FTS5 query: words only, never raw MATCH syntax.

The index stems words with FTS5's porter tokenizer (migration 8), and FTS5
stems the words of a query the same way, so summit/summits and
meeting/meetings meet without help here. Stemming does not join British and
American spellings (organisation -> "organis", organization -> "organ"), so
each word is searched in both spellings when a rule below knows the other.
stem() repeats the tokenizer in Python, for highlighting what matched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

MAX_TERMS = 12  # words of a query; each becomes at most two phrases (its spellings), so at most 24 in all
# The tokenizer of facts_fts and fact_versions_fts (the versions time travel reads): both must split and stem alike.
TOKENIZE = "porter unicode61 remove_diacritics 2"
_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of a query as typed, at most MAX_TERMS: what fts_query searches and highlight marks."""
    return _WORD.findall(text or "")[:MAX_TERMS]


def fts_query(text: str, prefix: bool = True) -> str | None:
    """Every word must match (AND), each quoted, in each of its spellings (OR), the last one as a prefix.

    prefix=False searches the last word whole too: whole_words.settle decides
    that a word the index holds was finished, so "summit" is not "summit*"
    (the doclists of every term it begins, and "summitry" among the hits).

    Operators (AND, OR, NOT, NEAR), quotes, column filters and minus signs
    typed by a user become plain words or vanish, so no input can make a
    syntax error: only \\w characters ever stand between the quotes, and
    the operators around them are written here. None when nothing
    searchable is left, which callers treat as no search at all.
    """
    found = words(text)
    if not found:
        return None
    last = len(found) - 1
    return " AND ".join(_any_spelling(word, prefix=prefix and i == last) for i, word in enumerate(found))


def _any_spelling(word: str, prefix: bool) -> str:
    phrases = [f'"{form}"' + ("*" if prefix else "") for form in spellings(word)]
    return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"


# ---------------------------------------------------------------- British and American spellings

# Each rule: (British, American). A word ending in one of a pair (_ENDS) gets
# the other ending too; a word beginning with one (_STARTS: the whole family,
# as in labour, laboured, labourer) gets the other beginning. Only spellings SCO coverage uses both of; a
# form no text holds costs one index lookup and finds nothing, so the -ise
# rule may also make harmless non-words (promise -> promize).
_IZE = (
    "e",
    "es",
    "ed",
    "ing",
    "er",
    "ers",
    "ation",
    "ations",
    "ational",
)  # organise, organised, organisation...
_ENDS: tuple[tuple[str, str], ...] = (
    *((f"is{tail}", f"iz{tail}") for tail in _IZE),
    *(
        (f"{root}c{tail}", f"{root}s{tail}")
        for root in ("defen", "offen", "licen", "preten")
        for tail in ("e", "es")
    ),
    *(
        (f"{root}{br}", f"{root}{us}")
        for root in ("cent", "theat", "met", "lit", "fib")
        for br, us in (("re", "er"), ("res", "ers"), ("red", "ered"))
    ),  # centre, kilometre; fibres
    ("programme", "program"),
    ("programmes", "programs"),
)
_STARTS = tuple(
    (f"{root}our", f"{root}or") for root in ("lab", "hon", "fav", "col", "behavi", "neighb", "harb", "rum")
)
_IZE_STEM = 3  # letters before -ise/-ize: organise and realise change, rise, wise, size and prize do not


def spellings(word: str) -> tuple[str, ...]:
    """The word as typed, then its other spelling when a rule knows one (case kept for the unchanged part)."""
    lower = word.lower()
    for british, american in _ENDS:
        for have, other in ((british, american), (american, british)):
            if lower.endswith(have) and not (have[:2] in ("is", "iz") and len(lower) - len(have) < _IZE_STEM):
                return word, word[: len(word) - len(have)] + other
    for british, american in _STARTS:
        for have, other in ((british, american), (american, british)):
            if lower.startswith(have):
                return word, other + word[len(have) :]
    return (word,)


# ---------------------------------------------------------------- what matched, for highlighting


@functools.lru_cache(maxsize=256)  # one search highlights a whole page: its stems once
def matcher(folded: tuple[str, ...], prefix: bool = True) -> Callable[[str], bool]:
    """Whether a folded word of a text matches the search for these folded words, as the index decides.

    A word matches when its stem is the stem of a searched spelling, or, for
    the last word when it is a prefix (fts_query's prefix), starts with it:
    FTS5 stems a prefix too, so "summits" finds summit and "attacke" finds attacked.
    """
    if not prefix:
        whole = {stem(form) for word in folded for form in spellings(word)}
        return lambda word: stem(word) in whole
    *exact, last = folded
    whole = {stem(form) for word in exact for form in spellings(word)}
    starts = tuple(stem(form) for form in spellings(last))
    return lambda word: (found := stem(word)) in whole or found.startswith(starts)


@functools.lru_cache(maxsize=65_536)  # a page's words repeat, and so do the news'
def stem(word: str) -> str:
    """The porter stem of a folded word, byte for byte as FTS5's porter tokenizer makes it.

    FTS5 stems the UTF-8 bytes and leaves tokens under 3 or over 64 bytes
    alone; any byte outside a-z counts as a consonant. Latin-1 maps each byte
    to one character, so the steps below see exactly those bytes.
    """
    raw = word.encode("utf-8")
    if not 3 <= len(raw) <= 64:
        return word
    return _porter(raw.decode("latin-1")).encode("latin-1").decode("utf-8", "surrogateescape")


def _consonants(w: str) -> list[bool]:
    """Porter's consonants: a y is a vowel after a consonant."""
    out: list[bool] = []
    for c in w:
        out.append(not (c in "aeiou" or (c == "y" and bool(out) and out[-1])))
    return out


def _measure(w: str) -> int:
    """m in [C](VC)^m[V]: how many vowel-to-consonant turns the stem has."""
    cons = _consonants(w)
    return sum(1 for a, b in zip(cons, cons[1:]) if not a and b)


def _has_vowel(w: str) -> bool:
    """FTS5's *v*: a, e, i, o, u anywhere, or y anywhere but first."""
    return any(c in "aeiou" or (c == "y" and i > 0) for i, c in enumerate(w))


def _cvc(w: str) -> bool:
    """*o: ends consonant-vowel-consonant, the last not w, x or y."""
    cons = _consonants(w)
    return len(w) >= 3 and w[-1] not in "wxy" and cons[-3:] == [True, False, True]


def _m_gt0(w: str) -> bool:
    return _measure(w) > 0


def _m_gt1(w: str) -> bool:
    return _measure(w) > 1


def _m_gt1_st(w: str) -> bool:
    return w[-1:] in ("s", "t") and _measure(w) > 1


# Steps 2-4: the first suffix of a list that ends the word (with at least one
# byte before it) is the only one tried; its condition on the rest decides.
_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("logi", "log"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
)
_STEP3 = (
    ("ical", "ic"),
    ("ness", ""),
    ("icate", "ic"),
    ("iciti", "ic"),
    ("ful", ""),
    ("ative", ""),
    ("alize", "al"),
)
_STEP4 = (
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
)


def _replace(w: str, rules, condition: Callable[[str], bool]) -> str:
    for suffix, replacement in rules:
        if len(w) > len(suffix) and w.endswith(suffix):
            rest = w[: -len(suffix)]
            return rest + replacement if condition(rest) else w
    return w


def _porter(w: str) -> str:
    w = _step1a(w)
    w = _step1b(w)
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    w = _replace(w, _STEP2, _m_gt0)
    w = _replace(w, _STEP3, _m_gt0)
    return _step5(_step4(w))


def _step1a(w: str) -> str:
    if w.endswith("sses") and len(w) > 4 or w.endswith("ies") and len(w) > 3:
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _step1b(w: str) -> str:
    if w.endswith("eed") and len(w) > 3:
        return w[:-1] if _m_gt0(w[:-3]) else w
    for suffix in ("ed", "ing"):
        if w.endswith(suffix) and len(w) > len(suffix) and _has_vowel(w[: -len(suffix)]):
            return _step1b2(w[: -len(suffix)])
    return w


def _step1b2(w: str) -> str:
    if len(w) > 2 and w[-2:] in ("at", "bl", "iz"):
        return w + "e"
    if len(w) > 1 and w[-1] == w[-2] and w[-1] not in "aeioulsz":
        return w[:-1]
    if _measure(w) == 1 and _cvc(w):
        return w + "e"
    return w


def _step4(w: str) -> str:
    for suffix in _STEP4:
        if len(w) > len(suffix) and w.endswith(suffix):
            rest = w[: -len(suffix)]
            return rest if (_m_gt1_st(rest) if suffix == "ion" else _m_gt1(rest)) else w
    return w


def _step5(w: str) -> str:
    if w.endswith("e") and (_m_gt1(w[:-1]) or (_measure(w[:-1]) == 1 and not _cvc(w[:-1]))):
        w = w[:-1]
    if w.endswith("ll") and _m_gt1(w[:-1]):
        w = w[:-1]
    return w
