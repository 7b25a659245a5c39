"""Article -> dated facts (pure), so the timeline places each fact when it happened, not when it was reported."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from events.domain.dates import FuzzyDate, human_span, parse_optional
from events.pipeline.dates_ru_zh import in_russian_or_chinese
from events.pipeline.gazetteer import kind_of, tags_for
from events.pipeline.happenings import (
    A_DAY_FIRST,
    Report,
    kind_of_happening,
    kinds_in,
    names_a_kind,
    names_a_meeting,
)
from events.pipeline.relative_dates import (
    HAN_CHARACTER,
    DateMention,
    bounds_between,
    clause_bounds,
    find_dates,
    opening_tense,
    tense_markers,
)
from events.pipeline.titles import (
    CLOCK_TIME,
    PASSIVE_OPENING,
    RUSSIAN_PLACE_AND_DAY,
    TIME_ZONE,
    capitalised,
    clean_headline,
    clean_title,
    only_who_wrote,
    statement_title,
    where_the_leads_end,
)

TITLE_LIMIT = 120
# Prose sentences run to a few hundred characters. Anything longer is a list, a
# table or hostile input; cutting it keeps the work per sentence bounded (BUG-4).
MAX_SENTENCE_CHARS = 1_000


@dataclass(frozen=True)
class ExtractedFact:
    """One dated statement of an article.

    date and end_date are "YYYY", "YYYY-MM" or "YYYY-MM-DD" at the precision the
    text gave; summary is the sentence it came from; tags are gazetteer slugs.
    """

    date: str
    end_date: str | None
    precision: str
    title: str
    summary: str
    tags: tuple[str, ...]
    confidence: float
    # "the first visit since 2011": the date of the last time before the sentence's news, which the
    # sentence only implies; a timeline of one story leaves it out (matching.restate_facts)
    last_before: bool = False
    # "Beijing holds a parade on the 3rd, after the summit": a happening the SCO never holds, dated beside
    # its own; a timeline of the SCO leaves it out (matching.restate_facts)
    another_s: bool = False
    # "Lavrov told reporters on Tuesday that Moscow would take the chair": the day a plan was said, which
    # dates no happening of the story; the timeline leaves it out (matching.restate_facts)
    said_of_a_plan: bool = False
    # the headline's own fact dated by days the headline names that a statement of the article dates too
    # ("SCO leaders to meet by video on November 10"): the matcher lets that statement tell it
    dated_as_a_statement: bool = False


# ---------------------------------------------------------------- sentences


_URL = re.compile(r"(?:https?://|www\.)\S+")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|"
    r"Oct|Nov|Dec|No|vs|Rep|Sen|Gov|Jr|Sr|Maj|Capt|Adm|Pres)\.)$"
)
_ABBREVIATION_CHARS = 8  # "U.S.A." and "Sept." and the character before them


def _split_block(block: str) -> list[str]:
    """Sentences of one paragraph; "U.N. Secretary-General" and "Sept. 15" do not end one."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(block):
        # Only the last word can be an abbreviation: look at its few characters,
        # not the whole growing run since the last break (quadratic on "U.S. U.S. ...").
        if _ABBREVIATION.search(block, max(start, match.start() - _ABBREVIATION_CHARS), match.start() + 1):
            continue
        sentences.extend(_cut_long(block[start : match.end()].strip()))
        start = match.end()
    sentences.extend(_cut_long(block[start:].strip()))
    return [entry for s in sentences if s for entry in _entries_of_a_day(s)]


def _entries_of_a_day(sentence: str) -> list[str]:
    """A list's entry of several happenings of one day, each its own: "16 September: Xi and Erdoğan; Putin and
    Erdoğan; Putin and Modi" is three meetings, read as "16 September: Xi and Erdoğan" and so on."""
    if "; " not in sentence or (entry := _A_DAY_S_ENTRY.match(sentence)) is None:
        return [sentence]
    parts = [part.strip(" .") for part in entry["rest"].split("; ")]
    if any(not part or len(part) > _AN_ENTRY_S_LENGTH or any(c.isdigit() for c in part) for part in parts):
        return [sentence]
    return [f"{entry['day']}: {part}." for part in parts]


_A_DAY_S_ENTRY = re.compile(rf"(?P<day>{A_DAY_FIRST})\s*:\s*(?P<rest>.+)$")
_AN_ENTRY_S_LENGTH = 80


def _cut_long(sentence: str) -> list[str]:
    """A "sentence" over MAX_SENTENCE_CHARS in pieces cut at spaces, each read on its own."""
    pieces = []
    while len(sentence) > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
        cut = cut if cut > 0 else MAX_SENTENCE_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    return pieces + [sentence]


# Chinese sentences end at 。！？ (and the quotes closing there), with no space after; Russian ones
# as English ones do, before a capital, unless the dot ends an initial ("В. Путин") or "г." (year, city).
_CJK_SENTENCE_END = re.compile(r"[。！？][”’」』）》】]*")
_CYRILLIC_SENTENCE_END = re.compile(
    r"[.!?…](?<!\b[А-ЯЁA-Z]\.)(?<!\bгг\.)(?<!\bг\.)[\"”’')\]»]*\s+(?=[\"“‘(\[«„]?[А-ЯЁ])"
)
_CYRILLIC_CAPITAL = re.compile("[А-ЯЁ]")


def _cut_after(ends: re.Pattern[str], text: str) -> list[str]:
    pieces, start = [], 0
    for match in ends.finditer(text):
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    return [piece for piece in [*pieces, text[start:].strip()] if piece]


def _by_script(block: str) -> list[str]:
    """A paragraph cut where its Chinese or Russian sentences end; the English rules then cut each piece."""
    chinese = "。" in block or "！" in block or "？" in block
    pieces = _cut_after(_CJK_SENTENCE_END, block) if chinese else [block]
    if _CYRILLIC_CAPITAL.search(block):
        pieces = [part for piece in pieces for part in _cut_after(_CYRILLIC_SENTENCE_END, piece)]
    return pieces


def split_sentences(text: str) -> list[str]:
    """Sentences of the text, links removed, whitespace collapsed; a line break always ends one."""
    return [sentence for paragraph in split_paragraphs(text) for sentence in paragraph]


def split_paragraphs(text: str) -> list[list[str]]:
    """The sentences of each line of the text that holds any."""
    paragraphs = []
    text = text or ""
    if "://" in text or "www." in text:  # every link holds one of them: without, there is nothing to remove
        text = _URL.sub(" ", text)
    for block in text.splitlines():
        block = " ".join(block.split())
        sentences = []
        for piece in [block] if block.isascii() else _by_script(block):  # English text: one piece
            if piece:
                sentences.extend(_split_block(piece))
        if sentences:
            paragraphs.append(sentences)
    return paragraphs


# ---------------------------------------------------------------- titles


# A spaced dash parts two clauses, but not a range ("31 августа – 1 сентября", "June 25 - 26") nor a
# Russian compound or elided verb ("государств – членов", "Иран – в 2023-м"), which leave half a sentence.
_SEGMENT_BREAK = re.compile(r";|:|\s[—–-]\s(?![а-яё\d])|,\s+(?:and|but|while|although|whereas)\b")
_LEADING_FILLER = re.compile(
    r"^(?:(?:and|but|that|while|although|whereas|so|meanwhile|however|on the other hand|on top of that|"
    r"in the background)\b[,\s]*)+",
    re.IGNORECASE,
)
_RELATIVE_START = re.compile(r"^(?:which|who|that|whose|where)\b", re.IGNORECASE)


def segment_bounds(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """The coordinated part of the sentence around a span: "A, and B" has two parts."""
    return bounds_between(_SEGMENT_BREAK, sentence, span)


_EDGES = " ,;:—–-\"“”'‘’`"


def _tidy(text: str) -> str:
    text = _LEADING_FILLER.sub("", " ".join(text.split()))
    start = len(text) - len(text.lstrip(_EDGES))
    core = text.strip(_EDGES)
    tail = text[start + len(core) :]
    core = core.rstrip(".!?")
    core += _closing_quote(core, tail)
    return _balance_quotes(core[:1].upper() + core[1:])


def _closing_quote(core: str, tail: str) -> str:
    """The quote mark cut off the end that closes one opened inside: 'summit & "quotes"' keeps its last mark."""
    if '"' in tail and core.count('"') % 2 and _opens(core, core.rfind('"')):
        return '"'
    return "”" if "”" in tail and core.count("“") > core.count("”") else ""


def _opens(text: str, at: int) -> bool:
    """A straight quote mark opens a quotation when it starts a word."""
    return at == 0 or text[at - 1].isspace() or text[at - 1] in "([{—–"


def _balance_quotes(text: str) -> str:
    """A title cut from '"We want results," he said' keeps its opening quote."""
    if text.count('"') % 2:
        return '"' + text
    return "“" + text if text.count("”") > text.count("“") else text


def clip(text: str, limit: int = TITLE_LIMIT) -> str:
    """At most limit characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _words(text: str) -> int:
    return len(text.split())


_INSERTION = re.compile(
    r",\s+(?:who|which(?!\s+(?:is|was)\s+what\b)|whose|a|an|the|led|including|according|currently|also|itself)\b"
    r"[^,]{0,80},\s*"
)  # ", which is what its forerunner, the Shanghai Five, had been formed to do in 1996": no aside, its clause
_RELATIVE_TAIL = re.compile(r"\s*,\s*(?:who|which|whose|that)\b.*$|[\s,]+$", re.DOTALL)


def _without_insertions(
    sentence: str, bounds: tuple[int, int], keep: tuple[int, int]
) -> list[tuple[int, int]]:
    """The ranges of the part left once ", a framework led by China and Russia," and the like are dropped.

    An aside that holds the date being titled stays.
    """
    ranges, last = [], bounds[0]
    for match in _INSERTION.finditer(sentence, bounds[0], bounds[1]):
        if match.end() <= keep[0] or match.start() >= keep[1]:
            ranges.append((last, match.start()))
            last = match.end()
    return ranges + [(last, bounds[1])]


def _text(sentence: str, ranges: list[tuple[int, int]]) -> str:
    return " ".join(sentence[low:high].strip() for low, high in ranges)


def _usable(part: str) -> bool:
    return _words(part) >= 3 and not _RELATIVE_START.match(part)


def _holds_other(ranges: list[tuple[int, int]], others: list[tuple[int, int]]) -> bool:
    return any(low <= o[0] and o[1] <= high for o in others for low, high in ranges)


_ADVERBS = {"last", "already", "also", "then", "later", "recently", "first", "once", "has", "had", "have"}


def _starts_with_verb(part: str) -> bool:
    """ "Already met the envoy": no word but adverbs before the first verb.

    Unless the first word is an adverb, the verb must be that word itself, which
    its first two words decide: read no further (most parts start with a noun).
    """
    first = part.split(maxsplit=1)
    # A piece of the first word before a later verb holds a character outside A-Z and a-z
    # (else the two would be one word), and of those only the Kelvin sign lowercases to one.
    if first and first[0].lower() not in _ADVERBS and "\u212a" not in first[0]:
        opening = opening_tense(part)
        return opening is not None and opening[1] is not None and opening[0] == len(part) - len(part.lstrip())
    markers = tense_markers(part)
    return bool(markers) and all(w.lower() in _ADVERBS for w in part[: markers[0][0]].split())


def _subject(sentence: str) -> str:
    """The words before the sentence's first verb, without a relative clause: "Iran, which" is "Iran"."""
    markers = tense_markers(sentence)
    head = sentence[: markers[0][0]] if markers else ""
    head = _RELATIVE_TAIL.sub("", _text(head, _without_insertions(head, (0, len(head)), (0, 0))))
    return head if 1 <= _words(head) <= 8 else ""


def _with_subject(part: str, sentence: str, low: int) -> str:
    """ "Joined the bloc on July 4" becomes "Iran joined the bloc on July 4"; "to be held on June 9 and
    10", after "... for the annual summit of the SCO,", is said of the summit, not of the sentence's
    subject."""
    if low > 0 and PASSIVE_OPENING.match(part) and (noun := _the_noun_before(sentence, low)):
        return f"{capitalised(noun)}, {part[:1].lower()}{part[1:]}"
    subject = _subject(sentence) if low > 0 and _starts_with_verb(part) else ""
    return f"{_tidy(subject)} {part[:1].lower()}{part[1:]}" if subject else part


# The noun phrase a comma ends, that a passive phrase after it is said of ("the summit, to be held on ..."):
# from its last article that no preposition ties to a noun before it ("the annual summit of the SCO", "the
# summit in the port city"), a few words long.
_ARTICLE = re.compile(r"\b(?:the|a|an|its|their|this|next|that)\s", re.IGNORECASE)
_TIED = frozenset("of in at on near from between with among".split())


def _the_noun_before(sentence: str, low: int) -> str:
    """The noun phrase that ends at the comma just before the part, or ""."""
    head = sentence[:low].rstrip()
    if not head.endswith(","):
        return ""
    clause = max(head.rfind(mark, 0, len(head) - 1) for mark in ",;:(") + 1
    for article in reversed(list(_ARTICLE.finditer(head, clause))):
        before = head[clause : article.start()].split()
        if before and before[-1].lower() in _TIED:
            continue
        noun = head[article.start() : -1].strip()
        return noun if 2 <= _words(noun) <= 10 else ""
    return ""


def _fact_part(
    sentence: str, span: tuple[int, int], others: Sequence[tuple[int, int]] = ()
) -> tuple[int, int]:
    """The coordinated part around a span, or the whole sentence when that part is under five words;
    cut again where a subordinate link leads to another date's clause (_linked_apart), and begun after
    a link that makes what follows it background (_after_background_link).

    Both a fact's title and its tags are read from this part: worked out once per date.
    """
    low, high = segment_bounds(sentence, span)
    low, high = (low, high) if _words(sentence[low:high]) >= 5 else (0, len(sentence))
    low = _after_background_link(sentence, span, low)
    return _linked_apart(sentence, span, [o for o in others if low <= o[0] and o[1] <= high], (low, high))


# "The meeting comes as Iran mourns its president, killed in a crash on Sunday", "Ahmadinejad flew in for
# the SCO session days after the disputed election of June 12": the date is of the background the link
# leads to, and that clause's names are the fact's (the SCO's news is the undated part before it).
_BACKGROUND_LINK = re.compile(
    r"\b(?:comes?|came|coming)\s+(?:just\s+|only\s+)?(?:as|amid|after)\b"
    r"|\b(?:days|weeks|months|hours|a day|a week|a month)\s+after\b",
    re.IGNORECASE,
)


def _background_of_another(sentence: str, part: tuple[int, int]) -> bool:
    """A date told after a background link ("comes as Iran mourns ..., killed on Sunday") whose own words
    name neither the SCO nor a kind of its happenings: another story's day, which no headline lends a kind."""
    if part[0] == 0 or not _BACKGROUND_LINK.search(sentence, max(0, part[0] - 20), part[0]):
        return False
    words = sentence[part[0] : part[1]]
    return "sco" not in tags_for(words) and not names_a_kind(words)


def _an_aside_on_another_thing(sentence: str, span: tuple[int, int]) -> bool:
    """A date in an aside said of a thing before its comma ("the six-point plan for the Caucasus, agreed
    in Moscow on August 12,"; "the independence of Abkhazia, which Medvedev recognised on Tuesday") when
    neither names the SCO or a kind of its happenings, and the thing no one the gazetteer knows nor a
    meeting: that thing's day, not the SCO's news. "The summit of the SCO, to be held on June 9 and 10"
    is the summit's, "Belarus, which followed in 2024" the accession's."""
    low = sentence.rfind(",", 0, span[0]) + 1  # the stretch between the commas around the date
    high = sentence.find(",", span[1])
    high = len(sentence) if high < 0 else high
    if low == 0 or not _ASIDE_OPENING.match(sentence, low):
        return False
    head = sentence[:low].rstrip()[:-1]
    thing = _the_noun_before(sentence, low) or _antecedent(head) or " ".join(head.split()[-_A_NAME_S_WORDS:])
    # "Belarus, which followed in 2024", "the meeting, held ...": someone the gazetteer knows, or a meeting
    if tags_for(thing) or names_a_meeting(thing):
        return False
    aside = sentence[low:high]
    return "sco" not in tags_for(aside) and not names_a_kind(f"{thing} {aside}")


_A_NAME_S_WORDS = 4  # "Mr. Modi, who met Mr. Xi": the words before the comma, when no noun phrase is read
# The openings of an aside said of a thing: a relative pronoun, or a passive participle with when or where.
_ASIDE_OPENING = re.compile(
    rf"\s*(?:which|who|whom)\b|\s*(?:{PASSIVE_OPENING.pattern})"
    r"|\s*(?:agreed|signed|reached|recognised|recognized|brokered|announced|adopted|approved)\s+(?:in|on|at|by|last|earlier)\b",
    re.IGNORECASE,
)


def _a_step_towards_another_s(
    sentence: str, mention: DateMention, part: tuple[int, int], others: list[tuple[int, int]]
) -> bool:
    """A date whose clause a link ends on the way to another date's ("Final preparations were under way on
    Saturday ahead of the summit to be held on Sunday", "Dar on Thursday thanked the police after the
    meeting that concluded on Wednesday"), naming neither the SCO nor a kind of happening (two leaders
    meeting is one): a step towards the other date's happening, not the SCO's news of its own."""
    later = [o[0] for o in others if o[0] >= mention.span[1]]
    if not later or part[1] >= min(later) or not _SUBORDINATE_LINK.match(sentence, part[1]):
        return False
    words = sentence[part[0] : part[1]]
    tags = tags_for(words)
    return (
        "sco" not in tags and kind_of_happening(Report(mention.start.iso(), None, words, words, tags)) is None
    )


def _after_background_link(sentence: str, span: tuple[int, int], low: int) -> int:
    """Where the date's own words begin: after the last background link before it in its part, if any."""
    if "after" not in sentence and " as " not in sentence and "amid" not in sentence:  # most sentences
        return low
    links = [m.end() for m in _BACKGROUND_LINK.finditer(sentence, low, span[0])]
    return links[-1] if links and _words(sentence[links[-1] : span[1]]) >= 3 else low


# The words that tie a dated clause to another dated clause it is not the news of: "Containers went up on
# Sunday night as the capital braced for the council, which meets on Tuesday", "Dar on Thursday thanked the
# police after the meeting that concluded on Wednesday passed off calmly", "Police sealed the avenue on
# Monday ahead of the summit, which opens on Wednesday": each date's names are those of its own clause.
_SUBORDINATE_LINK = re.compile(
    r"\b(?:as|ahead of|in the run-up to|before|after|following|when|while|which|that|where|until)\b"
    r"|(?<=, )having\b"  # "X takes office on 1 January, having been appointed at the summit of 4 July"
)


def _linked_apart(
    sentence: str, span: tuple[int, int], others: list[tuple[int, int]], part: tuple[int, int]
) -> tuple[int, int]:
    """part, ended at the first subordinate link after the span on the way to a later date, and begun at
    the first link after an earlier date on the way to this one (so "after the meeting that concluded on
    Wednesday" keeps what concluded). A part without such a link, or left under five words, stays whole."""
    low, high = part
    before = [o[1] for o in others if o[1] <= span[0]]
    after = [o[0] for o in others if o[0] >= span[1]]
    if after and (link := _first_link(sentence, span[1], min(after), clause_from=low)):
        high = link
    if before and (link := _first_link(sentence, max(before), span[0])):
        low = _clause_start(sentence, link, max(before))
    return (low, high) if (low, high) != part and _words(sentence[low:high]) >= 5 else part


_RELATIVE_LINKS = frozenset({"which", "that", "where"})


def _clause_start(sentence: str, link: int, earliest: int) -> int:
    """Where a linked clause's own words begin: after its link ("the meeting that concluded ...", not
    "after the meeting ..."), or, for a relative clause, at what it is about ("a leaders' summit that
    China will host": China hosts the summit), if that lies after the earlier date."""
    word = _SUBORDINATE_LINK.match(sentence, link)
    relative = word.group() in _RELATIVE_LINKS and not _reports(
        sentence[earliest:link]
    )  # "said that": what was said
    what = _antecedent(sentence[:link]) if relative else None
    at = sentence.rfind(what, earliest, link) if what else -1
    return at if at >= 0 else word.end()


def _first_link(sentence: str, low: int, high: int, clause_from: int | None = None) -> int | None:
    """Where the first subordinate link between low and high starts; None if there is none. In a clause
    (from clause_from) that reports, "that" opens what was said ("the SCO said on May 14 that ..."): no link."""
    for link in _SUBORDINATE_LINK.finditer(sentence, low, high):
        if (
            link.group() != "that"
            or clause_from is None
            or not _reports(sentence[clause_from : link.start()])
        ):
            return link.start()
    return None


def fact_title(sentence: str, span: tuple[int, int], others: list[tuple[int, int]] = ()) -> str:
    """The part of the sentence that tells this date's fact, at most TITLE_LIMIT characters.

    The coordinated part ("A, and B") around the date, without asides; when that
    still holds other dates, the clause around this one, if it can stand alone; a date in
    the relative clause that ends the sentence, that clause told of what it is about.
    """
    told = _the_relative_clause_s(sentence, span, others)
    return told or _title_in(sentence, span, others, _fact_part(sentence, span, others))


# "..., to the heads of state, who will meet in Tianjin from August 31 to September 1.": the date is of the
# relative clause that ends the sentence, told of what the clause is about, "the heads of state".
_ENDING_RELATIVE = re.compile(r",\s*(?P<pronoun>who|which)\s+(?P<told>[^,;:]+?)[.!?\"”’']*$")
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "this", "that"})


def _antecedent(before: str, who: bool = False) -> str | None:
    """What a relative clause is about: the names that end the words before it ("the organization admitted
    Iran", "talks with Vladimir Putin"), unless they end a longer name ("... Council of Heads of
    Government"), but always a person's for "who" ("the first summit for President Xi Jinping, who");
    else the noun phrase from the last determiner within ten words ("to the heads of state")."""
    words = before.split()
    names = list(itertools.takewhile(lambda w: w[:1].isupper(), reversed(words[-4:])))
    if (
        names
        and len(names) < len(words)
        and (who or words[-len(names) - 1].lower() not in {"of", "for", "and"})
    ):
        return " ".join(reversed(names))
    for back in range(1, min(_NOUN_PHRASE_WORDS, len(words)) + 1):
        if words[-back].lower() in _DETERMINERS:
            return " ".join(words[-_placed(words, back) :]) if back > 1 else None
    return None


def _placed(words: list[str], back: int) -> int:
    """A noun phrase named by its place is the thing placed: "the summit in the Kazakh capital, which opened
    on Thursday" tells of the summit, not the capital."""
    if (
        back + 3 > _NOUN_PHRASE_WORDS
        or len(words) <= back + 2
        or words[-back - 1].lower() not in ("in", "at")
    ):
        return back
    for before in range(back + 3, min(back + 4, len(words)) + 1):
        if words[-before].lower() in _DETERMINERS:
            return before
    return back


_NOUN_PHRASE_WORDS = 10


def _the_relative_clause_s(sentence: str, span: tuple[int, int], others: list[tuple[int, int]]) -> str | None:
    """The title of a date in a relative clause that ends its sentence and holds no other date: "The heads
    of state will meet in Tianjin from August 31 to September 1", "The council meets here on Tuesday"."""
    clause = _ENDING_RELATIVE.search(sentence)
    if clause is None or not clause.start("told") <= span[0] or any(o[0] >= clause.start() for o in others):
        return None
    what = _antecedent(sentence[: clause.start()], who=clause["pronoun"] == "who")
    if what is None:
        return None
    return clip(_tidy(f"{what[:1].upper()}{what[1:]} {clause['told']}"))


def _title_in(
    sentence: str, span: tuple[int, int], others: list[tuple[int, int]], part: tuple[int, int]
) -> str:
    """fact_title, given the part _fact_part finds."""
    low, high = part
    read = _without_date_commas(sentence, [span, *others])
    ranges = _without_insertions(read, (low, high), span)
    clause = clause_bounds(read, span) if _holds_other(ranges, others) else None  # most hold no other date
    if clause and not _holds_other([clause], others):
        title = _clause_title(sentence, span, clause, ranges)
        if title:
            return clip(title)
    return clip(_with_subject(_tidy(_text(sentence, ranges)), sentence, low))


def _without_date_commas(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The sentence as read for its asides and clauses: the comma of "May 14, 2024" closes neither."""
    for low, high in spans:
        if "," in sentence[low:high]:  # most dates hold none: the sentence is not copied
            sentence = sentence[:low] + sentence[low:high].replace(",", " ") + sentence[high:]
    return sentence


_REPORTING = frozenset(
    "said says told tells announced announces confirmed confirms stated declared reported added noted "
    "warned insisted claimed stressed explained".split()
)
_THAT_FOLLOWS = re.compile(r"\s*,?\s*that\b")
_PASSIVE = frozenset("is are was were be been being".split())
_AFTER_COMMA = re.compile(r",[\"”]?\s*$")
_DATE_WORDS = frozenset(
    "on in at by from to and or the of since until till between during this last next".split()
)
_LETTER_WORD = re.compile(r"[A-Za-z]+")


def _clause_title(
    sentence: str, span: tuple[int, int], clause: tuple[int, int], ranges: list[tuple[int, int]]
) -> str | None:
    """The clause around the date as a title, if it can stand alone; None to title the whole part.

    A clause that is only its date ("On May 14, 2024,") cannot. A reporting
    clause ("the Kremlin said on Monday") dates a statement: it takes what was said.
    """
    text = _tidy(sentence[clause[0] : clause[1]])
    if not _usable(text) or not _names_more_than_its_date(sentence, clause, span):
        return None
    title = _with_subject(text, sentence, clause[0])
    return (_reports(text) and _report_title(sentence, clause, ranges, title)) or title


def _reports(text: str) -> bool:
    """ "the Kremlin said", not "clashes were reported"."""
    words = [w.lower() for w in _LETTER_WORD.findall(text)]
    return any(w in _REPORTING and (i == 0 or words[i - 1] not in _PASSIVE) for i, w in enumerate(words))


def _report_title(
    sentence: str, clause: tuple[int, int], ranges: list[tuple[int, int]], report: str
) -> str | None:
    """A statement, at the date it was made, titled with what was said.

    "said on May 14 that Iran would ..." runs on to the end of the part;
    "Iran will ..., the SCO said on May 14" becomes "The SCO said on May 14: Iran will ...".
    None when the words said are not found there.
    """
    low, high = clause
    if _THAT_FOLLOWS.match(sentence, high):
        return _with_subject(_tidy(_text(sentence, _within(ranges, low, len(sentence)))), sentence, low)
    said = _text(sentence, _within(ranges, 0, low))
    last = not _tidy(_text(sentence, _within(ranges, high, len(sentence))))
    if last and _AFTER_COMMA.search(sentence, 0, low) and _words(said) >= 3:
        return f"{report}: {_quoted(said)}"
    return None


def _quoted(said: str) -> str:
    """What was said, tidied, in the quotation marks it came in."""
    opening = said.lstrip()[:1]
    if opening not in ('"', "“"):
        return _tidy(said)
    return opening + _tidy(said) + ("”" if opening == "“" else '"')


def _within(ranges: list[tuple[int, int]], low: int, high: int) -> list[tuple[int, int]]:
    """The pieces of ranges between low and high."""
    return [(max(a, low), min(b, high)) for a, b in ranges if a < high and b > low]


def _names_more_than_its_date(sentence: str, clause: tuple[int, int], span: tuple[int, int]) -> bool:
    """A word besides the date and its prepositions: "On May 14, 2024," says nothing by itself."""
    outside = sentence[clause[0] : span[0]] + " " + sentence[span[1] : clause[1]]
    return any(w.lower() not in _DATE_WORDS for w in _LETTER_WORD.findall(outside))


# ---------------------------------------------------------------- facts of a sentence


def _contains(outer: DateMention, inner: DateMention) -> bool:
    if outer.start.precision == inner.start.precision:  # not coarser: no need for the days
        return False
    outer_last = (outer.end or outer.start).last_day()
    inner_last = (inner.end or inner.start).last_day()
    return outer.start.first_day() <= inner.start.first_day() and inner_last <= outer_last


# "since 2019", "until 2030", "through 2035", "by 2030": the date bounds a state or a target; nothing
# happened on it that the sentence tells ("frozen since 2019", "a strategy through 2035").
_SINCE_BEFORE = re.compile(
    r"\bsince\s+(?:(?:early|late|mid|the end of|the start of)\s+)?(?P<last>(?:last|this|the\s+previous)\s+)?$",
    re.IGNORECASE,
)
_A_HAPPENING_OF_THAT_TIME = re.compile(r"['’]s\b|\s*,\s*when\b", re.IGNORECASE)
_FIRST = re.compile(r"\bfirst\b", re.IGNORECASE)
_SINCE_A_YEAR_RU = re.compile(r"(?:^|[\s(,])[сС]\s+$")
_TO_A_YEAR_RU = re.compile(r"\s*(?:(?:года|г\.)\s*)?(?:по|до)\b")
# A state the sentence says it has been in since then ("была наблюдателем", "является членом"), not a change
# from then on ("председательство перейдет к Киргизии с 2025 года", "стал партнером с 2025 года").
_A_STATE_RU = re.compile(
    r"\b(?:был|была|было|были|является|являются|являлся|являлась|состоит|состоят)\b", re.IGNORECASE
)
_A_CHAIR_HELD_RU = re.compile(r"председательству(?:ет|ют)|является\s+председател", re.IGNORECASE)
_FIRST_RU = re.compile(r"\b(?:впервые|перв\w+)\b", re.IGNORECASE)
# "postponed from 2020", "moved from June to September": the day a happening was once set for and is not.
_MOVED_FROM = re.compile(
    r"\b(?:postponed|delayed|deferred|moved|rescheduled|shifted|put off|pushed back|brought forward)\s+from\s+"
    r"(?:(?:the end of|early|late|mid|its original date of|the original date of)[\s-]*)?$",
    re.IGNORECASE,
)
# (the day itself opening its clause: not "The drill that began on Monday marks ten years since ...")
_A_CLAUSE_S_OPENING = re.compile(
    r"(?:^|[,;:—–]\s*|\s-\s+)\W*(?:(?:on|в|во|this|next|this\s+coming)\s+)?$", re.IGNORECASE
)
# "... исполнится двадцать три года с того дня", "... marks 23 years since the Charter was signed"
_AN_ANNIVERSARY_S_DAY = re.compile(
    r"\s+(?:(?:будет\s+)?исполн(?:ится|илось|яется)\s+(?:[\w-]+\s+){0,3}?(?:лет|года?|годовщин\w*)\b"
    r"|(?:will\s+)?marks?\s+(?:[\w-]+\s+){1,2}years\s+since\b)",
    re.IGNORECASE,
)
_FOR_A_TERM = re.compile(r"\bfor\s+(?:the\s+)?(?:years?\s+)?$", re.IGNORECASE)
_A_CHAIR_S_TERM = re.compile(
    r"(?:\s*[至到\-–—]\s*\d{4}\s*年)?\s*(?:度\s*)?(?:的\s*)?(?:上合组织|上合組織|上海合作组织|上海合作組織)?\s*(?:轮值主席国|輪值主席國)"
)

# "The meeting had been pencilled in for October 31": the plan that did not hold.
# "It had been planned for St Petersburg in July": where it was to be held may come between.
_SUPERSEDED_PLAN = re.compile(
    r"(?i:\bhad\s+(?:originally\s+|first\s+|initially\s+)?been\s+(?:pencilled|penciled|scheduled|planned|slated|set"
    r"|expected|due)(?:\s+in)?\s+"
    # "had been due to meet on July 21", "had originally been scheduled to take place in St Petersburg in July"
    r"(?:to\s+(?:meet|be\s+held|take\s+place|stage|host|hold|open|convene|gather)\s+(?:[\w'’.-]+\s+){0,3}?)?)"
    r"(?:(?:for|in|at)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}\s+)?(?i:for|on|in)\s+$"
    r"|(?i:\bhad\s+(?:originally\s+|first\s+|initially\s+)?been\s+due\s+)$"  # "The drill had been due last year"
    # "The leaders' summit Russia had planned for St Petersburg in July"
    r"|(?i:\bhad\s+planned\s+(?:it\s+|to\s+(?:host|hold|stage|convene)\s+(?:[\w'’-]+\s+){0,4}?)?)(?:(?:for|in|at)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}\s+)?(?i:for|on|in)\s+$"
    r"|(?:原[訂定订]|原计划|原計劃|原本計畫|原本计划)[^，。]{0,4}$"  # "這場峰會原訂7月在聖彼得堡舉行"
    # "который должен был пройти в Санкт-Петербурге в июле", "изначально планировалось провести в июле"
    r"|(?i:\b(?:(?:должен|должна|должно|должны)\s+был[аио]?\s+(?:пройти|состояться|открыться|начаться)|планировал(?:ось|ся|ась|ись|и)"
    r"(?:\s+провести)?)\s+(?:(?:в|во|на)\s+(?-i:[А-ЯЁ])[\w-]+\s+)?(?:в|во|на)\s+)$"
    # "New Delhi had earlier pencilled in a date in the last week of June": who had set it
    r"|(?i:\bhad\s+(?:earlier|originally|first|initially)\s+(?:pencilled|penciled|planned|set|scheduled)"
    r"(?:\s+in)?\s+(?:a\s+|the\s+)?(?:date|time|meeting|summit|gathering)?\s*(?:for|on|in)\s+(?:the\s+)?"
    r"(?:(?:first|last|second|third|final)\s+(?:week\s+of\s+)?)?)$",
)
# "had been due to meet on July 21 and the SCO heads of state on " before a date: the same plan, its verb left out
_A_SUPERSEDED_PLAN_S_FIRST_DATE = re.compile(
    r"\bhad\s+(?:originally\s+|first\s+|initially\s+)?been\s+(?:scheduled|planned|slated|set|expected|due)\b"
    r"[^.;]{0,60}?\d\w*\s+(?P<gap>(?:and|while)\s+(?:[\w'’.-]+\s+){1,8})(?:on|in|for)\s+$",
    re.IGNORECASE,
)


def _a_superseded_plan_s_conjunct(mention: DateMention, sentence: str) -> bool:
    """A date in a conjunct of a plan that did not hold, the conjunct without a verb of its own ("and the SCO
    heads of state on July 22-23", not "and the leaders finally met by video on November 10")."""
    plan = _A_SUPERSEDED_PLAN_S_FIRST_DATE.search(sentence, max(0, mention.span[0] - 160), mention.span[0])
    return plan is not None and not any(
        plan.start("gap") <= at < mention.span[0] for at, _ in tense_markers(sentence)
    )


# "had been due to meet on Friday and did so", "went ahead as planned", "and the two held talks that evening"
_IT_WENT_AHEAD = re.compile(
    r"\b(?:did\s+so|went\s+ahead|as\s+(?:planned|scheduled)|did\s+(?:host|meet|hold|take\s+place)"
    r"|(?:and|but)\s+(?:the\s+two\s+|they\s+|it\s+)?(?:met|held|took\s+place))\b",
    re.IGNORECASE,
)


# "The 2020 summit was planned for St Petersburg in July and was held by video on November 10", "was
# scheduled for May but was postponed": a plan the same sentence says did not hold.
_A_PLAN_FOR = re.compile(
    r"(?i:\b(?:was|were|had\s+been)\s+(?:originally\s+|initially\s+|first\s+)?(?:planned|scheduled|slated|set|due)"
    r"(?:\s+to\s+(?:be\s+held|take\s+place))?\s+)(?:(?:for|in|at)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}\s+)?"
    r"(?i:for|on|in)\s+(?:(?:early|late|mid)[\s-]+)?$"
)
_THEN_IT_CHANGED = re.compile(
    # "but the pandemic turned it into a video meeting on November 10"
    r"[^.;]{0,40}?\bbut\s+(?:[\w'’-]+\s+){0,3}?(?:turned|forced|pushed|moved|made)\s+it\b"
    r"|[^.;]{0,40}?\b(?:but|and|before)\s+(?:it\s+|they\s+)?(?:was|were|had\s+to\s+be)\s+(?!not\b|never\b)(?:\w+\s+)?"
    r"(?:moved|postponed|shifted|delayed|cancell?ed|brought\s+forward|called\s+off|put\s+off|pushed\s+back|scrapped"
    r"|shelved"
    # held another way or on another day ("and was held by video on November 10"), not "held as planned"
    r"|held\s+(?:by\s+video|online|virtually|later|instead|eventually)\b|held\s+(?:[\w-]+\s+){0,3}?(?:on|in)\s+"
    r"(?:\d|(?:january|february|march|april|may|june|july|august|september|october|november|december)\b))",
    re.IGNORECASE,
)
# "The last Indian foreign minister to visit was Sushma Swaraj, in December 2015": who did it the time before.
_THE_LAST_TO = re.compile(r"\bthe last\s+(?:[\w'’-]+\s+){0,5}?to\s+(?:be\s+)?[a-z]+\b", re.IGNORECASE)
_UNTIL_BEFORE = re.compile(
    r"\b(?:until|till|through|up to|by)\s+(?:(?:the end of|early|late|mid)\s+)?$", re.IGNORECASE
)


# "a development strategy running to 2035", "a programme to 2030": the year a plan runs to, not a happening.
_PLAN_TO = re.compile(
    r"\b(?:strateg(?:y|ies)|plans?|programmes?|programs?|vision|agenda|roadmap|road map|concept|action plan)"
    r"(?:\s+[\w-]+){0,3}?\s+(?:running\s+|lasting\s+)?(?:to|until|till|through)\s+(?:the\s+year\s+)?$",
    re.IGNORECASE,
)


# "the budget of the organisation's bodies for next year", "priorities for 2026": the year a plan or a
# budget covers, not a happening (a meeting "scheduled for next year" is one: its verb is no plan's noun).
_PLAN_FOR = re.compile(
    r"\b(?:budgets?|plans?|programmes?|programs?|strateg(?:y|ies)|priorities|agenda|calendar|forecasts?"
    r"|targets?|quotas?|allocations?)(?:\s+[\w'’-]+){0,4}?\s+for\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# The same in Russian: "решение о бюджете ШОС на 2017 год", "программа ... на 2017–2021 годы".
_PLAN_FOR_RU = re.compile(
    # nouns only: "запланированный на этот год" (planned for this year) is a happening's plan
    # (not "мероприятие", an event: "главным мероприятием ШОС на 2025 год стал саммит")
    r"\b(?:бюджет\w*|план(?:а|у|е|ы|ов)?|программ(?:а|ы|е|у|ой|ам|ах)?|стратеги(?:я|и|ю|ей)|перечн(?:я|е|ем|и)"
    r"|перечень|приоритет\w*|смет\w*|концепци\w*|дорожн\w*\s+карт\w*"
    # "Председательство в Совете глав правительств на следующий год переходит к Казахстану": a term in the chair
    r"|председательств\w*)"
    r"(?:\s+[\w«»\"-]+){0,6}?\s+на\s+$",
    re.IGNORECASE,
)


# "自2019年以来" (since 2019): the Chinese "since" wraps its date; "自二〇〇一年成立以來" (since it was
# founded in 2001) tells of the founding, as "since it was founded in 2001" does.
# "2020年6月衝突後…首度訪印", "2020年兩國邊境衝突以來首次訪華": the first since then
_ZH_FIRST_SINCE = re.compile(r"[^，。；,;]{0,16}?(?:[后後]|以[来來])[^。；;]{0,30}?(?:首次|首度|第一次)")
_ZH_SINCE = re.compile(r"^\s*以[来來]")
_ZH_SINCE_A_STATE = re.compile(r"^\s*起\s*(?:就|一直|便)?\s*(?:为|為|是)")


def _only_a_bound(mention: DateMention, sentence: str) -> bool:
    """The year rule's span takes its preposition along ('since 2011'): read up to the digits."""
    if (
        "自" in sentence[max(0, mention.span[0] - 3) : mention.span[0] + 1]
        and (
            _ZH_SINCE.match(sentence[mention.span[1] :])
            or (not mention.start.month and _ZH_SINCE_A_STATE.match(sentence[mention.span[1] :]))
        )
    ):  # "自2019年以来"; "自2015年起為觀察員國" (an observer since 2015: a state), not "自1月1日起就任" (took office)
        return True
    if ("首" in sentence or "第一次" in sentence) and _ZH_FIRST_SINCE.match(sentence, mention.span[1]):
        return True  # "2020年6月衝突後…首度訪印": the first visit since then tells of no happening then
    before = _before_date(mention, sentence)
    if mention.end is not None and len(mention.end.iso()) == 4 and _FOR_A_TERM.search(before):
        return True  # "the SCO's tourism and cultural capital for 2023-2024": a term, no happening
    if _AN_ANNIVERSARY_S_DAY.match(sentence, mention.span[1]) and _A_CLAUSE_S_OPENING.search(
        sentence, 0, mention.span[0]
    ):
        return True  # "В субботу исполнится двадцать три года с того дня, как ...": a day that counts years
    if len(mention.start.iso()) == 4 and _A_CHAIR_S_TERM.match(sentence, mention.span[1]):
        # "担任2024年至2025年轮值主席国", "接任2025年至2026年上合组织轮值主席国", "председательство ... на следующий
        # год": the years a chair is held, no happening
        return True
    if _MOVED_FROM.search(before) or (
        (
            _SUPERSEDED_PLAN.search(_before_date(mention, sentence, 90))
            or _SUPERSEDED_PLAN.search(sentence, max(0, mention.span[0] - 90), mention.span[0])
            or _a_superseded_plan_s_conjunct(mention, sentence)
        )
        and not _IT_WENT_AHEAD.search(sentence, mention.span[1])
    ):
        return True  # the day it was set for before it moved: no day it happens on
    if _A_PLAN_FOR.search(_before_date(mention, sentence, 60)) and _THEN_IT_CHANGED.match(
        sentence, mention.span[1]
    ):
        return True  # "was planned for St Petersburg in July and was held by video on November 10"
    if (since := _SINCE_BEFORE.search(before)) and not (
        since["last"] and _A_HAPPENING_OF_THAT_TIME.match(sentence, mention.span[1])
    ):
        # "the first visit since 2011" tells of the last one, in 2011; "frozen since 2019" of no happening
        # (not "since last July's summit", "since last October, when Modi and Xi met": what happened then)
        return not _FIRST.search(sentence, 0, mention.span[0])
    if (
        len(mention.start.iso()) == 7
        and mention.end is None
        and _SINCE_A_YEAR_RU.search(sentence, max(0, mention.span[0] - 4), mention.span[0])
        and _A_CHAIR_HELD_RU.search(sentence, 0, mention.span[0])
    ):
        return (
            True  # "Россия председательствует в ШОС с июня прошлого года": the chair held since then, a state
        )
    if (
        len(mention.start.iso()) == 4
        and mention.end is None
        and _SINCE_A_YEAR_RU.search(
            sentence, max(0, mention.span[0] - 4), _first_digit(sentence, mention.span)
        )
    ):
        # "была наблюдателем с 2015 года" (an observer since 2015): a state, no happening; "с 2002 по 2007"
        # bounds a span, "впервые с 2015 года" (the first since 2015) tells of the last time
        return (
            bool(_A_STATE_RU.search(sentence))
            and not _TO_A_YEAR_RU.match(sentence, mention.span[1])
            and not _FIRST_RU.search(sentence, 0, mention.span[0])
        )
    if len(mention.start.iso()) == 4 and _PLAN_FOR_RU.search(
        sentence, max(0, mention.span[0] - 80), mention.span[0]
    ):
        return (
            True  # "бюджет ШОС на 2017 год", "перечень мероприятий ... на 2017–2021 годы": what a plan covers
        )
    if mention.end is not None or len(mention.start.iso()) == 10:
        return False
    return bool(
        _UNTIL_BEFORE.search(before)
        or _PLAN_TO.search(_before_date(mention, sentence, 80))
        or _PLAN_FOR.search(sentence, max(0, mention.span[0] - 80), mention.span[0])  # "for next year"
    )


# A happening the SCO never holds, which a sentence about the SCO may date beside its own: a national parade
# or commemoration, an attack, a crash, a death ("a minute's silence for the president, killed when his
# helicopter came down on Sunday"; "印度拒簽，因文件未提及今年4月的恐攻"), a country's election, a disaster.
_NEVER_THE_SCO_S = re.compile(
    # English words all start at a word boundary: checked once per position, not once per word (7x faster)
    r"\b(?:parades?|commemorations?|(?:terror(?:ist)?\s+)?attacks?|bomb(?:ing|ings|ed)|blasts?|crash(?:ed|es)?"
    r"|killed|died|(?:came|went|shot)\s+down|fighting"
    # a war's deeds: "defended the strikes India launched on May 7", "the ceasefire agreed on May 10"
    r"|strikes\b(?!\s+(?:a|an|the)\s|\s+(?:[\w-]+\s+)?(?:tone|note|chord|balance|deal|pose)\b)|air\s?strikes?"
    r"|shelling|inva(?:sion|ded)|ceasefire|military\s+operation|massacres?"
    # "American bombers struck three nuclear sites" (not "struck a deal"), "after the Taliban took Kabul"
    r"|struck\b(?!\s+(?:a|an)\s|\s+(?:[\w-]+\s+){0,2}(?:deal|balance|note|chord|tone|agreement|accord|compromise|bargain"
    r"|partnership|pact)s?\b)"
    r"|takeover|coup|(?:seized|took)\s+power|(?:seized|took|captured|fall\s+of)\s+kabul"
    # a country's leader taking office ("the first SCO summit for Hu Jintao, who took office in March"), unless
    # the sentence names a post of the SCO's (its Secretary-General, the RATS director: _AN_SCO_POST)
    r"|(?P<office>(?:took|takes|taking)\s+office|sworn\s+in)"
    r"|(?:presidential|parliamentary|general|snap)\s+elections?|re-?elected|earthquakes?|floods?)\b"
    r"|閱兵|阅兵|紀念活動|纪念活动|空袭|空襲|停火|入侵|军事行动|軍事行動|军事打击|軍事打擊"
    r"|恐攻|恐袭|恐襲|恐怖攻击|恐怖攻擊|袭击|襲擊|爆炸(?![式性])|坠毁|墜毀|遇难|遇難|身亡|逝世|地震|洪水|大选|大選"
    r"|\bпарад|памятн\w* мероприят|обстрел|вторжени|перемири"
    r"|теракт|нападени|катастроф|крушени|погиб|взрыв|землетрясени|наводнени|\bвыбор(?:ы|ах|ов|ам)\b"
)  # read in lower-cased text: a case-blind search of this alternation is 3x slower


@functools.lru_cache(maxsize=64)
def _names_one_never_the_sco_s(sentence: str) -> bool:
    """Asked for each date of a sentence: read once (a search of a long sentence costs ~25 us)."""
    return _NEVER_THE_SCO_S.search(sentence.lower()) is not None


def _never_the_sco_s(mention: DateMention, sentence: str) -> bool:
    """A date whose clause tells a happening the SCO never holds and none of the SCO's: "北京將在3日舉行閱兵，
    峰會與閱兵前後相連" (Beijing holds a parade on the 3rd) dates the parade. Not a clause where the SCO reacts to
    it ("condemned the attack on June 14", "为遇难者默哀"): that reaction is the news."""
    if not _names_one_never_the_sco_s(sentence):  # most sentences name none
        return False
    low, high = clause_bounds(sentence, mention.span)
    if HAN_CHARACTER.search(
        sentence, low, high
    ):  # a Chinese clause runs between commas: "…（Pahalgam）的恐攻"
        low, high = bounds_between(_CHINESE_CLAUSE_BREAK, sentence, mention.span)
    clause = sentence[low:high]
    # what a relative clause is about stands just before it: "the fighting that began on the night of August 7-8"
    relative = _A_RELATIVE_WORD.search(sentence, max(0, low - _ANTECEDENT_REACH), low + 8)
    told = sentence[max(0, low - _ANTECEDENT_REACH) : high] if relative else clause
    found = _NEVER_THE_SCO_S.search(told.lower())
    if found is None:
        return False
    if _the_deed_s_own_date(mention, sentence):
        return True
    if names_a_kind(clause) or "sco" in tags_for(clause) or _REACTS.search(told):
        return False
    return not (found["office"] and _AN_SCO_POST.search(sentence))


def _the_deed_s_own_date(mention: DateMention, sentence: str) -> bool:
    """A date inside the name of a deed the SCO reacts to, which dates the deed, not the reaction: "condemns
    the attack on the Jaffar Express on March 11", "the Khuzdar bombing of May 21", "condemned the April 22
    terror attack", "谴责以色列6月13日对伊朗发动军事打击". Not "condemned on Tuesday the attack", "condemned the
    attack on Tuesday", "condemned the attack in a statement on Wednesday": the reaction's day; nor attacks
    that are a meeting's or an agreement's topic ("an agreement on countering cyber attacks in Tashkent on")."""
    start, end = mention.span
    before, after = sentence[max(0, start - _A_DEED_S_REACH) : start].lower(), sentence[end:].lower()
    told = sentence[start:end].lower()
    if joiner := _ITS_JOINER.match(told):  # a mention read with its "in": "... against Iran in June"
        before += joiner.group()
    deed = _A_DEED_THEN_ITS_DATE.search(before)
    if deed and _the_deed_itself(before, deed.start(), before[deed.start() :], told):
        return True
    named = _NAMING_THE_DEED_BEFORE.search(before) or _NAMING_THE_DEED_IN.match(told)
    if named and (deed := _ITS_DATE_THEN_A_DEED.match(after)):
        return not _A_TOPIC.search(before)
    if HAN_CHARACTER.search(
        sentence, start, end
    ):  # the verb after a Chinese date is its own: "13日对伊朗发动军事打击"
        clause = after[: next((i for i, c in enumerate(after) if c in "，。；,;"), len(after))]
        deed = _NEVER_THE_SCO_S.search(clause)
        return bool(
            deed
            # "4月23日对…恐怖袭击表示强烈谴责", "6月14日就…军事打击发表联合声明": the reaction's day
            and not _REACTS.search(clause)
            and not _ZH_REACTS.search(clause)
            and not names_a_kind(clause)
        )
    return False


def _the_deed_itself(before: str, at: int, between: str, told: str) -> bool:
    """The deed's words up to the date name no statement, meeting or kind, it is no topic ("on countering
    attacks"), and a reaction before it is not dated by a weekday ("condemned the attack on Tuesday")."""
    if names_a_kind(between) or _A_REACTION_S_WORD.search(between) or _A_TOPIC.search(before[:at]):
        return False
    return not (_REACTS.search(before[:at]) and _A_WEEKDAY.search(told))


# "in a statement", "at their meeting", "in a joint statement": a reaction's words between the deed and its date
_A_REACTION_S_WORD = re.compile(
    r"\b(?:statements?|meetings?|session|talks|declaration|communiqu[eé]|agreements?|conference|summit|sco)\b"
)
# "an agreement on countering cyber attacks", "a meeting on the attacks", "discussed preventing attacks"
_A_TOPIC = re.compile(
    r"\b(?:countering|counter|preventing|prevent|combating|combat|fighting|against|on|about|over)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,2}$"
)
_A_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\byesterday\b|\btoday\b")
_ZH_REACTS = re.compile(r"表示|发表|發表|声明|聲明|交换意见|交換意見|答记者问|答記者問|致电|致電|慰问|慰問")


_A_DEED_S_REACH = 100
_DEEDS = r"(?:attacks?|bombings?|blasts?|strikes|air\s?strikes?|massacres?|shelling|inva(?:sion|ded)|takeover|coup)"
# "the attack on the Jaffar Express on ", "the bombing of ", "Israel's strikes of ", "the invasion in "
_A_DEED_THEN_ITS_DATE = re.compile(
    rf"\b{_DEEDS}(?:\s+(?:carried\s+out|launched|conducted|staged)\s+by(?:\s+[\w'’.-]+){{1,6}}?)?"  # "... by Israel"
    rf"(?:\s+(?:on|against|in)\s+(?:the\s+)?[\w'’.-]+(?:\s+[\w'’.-]+){{0,3}})?\s+(?:on|of|in)\s+(?:the\s+)?$"
)
_ITS_JOINER = re.compile(r"(?:on|of|in)\s+(?:the\s+)?")
# "the April 22 terror attack", "the April massacre", "last month's strikes": the date names the deed
_ITS_DATE_THEN_A_DEED = re.compile(
    rf"(?:['’]s)?\s+(?:(?:terror(?:ist)?|deadly|suicide|militant)\s+)?{_DEEDS}\b"
)
_NAMING_THE_DEED_BEFORE = re.compile(r"\b(?:the|its|this|that)\s+$")  # "the April 22 terror attack"
_NAMING_THE_DEED_IN = re.compile(r"(?:the|its|this|that)\s")  # "the April massacre", read with its "the"


_ANTECEDENT_REACH = 16
_A_RELATIVE_S_ANTECEDENT = 40
_A_RELATIVE_WORD = re.compile(r"\b(?:that|which|who|when)\b", re.IGNORECASE)
# The SCO's reaction to what happened elsewhere, which is its own news.
_REACTS = re.compile(
    r"\b(?:condemn\w*|denounc\w*|mourn\w*|silence|discuss\w*|deplor\w*|talks|met|meeting)\b|谴责|譴責|默哀|哀悼|悼念|讨论|討論"
    r"|осуд\w*|почтил\w*|обсуд\w*",
    re.IGNORECASE,
)
_AN_SCO_POST = re.compile(
    r"secretary[- ]general|\bdirector\b|\bRATS\b|Anti-Terrorist|秘书长|秘書長|генеральн\w* секретар|директор",
    re.IGNORECASE,
)


# Another body whose deed a sentence about the SCO dates beside its own: "The UN Security Council adopted new
# sanctions against Iran on Wednesday", "The BRIC meeting is under way at Sevastyanov House".
_ANOTHER_BODY = re.compile(
    r"\b(?:(?:UN|U\.N\.)\s+Security\s+Council|Security\s+Council|General\s+Assembly|BRICS?|NATO|CSTO|G-?20|G-?7"
    r"|European\s+Union|ASEAN|OSCE|Eurasian\s+Economic\s+Union|EAEU|Belt\s+and\s+Road\s+[Ff]orum)\b"
    r"|БРИКС|ОДКБ|\bСНГ\b|ЕАЭС|АСЕАН|金砖|金磚|安理会|安理會|东盟|東盟|欧盟|歐盟|北约|北約|二十国集团|二十國集團"
)


def _another_body_s(mention: DateMention, sentence: str, others: list[tuple[int, int]] = ()) -> bool:
    """A date whose clause tells another body's deed, naming no SCO: that body's day. Two leaders meeting on its
    sidelines ("Modi and Xi met in Kazan on the sidelines of the BRICS summit") is a meeting of theirs."""
    if not _ANOTHER_BODY.search(sentence):  # most sentences name none
        return False
    low, high = clause_bounds(sentence, mention.span)
    if _A_RELATIVE_WORD.search(sentence, max(0, low - 8), low):
        # "India's G20 presidency, which begins on December 1": the clause is said of what stands before it
        low = max(0, sentence.rfind(",", 0, max(0, low - 8)) + 1, low - _A_RELATIVE_S_ANTECEDENT)
    conjunct = _up_to_the_next_conjunct(sentence, mention.span, others, high)
    clause = sentence[low:conjunct]
    # "The secretaries-general of the SCO, CSTO and CIS met on June 5": a comma cuts the clause off its SCO
    if (
        not _ANOTHER_BODY.search(clause)
        or "sco" in tags_for(sentence)
        and not (conjunct < high and "sco" not in tags_for(sentence[:conjunct]))
        and not _the_sco_s_own_clause(sentence, high)
    ):
        return False
    return (
        kind_of_happening(Report(mention.start.iso(), None, clause, clause, tags_for(clause))) != "bilateral"
    )


# " and the SCO Council of Heads of State on " between two dates: a clause of its own, its verb left out
_A_CONJUNCT_BEFORE_ITS_DATE = re.compile(
    r"\s*,?\s+(?:and|while|whereas|then)\s+(?:[\w'’.-]+\s+){1,8}(?:(?:on|in)\s+)?", re.IGNORECASE
)


def _up_to_the_next_conjunct(
    sentence: str, span: tuple[int, int], others: list[tuple[int, int]], high: int
) -> int:
    """Where the date's clause ends when a conjunct with a date of its own follows: "The CSTO leaders meet on
    Thursday and the SCO Council of Heads of State on Friday" tells Thursday of the CSTO alone."""
    for other in others:
        if span[1] < other[0] <= high and _A_CONJUNCT_BEFORE_ITS_DATE.fullmatch(sentence, span[1], other[0]):
            return span[1]
    return high


def _the_sco_s_own_clause(sentence: str, end: int) -> bool:
    """The SCO named only after the clause, in a clause of its own: "Встреча лидеров БРИКС назначена на 8–9 июля,
    а заседание ... ШОС пройдёт 9–10 июля", "BRICS leaders meet on 8-9 July, while the SCO summit follows"."""
    return "sco" not in tags_for(sentence[:end]) and bool(_A_CLAUSE_OF_ITS_OWN.match(sentence, end))


_A_CLAUSE_OF_ITS_OWN = re.compile(
    r"\s*(?:[,;]\s*(?:а|while|whereas|but|and)\b|;"
    # "New Delhi will host G20 leaders on September 9 and 10, weeks after the SCO summit": the SCO's is the time
    r"|,\s*(?:(?:just|only|shortly|soon|days|weeks|months|a\s+(?:day|week|month))\s+)(?:after|before|ahead\s+of)\b)",
    re.IGNORECASE,
)
_CHINESE_CLAUSE_BREAK = re.compile(r"[，；。,;]")


def _last_before(mention: DateMention, sentence: str) -> bool:
    """ "their first talks since 2018", "the first visit since February", "the last minister to visit was
    X, in 2015": the date is of an earlier time,
    named only to say that this one is the first after it. ("The first summit since Belarus joined on
    4 July" tells the joining: the clause after "since" says what happened.) A since-clause telling no
    happening of the SCO's ("his first SCO meeting since he was appointed in May") dates an earlier
    time of something else: the sentence's SCO words are outside it."""
    if _SINCE_BEFORE.search(_before_date(mention, sentence)) and _FIRST.search(sentence, 0, mention.span[0]):
        return True
    # "The last Chinese president to visit was Hu Jintao, in 2007": the time before, named as background to
    # the news; unless the sentence names the SCO ("the last SCO summit to be held in Russia, in Ufa in 2015")
    if _THE_LAST_TO.search(sentence, 0, mention.span[0]) and "sco" not in tags_for(sentence):
        return True
    clause = _since_clause(mention, sentence)
    return clause is not None and "sco" not in tags_for(clause) and not names_a_kind(clause)


_SINCE_WORD = re.compile(r"\bsince\b|\bс тех пор,? как\b|\bс момента\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:.!?()]")


def _since_clause(mention: DateMention, sentence: str) -> str | None:
    """The since-clause the date lies in ("since he was appointed to the post in May"), or None."""
    if "since" not in sentence.lower() and "с " not in sentence.lower():  # most sentences hold no since
        return None
    opening = None
    for opening in _SINCE_WORD.finditer(sentence, 0, mention.span[0]):
        pass
    if opening is None or _CLAUSE_END.search(sentence, opening.end(), mention.span[0]):
        return None
    end = _CLAUSE_END.search(sentence, mention.span[1])
    return sentence[opening.start() : end.start() if end else len(sentence)]


def _first_digit(sentence: str, span: tuple[int, int]) -> int:
    digit = _DIGIT.search(sentence, *span)
    return digit.start() if digit else span[0]


_DIGIT = re.compile(r"\d")


# The year rule's prepositions that open a sentence with a capital (a month's name is no preposition).
_A_CAPITAL_PREPOSITION = re.compile(
    r"(?:In|Since|By|Until|Till|From|During|Before|After|Through|Between|Early|Late|Mid)(?=[\s-])"
)


def _before_date(mention: DateMention, sentence: str, reach: int = 24) -> str:
    """The words just before the date; the year rule's span takes its preposition along ('since 2011')."""
    start = mention.span[0]
    if opening := _A_CAPITAL_PREPOSITION.match(sentence, start, mention.span[1]):
        start = opening.end()  # "Since 2004 the secretaries have met every year", opening its sentence
    while start < mention.span[1] and not sentence[start].isdigit() and sentence[start : start + 1].islower():
        start += 1
    while start < mention.span[1] and sentence[start] == " ":
        start += 1
    return sentence[max(0, start - reach) : start]


def _framing(mention: DateMention, others: list[DateMention], sentence: str) -> bool:
    """ "attacks this year, with 145 killed in March": "this year" only frames the finer date."""
    inside = [other for other in others if other is not mention and _contains(mention, other)]
    if not inside:  # the usual case: no segment to compare
        return False
    segment = segment_bounds(sentence, mention.span)
    return any(segment == segment_bounds(sentence, other.span) for other in inside)


def _fact(mention: DateMention, sentence: str, others: list[tuple[int, int]]) -> ExtractedFact:
    """The fact of one date; its title and tags come from the part of the sentence that tells it.

    Tags read that part only: "A, and B" are two facts' worth of names.
    """
    low, high = part = _fact_part(sentence, mention.span, others)
    return ExtractedFact(
        date=mention.start.iso(),
        end_date=mention.end.iso() if mention.end else None,
        precision=mention.start.precision.value,
        title=_the_relative_clause_s(sentence, mention.span, others)
        or _title_in(sentence, mention.span, others, part),
        summary=sentence,
        tags=tags_for(_without_a_journey_home(_label_of(sentence, low) + sentence[low:high])),
        confidence=round(mention.confidence * (0.9 if mention.referential else 1.0), 2),
        last_before=_last_before(mention, sentence),
        said_of_a_plan=_a_plan_s_announcing(mention, sentence),
        another_s=_never_the_sco_s(mention, sentence)
        or _another_body_s(mention, sentence, others)
        or _background_of_another(sentence, part)
        or _an_aside_on_another_thing(sentence, mention.span)
        or _a_step_towards_another_s(sentence, mention, part, others),
    )


# "..., before Mr Modi flies back to Delhi": where someone goes after the happening is not where it happens.
_A_JOURNEY_AFTER = re.compile(
    r"\b(?:before|then)\s+(?:[\w.'’-]+\s+){0,3}?(?:fl(?:ies|ew|ying)|returns?|returned|returning|heads?|headed|leaves|left"
    r"|travels?|travell?ed|goes|went)\s+(?:back\s+|on\s+|home\s+)?(?:to|for)\s+[^,.;]+",
    re.IGNORECASE,
)


def _without_a_journey_home(text: str) -> str:
    if "efore" in text or "hen" in text:
        text = _A_JOURNEY_AFTER.sub("", text)
    if "video" in text or "视" in text or "視" in text or "видео" in text:
        text = _SPOKEN_FROM_AFAR.sub(_unless_held_there, text)
    return text


# "addressed the summit via video link from Beijing", "习近平在北京以视频方式出席": where a leader joined from is
# not where the happening is
_SPOKEN_FROM_AFAR = re.compile(
    r"\b(?:via|by|over)\s+(?:a\s+)?video(?:[\s-]*(?:link|conference|call))?\s+from\s+(?:[\w'’-]+\s+){0,3}?"
    r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)?"
    r"|在[^，。、]{1,8}(?=(?:以视频方式|以視訊方式|以視頻方式|通过视频|通過視訊)(?:出席|参加|參加|发表|發表|致辞|致辭))"
    r"|по\s+видео(?:связи|конференцсвязи)\s+из\s+(?:\w+\s+){0,3}?[А-ЯЁ][\w-]+"
)
# "The SCO summit, held by videoconference from Moscow", "chaired ... by video link from Moscow": the host's
# city, where the meeting is
_HELD_FROM = re.compile(
    r"\b(?:held|chaired|hosted|convened|hosts|chairs|hosting|chairing)\b|провед|председательств"
)


def _unless_held_there(found: re.Match[str]) -> str:
    """The words of a leader's own place, cut; kept when the meeting was held or chaired from it."""
    before = found.string[max(0, found.start() - 80) : found.start()]
    return found.group() if _HELD_FROM.search(before) else ""


# "Belarus: accession completed at the Astana summit, 4 July 2024.": an entry of a list, led by whom it is about.
_LABEL = re.compile(r"^\s*([A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,2}):\s+")


def _label_of(sentence: str, low: int) -> str:
    """The label a part after it is about ("Belarus: ..."), with a space; else nothing."""
    label = _LABEL.match(sentence) if low > 0 else None
    return f"{label.group(1)} " if label and label.end(1) <= low else ""


_DAY_JOIN = re.compile(r"\s*(?:(?P<conj>and)|to|until|till|through|-|–)\s*")
_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)


def _joined_days(mentions: list[DateMention], sentence: str) -> list[DateMention]:
    """ "on August 31, 2025 and September 1, 2025" is one span, as "31 August and 1 September 2025" is."""
    joined: list[DateMention] = []
    for mention in mentions:
        if joined and _span_ends_at(joined[-1], mention, sentence):
            first = joined[-1]
            joined[-1] = replace(
                first,
                end=mention.start,
                span=(first.span[0], mention.span[1]),
                confidence=min(first.confidence, mention.confidence),
            )
        else:
            joined.append(mention)
    return joined


def _span_ends_at(first: DateMention, second: DateMention, sentence: str) -> bool:
    """Two days joined by "to" (or "and" when they follow each other, as for "Monday and Tuesday") are one span."""
    if first.end or second.end or first.start.day is None or second.start.day is None:
        return False
    join = _DAY_JOIN.fullmatch(sentence, first.span[1], second.span[0])
    if not join:
        return _opened_then_closed(first, second, sentence)
    days = (second.start.first_day() - first.start.first_day()).days
    if join["conj"] and not _BETWEEN.search(sentence, 0, first.span[0]):
        return days == 1
    return days > 0


def _opened_then_closed(first: DateMention, second: DateMention, sentence: str) -> bool:
    """ "The two-day meeting opened on Wednesday with bilateral talks and concluded on Thursday": its days, one
    span, as "from Wednesday to Thursday" is (a week at most)."""
    days = (second.start.first_day() - first.start.first_day()).days
    return (
        0 < days <= 6
        and bool(_OPENED.search(sentence, max(0, first.span[0] - 30), first.span[0]))
        and bool(_THEN_CLOSED.fullmatch(sentence, first.span[1], second.span[0]))
    )


_OPENED = re.compile(
    r"\b(?:opened|opens|began|begins|started|starts|kicked\s+off)\s+(?:on\s+)?$", re.IGNORECASE
)
_THEN_CLOSED = re.compile(
    r"[^.;]{0,80}?\b(?:and|before\s+it|before\s+they)\s+(?:closed|closes|ended|ends|concluded|concludes|wrapped\s+up)"
    r"\s+(?:on\s+)?",
    re.IGNORECASE,
)


# "Tomorrow the organisation turns twenty": a birthday, whose day dates no happening (the founding has its own).
_AN_AGE = re.compile(
    r"\bturn(?:s|ed)\s+(?:\d{1,3}|ten|fifteen|twenty|twenty-five|thirty|forty|fifty)\b(?!\s*(?:%|per\s*cent|percent))"
    # "今天是上海合作組織成立二十五週年紀念日", "сегодня ШОС исполняется 25 лет": the same in Chinese and Russian
    r"|(?:今天|今日|今年|本年)是[^，。]{0,24}(?:周年|週年)|исполня\w*\s+(?:\d{1,3}|\w+)\s+(?:лет|год)"
    # "This year marks the 20th anniversary of the SCO", "Today marks the twenty-fifth anniversary": the same
    r"|(?i:\b(?:this year|today)\s+(?:marks|is)\s+the\s+[\w-]+\s+anniversary\b)"
    # "The SCO marks 25 years in 2026", "the organisation celebrates its 20th anniversary in June", "今年6月，
    # 上海合作组织将迎来成立25周年": the body itself (a summit that marks an anniversary is a summit)
    r"|(?i:\b(?:SCO|organi[sz]ation|bloc|grouping)\s+(?:marks|celebrates|will mark|will celebrate)\s+(?:its\s+)?"
    r"(?:\d{1,3}|[\w-]+)(?:th|st|nd|rd)?\s+(?:years|anniversary)\b)"
    r"|(?:上海合作组织|上合组织|上海合作組織|上合組織)[^，。]{0,4}(?:迎来|迎來)[^，。]{0,12}(?:周年|週年)"
)


# "Correction: an earlier update said PM Modi and President Putin held talks this afternoon": what a live blog
# or a story takes back, no happening.
_A_CLAIM_WITHDRAWN = re.compile(
    rf"^\W*(?:{CLOCK_TIME}\W*)?correction\b"
    r"|\b(?:an?|the)\s+(?:earlier|previous)\s+(?:version|update|post|entry|report|story)\b[^.;]{0,40}?"
    r"\b(?:wrongly|incorrectly|erroneously|misstated|mistakenly)\b",
    re.IGNORECASE,
)


# A live blog's signing off ("That's all from us tonight", "We'll be back tomorrow"): its day dates the blog.
# "Why was last year's summit virtual?", "What happens this week?": an explainer's question states nothing
_A_QUESTION = re.compile(r"[?？][\s\"'”’»)]*$")
# where the question a sentence ends with begins: after the last break before it ("The summit opens on
# Wednesday — but will it deliver?", 'Putin asked on Monday: "Why wait?"', "会带来什么？" after "，")
_BEFORE_A_QUESTION = re.compile(r"[,;:—–(«“\"，；：（]|\bwhether\b|\bbut\b", re.IGNORECASE)


def _the_question_s_start(sentence: str) -> int:
    """Where a sentence's closing question begins (its dates state nothing), or past its end."""
    if not _A_QUESTION.search(sentence):
        return len(sentence) + 1
    start = 0
    for found in _BEFORE_A_QUESTION.finditer(sentence):
        start = found.end()
    return start


_SIGNING_OFF = re.compile(
    rf"^\W*(?:{CLOCK_TIME}(?:\s*[A-Z]{{2,4}}\b)?\W*)?(?:"
    r"(?:[Tt]hat's|[Tt]hat’s|[Tt]hat is) (?:all|it) (?:from us|for (?:today|tonight|now))"
    r"|[Ww]e(?:'ll| will|’ll) be back (?:tomorrow|later|soon|with)\b|[Tt]his (?:live )?blog is (?:now )?closed\b"
    r"|[Ss]igning off\b|[Ww]e(?:'re| are|’re) (?:wrapping up|closing|pausing) (?:this|our|the) (?:live )?"
    r"(?:blog|coverage|updates)\b)"
)


def sentence_facts(
    sentence: str, published: dt.date, entry_year: int | None = None
) -> list[tuple[ExtractedFact, bool]]:
    """(fact, refers back to a told event) for each date expression that dates something.

    entry_year: the year that leads the list entry the sentence goes on ("2018, 9-10 June - Qingdao.
    Declaration adopted on 10 June."): its days without a year are of that year."""
    if _SIGNING_OFF.search(sentence) or _A_CLAIM_WITHDRAWN.search(sentence):
        return []
    mentions = _joined_days(
        _prepared_after_its_meeting(
            _in_the_year_told_before(
                _in_its_listed_year(find_dates(sentence, published), sentence, entry_year), sentence
            ),
            sentence,
        ),
        sentence,
    )
    asked = _the_question_s_start(sentence)
    kept = [
        m
        for m in mentions
        if not _framing(m, mentions, sentence)
        and not _only_a_bound(m, sentence)
        and m.span[0] < asked
        and not _a_journey_s_day(m, mentions, sentence)
    ]
    kept = _beyond_the_saying(kept, sentence)
    if len(kept) == 1 and _AN_AGE.search(sentence):
        return []
    told = _beyond_its_dateline(kept, sentence)  # the dateline's date bounds no part: the lead is cut off
    return [(_fact(m, sentence, [o.span for o in told if o is not m]), m.referential) for m in told]


# "2017: sessions of the Astana summit (8-9 June), at which ...": an entry of a list led by its year.
_YEAR_LED = re.compile(r"\s*((?:19|20)\d\d)\s*[:–—,]\s+")
_ITS_SUBJECT_S_YEAR = re.compile(
    r"\s*(?:(?:The|At\s+the|In\s+the|For\s+the)\s+)?(?:SCO['’]s\s+)?((?:19|20)\d\d)(?:['’]s)?\s+"
    r"(?:[\w-]+\s+)?(?:summit|meeting|session|talks|conference|forum|exercises?|drills?|edition|gathering)\b"
)
_A_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _in_its_listed_year(
    mentions: list[DateMention], sentence: str, entry_year: int | None = None
) -> list[DateMention]:
    """An entry led by its year ("2017: ...", "2025, 31 August - 1 September - Tianjin"): the days it names
    without a year are of that year, and the year itself dates nothing more when they are there. A
    sentence going on with the entry (entry_year) puts its days without a year in the entry's. So does a
    sentence about a happening named by its year: "The 2020 summit was held by video on November 10"."""
    led = _YEAR_LED.match(sentence)
    if led is None and (subject := _ITS_SUBJECT_S_YEAR.match(sentence)):
        return _in_its_subject_s_year(mentions, sentence, subject)
    if led is None:
        if entry_year is None:
            return mentions
        return [_in_year(m, entry_year) if _without_a_year(m, sentence) else m for m in mentions]
    year = int(led.group(1))
    # the entry's own date, when its year and days read as one ("2025, 1 January – X takes office, appointed
    # at the summit of 4 July 2024"), and every date after its year
    after = [m for m in mentions if m.span[0] >= led.end(1) or m.span[1] > led.end(1) and m.start.month]
    if not after:
        return mentions
    return [_in_year(m, year) if _without_a_year(m, sentence) else m for m in after]


def _in_its_subject_s_year(
    mentions: list[DateMention], sentence: str, subject: re.Match[str]
) -> list[DateMention]:
    """ "The 2020 summit was planned for St Petersburg in July and was held by video on November 10": the days
    said without a year in the subject's clause are of its year, which then dates nothing more; a later clause's
    ("..., the ministry said on July 8") keep theirs, and so does a date with its own year."""
    year, end = int(subject.group(1)), _CLAUSE_OR_SENTENCE_END.search(sentence, subject.end())
    limit = end.start() if end else len(sentence)
    moved = [
        _in_year(m, year) if m.span[0] < limit and _without_a_year(m, sentence) else m
        for m in mentions
        if m.span[0] >= subject.end(1) or m.span[1] > subject.end(1)
    ]
    if not any(m.start.year == year and m.start.month for m in moved):
        return mentions
    return moved


_CLAUSE_OR_SENTENCE_END = re.compile(r"[,;:]\s")


def _without_a_year(mention: DateMention, sentence: str) -> bool:
    """A day or a month said without its year ("on 10 June", "early September"), which a list gives it; not
    a day counted from the report ("yesterday", "on Friday", "last month"), whose year is the report's."""
    return (
        bool(mention.start.month)
        and mention.rule.removeprefix("ru-").removeprefix("zh-") not in _COUNTED_FROM_THE_REPORT
        and not _A_YEAR.search(sentence, *mention.span)
    )


_COUNTED_FROM_THE_REPORT = frozenset(
    {
        "relative-day",
        "relative-period",
        "the-weekend",
        "weekday-span",
        "weekday",
        "ordinal-span",
        "ordinal",
        "ago",
        "days-in-month",
        "day-in-month",
    }
)


# "left for Moscow on Wednesday to attend the meeting ... on Thursday": the journey's day, before its purpose's
_A_JOURNEY_BEFORE = re.compile(
    r"\b(?:left|leaves|leaving|arrived|arrives|arriving|flew|flies|travell?ed|travels|departed|departs|headed|heads)"
    r"\s+(?:(?:for|in|to|at)\s+)?(?:[\w'’.-]+\s+){0,3}$",
    re.IGNORECASE,
)
_TO_ATTEND_AFTER = re.compile(r"\s+to\s+(?:attend|join|take\s+part\s+in)\b", re.IGNORECASE)


def _a_journey_s_day(mention: DateMention, mentions: list[DateMention], sentence: str) -> bool:
    """The day someone travelled to attend what a later date of the sentence dates: no happening of its own."""
    purpose = _TO_ATTEND_AFTER.match(sentence, mention.span[1])
    if (
        purpose is None
        or _A_JOURNEY_BEFORE.search(sentence, max(0, mention.span[0] - 60), mention.span[0]) is None
    ):
        return False
    following = next((other for other in mentions if other.span[0] > mention.span[1]), None)
    # its purpose's own date: no verb of another clause between ("..., and met Wang on Tuesday")
    return following is not None and not any(
        purpose.end() <= at < following.span[0] for at, _ in tense_markers(sentence)
    )


# ", when Russia's summit, meant for St Petersburg, was held by video " between a year and a month: its year
_WHEN_THEN = re.compile(r"\s*,?\s*when\b[^.;]*", re.IGNORECASE)


def _in_the_year_told_before(mentions: list[DateMention], sentence: str) -> list[DateMention]:
    """A day or month without its year after a date of the same or the next month that has one, restating it
    or with no verb between them: "At the Beijing summit of June 6-7, 2012, Afghanistan was made an observer
    on the closing day, June 7" is 2012's June 7, not the one nearest the report (a reference page of 2025);
    "The ministers, who last met in July 2024, gathered again on July 15" is the report's July."""
    if len(mentions) < 2:
        return mentions
    told, out = None, []
    for mention in mentions:
        if _A_YEAR.search(sentence, *mention.span) and (mention.start.month or mention.end is None):
            told = mention
        elif (
            told is not None
            and told.start.month is None
            and told.end is None
            and mention.start.month
            and _without_a_year(mention, sentence)
            and mention.start.year != told.start.year
            and _WHEN_THEN.fullmatch(sentence, told.span[1], mention.span[0])
        ):  # "pushed the SCO online in 2020, when Russia's summit ... was held by video in November"
            mention = _in_year(mention, told.start.year)
        elif (
            told is not None
            and told.start.month
            and _without_a_year(mention, sentence)
            and not _A_RELATIVE_YEAR.search(
                sentence, *mention.span
            )  # "September 15 last year", "in July this year"
            and 0 <= (mention.start.month - told.start.month) % 12 <= 1
            and mention.start.year != told.start.year
            and (
                _AN_APPOSITION.search(sentence, told.span[1], mention.span[0])
                or not any(told.span[1] <= at < mention.span[0] for at, _ in tense_markers(sentence))
            )
        ):  # "India joined in June 2017 and will host ... on July 4"; "who met in July 2024, gathered on July 15"
            mention = _in_year(mention, told.start.year + (mention.start.month < told.start.month))
        out.append(mention)
    return out


def _prepared_after_its_meeting(mentions: list[DateMention], sentence: str) -> list[DateMention]:
    """What a meeting was held to prepare comes after it: "The ministers met on July 28-29 to prepare the
    summit on September 15-16", run on the 29th, read September by the past verb as the year before. A
    day or month without its year after "to prepare" that falls before the meeting's date moves a year
    on; "met in May to prepare the summit in July", run in September, keeps its July."""
    out: list[DateMention] = []
    for mention in mentions:
        meeting = out[-1] if out else None
        if (
            meeting is not None
            and _TO_PREPARE.search(sentence, meeting.span[1], mention.span[0])
            and _without_a_year(mention, sentence)
            and (mention.end or mention.start).last_day() < meeting.start.first_day()
        ):
            mention = _in_year(mention, mention.start.year + 1)
        out.append(mention)
    return out


_TO_PREPARE = re.compile(r"\bto\s+prepare\b|\bin\s+preparation\s+for\b", re.IGNORECASE)


# "..., Afghanistan was made an observer on the closing day, June 7": the later date restates the day.
_AN_APPOSITION = re.compile(r",\s*$")
_A_RELATIVE_YEAR = re.compile(r"\byears?\b|[今去明前]年|\bгод", re.IGNORECASE)


def _in_year(mention: DateMention, year: int) -> DateMention:
    """The mention moved to the year (a span over the new year keeps its end a year on); as it was when
    the day does not exist then (29 February)."""
    try:
        start = replace(mention.start, year=year)
        end = mention.end and replace(mention.end, year=year + mention.end.year - mention.start.year)
    except ValueError:  # InvalidDate: no 29 February that year
        return mention
    return replace(mention, start=start, end=end)


def _beyond_the_saying(mentions: list[DateMention], sentence: str) -> list[DateMention]:
    """Without the day something was said when what was said has a day of its own: "India and China said
    on Friday that their ministers had agreed a plan in talks late on Thursday" tells Thursday's talks;
    "外交部发言人5日表示，张明自1月1日起就任" the taking office on the 1st. Said alone, the day stays; the day a
    plan was said stays too, marked (ExtractedFact.said_of_a_plan): the timeline leaves it out."""
    if len(mentions) < 2:
        return mentions
    told = [m for m in mentions if not _a_saying_s_day(m, sentence)]
    return told or mentions


# "заявил в пятницу", "сообщило во вторник министерство": a Russian verb of saying right before its day
_RU_SAYING_RIGHT_BEFORE = r"(?:заявил|сообщил|сказал|отметил|объявил)\w*\s+$"
# "said on Friday that", "told reporters late on Monday that", "заявил в пятницу, что", "5日在记者会上表示".
_SAID_BEFORE = re.compile(
    r"\b(?:told(?:\s+[\w-]+){0,3}|(?:said|says|announc(?:ed|ing)(?:\s+[\w-]+){0,2}|confirmed|stated|added|reported)"
    r"(?:\s+in\s+(?-i:[A-Z])[\w'’.-]+(?:\s+(?-i:[A-Z])[\w'’.-]+)?)?"  # "said in Tehran on Monday"
    # "told a briefing at the SCO Secretariat in Beijing on Thursday" (not "told a meeting": a happening's day)
    r"|told\s+(?:a|the)\s+(?:(?:news|press)\s+conference|(?:news\s+|press\s+)?briefing)(?:\s+(?:at|in)\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,2}){0,2})"
    r"\s+(?:late\s+|early\s+)?(?:on\s+)?$"
    rf"|{_RU_SAYING_RIGHT_BEFORE}",
    re.IGNORECASE,
)
_RU_SAID_BEFORE = re.compile(_RU_SAYING_RIGHT_BEFORE, re.IGNORECASE)
_ITS_SAYER_THEN_END = re.compile(r"\s+[^,;:.!?]{1,80}[.!?»\"”]*\s*$")
_THAT_AFTER = re.compile(r"\s*(?:\([^)]{0,40}\)\s*)?,?\s*(?:that\b|что\b|:|(?:said|told)\b)")
# "..., the Kremlin said on Wednesday, after he went into self-isolation.": the saying ends what was said
_ITS_END = re.compile(
    r"\s*(?:,?\s*(?:after|as|when|while|because|amid|following|since|citing)\b[^\"”]*"
    # "..., a Kremlin official said on Thursday, adding that ...", "..., its Foreign Ministry said Tuesday, dropping"
    r"|,\s*[a-z]+ing\b[^\"”]*)?[.!?\"”’']*\s*$"
)
_ZH_SAID_AFTER = re.compile(r"[^，。；,;]{0,14}?(?:表示|说|說|称|稱|指出|宣布)")
# "Ушаков в пятницу рассказал журналистам о программе визита": a Russian date before its verb of saying
_RU_SAID_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:заявил|сообщил|сказал|рассказал|отметил|пояснил|подчеркнул|уточнил)[аио]?\b"
)


def _a_saying_s_day(mention: DateMention, sentence: str) -> bool:
    """Whether the date is the day of a saying the sentence reports, of something that has happened."""
    said, tense = _what_was_said(mention, sentence)
    return said and tense != "future"


def _a_plan_s_announcing(mention: DateMention, sentence: str) -> bool:
    """ "Lavrov told reporters on Tuesday that Moscow would take the chair after the summit": the day a plan
    was said, which dates no happening of the story when the plan has no date of its own."""
    said, tense = _what_was_said(mention, sentence)
    return said and tense == "future"


def _what_was_said(mention: DateMention, sentence: str) -> tuple[bool, str | None]:
    """Whether the date is a saying's day, and the tense of what was said."""
    if _ZH_SAID_AFTER.match(sentence, mention.span[1]) or _RU_SAID_AFTER.match(sentence, mention.span[1]):
        return True, None
    before = sentence[max(0, mention.span[0] - 80) : mention.span[0]]
    if not _SAID_BEFORE.search(before):
        return False, None
    markers = tense_markers(sentence)
    if (
        (end := _ITS_END.match(sentence, mention.span[1]))
        and not names_a_kind(end.group())
        or (
            # "..., a spokesperson said on Wednesday." ("..., after the leaders signed its accession" tells one more)
            # "..., сообщило во вторник министерство иностранных дел Индии.": who said it after its day
            _RU_SAID_BEFORE.search(before) and _ITS_SAYER_THEN_END.match(sentence, mention.span[1])
        )
    ):
        return True, markers[0][1] if markers else None
    if that := _THAT_AFTER.match(sentence, mention.span[1]):
        return True, next((tense for at, tense in markers if at >= that.end()), None)
    return False, None


def _beyond_its_dateline(mentions: list[DateMention], sentence: str) -> list[DateMention]:
    """Without the dateline's date when the sentence dates what it reports itself: "ASTANA, July 6 - The
    SCO gave observer status to India ... on Tuesday" tells Tuesday's decision, filed on the 6th. A
    dateline's date alone dates the sentence, as the day it reports."""
    if len(mentions) < 2 or not (lead := where_the_leads_end(sentence)):
        return mentions
    told = [m for m in mentions if m.span[1] > lead]
    return told or mentions


# ---------------------------------------------------------------- one fact told twice

_STOPWORDS = frozenset(
    "a an the and or but of to in on at by for from with as is are was were be been being will would "
    "shall should may might can could has have had do does did it its this that these those their his "
    "her they he she we you i not no also than then there here which who whom whose what when where "
    "while after before since about into over under between during amid said says say according".split()
)


_WORD = re.compile(r"[a-z0-9][a-z0-9'’.-]*[a-z0-9]|[a-z0-9]")
_POSSESSIVE = ("'s", "’s")


@functools.lru_cache(maxsize=8192)
def keywords(text: str) -> frozenset[str]:
    """Content words, lowercased, without possessives or plural s, for comparing two reports.

    Cached: ingest compares each new fact with every fact already on its date.
    """
    stems = {w[:-2] if w.endswith(_POSSESSIVE) else w for w in _WORD.findall(text.lower())}
    stems = {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in stems}
    return frozenset(stems.difference(_STOPWORDS))


@functools.lru_cache(maxsize=8192)
def _report_words(title: str, summary: str) -> frozenset[str]:
    """keywords of title and summary: keyed by the pair, no joined string is built and hashed per comparison."""
    return keywords(title + " " + summary)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)
    union = len(a) + len(b) - shared  # len(a | b) without building it
    return shared / union if union else 0.0


def _strong_tags(fact: ExtractedFact) -> set[str]:
    """People and places say which event it is; countries and themes recur in every SCO story."""
    return {t for t in fact.tags if kind_of(t) in {"person", "place"}}


def _tag_overlap(a: ExtractedFact, b: ExtractedFact) -> float:
    smaller = min(len(a.tags), len(b.tags))
    return len(set(a.tags) & set(b.tags)) / smaller if smaller else 0.0


def same_fact(a: ExtractedFact, b: ExtractedFact) -> bool:
    """Two reports of one fact: same date and precision, overlapping names and words."""
    if (a.date, a.precision) != (b.date, b.precision):
        return False
    words = _jaccard(_report_words(a.title, a.summary), _report_words(b.title, b.summary))
    if words >= 0.4:
        return True
    if words < 0.1:  # too few words in common for the tags to decide: skip reading them
        return False
    shared = len(_strong_tags(a) & _strong_tags(b))
    if shared >= 2:
        return True
    return shared >= 1 and _tag_overlap(a, b) >= 0.6 and words >= 0.2


def fact_fingerprint(fact: ExtractedFact) -> str:
    """A blocking key: same_fact(a, b) implies equal fingerprints, so look candidates up by it."""
    return fact.date


def merge_facts(kept: ExtractedFact, other: ExtractedFact, with_tags: bool = True) -> ExtractedFact:
    """The first report stays; it gains the other's end date, confidence and (unless told not to) tags."""
    return replace(
        kept,
        end_date=kept.end_date or other.end_date,
        tags=tuple(sorted(set(kept.tags) | set(other.tags))) if with_tags else kept.tags,
        confidence=max(kept.confidence, other.confidence),
        last_before=kept.last_before and other.last_before,
        another_s=kept.another_s and other.another_s,
        said_of_a_plan=kept.said_of_a_plan and other.said_of_a_plan,
    )


# ---------------------------------------------------------------- the article


def _day_text(day: dt.date) -> str:
    """A publication day as a fact's date ("2025-09-01"), whether given a date or a datetime."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _article_fact(
    title: str, sentences: list[str], published: dt.date, named: tuple[str, str | None] | None
) -> ExtractedFact:
    """The headline at the publication day, or at the one day it names within a week (named: the days
    _the_headline_s_days reads at any distance): "Modi, Sharif to hold talks in Ufa on Friday", run on
    Thursday, tells Friday's talks. Tagged by the headline and the lede."""
    lede = sentences[0] if sentences else ""
    headline = clip(clean_headline(title or "")) or clip(clean_title(lede)) or "Untitled article"
    near = named and abs((dt.date.fromisoformat(named[0]) - published).days) <= _A_WEEK.days
    # FuzzyDate.from_date(published).iso() without re-checking a date that exists (a datetime too gives its day)
    date, end = named if near else (_day_text(published), None)
    return ExtractedFact(
        date=date,
        end_date=end,
        precision="day",
        title=headline,
        summary=lede or headline,
        tags=tags_for(" ".join([title or "", *sentences[:2]])),
        confidence=1.0,
    )


def _the_headline_s_days(title: str, published: dt.date) -> tuple[str, str | None] | None:
    """The one day or run of days a headline names ("on Friday", "today", "roads shut Thursday and
    Friday", "on November 10"); None if it names none, several, or a month or year (a headline's "in
    2017" is background, not its news)."""
    if not any(character.isdigit() for character in title) and not _A_DAY_WORD.search(title):
        return None  # most headlines
    told = _HEADLINE_INFINITIVE.sub(
        "will ", title, count=1
    )  # headlinese: "Modi to hold talks" will hold them
    days = [
        fact
        for fact, _ in sentence_facts(told, published)
        if len(fact.date) == 10 and (not fact.end_date or len(fact.end_date) == 10)
    ]
    if len(days) != 1:
        return None
    start, end = dt.date.fromisoformat(days[0].date), days[0].end_date
    if _ENGLISH_WEEKDAY.search(told) and not tense_markers(told) and (start - published).days < -3:
        # headlinese in no tense ("central roads shut Thursday and Friday", run on Wednesday): the nearer days
        start, end = start + _A_WEEK, end and (dt.date.fromisoformat(end) + _A_WEEK).isoformat()
    return start.isoformat(), end


_A_WEEK = dt.timedelta(days=7)
_ENGLISH_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)


_HEADLINE_INFINITIVE = re.compile(r"\bto\s+(?=[a-z]+\b)")
_A_DAY_WORD = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|yesterday|tonight)\b"
    r"|сегодня|завтра|вчера|понедельник|вторник|сред[уа]|четверг|пятниц|суббот|воскресень|今天|明天|昨天|今日|明日|昨日|周[一二三四五六日]|星期",
    re.IGNORECASE,
)


def _merge_target(
    found: list[tuple[int, ExtractedFact]], index: int, fact: ExtractedFact, referential: bool
) -> int | None:
    """Where a fact told again goes: a referential mention joins the likeliest fact of its date."""
    candidates = [
        i
        for i, (where, other) in enumerate(found)
        if where != index and other.date == fact.date and other.precision == fact.precision
    ]
    if referential and candidates:
        words = keywords(fact.summary)
        return max(candidates, key=lambda i: (len(words & keywords(found[i][1].summary)), -i))
    return next(
        (i for i in candidates if same_fact(found[i][1], fact) and _one_span(found[i][1], fact)), None
    )


def _one_span(told: ExtractedFact, again: ExtractedFact) -> bool:
    """A day and a span from it are one telling only if they name the same kinds: "Xi met Modi on the
    13th" and "the council met on the 13th-14th" are two happenings of one city."""
    return told.end_date == again.end_date or kinds_in(told.summary) == kinds_in(again.summary)


# "That afternoon, ...", "当天下午，..." (that day, in the afternoon), "В тот же день ...": the day of the
# sentence before, which a sentence opening so tells again without naming it.
_THAT_DAY = re.compile(
    r"^\s*(?:(?:later|earlier)\s+)?(?:on\s+)?(?:that|the same)\s+(?:day|morning|afternoon|evening|night)\b\W*"
    r"|^\s*(?:(?:a\s+few|two|three|several)\s+)?hours\s+(?:later|earlier)\b\W*"  # "Hours later, SCO leaders held ..."
    r"|^\s*(?:当天|當天|当日|當日|同日|同一天)(?:上午|下午|晚上|晚间|晚間)?\W*"
    # "莫迪當天稍早在峰會場邊與習近平會面": after its subject, as Chinese puts a time
    r"|^(?P<who>[^，。；、,\s]{2,14}?)(?:当天|當天|当日|當日|同日)(?:稍早|稍晚|稍后|稍後|早些时候|早些時候|上午|下午|晚上|晚间|晚間)?"
    r"|^\s*(?:в\s+тот\s+же\s+день|в\s+этот\s+же\s+день|в\s+тот\s+день)\W*",
    re.IGNORECASE,
)


_SHORTEST_CHINESE = 6  # characters: a Chinese clause has no spaces to count words by
_THAT_DAY_REACH = 2  # "On 1 September, X. Leaders signed Y. That afternoon, Z": still 1 September


# "A day earlier, Li held talks with Rajnath Singh", "The next day", "Накануне", "次日": days from the day last dated.
_DAYS_FROM_THAT_DAY = re.compile(
    r"^\s*(?:(?P<before>a day earlier|the day before|the previous day|the preceding day)"
    r"|(?P<after>a day later|the next day|the following day|the day after))\b\W*"
    r"|^\s*(?P<before_ru>накануне)(?:\s+же)?\b(?!\s+(?:саммит|встреч|заседани|визит|переговор|выбор|праздник|годовщин)\w*)\W*|^\s*(?P<after_ru>на следующий день)\b\W*"
    r"|^\s*(?P<before_zh>前一天|前一日)\W*|^\s*(?P<after_zh>次日|翌日|第二天)\W*",
    re.IGNORECASE,
)


def _on_that_day(
    sentence: str, before: list[tuple[int, ExtractedFact]], index: int, published: dt.date
) -> ExtractedFact | None:
    """A sentence opening on "that day" tells a fact of the day last dated, a sentence or two before; one
    opening on "a day earlier" or "the next day", of the day before or after it."""
    opening, shift = _THAT_DAY.match(sentence), 0
    if opening is None and (opening := _DAYS_FROM_THAT_DAY.match(sentence)):
        shift = -1 if opening["before"] or opening["before_ru"] or opening["before_zh"] else 1
    if opening is None:
        return None
    days = [fact for at, fact in before if at == before[-1][0]] if before else []
    if (
        not before
        or before[-1][0] < index - _THAT_DAY_REACH
        or len(days) != 1
        or days[0].precision != "day"
        or days[0].end_date
    ):
        if not opening.groupdict().get("before_ru"):
            return None
        # "Накануне Путин провёл переговоры" first, or after a sentence on next year's summit: as
        # "накануне," alone (dates_ru_zh), the day before the report
        days = [ExtractedFact(_day_text(published), None, "day", "", sentence, (), 0.7)]
    title = clip(_tidy((opening.groupdict().get("who") or "") + sentence[opening.end() :]))
    if not (_usable(title) or in_russian_or_chinese(title) and len(title) >= _SHORTEST_CHINESE):
        return None
    day = _day_text(dt.date.fromisoformat(days[0].date) + dt.timedelta(days=shift)) if shift else days[0].date
    return replace(
        days[0],
        date=day,
        title=capitalised(title),
        summary=sentence,
        tags=tags_for(sentence),
        last_before=False,
        another_s=False,
        said_of_a_plan=False,
    )


# A sentence opening on who the sentence before just named ("The two leaders", "He", "双方", "Они") goes
# on telling its happening.
_GOING_ON = re.compile(
    r"^\s*(?:(?:the\s+)?(?:two|both)\s+(?:men|women|leaders|sides|presidents|ministers)|they|he|she)\b"
    r"|^\s*(?:双方|雙方|两国领导人|兩國領導人|随后|隨後)"
    r"|^\s*(?:они|он|она|стороны)\b",
    re.IGNORECASE,
)
# So does one opening on the meeting ("At the meeting", "Leaders", "与会", "会上", "Участники"), when the
# sentence before told of a meeting: after "Li opened the airport" it tells of another day.
_AT_THE_MEETING = re.compile(
    r"^\s*(?:(?:the\s+)?leaders|participants|(?:at|during)\s+the\s+(?:meeting|talks|session|summit))\b"
    r"|^\s*(?:与会|與會|会上|會上|会议期间|會議期間|会谈中|會談中|(?:成员国|成員國|各国|各國)?(?:领导人|領導人))"
    r"|^[^，。、]{1,8}在(?:会上|會上|会议上|會議上|会谈中|會談中)"  # "习近平在会上提出…": who spoke at it
    r"|^\s*(?:лидеры|участники|на\s+встрече|в\s+ходе\s+встречи)\b",
    re.IGNORECASE,
)
_A_MEETING = re.compile(
    r"\b(?:meeting|summit|talks|session|conference|plenary|forum)\b|会议|會議|峰会|峰會|会谈|會談|论坛|論壇"
    r"|встреч|саммит|заседани|форум",
    re.IGNORECASE,
)
# An aside on the past, on what may come or on a wider time ("He had met Xi in May", "They may return",
# "It has grown since") is no step of the day.
_ASIDE = re.compile(
    r"\b(?:had|has|have|previously|earlier|ago|since|last|next|usually|often|always|every|"
    r"will|would|may|might|could|should|expected|plans?)\b"
    r"|曾|已经|已經|此前|以来|以來|每年|将|將|可能|ранее|уже|прошлом|следующ|будет|могут|может",
    re.IGNORECASE,
)


# A relative clause set off by commas ("Mr. Lee, who met the mayor on Sunday, spent Monday with ..."):
# an aside on another day, which the sentence after does not go on with.
_RELATIVE_CLAUSE = re.compile(r",\s*(?:who|which|whom|whose)\b[^,;]*,", re.IGNORECASE)


def _main_clause_facts(facts: list[ExtractedFact], published: dt.date) -> list[ExtractedFact]:
    """The facts of one sentence without those its relative clauses date."""
    sentence = facts[0].summary
    aside = {
        fact.date
        for clause in _RELATIVE_CLAUSE.finditer(sentence)
        for fact, _ in sentence_facts(clause.group(), published)
    }
    kept = [fact for fact in facts if fact.date not in aside]
    return kept if kept else facts


def _going_on(
    sentence: str, before: list[tuple[int, ExtractedFact]], index: int, opens: set[int], published: dt.date
) -> ExtractedFact | None:
    """An undated sentence that goes on telling the day the sentence before it dated, in one paragraph."""
    if index in opens or not before or before[-1][0] != index - 1:
        return None
    days = _main_clause_facts([fact for at, fact in before if at == index - 1], published)
    goes_on = (
        _GOING_ON.match(sentence) or _AT_THE_MEETING.match(sentence) and _A_MEETING.search(days[-1].summary)
    )
    if not goes_on or _ASIDE.search(sentence):
        return None
    if len(days) != 1 or days[0].precision != "day" or days[0].end_date:
        return None
    title = clip(_tidy(sentence))
    if not (_usable(title) or in_russian_or_chinese(title) and len(title) >= _SHORTEST_CHINESE):
        return None
    # The summary keeps the sentence that gave the date, so a reader sees where the day comes from; unless
    # that sentence tells a kind of happening this one does not ("The summit closed yesterday. Leaders
    # signed the declaration."): it is the evidence of that other happening, not of this one.
    dated = days[0].summary
    summary = sentence if kinds_in(dated) - kinds_in(sentence) else f"{dated} {sentence}"
    return replace(
        days[0],
        title=title,
        summary=summary,
        tags=tags_for(sentence),
        last_before=False,
        another_s=False,
        said_of_a_plan=False,
    )


def _names_a_happening(text: str) -> bool:
    """A kind of happening ("summit", "signed") or a meeting ("talks", "会谈")."""
    return bool(kinds_in(text)) or bool(_A_MEETING.search(text))


def _add_going_on(
    found: list[tuple[int, ExtractedFact]], index: int, fact: ExtractedFact, sentence: str
) -> None:
    """A dated sentence naming no kind of happening ("Mr. Lee spent Monday with Mr. Kim."), then one going on
    that names it ("The two men rode to their bilateral meeting."), is one telling of that happening: the
    second takes the first's place, with the names of both."""
    told = next(
        (
            at
            for at, (where, dated) in enumerate(found)
            if where == index - 1
            and dated.date == fact.date
            and fact.summary == f"{dated.summary} {sentence}"
        ),
        None,
    )
    if told is None or _names_a_happening(found[told][1].summary) or not _names_a_happening(sentence):
        found.append((index, fact))
        return
    tags = tuple(dict.fromkeys(found[told][1].tags + fact.tags))
    found[told] = (index - 1, replace(found[told][1], summary=fact.summary, tags=tags))


# A live blog's update opens on its clock time ("4:40 PM Kyrgyzstan has taken over the chairmanship."): the
# time of day the blog ran, which dates the update by the blog's own day.
_CLOCK_TIME = re.compile(rf"^\s*{CLOCK_TIME}\s*(?:[A-Z]{{2,4}}\b\s*)?(?:[:|–—-]\s*)?(?=[A-Z\"“])")
# "4:15 PM Erdogan, a guest at the summit, says he wants Turkey to join one day": what someone says, no happening.
_UPDATE_OF_A_SAYING = re.compile(
    r"(?:[^,.]{1,60},[^,.]{1,60},\s*|[^,.]{1,60}?\s)(?:says|tells|urges|calls for|wants|hopes)\b"
)
_A_LIVE_BLOG = 2  # updates opening on a clock time: one could be a schedule's line, two are a blog


def _an_update_of_the_day(sentence: str, published: dt.date, live: bool) -> ExtractedFact | None:
    """A live blog's update that tells a happening ("2:15 PM Leaders have adopted the declaration."),
    dated by nothing but its clock time: a fact of the blog's day."""
    time = _CLOCK_TIME.match(sentence) if live else None
    if time is None or _UPDATE_OF_A_SAYING.match(sentence, time.end()):
        return None
    if _A_CLAIM_WITHDRAWN.search(sentence):
        return None  # "11:58 PM: Correction: an earlier update said Belarus had become a member"
    day, tags = _day_text(published), tags_for(sentence)
    if kind_of_happening(Report(day, None, sentence, sentence, tags)) is None:
        return None  # "Modi and Putin hold talks": two leaders meeting is a kind too
    title = clip(clean_title(sentence[time.end() :]))
    if not _usable(title):
        return None
    return ExtractedFact(day, None, "day", title, sentence, tags, 0.7)


def _collect(sentences: list[str], published: dt.date, opens: set[int] = frozenset()) -> list[ExtractedFact]:
    """opens: the indexes of sentences that open a paragraph."""
    found: list[tuple[int, ExtractedFact]] = []
    live = sum(1 for sentence in sentences if _CLOCK_TIME.match(sentence)) >= _A_LIVE_BLOG
    entry_year = None  # the year that leads the list entry a paragraph is
    for index, sentence in enumerate(sentences):
        if index in opens:
            led = _YEAR_LED.match(sentence)
            entry_year = int(led.group(1)) if led else None
        stated = sentence_facts(
            sentence, published, entry_year
        )  # an entry's own year leads its first sentence
        news = [fact for fact, _ in stated if not fact.last_before]  # "the first since May 23" is no news
        if not news and (update := _an_update_of_the_day(sentence, published, live)):
            found.append((index, update))
            if not stated:
                continue
        if not stated and (
            same_day := _on_that_day(sentence, found, index, published)
            or _going_on(sentence, found, index, opens, published)
        ):
            _add_going_on(found, index, same_day, sentence)
        if index and not any(i == index - 1 and f.date != published.isoformat() for i, f in found):
            stated = _the_step_told_before(stated, sentences[index - 1], sentence)
        for fact, referential in _with_the_summit_they_were_at(stated, sentence, published):
            target = _merge_target(found, index, fact, referential)
            if target is None:
                found.append((index, fact))
            else:
                # A mention like "the March attack" adds no names to the attack itself.
                merged = merge_facts(found[target][1], fact, with_tags=not referential)
                found[target] = (found[target][0], merged)
    return [fact for _, fact in found]


# "The decision was taken on Tuesday at a cabinet session", after a sentence telling the decision undated.
_THE_STEP_TOLD = re.compile(
    r"(?:The|This|That)\s+(?:decision|move|approval|step|vote|endorsement|ruling)\s+"
    r"(?:was|were|had been)\s+(?:formally\s+|officially\s+)?(?:taken|made|adopted|approved)\b"
)


def _the_step_told_before(
    stated: list[tuple[ExtractedFact, bool]], before: str, sentence: str
) -> list[tuple[ExtractedFact, bool]]:
    """ "Saudi Arabia's cabinet has approved a memorandum granting it the status of dialogue partner" and then
    "The decision was taken on Tuesday at a cabinet session": the one date of a sentence whose subject is the
    step the sentence before told, undated (or dated by its dateline alone), dates that step, told in that
    sentence's words."""
    if len(stated) != 1 or not _THE_STEP_TOLD.match(sentence):
        return stated
    fact, referential = stated[0]
    told = clean_title(before)
    if not told or not names_a_kind(before):  # "Analysts called the outcome historic": no step told
        return stated
    tags = tuple(sorted(set(fact.tags) | set(tags_for(before))))
    return [(replace(fact, title=clip(told), summary=f"{before} {sentence}", tags=tags), referential)]


# "launched Iran's accession on Friday at its 20th-anniversary summit in Dushanbe": the summit the deed was done
# at, named after "at" or "during", with its place if the sentence gives one there.
_AT_A_SUMMIT = re.compile(
    r"\b(?:at|during)\s+(?P<summit>(?:the|a|its|their|an)\s+(?:[\w'’-]+\s+){0,3}?(?i:summits?)"
    r"(?:\s+(?:in|of)\s+(?:the\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)?)",
)
_A_SUMMIT_S_OWNER = re.compile(
    r"^(?:the|a|its|their|an)\s+(?:(?:bloc|group|grouping|organi[sz]ation)['’]s\s+)?"
)
_ANOTHER_BLOC = re.compile(r"\b(?!SCO\b)[A-Z][A-Z0-9]+\b")  # G20, BRICS, CICA, NATO before "summit"
_THE_NEWS_S_DAYS = 3  # a report's news is of its day or the days just before or after
_DEEDS_AT_A_SUMMIT = frozenset(
    {"accession", "agreement", "initiative", "chairmanship", "observer", "founding"}
)


def _with_the_summit_they_were_at(
    stated: list[tuple[ExtractedFact, bool]], sentence: str, published: dt.date
) -> list[tuple[ExtractedFact, bool]]:
    """A deed done at a summit in the days of the report tells two happenings: the deed, and the summit it
    was done at ("The SCO launched Iran's accession on Friday at its summit in Dushanbe"). The summit is a
    fact of its own, titled by the words that name it, with the sentence's names. Not in background ("India
    joined at the Astana summit in 2017"): the summit is where, not news."""
    if len(stated) != 1 or "ummit" not in sentence:
        return stated
    fact, referential = stated[0]
    if fact.precision != "day" or abs((dt.date.fromisoformat(fact.date) - published).days) > _THE_NEWS_S_DAYS:
        return stated
    at = _AT_A_SUMMIT.search(sentence)
    if at is None or referential or fact.last_before or fact.another_s or fact.said_of_a_plan:
        return stated
    if (
        kind_of_happening(Report(fact.date, fact.end_date, fact.title, fact.summary, fact.tags))
        not in _DEEDS_AT_A_SUMMIT
    ):
        return stated
    words = at.group("summit")
    named = _A_SUMMIT_S_OWNER.sub("", words)  # "its", "the bloc's": the SCO's, as the title says
    if _ANOTHER_BLOC.search(named, 0, named.find("summit")):
        return stated  # "at the G20 summit in New Delhi": another body's summit, no SCO summit told
    title = named if "SCO" in named else f"SCO {named}"
    summit = replace(fact, title=title, summary=words)
    return [*stated, (summit, False)]


def extract_facts(title: str, text: str, published: dt.date) -> list[ExtractedFact]:
    """The article at its publication day, then one fact per dated statement, in reading order.

    Each date expression gives one fact; a sentence without one gives none. A fact
    told again later in the article ("the March attack") joins the first telling.
    """
    paragraphs = _its_statements([_with_its_dateline(p) for p in split_paragraphs(text or "")])
    sentences = [sentence for paragraph in paragraphs for sentence in paragraph]
    opens = set(itertools.accumulate([0] + [len(p) for p in paragraphs[:-1]])) if paragraphs else set()
    if not sentences and not _tidy(
        title or ""
    ):  # nothing to tell: no "Untitled article" fact (found in review)
        return []
    named = _the_headline_s_days(title or "", published)
    article = _article_fact(title, sentences, published, named)
    told = _retitled(_collect(sentences, published, opens), title, sentences, published)
    if (
        named
        and (article.date, article.end_date) != named
        and any((f.date, f.end_date) == named for f in told)
    ):
        # "SCO leaders to meet by video on November 10", three weeks ahead, over the lede that dates it
        article = replace(article, date=named[0], end_date=named[1], dated_as_a_statement=True)
    # A statement titled by the headline on the article's day (its dateline, a caption) is the article's own fact.
    own = [f for f in told if (f.date, f.end_date, f.title) == (article.date, None, article.title)]
    for fact in own:
        article = merge_facts(article, fact)
    return [article] + ([f for f in told if f not in own] if own else told)


# "АСТАНА, 4 июля.": a Russian dateline the sentence splitter leaves as a sentence of its own.
_A_DATELINE_ALONE = re.compile(rf"{RUSSIAN_PLACE_AND_DAY}\.?")


def _with_its_dateline(paragraph: list[str]) -> list[str]:
    """A dateline split off as a sentence goes back before the sentence it heads, as wire copy has it."""
    if len(paragraph) > 1 and _A_DATELINE_ALONE.fullmatch(paragraph[0]):
        return [f"{paragraph[0]} {paragraph[1]}", *paragraph[2:]]
    return paragraph


def _its_statements(paragraphs: list[list[str]]) -> list[list[str]]:
    """Without a byline or a credit that stands alone; a live blog's clock time, a heading of its own,
    stays at the start of the update it times ("4:40 PM" over "Kyrgyzstan has taken over the chair")."""
    kept: list[list[str]] = []
    timed = ""
    for paragraph in paragraphs:
        if len(paragraph) == 1 and _A_CLOCK_TIME_ALONE.fullmatch(paragraph[0]):
            timed = paragraph[0]
        elif len(paragraph) > 1 or not only_who_wrote(paragraph[0]):
            kept.append([f"{timed} {paragraph[0]}", *paragraph[1:]] if timed else paragraph)
            timed = ""
    return kept


_A_CLOCK_TIME_ALONE = re.compile(rf"{CLOCK_TIME}(?:\s*{TIME_ZONE})?")


def _retitled(
    facts: list[ExtractedFact], headline: str, sentences: list[str], published: dt.date
) -> list[ExtractedFact]:
    """Each statement's title made readable (events/pipeline/titles.py): no byline, dateline or credit,
    no fragment, no pronoun left to guess; it reads the sentence before and the headline for that."""
    if not facts:
        return facts
    where = {sentence: i for i, sentence in reversed(list(enumerate(sentences)))}
    day = _day_text(published)
    out = []
    for fact in facts:
        i = where.get(fact.summary)
        if i is None:  # a sentence told after the one that dated it (_going_on): the last in its summary
            i = next((at for told, at in where.items() if fact.summary.endswith(" " + told)), 0)
        title = statement_title(
            fact.title,
            fact.summary,
            headline=headline,
            previous=sentences[i - 1] if i else None,
            date=fact.date,
            same_day=fact.date == day,
        )
        out.append(
            replace(fact, title=clip(title), tags=_with_who_it_names(fact.tags, title))
            if title != fact.title
            else fact
        )
    return out


def _with_who_it_names(tags: tuple[str, ...], title: str) -> tuple[str, ...]:
    """A statement's tags with the people its title names: "He met Erdogan on Friday" titled "Putin met
    Erdogan on Friday" (the pronoun read from the sentence before) is a meeting of Putin's too."""
    named = [tag for tag in tags_for(title) if kind_of(tag) == "person" and tag not in tags]
    return tuple(sorted((*tags, *named))) if named else tags


# ---------------------------------------------------------------- output


def facts_as_json(facts: list[ExtractedFact]) -> list[dict]:
    """The fields `timeline extract --json` has always printed (last_before, another_s, said_of_a_plan,
    dated_as_a_statement: the timeline's business)."""
    return [_public(dict(asdict(fact), tags=list(fact.tags))) for fact in facts]


def _public(row: dict) -> dict:
    del row["last_before"], row["another_s"], row["said_of_a_plan"], row["dated_as_a_statement"]
    return row


def _when(fact: ExtractedFact) -> str:
    return human_span(FuzzyDate.parse(fact.date), parse_optional(fact.end_date))


def format_facts(facts: list[ExtractedFact]) -> str:
    """Text for `timeline extract`: when, title, then tags and confidence on an indented line."""
    lines = []
    for fact in facts:
        lines.append(f"{_when(fact):<26}  {fact.title}")
        tags = ", ".join(fact.tags) or "-"
        lines.append(f"{'':<26}  [{fact.precision}; confidence {fact.confidence:.2f}; tags: {tags}]")
    return "\n".join(lines) + ("\n" if lines else "")
