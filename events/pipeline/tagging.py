"""Decide whether a feed item is about the Shanghai Cooperation Organization, so ingest keeps only relevant news."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
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
    "峰会",  # summit, member states and secretary-general in Chinese, where 'SCO' is sometimes written in Latin
    "峰會",
    "成员国",
    "成員國",
    "秘书长",
    "秘書長",
)
# The words of political news, in English, Russian and Chinese: leaders, their offices and their meetings.
_POLITICS = (
    "president",
    "prime minister",
    "premier",
    "foreign minister",
    "foreign ministry",
    "foreign secretary",
    "defence minister",
    "defense minister",
    "minister",
    "ministers",
    "leader",
    "leaders",
    "heads of state",
    "summit",
    "talks",
    "bilateral",
    "diplomacy",
    "diplomatic",
    "diplomat",
    "diplomats",
    "counterpart",
    "counterparts",
    "delegation",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "Kremlin",
    # a border dispute's words ("the 2024 disengagement arrangement, continuing de-escalation")
    "ceasefire",
    "de-escalation",
    "disengagement",
    "boundary",
    "envoy",
    "envoys",
    "ambassador",
    *_LEADERS,
    "президент",
    "президента",
    "премьер-министр",
    "министр",
    "министра",
    "министры",
    "министров",
    "лидеры",
    "лидеров",
    "саммит",
    "саммита",
    "саммите",
    "переговоры",
    "переговоров",
    "визит",
    "делегация",
    "делегации",
    "Кремль",
    "主席",
    "总统",
    "總統",
    "总理",
    "總理",
    "外长",
    "外長",
    "部长",
    "部長",
    "领导人",
    "領導人",
    "峰会",
    "峰會",
    "会谈",
    "會談",
    "会见",
    "會見",
    "会晤",
    "會晤",
    "代表团",
    "代表團",
)


@dataclass(frozen=True)
class TaggingRules:
    """What counts as an SCO mention; config.toml's [tagging] table can replace any field."""

    terms: tuple[str, ...] = (
        "Shanghai Cooperation Organization",
        "Shanghai Cooperation Organisation",
        "Shanghai Co-operation Organization",
        "Shanghai Co-operation Organisation",
        "ШОС",
        "Шанхайская организация сотрудничества",
        "Шанхайской организации сотрудничества",
        "Шанхайскую организацию сотрудничества",
        "Шанхайской организацией сотрудничества",
        "上海合作组织",
        "上合组织",
        "上合峰会",
        "上合成员国",
        "上海合作組織",
        "上合組織",
        "上合峰會",
        "上合成員國",
        # its forerunner (1996-2001), whose summits the SCO's calendar lists as its own history
        "Shanghai Five",
        "Шанхайская пятёрка",
        "Шанхайская пятерка",
        "Шанхайской пятёрки",
        "Шанхайской пятерки",
        "Шанхайской пятёрке",
        "Шанхайской пятерке",
        "Шанхайскую пятёрку",
        "Шанхайскую пятерку",
        "上海五国",
        "上海五國",
    )
    acronyms: tuple[str, ...] = ("SCO", "S.C.O.")  # (the New York Times spells it with points)
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
        "orchestras",
        "symphony",
        "philharmonic",
        "concert",
        "concerts",
        "conductor",
        "season",
        "jazz",
        "quintet",
        "saxophonist",
    )
    politics_words: tuple[str, ...] = _POLITICS
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
# Scripts written without spaces between words (Chinese, Japanese kana): no word boundary there.
_UNSPACED = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
# Where a sentence ends: . ! ? before a space, or a Chinese full stop, which needs none.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*(?=\s)|[。！？]+[”」』）]*")
# A capitalised word for an acronym's expansion: 'Scottish', 'Co-operation', "Organization's".
_CAPITALISED = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_LEDE_SENTENCES = 2  # the body's first sentences that make a lede
# A note on who wrote an opinion piece, before its first sentence: "Dr. Jane Doe is a senior fellow at the
# Centre. Views are her own.", "The writer is a former diplomat who served in Central Asia."
_ON_ITS_WRITER = re.compile(
    r"\s*(?:(?:Dr|Prof|Mr|Ms|Mrs)\.?\s+)?(?:[A-Z][\w'’-]+\s+){1,3}(?:is|was)\s+(?:a|an|the)\s+[^.!?]{0,80}?\b(?:fellow"
    r"|professor|director|researcher|analyst|editor|correspondent|columnist|diplomat|ambassador|lecturer|writer"
    r"|journalist|scholar)\b|\s*The\s+(?:writer|author)\s+(?:is|was)\b|\s*(?:The\s+)?[Vv]iews\s+(?:expressed\s+)?(?:here\s+)?are\b"
)
# A title cut off as a "sentence" of its own: "Dr." before a name.
_A_TITLE_BEFORE = re.compile(r"\s*(?:Dr|Prof|Mr|Ms|Mrs|St)\.")
_POLITICS_NEEDED = 2  # distinct politics words that make a story political news


def matchable_text(text: str) -> str:
    """The words tagging matches: tags and URLs dropped, entities decoded, NFKC-folded.

    Not the parser's plain_text (timeline/ingest/parse.py): that keeps URLs for people to read;
    here a URL or a tag would otherwise fake or hide a mention.
    """
    text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFKC", html.unescape(text))
    return " ".join(_URL.sub(" ", text).split())


def _spaced_word_char(char: str) -> bool:
    return (char.isalnum() or char == "_") and not _UNSPACED_CHAR.match(char)


class PhrasePattern:
    """Whole-word matches of a phrase; words may be separated by any whitespace.

    Whole words only where words are spaced: 'SCO' is not in 'Tesco' nor 'ШОС' in 'ШОСС',
    but 上合组织 is found inside a Chinese sentence, and 'SCO' right after a Chinese character.
    The word edges are checked on each match, not in the regex: a lookaround with the CJK ranges
    took ~2 ms to compile per phrase, over a second for the rules at every start (measured).
    """

    def __init__(self, phrase: str, ignore_case: bool):
        body = r"\s+".join(re.escape(word) for word in phrase.split())
        self.flags = re.IGNORECASE if ignore_case else 0
        self.pattern = re.compile(body, self.flags)
        self.edge_before, self.edge_after = _spaced_word_char(phrase[0]), _spaced_word_char(phrase[-1])
        spaced = " ".join(phrase.split())  # in the text (its line breaks read as spaces), or no match
        self.probe = spaced.lower() if ignore_case else spaced

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for m in self.pattern.finditer(text):
            if self.edge_before and m.start() and _spaced_word_char(text[m.start() - 1]):
                continue
            if self.edge_after and m.end() < len(text) and _spaced_word_char(text[m.end()]):
                continue
            yield m

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)


def _phrase_pattern(phrase: str, *, ignore_case: bool) -> PhrasePattern:
    return PhrasePattern(phrase, ignore_case)


@lru_cache(maxsize=16)
def _compiled(rules: TaggingRules) -> dict[str, tuple[tuple[str, PhrasePattern], ...]]:
    def build(phrases: Sequence[str], ignore_case: bool) -> tuple[tuple[str, PhrasePattern], ...]:
        return tuple((p, _phrase_pattern(p, ignore_case=ignore_case)) for p in phrases)

    return {
        "terms": build(rules.terms, True),
        "acronyms": build(rules.acronyms, False),
        "context": build(rules.context_words, True),
        "excludes": build(rules.excludes, True),
        "politics": build(rules.politics_words, True),
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


def _capitals_kept(term: str, found: str) -> bool:
    """A capital of the term is a capital in the text: 'SHANGHAI COOPERATION ORGANIZATION' is the
    name, a company's 'Shanghai cooperation organisation' is not, nor 'шос' the acronym ШОС."""
    if found == term:
        return True  # the common case, without comparing letter by letter
    return all(
        len(want) == len(got) and all(g.isupper() or not w.isupper() for w, g in zip(want, got, strict=True))
        for want, got in zip(term.split(), found.split(), strict=False)
    )


def _term_mentions(text: str, rules: TaggingRules) -> list[tuple[str, int]]:
    """(term, offset) of every naming of the organization, in the order of rules.terms."""
    mentions = []
    for term, pattern in _compiled(rules)["terms"]:
        if _may_occur(term, pattern, text):
            mentions.extend(
                (term, m.start()) for m in pattern.finditer(text) if _capitals_kept(term, m.group())
            )
    return mentions


def _without_a_namesake(text: str, terms: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The mentions without those of the forerunner's name near a band's words: "a quintet calling itself
    the Shanghai Five closed the jazz weekend" is a band's name (the full names are the bloc's alone); nor those
    of an acronym the item spells out as another name ("Смоленская школа олимпийского спорта (ШОС)")."""
    if spelled := {term for term, _ in terms if term.isupper() and _lower_case_name_before(text, term)}:
        terms = [(term, offset) for term, offset in terms if term not in spelled]
    # a company named with it: «ШОС-Трейд», «ШОС-Логистик» (not "саммит ШОС-2025", «ШОС-Экспо»)
    if companies := _companies_named_with(text, terms):
        terms = [
            (term, offset) for term, offset in terms if _a_compound_s(text, term, offset) not in companies
        ]
    if not any(_FORERUNNER.search(term) for term, _ in terms):
        return terms
    return [
        (term, offset)
        for term, offset in terms
        if not _FORERUNNER.search(term)
        or not _A_BAND.search(text, max(0, offset - _BAND_REACH), offset + len(term) + _BAND_REACH)
    ]


def _a_compound_s(text: str, term: str, offset: int) -> str | None:
    """The name the term begins ("ШОС-Трейд" of «ШОС-Трейд»), or None."""
    compound = _A_COMPANY_S_NAME.match(text, offset + len(term))
    return term + compound.group()[:-1] if compound else None


def _companies_named_with(text: str, terms: list[tuple[str, int]]) -> set[str]:
    """The compounds of the term that the text calls a company somewhere ("Екатеринбургская компания
    «ШОС-Трейд»"): each of their namings is the company's, the headline's too."""
    return {
        compound
        for term, offset in terms
        if (compound := _a_compound_s(text, term, offset))
        and _A_COMPANY_BEFORE.search(text, max(0, offset - 40), offset)
    }


_A_COMPANY_BEFORE = re.compile(
    r"(?:компани\w*|фирм\w*|ООО|ОАО|ЗАО|ПАО|АО|ТОО|холдинг\w*|дистрибьютор\w*|перевозчик\w*|company|firm|Ltd|LLC)"
    r"\s+(?:[\w-]+\s+){0,2}[«\"“]$",
    re.IGNORECASE,
)


def _a_namesake_s_name(text: str, term: str, offset: int) -> str:
    """What a naming of the bloc's turned out to name: the name spelled out before it, the company's, or itself."""
    if spelled := _lower_case_name_before(text, term):
        return spelled
    return _a_compound_s(text, term, offset) or term


_A_COMPANY_S_NAME = re.compile(r"[-‑–][A-ZА-ЯЁ][\w-]*[»”\"]")
_FORERUNNER = re.compile(r"Five|пят|五")
# A band's words (not the excludes' "concert", which "acting in concert" says too).
_A_BAND = re.compile(
    r"\b(?:jazz|quintet|saxophon\w*|band|gig|album)\b|джаз|квинтет|爵士|乐队|樂隊", re.IGNORECASE
)
_BAND_REACH = 100


def _may_occur(phrase: str, pattern: PhrasePattern, text: str) -> bool:
    """Whether the phrase's first word is in the text at all: most of a hundred phrases are not, and a
    substring test costs a fraction of a regex scan (measured: tagging was a fifth of ingest)."""
    return pattern.probe in (_lowered(text) if pattern.flags else _spaced(text))


@lru_cache(maxsize=4)
def _lowered(text: str) -> str:
    return _spaced(text).lower()


@lru_cache(maxsize=4)
def _spaced(text: str) -> str:
    """Text as probes read it: one space between words (matchable_text's own), line breaks too."""
    return " ".join(text.split())


def _word_spans(text: str, patterns: Sequence[tuple[str, PhrasePattern]], starts: list[int]):
    """(phrase, first word number, last word number, offset) for every match, so 'near' counts words."""
    for phrase, pattern in patterns:
        if not _may_occur(phrase, pattern, text):
            continue
        for m in pattern.finditer(text):
            yield (
                phrase,
                max(0, bisect_right(starts, m.start()) - 1),
                max(0, bisect_right(starts, m.end() - 1) - 1),
                m.start(),
            )


def _reach(spans, size: int, window: int) -> list[str | None]:
    """For each word number, the first phrase within window words of it (linear, unlike pairwise checks)."""
    reach: list[str | None] = [None] * size
    for phrase, first, last, _ in spans:
        for i in range(max(0, first - window), min(size, last + window + 1)):
            reach[i] = reach[i] or phrase
    return reach


def _spelled_out_as(text: str, acronym: str, rules: TaggingRules) -> str | None:
    """Another name the acronym stands for in this text: 'Scottish Chamber Orchestra' for SCO.

    A name of capitalised words alone between lower-case ones (a leading 'The' aside), whose
    initials spell the acronym and that is not one of the organization's names: an item that
    spells out its 'SCO' as an orchestra means the orchestra. A title-case headline ('Sharif
    Calls On SCO Members') is one long run of capitals, no name.
    """
    if len(acronym) < 2 or not acronym.isupper() or not acronym.isalpha():
        return None
    names = {" ".join(term.casefold().split()) for term in rules.terms}
    if (inside := _in_parentheses_after(text, acronym)) and _another_name(inside, names, rules):
        return inside  # "2,000 SCO (self-checkout) units"
    if not acronym.isascii() and (before := _lower_case_name_before(text, acronym)):
        return before  # "Смоленская школа олимпийского спорта (ШОС)"
    run: list[str] = []
    began = last_end = named_to = -1
    joined = spelled_with_a_joining_word = False
    for m in (*_CAPITALISED.finditer(text), None):
        next_to = m is not None and run and not text[last_end : m.start()].strip()
        if m is not None and m.group()[0].isupper() and (not run or next_to):
            began = m.start() if not run else began
            run.append(m.group())
            last_end = named_to = m.end()
            joined = False
            continue
        if next_to and not joined and m.group() in _JOINING_WORDS:  # "Standing Conference of Observatories"
            last_end, joined, spelled_with_a_joining_word = m.end(), True, True
            continue
        words = run[1:] if run[:1] == ["The"] else run
        if len(words) > len(acronym) and _BEFORE_ITS_ACRONYM.match(text, named_to):
            # the name right before its acronym, after a byline's or a place's capitals: "By Tom Ashby The
            # Shanghai Cricket Organisation (SCO)" (an item's fields are joined into one line)
            words = words[-len(acronym) :]
            began = text.rindex(words[0], began, named_to)
        if (
            len(words) == len(acronym)
            and all(w[0] == a and not w.isupper() for w, a in zip(words, acronym))
            # a name with a joining word counts only where it is spelled out: "... of Observatories (SCO)"
            and (not spelled_with_a_joining_word or _BEFORE_ITS_ACRONYM.match(text, named_to) is not None)
        ):
            name = re.sub(r"^The\s+|['’]s$", "", " ".join(text[began:named_to].split()))
            if name.casefold() not in names:
                return name
        run = [m.group()] if m is not None and m.group()[0].isupper() else []
        began = m.start() if run else -1
        last_end = named_to = m.end() if m is not None else -1
        joined = spelled_with_a_joining_word = False
    return None


def _lower_case_name_before(text: str, acronym: str) -> str | None:
    """A Russian name right before its acronym in parentheses, its later words in lower case as Russian writes
    them, whose initials spell the acronym and that is not the bloc's ("Шанхайской организации сотрудничества
    (ШОС)" in any case is)."""
    found = re.search(rf"((?:[^\W\d_]+[\s-]+){{{len(acronym)}}})[(（]\s*{re.escape(acronym)}\s*[)）]", text)
    if found is None:
        return None
    words = found.group(1).split()
    initials = "".join(word[0] for word in words).casefold()
    if initials != acronym.casefold() or words[0].casefold().startswith(_THE_BLOC_S_FIRST_WORD):
        return None
    return " ".join(words)


_THE_BLOC_S_FIRST_WORD = ("шанхайск",)


def _in_parentheses_after(text: str, acronym: str) -> str | None:
    """What the first parentheses right after the acronym say, when they start with a letter: its expansion."""
    found = re.search(rf"(?<![\w.]){re.escape(acronym)}\s*[(（]\s*([^\W\d_][^()（）]{{2,60}}?)\s*[)）]", text)
    return found.group(1) if found else None


def _another_name(words: str, names: set[str], rules: TaggingRules) -> bool:
    """Parentheses that name something else: a few words, not opening on a word of a clause ("SCO (and why it
    matters)", "SCO (in person)", "SCO (which includes China)"), naming neither the bloc ("(Shanghai
    Cooperation Organisation)", "(formerly the Shanghai Five)", "(上合组织)") nor its members, leaders or bodies
    ("(China-led security bloc)", "(Council of Heads of Government)")."""
    folded = " ".join(words.casefold().split())
    if len(folded.split()) > _A_NAME_S_WORDS or _A_CLAUSE_S_FIRST_WORD.match(folded):
        return False
    if any(name in folded for name in names) or _ITS_CITY.search(folded):
        return False
    return not any(True for _ in _word_spans(words, _compiled(rules)["context"], [0]))


_ITS_CITY = re.compile(r"shanghai|上海|上合|шанха|шос")
_A_NAME_S_WORDS = 4
_A_CLAUSE_S_FIRST_WORD = re.compile(
    r"(?:and|or|but|which|who|that|in|on|at|of|for|to|with|by|as|if|why|what|how|where|when|formerly|now|a|an|the)\b"
)
_BEFORE_ITS_ACRONYM = re.compile(r"\s*\(\s*[A-Z]{2,}\s*\)")
# Short words inside a name that its initials skip: "Standing Conference of Observatories (SCO)".
_JOINING_WORDS = frozenset({"of", "for", "and", "on", "de", "du"})


def _acronym_mentions(text: str, rules: TaggingRules, named: bool) -> tuple[list[tuple[str, int, str]], str]:
    """(acronym, offset, why) for each 'SCO' that means the bloc, and why none does when there is none.

    An acronym means the bloc near a context word, or anywhere in an item that names the
    organization; never near a lookalike nor in an item that spells it out as something else.
    """
    compiled = _compiled(rules)
    starts = [m.start() for m in _WORD.finditer(text)]
    mentions = list(_word_spans(text, compiled["acronyms"], starts))
    if not mentions:
        return [], "no SCO mention"
    size, window = len(starts), rules.context_window
    lookalikes = _reach(_word_spans(text, compiled["excludes"], starts), size, window)
    contexts = _reach(_word_spans(text, compiled["context"], starts), size, window)
    found, lookalike, expansions = [], None, {}
    for acronym, first, last, offset in mentions:
        if acronym not in expansions:
            expansions[acronym] = _spelled_out_as(text, acronym, rules)
        vetoed = next(filter(None, lookalikes[first : last + 1]), None)
        if expansions[acronym]:
            lookalike = lookalike or expansions[acronym]
            continue
        context = next(filter(None, contexts[first : last + 1]), None)
        if context and not vetoed:
            found.append((acronym, offset, f"{acronym!r} near {context!r}"))
        elif named and not vetoed:
            found.append((acronym, offset, ""))
        lookalike = lookalike or vetoed
    if found:
        return found, ""
    if lookalike:
        return [], f"only lookalike {lookalike!r}"
    if headed := _headed_by_the_acronym(text, mentions, compiled, starts):
        return headed, ""
    return [], f"{mentions[0][0]!r} without context words"


_CONTEXTS_IN_THE_LEAD = 3


def _headed_by_the_acronym(text, mentions, compiled, starts) -> list[tuple[str, int, str]]:
    """'SCO' in a title with no context word near it ("The SCO at 25: bigger, louder ..."), over a lead that
    names three different ones (Shanghai, a charter, members) in an item with no lookalike anywhere: the
    bloc, as a reader takes it from the first lines."""
    title_end = text.find("\n")
    in_title = [m for m in mentions if title_end > 0 and m[3] < title_end]
    if not in_title or any(True for _ in _word_spans(text, compiled["excludes"], starts)):
        return []
    lead = {
        phrase.lower()
        for phrase, _, _, at in _word_spans(text, compiled["context"], starts)
        if at < _LEAD_CHARACTERS
    }
    if len(lead) < _CONTEXTS_IN_THE_LEAD:
        return []
    acronym, _, _, offset = in_title[0]
    return [
        (
            acronym,
            offset,
            f"{acronym!r} in the title, its lead naming {', '.join(map(repr, sorted(lead)[:3]))}",
        )
    ]


@dataclass(frozen=True)
class _Sentences:
    """The item's sentences: which one an offset is in, the same sentence in summary and content as one."""

    starts: list[int]
    spans: list[tuple[str, int, int]]  # (part, start, stop) of each sentence
    leading: list[bool]  # in the title or the first sentences of the summary or content

    @functools.cached_property
    def keys(self) -> list[str]:
        """Each sentence folded, so the summary's sentence repeated in the content is one: read only when
        the SCO is not named up front (most items end before)."""
        return [" ".join(part[start:stop].casefold().split()) for part, start, stop in self.spans]

    @classmethod
    def of(cls, parts: Sequence[tuple[bool, str]]) -> _Sentences:
        """parts: (is the title, its text), as joined by one "\\n" into the text offsets count in."""
        starts, spans, leading = [], [], []
        offset = 0
        for is_title, part in parts:
            ends = [m.end() for m in _SENTENCE_END.finditer(part)]
            bounds = [0, *(end for end in ends if end < len(part))]
            told = 0  # the body's sentences so far, without a note on its writer
            for index, start in enumerate(bounds):
                stop = bounds[index + 1] if index + 1 < len(bounds) else len(part)
                starts.append(offset + start)
                spans.append((part, start, stop))
                leading.append(is_title or told < _LEDE_SENTENCES)
                told += not (
                    _ON_ITS_WRITER.match(part, start) or _A_TITLE_BEFORE.fullmatch(part, start, stop)
                )
            offset += len(part) + 1  # the "\n" that joins the parts
        return cls(starts, spans, leading)

    def at(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)


def _politics_elsewhere(text: str, sentences: _Sentences, skip: set[str], rules: TaggingRules) -> list[str]:
    """The distinct politics words of the sentences whose keys are not in skip (a name within a name once)."""
    spans = []
    for phrase, pattern in _compiled(rules)["politics"]:
        if not _may_occur(phrase, pattern, text):
            continue
        for m in pattern.finditer(text):
            if sentences.keys[sentences.at(m.start())] not in skip:
                spans.append((m.start(), m.end(), phrase))
    spans.sort(key=lambda span: (span[0], -span[1]))
    words: dict[str, str] = {}
    reach = -1
    for start, end, phrase in spans:
        if end <= reach:
            continue  # 'Xi' inside 'Xi Jinping', 'minister' inside 'prime minister'
        reach = max(reach, end)
        words.setdefault(phrase.casefold(), phrase)
    return list(words.values())


# The SCO's forerunner told without its name ("The leaders of Russia, China, Kazakhstan, Kyrgyzstan and
# Tajikistan signed ... the five countries' ..."): its five states, all named, and a word for five.
_THE_FIVE_STATES = tuple(
    re.compile(states, re.IGNORECASE)
    for states in (
        r"\bchin(?:a|ese)\b|中国|中國|китай|китая|китаю|китаем|\bкнр\b|中[俄哈吉塔]",
        r"\brussian?\b|俄罗斯|俄羅斯|росси|[中哈吉塔]俄",
        r"\bkazakh(?:stan)?\b|哈萨克|哈薩克|казахстан|[中俄吉塔]哈",
        r"\bkyrgyz(?:stan)?\b|\bkirghiz|吉尔吉斯|吉爾吉斯|киргиз|кыргыз|[中俄哈塔]吉",
        r"\btajik(?:istan)?\b|塔吉克|таджик|[中俄哈吉]塔",
    )
)
_FIVE = re.compile(r"\bfive\b|五国|五國|\bпят(?:и|ь|[её]рк)", re.IGNORECASE)
_LEAD_CHARACTERS = 600  # the title and about the first two sentences


# Another body whose story a title and lead tell ("Лидеры Содружества собрались в Душанбе"): one mention of
# the SCO deep in it is a comparison or an aside.
_ANOTHER_BODY_LEADS = re.compile(
    r"\b(?:BRICS|CSTO|CIS|EAEU|ASEAN|SAARC|G-?20|G-?7|NATO|OSCE|CICA|APEC|ECO|GCC|OTS|OIC|Commonwealth of Independent States"
    r"|Eurasian Economic Union|Economic Cooperation Organi[sz]ation|Organi[sz]ation of Turkic States|Gulf Cooperation Council"
    r"|Arab League|African Union)\b|БРИКС|ОДКБ|\bСНГ\b|Содружеств|ЕАЭС|Евразийск\w* экономическ"
    r"|金砖|金磚|独联体|獨聯體|集安组织|集安組織|东盟|東盟"
)


def _the_five_in_its_lead(lead: str) -> bool:
    """Whether the title and lead name the five states of the Shanghai Five together, and five of them."""
    return bool(_FIVE.search(lead)) and all(states.search(lead) for states in _THE_FIVE_STATES)


def classify(
    *,
    title: str,
    summary: str = "",
    content: str = "",
    categories: Sequence[str] = (),
    rules: TaggingRules = DEFAULT_RULES,
) -> Verdict:
    """Keep an item that is tagged SCO, or whose subject the SCO is.

    The SCO is named (any of rules.terms, its capitals kept) or 'SCO' is said in a bloc context
    (near a context word, never near a lookalike nor spelled out as something else). Then it
    must be the item's subject: named in the title or the lede, or in more than one sentence,
    or once in a story of political news (two politics words elsewhere); a travel or business
    story that names the SCO once in passing is not about it.
    """
    verdict = _category_verdict(categories, rules)
    if verdict:
        return verdict
    given = (title, summary, content)
    parts = [(number == 0, matchable_text(field)) for number, field in enumerate(given) if field]
    text = "\n".join(part for _, part in parts)
    named = _term_mentions(text, rules)
    terms = _without_a_namesake(text, named)
    sentences = _Sentences.of(parts) if terms else None
    if sentences and any(sentences.leading[sentences.at(offset)] for _, offset in terms):
        return Verdict(True, f"names the {terms[0][0]}")  # the common case, without reading for acronyms
    acronyms, why_not = _acronym_mentions(text, rules, named=bool(terms))
    if not terms and not acronyms:
        if _the_five_in_its_lead(text[:_LEAD_CHARACTERS]):
            return Verdict(True, "the Shanghai Five's five states, named together in its lead")
        if named:  # every naming was a namesake's: a band, a name spelled out before its acronym
            return Verdict(False, f"only lookalike {_a_namesake_s_name(text, *named[0])!r}")
        return Verdict(False, why_not)
    if terms:
        said, reason = terms[0][0], f"names the {terms[0][0]}"
    else:
        said, _, reason = acronyms[0]
    sentences = sentences or _Sentences.of(parts)
    at = [sentences.at(offset) for _, offset, *_ in (*terms, *acronyms)]
    if any(sentences.leading[i] for i in at):
        return Verdict(True, reason)
    said_in = {sentences.keys[i] for i in at}
    if len(said_in) > 1:
        return Verdict(True, f"{reason}, in {len(said_in)} sentences")
    if body := _ANOTHER_BODY_LEADS.search(text[:_LEAD_CHARACTERS]):
        return Verdict(
            False, f"passing mention: {said!r} once, in a story of another body ({body.group()!r})"
        )
    politics = _politics_elsewhere(text, sentences, said_in, rules)
    if len(politics) >= _POLITICS_NEEDED:
        return Verdict(True, f"{reason}, in political news ({', '.join(map(repr, politics[:2]))})")
    return Verdict(False, f"passing mention: {said!r} once, deep in the body")
