"""Date expressions in a sentence, resolved against the publication day and the tense of their clause."""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from events.domain.dates import FuzzyDate, check_span
from events.log.errors import InvalidDate

Tense = Literal["past", "future"] | None

_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH_NUMBERS.update(
    {
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    }
)
_WEEKDAY_NUMBERS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}

MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
MONTH = (
    MONTH_FULL[:-1]
    + r"|Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)(?![a-z])"
)
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])"
ORD = r"(?:st|nd|rd|th)"
YEAR = r"(?:19|20)\d\d"
NUM = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty(?:-five)?|thirty|forty|fifty)"
REL = r"(?P<rel>this|last|next)\s+year"

# Words after a number that say it counts things rather than naming a day or year.
_COUNTED = re.compile(
    r"\s*(?:%|per\s*cent|people|persons|soldiers|troops|civilians|police|officers|dead|killed|wounded|"
    r"injured|members|countries|states|nations|leaders|delegations|miners|km|kilometres|miles|tonnes|"
    r"tons|barrels|dollars|million|billion|times|years|days|months|weeks|hours)\b",
    re.IGNORECASE,
)
_PARTICIPLES = {"dead", "killed", "wounded", "injured"}
# After "the 15th" a date goes on with a preposition or ends; "the 15th anniversary" does not.
_AFTER_ORDINAL = re.compile(
    r"\s*(?:$|[,.;:)!?\"”’']|(?:at|in|on|and|to|of|for|with|when|as|after|before|or|but|that|which|"
    r"while|until|till|through|from|by|this|next|last|there|here|is|was|will|would)\b)"
)
_DETERMINERS = {"the", "their", "its", "his", "her", "our", "this"}
# A sentence naming more dates than this is a list or a table, not a statement of
# facts; the rest are dropped so the work per sentence stays bounded (BUG-4).
MAX_MENTIONS = 20
_ADJUNCT = {"at", "during", "in", "on", "by"}


@dataclass(frozen=True)
class DateMention:
    """One date expression: what it resolves to and where it sits in the sentence."""

    start: FuzzyDate
    end: FuzzyDate | None
    span: tuple[int, int]
    rule: str
    confidence: float
    referential: bool = False


@dataclass(frozen=True)
class Context:
    """What a rule resolves against: the sentence (for its tense) and the publication day."""

    sentence: str
    published: dt.date

    def tense(self, span: tuple[int, int]) -> Tense:
        return tense_at(self.sentence, span)


Resolved = tuple[FuzzyDate, FuzzyDate | None, float] | None


@dataclass(frozen=True)
class Rule:
    """needs: the cues (see _cues) the pattern cannot match without, so a sentence lacking one skips it."""

    name: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], Context], Resolved]
    needs: frozenset[str] = frozenset()


# ---------------------------------------------------------------- tense


_FUTURE_WORDS = {
    "will",
    "shall",
    "would",
    "won't",
    "may",
    "might",
    "could",
    "can",
    "upcoming",
    "opens",
    "begins",
    "starts",
    "arrives",
    "departs",
}
_FUTURE_BEFORE_TO = {
    "ready",  # "the capital is ready to receive the heads of state on Thursday"
    "poised",
    "preparing",
    "prepares",
    "expected",
    "expects",  # "the summit that Bishkek expects to host in early September"
    "expect",
    "scheduled",
    "set",
    "plans",
    "plan",
    "planning",
    "going",
    "intends",
    "intend",
    "aims",
    "aim",
    "hopes",
    "hope",
    "wants",
    "is",
    "are",
}
_SCHEDULED = {"expected", "scheduled", "due", "set", "slated"}
_PAST_PROGRESSIVE_PLANS = frozenset({"preparing", "planning", "going"})
_PREPARING_FOR = {
    "preparations",
    "preparation",
    "prepare",
    "prepared",
    "preparing",
    "prepares",
    "preparatory",
}
_BE = {"is", "are", "be", "being", "been"}  # "has been scheduled for 4 June": still to come
_PAST_WORDS = {
    "was",
    "were",
    "had",
    "did",
    "has",
    "have",
    "been",
    "met",
    "said",
    "told",
    "held",
    "took",
    "made",
    "came",
    "went",
    "left",
    "began",
    "saw",
    "gave",
    "spoke",
    "flew",
    "won",
    "lost",
    "sent",
    "led",
    "became",
    "fought",
    "broke",
    "struck",
    "hit",
    "ran",
    "paid",
    "rose",
    "fell",
    "grew",
    "ago",
    "spent",
    "sought",
    "brought",
    "thought",
}
_NOT_PAST = {
    "expected",
    "scheduled",
    "red",
    "need",
    "speed",
    "feed",
    "indeed",
    "united",
    "based",
    "armed",
    "allied",
    "disputed",
    "related",
    "limited",
    "advanced",
    "detailed",
    "interested",
    "concerned",
    "unprecedented",
    "centered",
    "centred",
    "planned",
    "proposed",
    "embed",
    "seed",
    "exceed",
    "proceed",
    "succeed",
    "breed",
    "bleed",
    "weed",
    "deed",
    "greed",
    "shed",
}
# Every word that _is_future_phrase or _is_past_word can accept, besides those ending in "ed".
_AIMING = frozenset({"aiming", "aim", "aims", "targeting", "eyeing"})
_TENSE_WORDS = (
    _FUTURE_WORDS
    | _FUTURE_BEFORE_TO
    | _SCHEDULED
    | _PAST_WORDS
    | _PREPARING_FOR
    | _AIMING
    | {"to", "ahead", "before"}
)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_CLAUSE_BREAK = re.compile(
    r",(?!\d)|[;:()\"“”—–，；：（）]|\b(?:that|which|who|while|but|because|although|whereas|after|before|when|since)\b"
    r"|\band\s+(?=(?:will|would|is|are|was|were|has|have|had|plans|later)\b)"
)


def _tokens(sentence: str) -> list[tuple[int, str]]:
    """Words with their offsets, lowercased, except "May" which stays the month and no modal.

    "we'll" counts as "will"; the parts of "U.S.-led" or "Moscow-Beijing" after a hyphen are skipped.
    The sentence is lowercased once rather than word by word, unless lowercasing
    changes its length ("İ" becomes two characters) and the offsets would drift.
    """
    lowered = sentence.lower().replace("’", "'")
    if len(lowered) != len(sentence):
        return [
            (m.start(), _word(m.group(0)))
            for m in _TOKEN.finditer(sentence)
            if m.start() == 0 or sentence[m.start() - 1] != "-"
        ]
    tokens = [
        (m.start(), lowered[m.start() : m.end()])
        for m in _TOKEN.finditer(sentence)
        if m.start() == 0 or sentence[m.start() - 1] != "-"
    ]
    if "'ll" in lowered or "May" in sentence:  # rare: only then look at each word again
        tokens = [(start, _word(sentence[start : start + len(word)])) for start, word in tokens]
    return tokens


def _word(token: str) -> str:
    if token == "May":
        return token
    token = token.lower().replace("’", "'")
    return "will" if token.endswith("'ll") else token


def _is_future_phrase(words: list[str], i: int) -> bool:
    """ "will", "may", "plans to", "is to", "is expected"/"are due" (a time still to come), "to be" after
    anything but a past verb ("expects the deal to be cleared on Friday", not "was said to be"), and
    "ahead of" (the summit "ahead of" which delegations arrived is still to come)."""
    word, following = words[i], words[i + 1] if i + 1 < len(words) else ""
    previous = words[i - 1] if i > 0 else ""
    if word == "to":
        return following == "be" and not _is_past_word(previous)
    if word == "ahead":
        return following == "of"
    if word == "before":  # "gathered today ..., one of the last meetings before the summit on July 3-4"
        return following in _A_NOUN_S and _today_then_nothing_past(words, i)
    # "preparations for the summit in June", "officials are aiming for early September": ahead
    if (word in _PREPARING_FOR or word in _AIMING) and following == "for":
        return True
    if word in _PREPARING_FOR and word not in _FUTURE_BEFORE_TO:
        return False  # ("prepares to host the summit in June" is read below, as "plans to")
    if word in _FUTURE_WORDS:
        # "The summit in Dushanbe on Friday will be remembered for two things", "... longer than the communique":
        # a judgement to come of a past day (not "will be remembered on Monday at a ceremony")
        return following != "have" and not (
            following == "be"
            and words[i + 2 : i + 3] == ["remembered"]
            and words[i + 3 : i + 4] not in (["on"], ["at"], ["in"])
        )
    if word in _SCHEDULED and previous in _BE:
        return not (previous == "been" and i > 1 and words[i - 2] == "had")  # "had been due to": a past plan
    if word in _PAST_PROGRESSIVE_PLANS and previous in ("was", "were", "been"):
        return False  # "Kazakhstan was preparing to host the summit in July when the pandemic struck": then
    return word in _FUTURE_BEFORE_TO and following == "to"


def _today_then_nothing_past(words: list[str], i: int) -> bool:
    """ "today" before word i, and no past verb or "had" between them: "the ministers today reviewed what had
    been agreed before the summit in July" tells of an earlier July."""
    for word in reversed(words[:i]):
        if word == "today":
            return True
        if word == "had" or _is_past_word(word):
            return False
    return False


# What "before" leads when it leads a happening, not a clause ("before he left"): it is still to come from a
# sentence told of today.
_A_NOUN_S = frozenset(("the", "a", "an", "its", "their", "this", "next", "his", "her"))


def _is_past_word(word: str) -> bool:
    return word in _PAST_WORDS or (len(word) > 3 and word.endswith("ed") and word not in _NOT_PAST)


@functools.lru_cache(maxsize=64)
def tense_markers(sentence: str) -> tuple[tuple[int, str], ...]:
    """(offset, "past"|"future") for each verb that shows tense; "will be held" is one future.

    Cached: every date mention of a sentence asks for its tense.
    """
    tokens = _tokens(sentence)
    words = [word for _, word in tokens]
    markers, covered_until = [], -1
    for i, (offset, word) in enumerate(tokens):
        if word not in _TENSE_WORDS and not word.endswith("ed"):
            continue  # most words: neither test below can hold
        if _is_future_phrase(words, i):
            markers.append((offset, "future"))
            covered_until = i + 3
        elif i > covered_until and _is_past_word(word):
            markers.append((offset, "past"))
    if not sentence.isascii():  # Russian and Chinese verbs show their tense by other words
        markers = sorted(markers + _other_languages().tense_markers(sentence))
    return tuple(markers)


def _other_languages():
    """events.pipeline.dates_ru_zh, imported when first needed: it builds on this module's helpers."""
    from events.pipeline import dates_ru_zh

    return dates_ru_zh


def opening_tense(sentence: str) -> tuple[int, Tense] | None:
    """The first word's offset and the tense it shows, read from two words instead of all.

    Whenever tense_markers(sentence) starts on the first word, its first marker is this.
    """
    tokens = []
    for match in _TOKEN.finditer(sentence):  # the first two of _tokens(sentence)
        if match.start() == 0 or sentence[match.start() - 1] != "-":
            tokens.append((match.start(), _word(match.group(0))))
            if len(tokens) == 2:
                break
    if not tokens:
        return None
    words = [word for _, word in tokens]
    if _is_future_phrase(words, 0):
        return tokens[0][0], "future"
    return tokens[0][0], "past" if _is_past_word(words[0]) else None


def clause_bounds(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """The clause around a span: between the nearest commas, semicolons or subordinating words."""
    return bounds_between(_CLAUSE_BREAK, sentence, span)


def bounds_between(breaks: re.Pattern[str], sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """The stretch of the sentence around a span, cut at the nearest break on each side."""
    ends, starts = _breaks(breaks.pattern, breaks.flags, sentence)
    before = bisect.bisect_right(ends, span[0])  # breaks ending at or before the span's start
    after = bisect.bisect_left(starts, span[1])  # the first break starting at or after its end
    low = ends[before - 1] if before else 0
    high = starts[after] if after < len(starts) else len(sentence)
    return low, high


@functools.lru_cache(maxsize=64)
def _breaks(pattern: str, flags: int, sentence: str) -> tuple[list[int], list[int]]:
    """Where the breaks end and start, each sorted; cached because every date of a sentence asks.

    Keyed by the pattern's text: hashing a compiled pattern hashes its whole program, every call.
    """
    found = [match.span() for match in re.compile(pattern, flags).finditer(sentence)]
    return [end for _, end in found], [start for start, _ in found]


def tense_at(sentence: str, span: tuple[int, int]) -> Tense:
    """The closest marker before the span in its clause, else the first after it there, else the same in the sentence.

    The closest marker before wins: in English the verb comes before its time
    adjunct. The clause is only looked for when the nearest markers on either
    side disagree, as every other case has one answer whatever the clause.
    """
    markers = tense_markers(sentence)
    before = [m for m in markers if m[0] < span[0]]
    after = next((m for m in markers if m[0] >= span[1]), None)
    if not before and after is not None and ("котор" in sentence or "which" in sentence or "who" in sentence):
        asides = [a.span() for a in _AN_ASIDE.finditer(sentence, span[1])]
        after = next(
            (m for m in markers if m[0] >= span[1] and not any(a <= m[0] < b for a, b in asides)), None
        )
    if not before:
        if after and (
            _a_chinese_clause_of_its_own(sentence, span, after[0]) or _a_chinese_decision(sentence, span)
        ):
            return None
        return after[1] if after and not _an_attribution(sentence, span, after[0]) else None
    if after is None or after[1] == before[-1][1]:
        return before[-1][1]
    low, high = clause_bounds(sentence, span)
    return after[1] if before[-1][0] < low and after[0] < high else before[-1][1]


# A relative clause between commas after a date, whose verb is not the date's: "В пятницу министры, к которым
# пришли приглашения, примут участие в заседании" (Friday is ahead, whatever came before it).
_AN_ASIDE = re.compile(
    r",\s*(?:(?:к|в|на|с|о|по|из|для|от)\s+)?котор\w+[^,]*,|,\s*(?:which|who)\b[^,]*,", re.IGNORECASE
)


def _a_chinese_clause_of_its_own(sentence: str, span: tuple[int, int], marker: int) -> bool:
    """A Chinese date whose own clause goes on with its verb ("峰會16日閉幕，…將於明年主辦峰會"): a future in a
    later clause tells the later deed, not the date's (Chinese shows no tense on 閉幕 itself)."""
    if not HAN_CHARACTER.search(sentence, span[1], marker):
        return False
    comma = _CHINESE_CLAUSE_END.search(sentence, span[1], marker)
    if comma is None:
        return False
    return bool(HAN_CHARACTER.search(sentence, _past_its_time_of_day(sentence, span[1]), comma.start()))


def _a_chinese_decision(sentence: str, span: tuple[int, int]) -> bool:
    """A Chinese date whose verb, next to it, decides or announces ("1日決定將兩類國家統一為夥伴", "2日宣布將於明年
    舉辦"): it dates the decision; a future after it tells what was decided, not when."""
    return _DECIDES_ZH.match(sentence, _past_its_time_of_day(sentence, span[1])) is not None


def _past_its_time_of_day(sentence: str, at: int) -> int:
    """Where a Chinese date's own words go on after its time of day ("2日晚，…將出席": 晚 is the date's, not a verb)."""
    hour = _A_TIME_OF_DAY_ZH.match(sentence, at)
    return hour.end() if hour else at


_DECIDES_ZH = re.compile(r"\s*(?:决定|決定|同意|宣布|宣佈|批准|商定|议定|議定)")
HAN_CHARACTER = re.compile(r"[\u4e00-\u9fff]")
_A_TIME_OF_DAY_ZH = re.compile(
    r"\s*(?:上午|下午|中午|晚上|晚间|晚間|傍晚|凌晨|清晨|早上|早晨|夜间|夜間|当晚|當晚|晚|早|夜)(?:间|間)?"
)
_CHINESE_CLAUSE_END = re.compile(r"[，；。]")


# ", officials said." ending a sentence: who said it, not when the clause before it happens.
_ATTRIBUTION_TAIL = re.compile(
    r",\s*(?:[\w'’.-]+\s+){1,4}?(?:said|says|told\s+\w+|added|noted|stated|announced)\s*[.!?\"”’']*$"
)


def _an_attribution(sentence: str, span: tuple[int, int], at: int) -> bool:
    """Whether the marker after a date only says who told it ("... in July, officials said")."""
    tail = _ATTRIBUTION_TAIL.search(sentence, span[1])
    return tail is not None and tail.start() <= at


# ---------------------------------------------------------------- resolution helpers


def _month(name: str) -> int:
    return _MONTH_NUMBERS[name.rstrip(".").lower()]


def _day(date: dt.date) -> FuzzyDate:
    return FuzzyDate.from_date(date)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def year_for_month(month: int, published: dt.date, tense: Tense) -> int:
    """ "in May": the latest May not after publication, or the next one in the future tense; without a
    tense, the nearer of the two ("the summit India chairs in July", run in May, is two months ahead)."""
    if tense == "future":
        return published.year if month >= published.month else published.year + 1
    if tense is None and month - published.month > _HALF_A_YEAR:
        return published.year - 1
    if tense is None:
        return published.year if month >= published.month - _HALF_A_YEAR else published.year + 1
    return published.year if month <= published.month else published.year - 1


_HALF_A_YEAR = 6  # months


def year_for_day(month: int, day: int, published: dt.date, tense: Tense) -> int:
    """ "17 January" without a year: this year, moved by one when the tense says it must."""
    return year_for_span((month, day), (month, day), published, tense)


def year_for_span(first: tuple[int, int], last: tuple[int, int], published: dt.date, tense: Tense) -> int:
    """The year a (month, day) to (month, day) span without a year starts in, for every language.

    The past tense takes the latest start on or before publication, the future the
    earliest end on or after it: a span already under way ("will run June 25-26",
    published on the 26th) is the current one. A span whose last month comes before
    its first runs into the next year. Without a tense: the publication year.
    """
    today, year = (published.month, published.day), published.year
    if tense == "future":
        if last < first:  # December into January: the one that began last year may still run
            return year - 1 if last >= today else year
        return year if last >= today else year + 1
    if tense == "past":
        return year if first <= today else year - 1
    return year


def day_of_month(day: int, published: dt.date, tense: Tense) -> FuzzyDate:
    """ "on the 14th": in the publication month, or the month next to it when the tense says so."""
    year, month = published.year, published.month
    if tense == "future" and day < published.day:
        year, month = _shift_month(year, month, 1)
    elif tense == "past" and day > published.day:
        year, month = _shift_month(year, month, -1)
    return FuzzyDate(year, month, day)


def weekday_date(weekday: int, published: dt.date, tense: Tense, modifier: str | None = None) -> dt.date:
    """ "met Wednesday": on or before publication; "will land on Saturday": on or after it."""
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if modifier == "last":
        return published - dt.timedelta(days=back or 7)
    if modifier == "next":
        return published + dt.timedelta(days=ahead or 7)
    if tense == "future" or modifier == "coming":
        return published + dt.timedelta(days=ahead)
    return published - dt.timedelta(days=back)


def week_span(which: str, published: dt.date, tense: Tense) -> tuple[dt.date, dt.date]:
    """Monday to Sunday; "this week" stops at publication in the past tense and starts there in the future."""
    monday = _monday_of(which, published)
    if which != "this":
        return monday, monday + dt.timedelta(days=6)
    if tense == "past":
        return monday, published
    if tense == "future":
        return published, monday + dt.timedelta(days=6)
    return monday, monday + dt.timedelta(days=6)


def _span(first: dt.date, last: dt.date) -> tuple[FuzzyDate, FuzzyDate | None]:
    return _day(first), (_day(last) if last != first else None)


_STEPS = {"last": -1, "this": 0, "next": 1}  # built once, not on every call


def _rel_year(rel: str | None, published: dt.date) -> int | None:
    return None if rel is None else published.year + _STEPS[rel.lower()]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


# ---------------------------------------------------------------- rules


def _iso(m: re.Match[str], ctx: Context) -> Resolved:
    return FuzzyDate(int(m["y"]), int(m["m"]), int(m["d"])), None, 0.95


def _day_month_year(m: re.Match[str], ctx: Context) -> Resolved:
    month, day = _month(m["m"]), int(m["d"])
    return day_of(month, day, int(m["y"]) if m["y"] else _rel_year(m["rel"], ctx.published), ctx, m.span())


def day_of(month: int, day: int, year: int | None, ctx: Context, span: tuple[int, int]) -> Resolved:
    """ "15 June [2001]" in any language; without a year, the one its tense points to."""
    if year is None:
        year = _the_days_of_a_happening_named(ctx, span, (month, day), (month, day)) or year_for_day(
            month, day, ctx.published, _scheduled_present(ctx.sentence, span) or ctx.tense(span)
        )
        return FuzzyDate(year, month, day), None, 0.85
    return FuzzyDate(year, month, day), None, 0.95


# "the summit of the SCO on September 15-16", "the meeting on June 25": days said of a happening's name.
_A_HAPPENING_NAMED = re.compile(
    r"\b(?:summit|meeting|session|conference|talks|forum|exercises?|drills?)"
    r"(?:\s+(?:of|in)\s+[^,;:.]{1,60}?)?\s+(?:on|from|,)\s*$",
    re.IGNORECASE,
)
_NEAR = dt.timedelta(days=30)


def _the_days_of_a_happening_named(
    ctx: Context, span: tuple[int, int], first: tuple[int, int], last: tuple[int, int]
) -> int | None:
    """The year of days said of a happening by name, when they fall within a month of the publication day:
    they are that happening's, whatever the tense of the verb around them ("Samarkand has been
    transformed for the summit on September 15-16", two days before it). None otherwise."""
    if not _A_HAPPENING_NAMED.search(ctx.sentence, max(0, span[0] - 100), span[0]):
        return None
    for year in (ctx.published.year, ctx.published.year + 1, ctx.published.year - 1):
        end_year = year + 1 if last[0] < first[0] else year
        try:
            start, end = dt.date(year, *first), dt.date(end_year, *last)
        except ValueError:
            continue
        if start - _NEAR <= ctx.published <= end + _NEAR:
            return year
    return None


def _day_span_one_month(m: re.Match[str], ctx: Context) -> Resolved:
    month, first, last = _month(m["m"]), int(m["d1"]), int(m["d2"])
    if last <= first:
        return None
    return day_span((month, first), (month, last), int(m["y"]) if m["y"] else None, ctx, m.span())


def _day_span_two_months(m: re.Match[str], ctx: Context) -> Resolved:
    first, last = (_month(m["m1"]), int(m["d1"])), (_month(m["m2"]), int(m["d2"]))
    return day_span(first, last, int(m["y"]) if m["y"] else None, ctx, m.span())


def day_span(
    first: tuple[int, int], last: tuple[int, int], year: int | None, ctx: Context, span: tuple[int, int]
) -> Resolved:
    """ "31 August - 1 September [2025]" in any language: (month, day) to (month, day), the year if given."""
    if year is None:
        year = _the_days_of_a_happening_named(ctx, span, first, last) or year_for_span(
            first, last, ctx.published, _scheduled_present(ctx.sentence, span) or ctx.tense(span)
        )
    end_year = year + 1 if last[0] < first[0] else year
    return FuzzyDate(year, *first), FuzzyDate(end_year, *last), 0.9


def _month_year(m: re.Match[str], ctx: Context) -> Resolved:
    year = int(m["y"]) if m["y"] else _rel_year(m["rel"], ctx.published)
    return FuzzyDate(year, _month(m["m"])), None, 0.9


def _month_span(m: re.Match[str], ctx: Context) -> Resolved:
    month1, month2 = _month(m["m1"]), _month(m["m2"])
    year = int(m["y"]) if m["y"] else None
    if year is None:  # "from June to August": a span of whole months, resolved as any span is
        year = year_for_span((month1, 1), (month2, 31), ctx.published, ctx.tense(m.span()))
    end_year = year + 1 if month2 < month1 else year
    return FuzzyDate(year, month1), FuzzyDate(end_year, month2), 0.85


def _bare_month(m: re.Match[str], ctx: Context) -> Resolved:
    month, pre = _month(m["m"]), m["pre"].lower()
    if pre == "last":
        year = ctx.published.year if month < ctx.published.month else ctx.published.year - 1
    elif pre == "next":
        year = ctx.published.year if month > ctx.published.month else ctx.published.year + 1
    elif pre == "this":
        year = ctx.published.year
    else:
        return month_of(month, ctx, m.span())
    return FuzzyDate(year, month), None, 0.85


def month_of(month: int, ctx: Context, span: tuple[int, int]) -> Resolved:
    """ "in May" in any language: the May its tense points to."""
    tense = ctx.tense(span)
    if tense == "future" and month < ctx.published.month and _looks_back(ctx.sentence, span):
        tense = "past"
    return FuzzyDate(year_for_month(month, ctx.published, tense), month), None, 0.8 if tense else 0.7


# "will be the first visit since the clash in May", "will travel after the war in June": the month
# belongs to what the clause looks back on, not to what the sentence says is to come.
_LOOKING_BACK = re.compile(
    r"\b(?:since|after|following)\b(?![^,;]*\b(?:will|would|to)\b)[^,;]*$", re.IGNORECASE
)


# "would raise the strikes on the city in June", "will discuss the floods in the north in May": a month
# right after a definite harm names when that harm struck, which a future verb only talks about.
_HARM_BEFORE = re.compile(
    r"\bthe\s+(?:[\w-]+\s+){0,4}?(?:strikes?|air\s?strikes?|attacks?|bombings?|blasts?|explosions?|"
    r"clash(?:es)?|raids?|shootings?|killings?|massacre|floods?|earthquake|war)"
    r"(?:\s+(?:on|against|in|at|near)\s+(?:[\w-]+\s+){0,3}?[\w-]+)?\s+$",
    re.IGNORECASE,
)


def _looks_back(sentence: str, span: tuple[int, int]) -> bool:
    before = sentence[max(0, span[0] - 80) : span[0]]
    return bool(_LOOKING_BACK.search(before) or _HARM_BEFORE.search(before))


def _year_span(m: re.Match[str], ctx: Context) -> Resolved:
    first, last = int(m["y1"] or m["y1b"]), int(m["y2"] or m["y2b"])
    if last <= first or _a_term(ctx.sentence, m.span()):
        return None
    return FuzzyDate(first), FuzzyDate(last), 0.85


# The years of a term, a title or a plan, not of a happening: "China's 2024-2025 chairmanship", "столицей ШОС на
# 2022–2023 годы" (for the years; "the tourism capital for 2022-2023" is extract._FOR_A_TERM's).
_A_TERM_AFTER = re.compile(
    r"\s*(?:rotating\s+)?(?:chair(?:manship)?|presidency|term|tenure|capital|action\s+plan|programme|program"
    r"|calendar|cycle)\b",
    re.IGNORECASE,
)
_A_TERM_BEFORE = re.compile(
    r"(?:столиц|председател|программ|план|стратеги|срок)\w*[^.;]{0,40}?\bна\s+$",
    re.IGNORECASE,
)


def _a_term(sentence: str, span: tuple[int, int]) -> bool:
    return bool(
        _A_TERM_AFTER.match(sentence, span[1])
        or _A_TERM_BEFORE.search(sentence, max(0, span[0] - 20), span[0])
    )


_AMOUNT_TAIL = re.compile(r"[$£€]\s*$|\d[,.]?$")  # "$ 2000", "1,2000"


def _year(m: re.Match[str], ctx: Context) -> Resolved:
    """ "in 2022 killed" is a year; "the 2000 killed" and "of 2000 troops" count people."""
    before = ctx.sentence[max(0, m.start("y") - 3) : m.start("y")]  # "$ 2000", "1,2000": only the tail counts
    counted = _COUNTED.match(ctx.sentence, m.end())
    participle = counted and counted[0].strip().lower() in _PARTICIPLES
    if counted and (m["pre"].lower() in {"the", "of", "and", "to", "around"} or not participle):
        return None
    if _AMOUNT_TAIL.search(before):
        return None
    return FuzzyDate(int(m["y"])), None, 0.85


def _list_year(m: re.Match[str], ctx: Context) -> Resolved:
    """A list of happenings by year ("2019: Bishkek.") dates each entry by the year it opens on."""
    return FuzzyDate(int(m["y"])), None, 0.85


_DAY_OFFSETS = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
}


def _relative_day(m: re.Match[str], ctx: Context) -> Resolved:
    return days_from(_DAY_OFFSETS[" ".join(m["w"].lower().split())], ctx)


def days_from(offset: int, ctx: Context) -> Resolved:
    """ "yesterday" (-1), "today" (0), "tomorrow" (1) in any language."""
    return _day(ctx.published + dt.timedelta(days=offset)), None, 0.9


def _relative_period(m: re.Match[str], ctx: Context) -> Resolved:
    return relative_period(m["q"].lower().split()[-1], m["u"].lower(), ctx, m.span())


def relative_period(which: str, unit: str, ctx: Context, span: tuple[int, int]) -> Resolved:
    """ "last"/"this"/"next" "week"/"month"/"year"/"weekend" in any language (words given in English)."""
    published = ctx.published
    delta = _STEPS[which]
    if unit == "year":
        return FuzzyDate(published.year + delta), None, 0.9
    if unit == "month":
        return FuzzyDate(*_shift_month(published.year, published.month, delta)), None, 0.9
    if unit == "weekend":
        return _weekend(which, published) + (0.75,)
    # Only "this week" depends on the tense: do not read it for "last week" or "next week".
    first, last = week_span(which, published, ctx.tense(span) if which == "this" else None)
    return _span(first, last) + (0.75,)


def _weekend(which: str, published: dt.date) -> tuple[FuzzyDate, FuzzyDate | None]:
    saturday = published + dt.timedelta(days=(5 - published.weekday()) % 7)
    if which == "last":
        saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7 or 7)
    elif which == "next":
        saturday += dt.timedelta(days=7)
    return _span(saturday, saturday + dt.timedelta(days=1))


def _the_weekend(m: re.Match[str], ctx: Context) -> Resolved:
    """ "attended the summit over the weekend", "will meet at the weekend": the weekend the tense points
    to (the one under way, else the last or the next), the nearer one when no verb says."""
    published, tense = ctx.published, ctx.tense(m.span())
    if published.weekday() >= 5:  # told on the weekend itself: that one
        saturday = published - dt.timedelta(days=published.weekday() - 5)
        return _span(saturday, saturday + dt.timedelta(days=1)) + (0.7,)
    if tense is None:  # "are meeting over the weekend": the nearer one
        tense = "past" if published.weekday() <= 1 else "future"
    return _weekend("last" if tense == "past" else "this", published) + (0.7,)


def _monday_of(week: str, published: dt.date) -> dt.date:
    """The Monday of last, this or next week."""
    this_monday = published - dt.timedelta(days=published.weekday())
    return this_monday + dt.timedelta(days=7 * _STEPS[week.lower()])


def _weekday(m: re.Match[str], ctx: Context) -> Resolved:
    """ "met Wednesday", "will land on Saturday", "last Friday", "on Tuesday last week"."""
    return weekday_of(
        _WEEKDAY_NUMBERS[m["wd"].lower()], (m["pre"] or "").lower() or None, m["wk"], ctx, m.span()
    )


def weekday_of(
    weekday: int, pre: str | None, week: str | None, ctx: Context, span: tuple[int, int]
) -> Resolved:
    """A weekday (0 is Monday) in any language: pre "last"/"next"/"coming", or in the "last"/"this"/"next" week."""
    if week:
        return _day(_monday_of(week, ctx.published) + dt.timedelta(days=weekday)), None, 0.85
    if (after := _after_the_journey(ctx, span, weekday)) is not None:
        return _day(after), None, 0.85
    tense = _weekday_tense(ctx, span)
    date = weekday_date(weekday, ctx.published, tense, pre if pre in {"last", "next", "coming"} else None)
    return _day(date), None, 0.85 if tense or pre in {"last", "next"} else 0.7


def _weekday_tense(ctx: Context, span: tuple[int, int]) -> Tense:
    """The tense a weekday is told in: its verb's, or, in a clause whose verb is left out ("The CSTO leaders
    meet on Thursday and the SCO's on Friday"), the verb's of the weekday it is joined to."""
    tense = (
        _scheduled_present(ctx.sentence, span)
        or ctx.tense(span)
        or _said_now(ctx.sentence, span)
        or _ahead(ctx.sentence, span)
    )
    if tense is None and (gapped := _GAPPED.search(ctx.sentence, max(0, span[0] - 120), span[0])):
        return _weekday_tense(ctx, gapped.span("first"))
    return tense


# "meet on Thursday and the SCO Council of Heads of State " before "on Friday": a clause without its verb
_GAPPED = re.compile(
    rf"(?P<first>\bon\s+{WEEKDAY})\s*,?\s+(?:and|while|whereas|then)\s+(?:[\w'’.-]+\s+){{1,12}}(?:on\s+)?$"
)


# "The summit continues on Friday", "talks open on Monday": a schedule in the present tense.
_SCHEDULE_VERBS = re.compile(
    r"\b(?:continues|continue|opens|open|begins|begin|starts|start|resumes|resume|closes|ends|concludes|runs"
    r"|meets|meet|convenes|convene|gathers|gather|brings|bring|hosts|takes place|take place|(?:is|are) held"
    r"|travels|flies|arrives)\s+(?:[\w'’-]+\s+){0,8}$",
    re.IGNORECASE,
)


# "closing streets ahead of a summit that ... on Wednesday": what a sentence is ahead of is to come.
_AHEAD_OF = re.compile(r"\bahead of\b[^.;:]{0,200}$", re.IGNORECASE)
# "The main session is on Wednesday": a day said to be in the present tense is the coming one.
_IS_ON = re.compile(r"\b(?:is|are)\s+(?:set\s+|due\s+|scheduled\s+)?(?:for\s+)?$", re.IGNORECASE)
# "The gathering on Thursday and Friday is the first since 2019": the days of a subject said in the present.
_IS_AFTER = re.compile(r"\s+(?:is|are)\s+(?!over\b|done\b)")


def _scheduled_present(sentence: str, span: tuple[int, int]) -> Tense:
    """ "future" for a weekday after a present-tense schedule verb: it outweighs a tense read elsewhere in
    the sentence ("continues on Friday with a session in expanded form")."""
    before = sentence[max(0, span[0] - 80) : span[0]]
    verb = _SCHEDULE_VERBS.search(before)
    if verb and _A_PAST_PLAN_S.search(before, 0, verb.start()):
        # "was due to take place on July 22-23": a plan in the past, dated by the sentence's tense
        return None
    if verb or _IS_ON.search(_without_on(before)) or _a_plan_or_a_stay(sentence, span, before):
        return "future"
    return None


def _a_plan_or_a_stay(sentence: str, span: tuple[int, int], before: str) -> bool:
    """A headline's plan without its "is" that ends it ("first joint meeting set for Friday", not "talks set
    for Thursday collapsed"), or someone there now for what comes on the day, no verb of its own between
    ("is in Delhi for the meeting of defence ministers on Friday", not "... and held talks on Thursday")."""
    if _SET_FOR.search(_without_on(before)) and _ITS_END.match(sentence, span[1]):
        return True
    here = _HERE_FOR.search(sentence, max(0, span[0] - 160), span[0])
    return here is not None and not any(here.start() < at < span[0] for at, _ in tense_markers(sentence))


# What someone travelled on a weekday "to attend", or went on to "before travelling": "left for Moscow on
# Wednesday to attend the meeting of the Council of Foreign Ministers on Thursday", "arrived in Tokyo on Friday
# ..., before travelling to China for the summit on Sunday and Monday" (the days after that weekday)
_TRAVELLED_TO_ATTEND = re.compile(
    rf"\bon\s+(?P<journey>{WEEKDAY})\s+(?:to\s+(?:attend|join|take\s+part\s+in)\b|[^.;:]{{0,120}}?\bbefore\s+"
    r"(?:travell?ing|heading|flying|leaving|going|moving\s+on)\b)[^.;:]{0,200}$",
    re.IGNORECASE,
)


def _after_the_journey(ctx: Context, span: tuple[int, int], weekday: int) -> dt.date | None:
    """The weekday after the day of the journey made to attend it, when no verb of its own comes between."""
    went = _TRAVELLED_TO_ATTEND.search(ctx.sentence, max(0, span[0] - 240), span[0])
    if went is None or any(went.end("journey") < at < span[0] for at, _ in tense_markers(ctx.sentence)):
        return None
    journey = weekday_date(
        _WEEKDAY_NUMBERS[went["journey"].lower()], ctx.published, _weekday_tense(ctx, went.span("journey"))
    )
    return journey + dt.timedelta(days=(weekday - journey.weekday()) % 7)


_ITS_END = re.compile(r"\s*[.!?\"”’']*\s*$")


# "first joint meeting set for Friday", a headline's "talks due Monday": a plan said without its "is"
_SET_FOR = re.compile(
    r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )\b(?:set|due|scheduled|slated)\s+(?:for\s+)?$", re.IGNORECASE
)
# "Ashtiani is in the Indian capital for the meeting of SCO defence ministers on Friday": there for what is to come
_HERE_FOR = re.compile(
    r"\b(?:is|are)\s+(?:now\s+|already\s+)?in\s+(?:[\w'’.-]+\s+){1,4}(?:for|to\s+attend)\s+(?:[\w'’.-]+\s+){0,12}$",
    re.IGNORECASE,
)


# A plan told in the past, its verb's infinitive next: "was due to", "had been scheduled to".
_A_PAST_PLAN_S = re.compile(
    r"\b(?:was|were|had been)\s+(?:due|scheduled|set|expected|supposed|slated|planned|meant)\s+to\s+$",
    re.IGNORECASE,
)


def _said_now(sentence: str, span: tuple[int, int]) -> Tense:
    """ "future" for the weekdays of a subject said in the present ("The gathering on Thursday and Friday is
    the first in person since 2019"), when the sentence shows no tense of its own ("The charter signed on
    15 June is a milestone" is past)."""
    return "future" if _IS_AFTER.match(sentence, span[1]) else None


def _ahead(sentence: str, span: tuple[int, int]) -> Tense:
    """ "future" for a weekday in what a sentence that shows no tense of its own is ahead of."""
    if _AHEAD_OF.search(sentence, max(0, span[0] - 240), span[0]):
        return "future"
    return None


def _without_on(before: str) -> str:
    """The words before a weekday whose span may or may not hold its "on"."""
    return before[: -len("on ")] if before.lower().endswith("on ") else before


def _weekday_span(m: re.Match[str], ctx: Context) -> Resolved:
    """ "from Monday to Wednesday"; "Monday and Tuesday" only when the days follow each other."""
    first_day, last_day = _WEEKDAY_NUMBERS[m["wd1"].lower()], _WEEKDAY_NUMBERS[m["wd2"].lower()]
    if (
        m["join"].lower() == "and" and not m["between"] and (last_day - first_day) % 7 != 1
    ):  # Sunday and Monday
        return None
    if m["wk"]:
        first = _monday_of(m["wk"], ctx.published) + dt.timedelta(days=first_day)
    else:
        first = (
            _after_the_journey(ctx, m.span(), first_day)
            or _the_coming_of_a_happening_named(ctx, m.span(), first_day)
            or weekday_date(first_day, ctx.published, _weekday_tense(ctx, m.span()))
        )
    last = first + dt.timedelta(days=(last_day - first_day) % 7)
    return _span(first, last) + (0.8,) if last > first else None


def _the_coming_of_a_happening_named(ctx: Context, span: tuple[int, int], weekday: int) -> dt.date | None:
    """The coming weekday, when it is said of a happening by name and the sentence says no past: "travels to
    China this weekend, for the summit in Tianjin on Sunday and Monday" (a recap says "the summit on Sunday
    ended ...")."""
    before = ctx.sentence[max(0, span[0] - 100) : span[0]] + (
        "on " if ctx.sentence.startswith("on ", span[0]) else ""
    )
    if not _A_HAPPENING_NAMED.search(before) or ctx.tense(span) == "past":
        return None
    return weekday_date(weekday, ctx.published, "future")


def _ordinal(m: re.Match[str], ctx: Context) -> Resolved:
    if not (m["pre"] or m["the"]) or not _AFTER_ORDINAL.match(ctx.sentence, m.end()):
        return None
    return day_in_month(int(m["d"]), ctx, m.span())


def day_in_month(day: int, ctx: Context, span: tuple[int, int]) -> Resolved:
    """ "on the 14th" in any language: the 14th its tense points to, by the publication month."""
    tense = ctx.tense(span)
    return day_of_month(day, ctx.published, tense), None, 0.8 if tense else 0.7


def _ordinal_span(m: re.Match[str], ctx: Context) -> Resolved:
    first, last = int(m["d1"]), int(m["d2"])
    if last <= first:
        return None
    start = day_of_month(first, ctx.published, ctx.tense(m.span()))
    return start, FuzzyDate(start.year, start.month, last), 0.8


def _ago(m: re.Match[str], ctx: Context) -> Resolved:
    count, unit, published = _number(m["n"]), m["u"].lower(), ctx.published
    if unit == "year" and m["today"] and not (published.month, published.day) == (2, 29):
        return _day(published.replace(year=published.year - count)), None, 0.9  # "twenty years ago today"
    if unit == "year" and m["mon"]:  # "twenty years ago this June": that month, so many years back
        last = m["which"].lower() == "last"
        if (
            m["mon"].lower() == "month"
        ):  # "this month", "last month": the publication's month, or the one before
            year, month = _shift_month(published.year, published.month, -last)
        else:
            month = _month(m["mon"])
            year = published.year - (last and month >= published.month)
        return FuzzyDate(year - count, month), None, 0.85
    if unit == "year":
        return FuzzyDate(published.year - count), None, 0.75
    if unit == "month":
        return FuzzyDate(*_shift_month(published.year, published.month, -count)), None, 0.75
    days = count * (7 if unit == "week" else 1)
    return _day(published - dt.timedelta(days=days)), None, 0.7


_PREP = r"(?:(?P<pre>on|from|by|until|till|since|before|after|through|to)\s+)"
RULES: tuple[Rule, ...] = (
    Rule("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)\b"), _iso, needs=frozenset({"iso"})),
    # A list or a table gives the year first: "2017, 8-9 June: Astana", "2001, 15 June: Shanghai".
    Rule(
        "year-first-day-span",
        re.compile(rf"\b(?P<y>{YEAR}),\s+(?P<d1>{DAY})\s*(?:-|–)\s*(?P<d2>{DAY})\s+(?P<m>{MONTH})\b"),
        _day_span_one_month,
        needs=frozenset({"digit", "month"}),
    ),
    Rule(
        "year-first-day-month",
        re.compile(rf"\b(?P<y>{YEAR}),\s+(?P<d>{DAY})\s+(?P<m>{MONTH})\b(?!\s+{YEAR})"),
        _day_month_year,
        needs=frozenset({"digit", "month"}),
    ),
    Rule(
        "day-span-month",
        re.compile(
            rf"\b(?:(?:between|from|on)\s+)?(?P<d1>{DAY}){ORD}?\s*(?:-|–|and|to|until|till|through)\s*"
            rf"(?P<d2>{DAY}){ORD}?\s+(?:of\s+)?(?P<m>{MONTH})\.?(?:,?\s+(?P<y>{YEAR})\b)?"
        ),
        _day_span_one_month,
        needs=frozenset({"digit", "month"}),
    ),
    Rule(
        "month-day-span",
        re.compile(
            rf"\b(?P<m>{MONTH})\.?\s+(?P<d1>{DAY}){ORD}?\s*(?:-|–|and|to|until|through)\s*(?P<d2>{DAY}){ORD}?\b"
            rf"(?:,?\s+(?P<y>{YEAR})\b)?"
        ),
        _day_span_one_month,
        needs=frozenset({"digit", "month"}),
    ),
    Rule(  # "from Aug 31 to Sept 1": month first on both sides of a span across two months
        "month-day-span-two-months",
        re.compile(
            rf"\b(?P<m1>{MONTH})\.?\s+(?P<d1>{DAY}){ORD}?\s*(?:-|–|to|until|through)\s*"
            rf"(?P<m2>{MONTH})\.?\s+(?P<d2>{DAY}){ORD}?\b(?:,?\s+(?P<y>{YEAR})\b)?"
        ),
        _day_span_two_months,
        needs=frozenset({"digit", "month"}),
    ),
    Rule(
        "day-span-two-months",
        re.compile(
            rf"\b(?:(?:between|from)\s+)?(?P<d1>{DAY}){ORD}?\s+(?:of\s+)?(?P<m1>{MONTH})\.?\s*"
            rf"(?:-|–|and|to|until|till|through)\s*(?P<d2>{DAY}){ORD}?\s+(?:of\s+)?(?P<m2>{MONTH})\.?"
            rf"(?:,?\s+(?P<y>{YEAR})\b)?"
        ),
        _day_span_two_months,
        needs=frozenset({"digit", "month"}),
    ),
    Rule(
        "day-month",
        re.compile(
            rf"\b(?:the\s+)?(?P<d>{DAY}){ORD}?\s+(?:of\s+)?(?P<m>{MONTH})\.?(?:,?\s+(?P<y>{YEAR})\b|\s+{REL})?"
        ),
        _day_month_year,
        needs=frozenset({"digit", "month"}),
    ),
    Rule(
        "month-day",
        re.compile(
            rf"\b(?P<m>{MONTH})\.?\s+(?P<d>{DAY}){ORD}?(?![\d,]\d)(?!\w)(?!{_COUNTED.pattern})"
            rf"(?:,?\s+(?P<y>{YEAR})\b|\s+{REL})?"
        ),
        _day_month_year,
        needs=frozenset({"digit", "month"}),
    ),
    Rule(
        "month-year",
        re.compile(rf"\b(?P<m>{MONTH})\.?,?\s+(?:of\s+)?(?:(?P<y>{YEAR})\b|{REL})"),
        _month_year,
        needs=frozenset({"month"}),
    ),
    Rule(
        "month-span",
        re.compile(
            rf"\b(?:between|from)\s+(?P<m1>{MONTH_FULL})\s+(?:and|to|until|till)\s+(?P<m2>{MONTH_FULL})\b"
            rf"(?:\s+(?P<y>{YEAR})\b)?"
        ),
        _month_span,
        needs=frozenset({"month"}),
    ),
    Rule(
        "month",
        re.compile(
            r"\b(?P<pre>[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|[Ff]rom|[Dd]uring|[Ee]arly|[Mm]id|[Ll]ate|[Ll]ast|"
            r"[Nn]ext|[Tt]his|[Tt]he|[Tt]heir|[Ii]ts|[Hh]is|[Hh]er|[Oo]ur|of|[Bb]efore|[Aa]fter|[Tt]hrough|"
            rf"[Bb]etween|and|or|to)(?:\s+|-)(?P<m>{MONTH_FULL})\b(?!\s*\d)"
        ),
        _bare_month,
        needs=frozenset({"month"}),
    ),
    Rule(
        "year-span",
        re.compile(
            rf"\b(?:(?:from|between)\s+(?P<y1>{YEAR})\s+(?:to|and|until)\s+(?P<y2>{YEAR})|"
            rf"(?P<y1b>{YEAR})\s*[–-]\s*(?P<y2b>{YEAR}))\b"
        ),
        _year_span,
        needs=frozenset({"year"}),
    ),
    Rule(
        "year",
        re.compile(
            rf"\b(?:(?P<pre>[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]ill|of|[Ff]rom|[Dd]uring|[Tt]he|[Ee]arly|[Ll]ate|[Mm]id|"
            rf"[Bb]efore|[Aa]fter|[Tt]hrough|[Bb]etween|and|to|[Cc]irca|[Aa]round)(?:\s+|-))(?P<y>{YEAR})\b(?!-\d)"
        ),
        _year,
        needs=frozenset({"year"}),
    ),
    Rule(  # "2026: Bishkek, Kyrgyzstan (scheduled)": a list's entry opening on its year
        "list-year",
        re.compile(rf"^\s*(?P<y>{YEAR})\s*:\s+(?=\w)"),
        _list_year,
        needs=frozenset({"year"}),
    ),
    Rule(
        "relative-day",
        re.compile(
            r"\b(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|tonight|yesterday|"
            r"tomorrow|this\s+morning|this\s+afternoon|this\s+evening|last\s+night)\b",
            re.IGNORECASE,
        ),
        _relative_day,
        needs=frozenset({"relative-day"}),
    ),
    Rule(
        "relative-period",
        re.compile(
            r"\b(?P<q>last|this|next|earlier\s+this|later\s+this)\s+(?P<u>week|month|year|weekend)\b",
            re.IGNORECASE,
        ),
        _relative_period,
        needs=frozenset({"relative-period"}),
    ),
    Rule(
        "the-weekend",
        re.compile(r"\b(?:over|at|on|during|across)\s+the\s+weekend\b", re.IGNORECASE),
        _the_weekend,
        needs=frozenset({"relative-period"}),
    ),
    Rule(
        "weekday-span",
        re.compile(
            rf"\b(?:(?P<between>between\s+)|(?:from|on)\s+)?(?P<wd1>{WEEKDAY})\s*(?P<join>and|to|until|till|through|-|–)"
            rf"\s*(?P<wd2>{WEEKDAY})(?:\s+(?P<wk>last|next|this)\s+week)?\b"
        ),
        _weekday_span,
        needs=frozenset({"weekdays"}),
    ),
    Rule(
        "weekday",
        re.compile(
            rf"\b(?:(?P<pre>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming|[Oo]n|from|until|by|since)\s+)?(?P<wd>{WEEKDAY})"
            rf"(?:\s+(?:morning|afternoon|evening|night))?(?:\s+(?P<wk>last|next|this)\s+week)?\b"
        ),
        _weekday,
        needs=frozenset({"weekday"}),
    ),
    Rule(
        "ordinal-span",
        re.compile(
            rf"\b(?:from|between)\s+the\s+(?P<d1>{DAY}){ORD}\s+(?:to|and|until|till|through)\s+(?:the\s+)?"
            rf"(?P<d2>{DAY}){ORD}\b"
        ),
        _ordinal_span,
        needs=frozenset({"ordinal"}),
    ),
    Rule(
        "ordinal",
        re.compile(rf"\b{_PREP}?(?P<the>the\s+)?(?P<d>{DAY}){ORD}\b", re.IGNORECASE),
        _ordinal,
        needs=frozenset({"ordinal"}),
    ),
    Rule(
        "ago",
        re.compile(
            rf"\b(?P<n>{NUM})\s+(?P<u>day|week|month|year)s?\s+ago"
            rf"(?:(?P<today>\s+today)|\s+(?P<which>this|last)\s+(?P<mon>month|{MONTH_FULL}))?\b",
            re.IGNORECASE,
        ),
        _ago,
        needs=frozenset({"ago"}),
    ),
)


# ---------------------------------------------------------------- finding


_FOR_DAYS_BEFORE = re.compile(
    rf"\bfor\s+(?P<n>{NUM})\s+days\s*(?:(?:from|starting|beginning)(?:\s+on)?\s*)?$", re.IGNORECASE
)
_N_DAY_BEFORE = re.compile(
    rf"\b(?P<n>{NUM})-day\b[^.;]{{0,60}}?\b(?:from|starting|beginning)(?:\s+on)?\s*$", re.IGNORECASE
)
_FOR_DAYS_AFTER = re.compile(rf"\s*,?\s*for\s+(?P<n>{NUM})\s+days\b", re.IGNORECASE)
_FUNCTION_WORDS = {
    "and",
    "or",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "as",
    "that",
    "which",
    "when",
    "while",
    "but",
    "is",
    "was",
    "will",
    "this",
    "last",
    "next",
    "the",
    "a",
}
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who)\b[^,]*$")


# Cheap searches that say which rules could match at all: most sentences name
# no month or weekday, and most of the extractor's time went to rules that
# could not match.
CUES = {
    "month": re.compile(MONTH),
    "weekday": re.compile(WEEKDAY),
}
_DIGIT = re.compile(r"\d")
_ASCII_DIGIT = re.compile(r"[0-9]")  # \d in an ASCII text, and cheaper to look for than a Unicode digit
# These need a digit: a sentence without one (most of them) skips their searches.
# "iso" looks for the "-MM-DD" of a date, which the regex engine finds fast from its "-".
DIGIT_CUES = {
    "iso": re.compile(r"-\d\d-\d\d"),
    "year": re.compile(YEAR),
    "ordinal": re.compile(rf"\d{ORD}", re.IGNORECASE),
}
# Words the case-insensitive rules cannot match without ("tonight" holds "night"), looked
# up in the lowercased sentence: far cheaper than a case-insensitive search.
WORD_CUES = {
    "ago": ("ago",),
    "relative-day": ("today", "yesterday", "tomorrow", "morning", "afternoon", "evening", "night"),
    "relative-period": ("week", "month", "year"),
}
# The only letters outside ASCII that re.IGNORECASE matches with ASCII ones ("ſ" is "s",
# the Kelvin sign "k"): a sentence holding one is not judged by its lowercase form.
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")


def _second_weekday(sentence: str) -> bool:
    """Whether the sentence names two weekdays, as "Monday to Wednesday" must.

    A weekday name starts with its only capital, so none starts inside the first
    one found: the span's first day is that one or a later one.
    """
    first = CUES["weekday"].search(sentence)
    return first is not None and CUES["weekday"].search(sentence, first.end()) is not None


def _lowercase(sentence: str) -> str | None:
    """The sentence lowercased, or None when a word missing from it could still match case-insensitively."""
    if sentence.isascii() or not _ODD_CASE.search(sentence):
        return sentence.lower()
    return None


def _holds_any(lowered: str | None, words: tuple[str, ...]) -> bool:
    """False only when a case-insensitive regex that needs one of these lowercase words cannot match."""
    if lowered is None:
        return True
    for word in words:
        if word in lowered:
            return True
    return False


def _cues(sentence: str) -> frozenset[str]:
    found = [name for name, cue in CUES.items() if cue.search(sentence)]
    if "weekday" in found and _second_weekday(sentence):
        found.append("weekdays")
    if (_ASCII_DIGIT if sentence.isascii() else _DIGIT).search(sentence):
        found.append("digit")
        found += [name for name, cue in DIGIT_CUES.items() if cue.search(sentence)]
    lowered = _lowercase(sentence)
    found += [name for name, words in WORD_CUES.items() if _holds_any(lowered, words)]
    return frozenset(found)


@functools.cache  # few sets of cues occur: at most 2**9
def _rules_for(cues: frozenset[str]) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.needs <= cues)


def _candidates(ctx: Context, rules: tuple[Rule, ...]) -> list[DateMention]:
    found = []
    for rule in rules:
        for match in rule.pattern.finditer(ctx.sentence):
            mention = _resolve(rule, match, ctx)
            if mention:
                found.append(mention)
    return found


def _resolve(rule: Rule, match: re.Match[str], ctx: Context) -> DateMention | None:
    """A match that names no real date ("31 February") is no date at all."""
    try:
        resolved = rule.resolve(match, ctx)
        if resolved is None:
            return None
        start, end, confidence = resolved
        check_span(start, end)
    except (InvalidDate, ValueError, OverflowError, KeyError):
        return None
    return DateMention(start, end, match.span(), rule.name, confidence)


_RULE_ORDER = {rule.name: i for i, rule in enumerate(RULES)}


def _longest_first(mentions: list[DateMention]) -> list[DateMention]:
    """Where two expressions overlap the longer one wins ("15 September 2022" over "September 2022")."""
    if len(mentions) < 2:  # most sentences: nothing to rank, and one mention is in reading order
        return list(mentions)
    # Rules of other languages rank after these, in their own order: the sort is stable.
    ranked = sorted(mentions, key=lambda m: (m.span[0] - m.span[1], _RULE_ORDER.get(m.rule, 99), m.span[0]))
    kept: list[DateMention] = []
    for mention in ranked:
        if all(mention.span[1] <= k.span[0] or mention.span[0] >= k.span[1] for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.span)


def _days_count(sentence: str, span: tuple[int, int]) -> int | None:
    """ "for two days from the 15th", "a two-day summit starting on the 15th", "from Monday for three days"."""
    if not _holds_any(_lowercase(sentence), ("days", "-day")):  # what each pattern below needs
        return None
    before = sentence[: span[0]]
    match = (
        _FOR_DAYS_BEFORE.search(before)
        or _N_DAY_BEFORE.search(before)
        or _FOR_DAYS_AFTER.match(sentence, span[1])
    )
    return _number(match["n"]) if match else None


def _with_duration(mention: DateMention, sentence: str) -> DateMention:
    """A day followed or preceded by "for N days" becomes a span of N days."""
    if mention.end is not None or mention.start.day is None:
        return mention
    count = _days_count(sentence, mention.span)
    if not count or not 2 <= count <= 31:
        return mention
    try:
        last = mention.start.first_day() + dt.timedelta(days=count - 1)
    except OverflowError:
        return mention
    return replace(mention, end=_day(last))


_LETTERS = re.compile(r"[A-Za-z]+")
_FIRST_WORD = re.compile(r"([A-Za-z]+)\s")
_NEXT_WORD = re.compile(r"\s+([A-Za-z][A-Za-z-]*)")


def _determiner_before(sentence: str, span: tuple[int, int]) -> tuple[str, str]:
    """The determiner of a date used as an adjective ("the March attack"), and the word before it."""
    words = ["", ""] + [w.lower() for w in _LETTERS.findall(sentence, 0, span[0])[-2:]]  # only two are read
    first = _FIRST_WORD.match(sentence, span[0], span[1])
    if first and first.group(1).lower() in _DETERMINERS:
        words.append(first.group(1).lower())
    return words[-1], words[-2]


def is_referential(sentence: str, mention: DateMention) -> bool:
    """ "the March attack", "their May meeting" and ", which will open on the 15th" name a told event."""
    if _RELATIVE_CLAUSE.search(sentence[: mention.span[0]]):
        return True
    if mention.rule not in {"month", "year", "month-year"}:
        return False
    determiner, before = _determiner_before(sentence, mention.span)
    noun = _NEXT_WORD.match(sentence, mention.span[1])
    is_noun = bool(noun) and noun.group(1).lower() not in _FUNCTION_WORDS
    return determiner in _DETERMINERS and before not in _ADJUNCT and is_noun


# "on Friday, September 17", "on Friday (17 September)": a weekday and the date that names it.
_APPOSITION = re.compile(r"\s*(?:,|\()\s*")


def _named_by_its_date(mentions: list[DateMention], sentence: str, published: dt.date) -> list[DateMention]:
    """A weekday and the date that follows it in apposition: the date, in the year (unless written) whose
    day is that weekday, nearest the publication day; one mention when the weekday alone resolved to
    another day ("the SCO Council of Heads of State on Friday, September 17" is the 17th, whatever the
    weekday alone would be in a sentence of mixed tenses, and of 2021 though "met" before it says past).
    When both agree, each stays, as before."""
    if len(mentions) < 2:
        return mentions
    kept: list[DateMention] = []
    for mention in mentions:
        weekday = kept[-1] if kept else None
        if (
            weekday is None
            or weekday.rule != "weekday"
            or mention.rule in {"weekday", "weekday-span"}
            or mention.start.day is None
            or mention.end is not None
            or not _APPOSITION.fullmatch(sentence, weekday.span[1], mention.span[0])
        ):
            kept.append(mention)
            continue
        mention = _in_its_weekday_s_year(mention, sentence, published, weekday)
        if mention.start == weekday.start:
            kept.append(mention)
        else:
            kept[-1] = replace(mention, span=(weekday.span[0], mention.span[1]))
    return kept


def _in_its_weekday_s_year(
    mention: DateMention, sentence: str, published: dt.date, weekday: DateMention
) -> DateMention:
    """The date in the year nearest the publication day whose day is the weekday named before it, when the
    text gives no year."""
    if _A_WRITTEN_YEAR.search(sentence, *mention.span):
        return mention
    named = _WEEKDAY_NUMBERS.get(_A_WEEKDAY.search(sentence, *weekday.span).group().lower())
    month, day = mention.start.month, mention.start.day
    years = [
        year
        for year in (published.year - 1, published.year, published.year + 1)
        if day <= calendar.monthrange(year, month)[1] and dt.date(year, month, day).weekday() == named
    ]
    if not years:
        return mention
    year = min(years, key=lambda y: abs((dt.date(y, month, day) - published).days))
    return replace(mention, start=FuzzyDate(year, month, day))


_A_WRITTEN_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_A_WEEKDAY = re.compile(WEEKDAY, re.IGNORECASE)


def find_dates(sentence: str, published: dt.date) -> list[DateMention]:
    """Every date expression in the sentence, resolved, in reading order.

    Rules are regexes; where two overlap the longer wins. Dates keep the precision
    the text gave: "in May" is a month, never its first day.
    """
    rules = _rules_for(_cues(sentence))
    if not sentence.isascii():  # Russian and Chinese dates, when the sentence holds their scripts
        rules += _other_languages().rules_for(sentence)
    if not rules:  # most sentences: no cue of a date at all
        return []
    found = _named_by_its_date(
        _longest_first(_candidates(Context(sentence, published), rules)), sentence, published
    )
    mentions = [_with_duration(m, sentence) for m in found[:MAX_MENTIONS]]
    # A mention is made not referential: copy only the few that are.
    return [replace(m, referential=True) if is_referential(sentence, m) else m for m in mentions]
