"""Fact titles a reader would not call broken (issue 18): pure functions over one title's text.

Wire copy sticks things to the sentences facts are titled from: bylines ("By Jane Doe"),
datelines ("TIANJIN, Aug 31 (Steppe Wire) -", "ISLAMABAD:"), credits and captions ("Photo:
AFP/...", "FILE PHOTO:", "(Reuters)"), "Reporting by ...; Editing by ..." tails, section
headings and live-blog times glued to a paragraph. And the part of a sentence a date is in
can be a clause fragment ("Beginning on Tuesday, ...", "becoming the first ...", "in Astana on
July 3-4") or lean on a pronoun ("He said ...", "Its charter ...").

- clean_title(sentence, headline) cleans any sentence or title: what sticks to it goes, a
  leading fragment goes when a full statement follows, and a sentence that leans on a pronoun
  gives way to the headline when that reports the same thing.
- clean_headline(headline) cleans an article's headline: kickers ("ANALYSIS-"), agency tails,
  a quotation's opening mark.
- statement_title(title, sentence, ...) is clean_title for a fact the extractor titled from a
  part of a sentence: with the whole sentence, the one before and the fact's date it can say
  who "he" is, what "in Astana on July 3-4" was, and that "This year's meeting" is 2024's.

Russian and Chinese text passes through untouched but for the datelines and credits recognised
safely. Every pattern is compiled once, here; the common title (a clean statement) costs a few
failed matches.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from functools import lru_cache

from events.pipeline.gazetteer import entries, kind_of, tags_for
from events.pipeline.relative_dates import tense_markers

# ---------------------------------------------------------------- what sticks to a sentence

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DASH = r"(?:--?|—|–)"
# A name in a byline: capitalised words ("Helen", "J.", "O'Brien") and the particles of names;
# never a word in capitals, so "By Helen Marsh TIANJIN, ..." ends the name before the city.
_NAME_WORD = r"(?:[A-Z](?:[a-z][\w'’-]*|\.|['’][A-Z][a-z]+)|(?:bin|al|el|de|da|di|van|von|der|du|le|la|ul)\b)"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}"
# A writer's role after the name: "Staff Reporter", "senior fellow", "Contributing Columnist".
_WRITER_ROLE = (
    r"(?i:(?:(?:staff|special|senior|chief|our|political|diplomatic|foreign|research|visiting|non-?resident|guest"
    r"|contributing|associate|assistant)\s+)?"
    r"(?:reporter|correspondent|writer|editor|staff|analyst|fellow|columnist|contributor|professor|researcher)s?)"
)
_BYLINE = rf"By\s+{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})*(?:\s*,\s*{_WRITER_ROLE})?"
# "By Jane Doe, senior fellow Tomorrow the SCO turns twenty": a byline with its role, its own paragraph once.
_BYLINE_WITH_ROLE = rf"By\s+{_NAME}\s*,\s*{_WRITER_ROLE}\s+(?=[A-Z\"“])"
_CITY = r"[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){0,3}"
_WIRE_DATE = rf"{_MONTH}\s+\d{{1,2}}(?:\s*,\s*\d{{4}})?"
# "TIANJIN, China, Aug 31 (Meridian) -", "ISLAMABAD:", "BEIJING, Sept. 1 (Xinhua) --".
_WIRE_DATELINE = (
    rf"{_CITY}(?:\s*,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,2}})?"
    rf"(?:\s*,?\s*{_WIRE_DATE})?(?:\s*\([^()]{{1,40}}\))?(?:\s*(?:{_DASH}|:)\s*|\s*$)"
)
# "Tianjin, Aug 31 (Steppe Wire) -": a dateline in mixed case says its date and agency.
# "Astana, June 8: ...", as Indian papers write it: the place, the day and a colon.
_MIXED_DATELINE = (
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?:\s*,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?"
    rf"\s*,?\s*{_WIRE_DATE}\s*(?:\([^()]{{1,40}}\)(?:\s*{_DASH}\s*|\s*$)|:\s+)"
)
# "MOSCOW, September 1. /TASS/." and "Tianjin (China) (AFP) -".
# "DONGUZ TRAINING GROUND, Orenburg Region, September 24. /Neva Dispatch/.": with the region after the place.
_TASS_DATELINE = (
    rf"{_CITY}(?:\s*,\s*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){{0,2}})?,\s*{_MONTH}\s+\d{{1,2}}\.\s*"
    r"/[A-Z][\w -]{1,20}/\.?\s*"
)
_AGENCY_DATELINE = (
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?:\s*\([A-Z][\w ]{1,20}\))?(?:\s*,\s*[A-Z][a-z]+)?"
    rf"\s*\((?:AFP|AP|Reuters|Xinhua|TASS|ANI|PTI|IANS|Bloomberg|dpa|EFE|Anadolu|Sputnik|IRNA)\)\s*{_DASH}\s*"
)
# "UPDATED: Sept 1, 2025 10:15 IST", "Published: 01 Sep 2025": a page's stamp, up to the sentence it heads.
_STAMP_LABEL = r"(?:Updated|UPDATED|Published|PUBLISHED|Last updated|First published|Posted)(?:\s+on)?\s*:\s*"
_STAMP = (
    _STAMP_LABEL
    + rf"(?:[\w,:./-]+\s+){{1,5}}?(?:(?:IST|GMT|BST|UTC|PKT|MSK|CST|HKT|SGT|ET|PT)\s+)?(?=(?!{_MONTH}\b)[A-Z][a-z])"
)
# Capitals that open a sentence without being a city: "SCO - Russia", "US: ...".
_NOT_CITIES = frozenset(
    "SCO BRICS NATO UN EU US USA UK CSTO ASEAN OPEC IMF WHO OIC GCC CIS EAEU AIIB RATS CPEC PM FM CEO "
    "OK TV AI GDP".split()
)
_KICKER = (
    r"(?:ANALYSIS|EXCLUSIVE|FACTBOX|EXPLAINER|INSIGHT|FOCUS|PREVIEW|WRAPUP(?:\s+\d+)?|UPDATE(?:\s+\d+)?"
    r"|REFILE|CORRECTED|CORRECTION|BREAKINGVIEWS|COLUMN|INTERVIEW|TIMELINE|FEATURE|BREAKING|RPT|REPEAT"
    r"|GRAPHIC|QUOTEBOX|SCENARIOS|WATCH|VIDEO|PHOTOS?|LIVE(?: UPDATES)?)\s*(?:[-—–:|]\s*)"
)
# A live blog's clock time ("4:40 PM", "18:00") and the time zones its updates name (extract.py reads them too).
CLOCK_TIME = r"\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?"
TIME_ZONE = r"(?:IST|GMT|BST|UTC|CET|CEST|EST|EDT|ET|PT|PKT|MSK|HKT|SGT)"
_TIMESTAMP = (
    rf"(?:{CLOCK_TIME}|\d{{1,2}}\s*[AaPp]\.?[Mm]\.?)"
    rf"(?:\s*{TIME_ZONE})?(?:\s*[:|–—-])?\s+(?=[A-Z\"“'‘])"
)
# A live blog's greeting: "Welcome to LotusLine's live coverage of the second day of ...".
_WELCOME = r"Welcome to (?:\S+\s+){0,4}?(?:live\s+)?(?:coverage|blog|updates)\s+(?:of|on|from)\s+"
# A section heading glued to its paragraph once the page's markup is gone: "History The organisation ...".
_HEADING = (
    r"(?:History|Background|Membership|Purpose|Origins?|Overview|Structure|Context|Timeline|Outlook|Summary"
    r"|Profile|Key facts|What next|Why it matters|Reaction|Details|Highlights)\s+"
    r"(?=(?:The|A|An|In|On|At|Its|It|This|These|Since|After|When|From|Founded|[A-Z]{2,})\b)"
)
_PHOTO_LABEL = (
    r"(?:FILE PHOTO|FILE|PHOTO|PICTURE|IMAGE|PICTURED|Pictured|File photo|Photo|Picture|Image)"
    r"(?:\s+caption)?\s*[:|]\s*"
)
_CAPTION_LEAD = (
    r"(?:(?:In\s+)?(?:the|this|a)\s+)?(?:file\s+)?(?:photo|picture|image)(?:graph)?"
    r"(?:\s+(?:taken|shot|released|provided)\s+(?:on|in|by)\s+[^,]{1,40}?)?(?:\s+shows\s+|,\s+)"
)
# Russian: "Астана. Беларусь ..." and "МОСКВА, 1 сентября. /ТАСС/." or "МОСКВА, 1 сен — РИА Новости.".
# "АСТАНА, 4 июля": a Russian dateline's place in capitals and its day (extract.py reads it too).
RUSSIAN_PLACE_AND_DAY = r"[А-ЯЁ][А-ЯЁ -]+,\s*\d{1,2}\s+[а-яё]+"
_RUSSIAN_DATELINE = (
    r"(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё]+)?\.\s+(?=[А-ЯЁ«\"])"
    rf"|{RUSSIAN_PLACE_AND_DAY}\.?\s*(?:/[^/]{{1,20}}/\.?|[—–-]\s*[А-ЯЁ][\w -]{{1,25}}?\.)\s*"
    rf"|{RUSSIAN_PLACE_AND_DAY}\.\s+(?=[А-ЯЁ«\"]))"  # "АСТАНА, 4 июля. Белоруссия ..."
)
# Chinese: 本报讯（记者 王晓敏）, 本报天津8月31日电, 据新华社消息, （寶島新聞網綜合外電報導）, 【本報訊】.
_CHINESE_DATELINE = (
    r"(?:【[^】]{1,20}】|〔[^〕]{1,20}〕|[（(][^）)]{1,30}(?:报道|報導|电|電|讯|訊|消息)[）)]"
    r"|本[报報](?:讯|訊)(?:[（(][^）)]{0,20}[）)])?"
    r"|(?:本[报報]|新华社|新華社|中新社|中新网|中新網)[^\s，,。]{0,12}?\d{1,2}月\d{1,2}日[电電](?:[（(][^）)]{0,20}[）)])?"
    r"|[据據][^\s，,。]{1,10}消息)\s*"
)
# A byline that was a paragraph of its own, run into the lede once the page's markup is gone: "By Jane Doe
# The summit ended on Monday". A name of two or three words, then a sentence's first word: a word that opens
# sentences ("The", "A"), or a capitalised word before a lower-case one ("Belarus became", "Road closures").
_NOT_A_NAME = rf"(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|{_MONTH}\s)"
_BYLINE_ALONE = (
    rf"By\s+{_NOT_A_NAME}{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}}?\s+"
    r"(?=(?:The|A|An|In|On|At|After|For|When|With|Leaders|Officials)\s|[A-Z][a-z]+,?\s+[a-z])"
)
_LEADS = re.compile(
    rf"(?:{_BYLINE}\s+(?:{_WIRE_DATELINE}|{_MIXED_DATELINE})|{_BYLINE}\s*(?:[-—–|:•·]\s*|$)|{_BYLINE_ALONE}"
    rf"|{_BYLINE_WITH_ROLE}"
    rf"|{_STAMP}|{_TASS_DATELINE}|{_WIRE_DATELINE}|{_MIXED_DATELINE}|{_AGENCY_DATELINE}|{_KICKER}|{_TIMESTAMP}"
    rf"|{_HEADING}|{_WELCOME}|{_RUSSIAN_DATELINE}"
    rf"|{_CHINESE_DATELINE})"
)
# Indian and Pakistani papers: "New Delhi: Prime Minister ...". Body text only (a headline's
# "Explained: why ..." is the editor's); not a person's name ("Modi: ...").
_PLACE_COLON = re.compile(r"([A-Z][a-z]+(?:\s[A-Z][a-z]+)?):\s+(?=\S+\s+\S+\s+\S+\s+\S)")
# A byline and dateline after a headline glued to its lede: "Headline By X CITY, Aug 31 (Wire) - Lede".
_GLUED = re.compile(
    rf"\s(?:{_BYLINE}\s+(?:{_WIRE_DATELINE}|{_MIXED_DATELINE})"
    rf"|{_CITY}(?:\s*,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,2}})?\s*,?\s*{_WIRE_DATE}\s*\([^()]{{1,40}}\)"
    rf"\s*{_DASH}\s*)"
)

_AGENCIES = (
    r"Reuters|REUTERS|AP|AFP|Xinhua|XINHUA|TASS|ANI|PTI|IANS|UNI|APP|IRNA|Bloomberg|dpa|DPA|EFE|Kyodo"
    r"|Yonhap|Anadolu|Interfax|RIA Novosti|Sputnik|Kazinform|KUNA|WAM|SPA|CNA|Bernama|Antara"
)
# Credits inside a sentence, each opening with a bracket so the search skips along: "(Reuters)", "(Photo: AFP)".
_CREDITS = re.compile(
    rf"[\(\[](?:{_AGENCIES})[\)\]]"
    r"|[\(\[](?:Photos?|Images?|Pictures?|Credits?|Photo credit|Фото)\s*[:：][^()\[\]]{0,80}[\)\]]"
    r"|[\(\[](?:Photos?|Images?|Pictures?|Video)\s*(?:/|by\s)[^()\[\]]{1,60}[\)\]]"
    r"|[（(](?:责任编辑|責任編輯|编辑|編輯|记者|記者)[：:\s][^）)]{0,20}[）)]"
)
_GETTY = re.compile(r"[\(\[]?(?:[\w.'’-]+(?:\s[\w.'’-]+)?/)?(?:AFP\s+via\s+)?Getty Images[\)\]]?")
_SPACE_BEFORE_STOP = re.compile(r"\s+(?=[.,;:!?])")
# Tails, read only where they can be: "(Reporting by ...; Editing by ...)" from its first word on, a
# credit or an agency in the last few dozen characters.
_BY_TAIL = re.compile(
    r"[\(\[]?\b(?:Additional reporting|Reporting|Writing|Editing|Compiled|Research|Translation|Written|Edited"
    r"|Photography) by\s+[A-Z]"
)
_END_TAIL = re.compile(
    r"\s[\(\[]?(?:Photos?|Images?|Pictures?|Credits?|Photo credit|Фото|Источник)\s*[:：][^()\[\]:：]{0,80}[\)\]]?\s*$"
    rf"|\s(?:REUTERS|AFP|AP|XINHUA|EPA(?:-EFE)?|TASS|SPUTNIK|ANI|PTI)(?:/[\w .'’-]{{1,40}})?\s*$"
    rf"|\s(?:{_AGENCIES}|EPA|Getty Images)/[A-Z][\w .'’-]{{1,40}}$"
    rf"|\s(?:{_DASH}|\|)\s*(?:{_AGENCIES}|AP News|Al Jazeera|BBC News|CNN|The Hindu|Dawn|Global Times)\s*$"
)
_END_TAIL_CHARS = 100
_POSITIONS = re.compile(
    r",\s*(?:(?:second|third|fourth)\s+(?:from\s+)?)?(?:centre|center|left|right|front|back|top|bottom|rear)"
    r"(?:\s+row)?(?:,?\s+(?:left|right|centre|center))?\s*,\s*"
    r"|\s*\((?:L|R|C|L-R|R-L|from left|from right|(?:(?:second|third|fourth)\s+(?:from\s+)?)?"
    r"(?:centre|center|left|right|front|back|top|bottom|rear)(?:\s+row)?(?:,?\s+(?:left|right|centre|center))?)\)",
    re.IGNORECASE,
)
_LABEL_ONLY = re.compile(
    r"(?:FILE PHOTO|File photo|Photos?|PHOTOS?|Images?|Pictures?|Credits?|Фото|Источник)\s*[:：]?"
)
_CAPTION = re.compile(rf"(?:{_PHOTO_LABEL}|{_CAPTION_LEAD})", re.IGNORECASE)
# What follows "Photo:" when it is only a credit: "AFP/Getty Images", capitalised words and slashes.
_CREDIT_ONLY = re.compile(r"(?:[A-Z][\w.'’-]*\s*(?:/\s*)?){1,6}")

# ---------------------------------------------------------------- words

_PRONOUN_LEAD = re.compile(
    r"(?P<word>He|She|They|It|Its|His|Her|Their|This|That|These|Those)\b(?P<rest>.*)", re.DOTALL
)
_SUBJECT_PRONOUNS = frozenset("he she they it we i you this that these those there".split())
_ROLE = re.compile(
    r"\b(?:President|Prime Minister|Premier|Minister|Chancellor|Secretary|Spokes(?:man|woman|person)|Ambassador"
    r"|Envoy|Leader|Chairman|Chair|King|Queen|Emir|Sheikh|Mr|Mrs|Ms|Dr|General|Admiral|Governor|Mayor"
    r"|minister|president|premier|spokes(?:man|woman|person)|ambassador|envoy|leader|official|diplomat|analyst)\b"
)
_STOPWORDS = frozenset(
    "a an the and or but of to in on at by for from with as is are was were be been being will would shall "
    "should may might can could has have had do does did it its this that these those their his her they he she "
    "we you i not no also than then there here which who whom whose what when where while after before since "
    "about into over under between during amid said says say according last next first year years month week "
    "day days today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_VERBS = frozenset(
    "is are am was were be been has have had do does did will would shall should can could may might must "
    "says said marks runs remains holds meets opens closes begins ends continues becomes joins takes hosts "
    "visits calls urges plans seeks wants needs faces sees shows follows covers includes wraps starts lasts "
    "comes goes gets gives makes leads chairs attends arrives leaves signs adopts approves agrees tells warns "
    "denies rejects backs proposes launches expects hopes looks heads flies travels returns welcomes thanks "
    "praises condemns announces confirms reports adds notes stresses insists claims argues hails pledges "
    "vows plays stands sits falls rises grows drops gains loses wins fails owns belongs represents sends "
    "brings puts sets keeps seems appears means lies gather gathers meet open close begin end take host "
    "visit attend arrive sign adopt approve agree lead chair discuss discusses".split()
)
_NOT_VERBS = frozenset("indeed united limited red speed need seed exceed proceed succeed hundred".split())
_BASE_FORMS = frozenset(
    "be have do gather meet open close begin end take host visit attend arrive sign adopt approve agree lead "
    "chair discuss".split()
)
_DATE_WORD = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|today|tonight|yesterday|tomorrow|"
    r"(?:this|last|next|coming)\s+(?:week|weekend|month|year)|\d{1,2}(?:st|nd|rd|th))\b"
)
_CONJOINED = re.compile(r"\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*&\s*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=4096)
def _has_verb(text: str) -> bool:
    """A finite verb: a common one ("is", "said", "proposed", "marks"; not an infinitive: "to visit
    India" has none), else a tense the date extractor reads ("met", "will host").

    The word list first: it settles most statements without the extractor's tokenising.
    Cached: a title is asked about again as its rewrites try it.
    """
    after_to = False
    for word in _words(text):
        if word == "May":  # the month; the verb is "may"
            continue
        word = word.lower()
        if word in _VERBS and not (after_to and word in _BASE_FORMS):
            return True
        if len(word) > 4 and word.endswith("ed") and word not in _NOT_VERBS:  # "proposed", "admitted"
            return True
        after_to = word == "to"
    return bool(tense_markers(text))


def _keywords(text: str) -> frozenset[str]:
    """Content words, lowercased, a plural's or possessive's s dropped: for "reports the same thing"."""
    out = set()
    for word in _words(text.lower()):
        word = word.rstrip("'’")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word not in _STOPWORDS and len(word) > 1:
            out.add(word)
    return frozenset(out)


def _reports_same(text: str, headline: str) -> bool:
    """The headline shares the title's key words: two at least, and a third of the title's."""
    mine, theirs = _keywords(text), _keywords(headline)
    shared = len(mine & theirs)
    return shared >= 2 and shared * 3 >= len(mine)


_ODD_SPACE = re.compile(r"[^\S ]")  # a tab, a line break, a no-break space...


def _collapse(text: str) -> str:
    """Whitespace collapsed to single spaces; most text has nothing to collapse and is returned as it is."""
    if not text:
        return ""
    if "  " in text or text[0] == " " or text[-1] == " " or _ODD_SPACE.search(text):
        return " ".join(text.split())
    return text


def capitalised(text: str) -> str:
    """The first letter in capitals, after any opening quote or other mark: a title never starts in lower case.

    A title that opens with a number ("2025 marks ...") is left as it is.
    """
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :] if char.islower() else text
        if char.isdigit():
            return text
    return text


_EDGE = " ,;:—–-|•·"


def _finish(text: str) -> str:
    """Whitespace collapsed, no stray punctuation at either end, no full stop, a capital first letter."""
    text = _collapse(text).strip(_EDGE)
    if text.endswith((".", "。")) and not text.endswith("..."):
        text = text[:-1].rstrip(_EDGE)
    return capitalised(text)


# ---------------------------------------------------------------- stripping


# Chinese profiles and explainers: "成立：2001年..." (a label) and "扩员 2017年6月..." (a heading run into its
# paragraph); Chinese puts no space between words, so a short run of characters before one is no sentence.
_CJK_LABEL = re.compile(r"[\u4e00-\u9fff]{2,4}(?:[：:]\s*|\s+)(?=[\d\u4e00-\u9fff“「《])")


def _strip_leads(text: str, body: bool) -> str:
    """Bylines, datelines, kickers, times and headings at the start, as many as there are."""
    for _ in range(6):  # "By X TIANJIN, Aug 31 (Wire) - 6:10 PM ...": a few at most
        match = _LEADS.match(text)
        if match and match.end() and not _a_name_not_a_city(match.group(0)):
            text = text[match.end() :].lstrip(_EDGE)
            continue
        if body:
            label = _CJK_LABEL.match(text)
            if label:
                text = text[label.end() :]
                continue
            place = _PLACE_COLON.match(text)
            if place and not _a_person(place.group(1)):
                text = text[place.end() :]
                continue
        break
    return text


def where_the_leads_end(text: str) -> int:
    """How far the byline, dateline and stamps at a sentence's start run (0 for none): a date in a
    dateline ("ASTANA, July 6 -") is the day the report was filed, not a day of what it reports."""
    return len(text) - len(_strip_leads(text, body=False))


def _a_name_not_a_city(lead: str) -> bool:
    """ "SCO - Russia ..." and "US: ..." open with capitals that are no dateline."""
    first = (lead.split(maxsplit=1) or [""])[0].strip(" .,:'’-—–")
    return first in _NOT_CITIES


def _a_person(words: str) -> bool:
    return any(kind_of(tag) == "person" for tag in tags_for(words))


def strip_wire(text: str, headline: str | None = None, body: bool = True) -> str:
    """The text without what wire copy sticks to it: bylines, datelines, credits, captions' labels, tails.

    A headline glued to the lede it heads goes too ("Headline By X CITY, Aug 31 (Wire) - Lede").
    """
    text = _collapse(text)
    if headline and body:
        text = _without_headline(text, _collapse(headline))
    glued = _GLUED.search(text) if body and ("By " in text or ") -" in text or ") —" in text) else None
    if glued and len(text[: glued.start()].split()) <= 25:
        text = text[glued.start() + 1 :]
    text = _strip_leads(text, body)
    text = _without_tails(_without_credits(text)).strip(_EDGE)
    return "" if _LABEL_ONLY.fullmatch(text) else text


def _without_credits(text: str) -> str:
    found = 0
    if "(" in text or "[" in text or "（" in text:
        text, found = _CREDITS.subn(" ", text)
    if "Getty" in text:
        text, getty = _GETTY.subn(" ", text)
        found += getty
    return _SPACE_BEFORE_STOP.sub("", _collapse(text)) if found else text


def _without_tails(text: str) -> str:
    if " by " in text:
        tail = _BY_TAIL.search(text)
        if tail:
            text = text[: tail.start()].rstrip()
    tail = _end_tail(text)
    return text[: tail.start()] if tail else text


def _end_tail(text: str) -> re.Match[str] | None:
    """A credit or agency ending the text; each holds a colon, a slash, a dash or a bar, or ends in capitals."""
    start = max(0, len(text) - _END_TAIL_CHARS)
    end = text[start:]
    if any(mark in end for mark in _TAIL_MARKS) or text[-2:].isupper():
        return _END_TAIL.search(text, start)
    return None


_TAIL_MARKS = (":", "：", "/", "|", " -", "—", "–")


def _without_headline(text: str, headline: str) -> str:
    """A lede that starts by repeating its headline (the page's heading and paragraph run together)."""
    core = headline.rstrip(" .!?")
    if len(core) >= 12 and len(text) > len(core) + 12 and text[: len(core)].lower() == core.lower():
        return text[len(core) :].lstrip(" .!?:-—–|")
    return text


def _uncaptioned(text: str) -> tuple[str, bool]:
    """A caption's labels and positions ("FILE PHOTO:", "Photo shows", ", centre,") gone; was it one?"""
    caption = False
    match = _CAPTION.match(text)
    if match:
        rest = text[match.end() :]
        if _CREDIT_ONLY.fullmatch(rest.strip(" ./")):  # "Photo: AFP/Getty": a credit, nothing to tell
            return "", True
        text, caption = rest, True
    if "," in text or "(" in text:
        stripped = _POSITIONS.sub(" ", text)
        caption = caption or stripped != text
        text = stripped
    return text, caption


# ---------------------------------------------------------------- leading fragments

_LEAD_FRAGMENT = re.compile(
    r"(?P<lead>(?P<first>Beginning|Starting|Earlier|Later|Meanwhile|Separately|Elsewhere|Yesterday|Today|Tomorrow"
    r"|Overnight|Last|This|Next|Early|Late|On|In|At|From|Since|After|Before|During|Until|Over|Within|Following"
    r"|Ahead|Back|Speaking|Addressing|Describing|Asked|Answering|Responding|Commenting|Referring|Turning|Citing"
    r"|Writing|Briefing)\b(?:[^,;:]|,\s*\d{4}\b){0,80}?),(?!\s*\d{4}\b)\s+(?P<rest>\S.*)",
    re.DOTALL,
)
# A passive phrase said of a noun before it, so followed by when or where: "the summit, held on June 9-10,"
# or "to be held on ..."; "held talks with Xi" is a deed.
PASSIVE_OPENING = re.compile(
    r"(?:to\s+be\s+)?(?:held|hosted|convened|staged|scheduled|slated|set|due|planned)\s+"
    r"(?:on|in|at|from|for|between|over|until|till|through|this|next|later|early|late|during|to\s+(?:open|run|start|begin))\b",
    re.IGNORECASE,
)
_NOT_A_STATEMENT_START = re.compile(
    r"(?:and|but|or|which|who|whom|whose|that|when|where|while|as|if|because|although|though|so|then|"
    rf"including|with|without|after|before|since)\b|{PASSIVE_OPENING.pattern}",
    re.IGNORECASE,
)


def drop_lead_fragments(text: str) -> str:
    """ "Beginning on Tuesday, leaders ..." is "Leaders ...": a leading fragment goes when a full statement follows.

    The fragment holds no verb of its own (a participle may open it: "Speaking at the summit,");
    what follows has one, starts a statement and runs to four words at least.
    """
    for _ in range(3):  # "Later on Monday, at the SCO Plus meeting, Xi proposed ..."
        match = _LEAD_FRAGMENT.match(text)
        if not match:
            break
        lead, rest = match["lead"], match["rest"]
        if lead.count('"') % 2 or lead.count("“") != lead.count("”"):  # a quotation runs on past the comma
            break
        if _has_verb(lead[len(match["first"]) :]) or not _a_statement(rest):
            break
        text = capitalised(rest)
    return text


def _a_statement(text: str) -> bool:
    """Four words with a verb, or fewer cut off by the limit ("Xi proposed the…")."""
    enough = len(text.split()) >= (2 if text.endswith("…") else 4)
    return enough and not _NOT_A_STATEMENT_START.match(text) and _has_verb(text)


# ---------------------------------------------------------------- the public cleaners


def clean_title(sentence: str, headline: str | None = None) -> str:
    """A title from a sentence (or a title made from one) that a reader would not call broken.

    Bylines, datelines, credits, captions' labels and tails go wherever they stick (start, end,
    between a headline and its lede); a leading clause fragment goes when a full statement
    follows; a sentence led by a pronoun, or with nothing left but a caption, gives way to the
    headline when that reports the same thing. Never empty when the sentence is not: the
    original text, tidied, is the last resort.
    """
    original = _finish(sentence)
    text, caption = _uncaptioned(strip_wire(sentence, headline))
    text = _finish(drop_lead_fragments(_finish(text)))
    if headline and (not text or caption or leans_on_pronoun(text)):
        if not text or _reports_same(text, headline):
            return clean_headline(headline) or text or original
    return text or original


def clean_headline(headline: str) -> str:
    """An article's headline without a kicker ("ANALYSIS-"), credit or agency tail; a quotation keeps its mark.

    "'Not an era of war': Modi tells Putin" keeps its opening quote, which tidying the edges would drop.
    """
    raw = _collapse(headline)
    text = _finish(strip_wire(raw, body=False))
    if not text:
        return _finish(raw)
    return _with_opening_quote(raw, text)


_CLOSING_SINGLE = re.compile(r"[^\Ws]['’](?=[\s:,;.!?]|$)")  # "war':", not the plural possessive "leaders' "


def _with_opening_quote(raw: str, text: str) -> str:
    """The opening single quote a headline starts with, when the quotation it opens closes inside."""
    if raw[:1] in "'‘" and text[:1] not in "'‘" and _CLOSING_SINGLE.search(text):
        return raw[:1] + text
    return text


_DATE_NOUN = re.compile(r"\s+(?:year|month|week|weekend|morning|afternoon|evening)\b")


# A paragraph that only says who wrote or took it: "By Jane Doe", "(Reporting by ...; Editing by ...)".
# "By Xu Ping in Qingdao | Updated: 2018-06-08 07:30": a byline with its city and the page's stamp.
# (dates and times only: "Published: July 4, Belarus joined the SCO" is a statement)
_PAGE_STAMP = (
    _STAMP_LABEL
    + rf"(?:[\d:./,-]|\s|{_MONTH}\b|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b|[AaPp]\.?[Mm]\.?|{TIME_ZONE}\b){{1,20}}"
)
# "By Xu Ping in Qingdao", "By Ritika Shukla | Lucknow": the writer and the city; not "By Tuesday in Astana".
_BYLINE_AND_CITY = rf"By\s+{_NOT_A_NAME}{_NAME}(?:\s+in\s+{_NAME}|\s*[|•·]\s*{_NAME})"
_ONLY_WHO_WROTE = re.compile(
    rf"(?:(?:{_BYLINE_AND_CITY}|{_BYLINE})(?:\s*[|•·]\s*{_PAGE_STAMP})?|{_PAGE_STAMP}|[\(\[]?(?:Additional reporting|Reporting|Writing|Editing|Compiled|Written|Edited)\s+by\b[^()\[\]]*"
    r"[\)\]]?|(?:Photos?|Images?|Pictures?|Credits?|Photo credit|Фото)\s*[:：]\s*[^.!?。]{1,60})\s*\.?"
)


def only_who_wrote(paragraph: str) -> bool:
    """A byline or a credit standing alone, as its own paragraph: no statement, and no lede."""
    return len(paragraph) <= _BYLINE_CHARS and bool(_ONLY_WHO_WROTE.fullmatch(paragraph))


_BYLINE_CHARS = 160


def leans_on_pronoun(text: str) -> bool:
    """ "Its founding declaration was signed ...", "He arrived ...": a title that reads only after the sentence
    before it ("This year's meeting" leans on a date, which is read)."""
    match = _PRONOUN_LEAD.match(text)
    if not match:
        return False
    word, rest = match["word"], match["rest"]
    if word in ("This", "That", "These", "Those"):  # "This year's meeting" leans on a date, not a pronoun
        return not _DATE_NOUN.match(rest)
    return True


# ---------------------------------------------------------------- a statement fact's title


def statement_title(
    title: str,
    sentence: str,
    *,
    headline: str | None = None,
    previous: str | None = None,
    date: str | None = None,
    same_day: bool = False,
    limit: int = 120,
) -> str:
    """The title of a fact the extractor titled from part of a sentence, made readable.

    title is the extractor's (maybe clipped with "…"), sentence the one it came from, previous
    the sentence before, date the fact's ("2024", "2024-07", "2024-07-04"), same_day whether
    that is the article's own day. Besides clean_title's work:
    - a part that was only a byline or dateline, or a caption on the article's day, is the headline;
    - a bare "a senior official said on Friday" takes what was said;
    - "NP, which joined in 2023" is "NP joined in 2023"; "It was ... the organization, which was
      founded in 2001" is "The organization was founded in 2001"; "It is Belousov's first ..."
      is "Belousov's first ..."; "This year's meeting" is "The 2024 meeting";
    - a fragment with no verb ("In Astana on July 3-4") grows to the noun phrase it belongs to;
      one opened by a participle ("becoming the first ...") takes the sentence's subject;
    - "He", "They", "Its" become who or what the sentence, the one before or the headline names;
      failing that the headline, when it reports the same thing or the same day.
    The result is not clipped: over limit, "Shanghai Cooperation Organisation (SCO)" is "SCO".
    """
    if _nothing_to_do(title, headline, limit):
        return title
    clipped = title.endswith("…")
    text = strip_wire(title, headline)
    if clipped and text != title:
        text = _unclipped(text, sentence)
    if not text.strip(" …"):  # the part was a byline or dateline: the article's own report
        if headline:
            return clean_headline(headline)
        return _shortened(_finish(drop_lead_fragments(_finish(strip_wire(sentence)))), limit) or _finish(
            title
        )
    text, caption = _uncaptioned(text)
    if caption and headline and (same_day or _reports_same(text, headline)):
        return clean_headline(headline)
    text = _finish(text)
    dropped = drop_lead_fragments(text)
    text = (_finish(dropped) if dropped is not text else text) or _finish(title)
    if text.endswith("…") and len(text) < len(title):  # what was cut from the start makes room at the end
        text = _finish(_unclipped(text, sentence))
    stripped: list[str] = []

    def body() -> str:
        """The sentence without its byline and credits, worked out only for the titles that need it."""
        if not stripped:
            stripped.append(_finish(strip_wire(sentence)))
        return stripped[0]

    words = text.split()
    if len(words) <= _REPORT_WORDS and not _REPORT_VERBS.isdisjoint(words):
        text = _report_only(text, body)
    if ", which " in text or ", who " in text:
        text = _relative_start(text)
    if words and words[0].lower() in ("which", "who"):
        text = _relative_fragment(text, body)
    if words and words[0] in _REWRITTEN_STARTS:
        text = _date_determiner(_predicate_only(_cleft(text)), date)
    if _a_fragment(text):
        if (text[:1].isdigit() or _MONTH_START.match(text)) and _only_dates(text):
            # "2025, 31 August - 1 September" of "...: Tianjin, China": the whole line
            text = body() or text
        else:
            text = _participle(text, body) or (not _has_verb(text) and _noun_phrase(text, body)) or text
    fronted = _FRONTED.fullmatch(text) if " it " in text or " they " in text or " he " in text else None
    if fronted:  # "Together with China ... it took part in ...": who "it" is, and the company after
        # read as a sentence of its own: "it" is not in the fronted words
        alone = capitalised(fronted["rest"])
        said = _resolved(alone, lambda: alone, previous, headline)
        if said != alone:
            text = f"{said} {fronted['pp'][:1].lower()}{fronted['pp'][1:]}"
    if text.split(maxsplit=1)[:1] and text.split(maxsplit=1)[0] in _PRONOUNS:  # "He", "Its", ...
        text = _resolved(text, body, previous, headline)
        if headline and leans_on_pronoun(text) and (same_day or _reports_same(text, headline)):
            return clean_headline(headline)
    return _shortened(_finish(text), limit) or _finish(title)


# Whatever statement_title could change starts a title this way, or holds one of these: a clean
# title is let through after a few checks, not taken apart (most titles are clean statements).
_SUSPECT_START = re.compile(
    rf"{_LEADS.pattern}|(?i:{_CAPTION.pattern})|{_LEAD_FRAGMENT.pattern}|{_CJK_LABEL.pattern}|{_PLACE_COLON.pattern}"
    r"|(?:He|She|They|It|Its|His|Her|Their|This|That|These|Those|Last|Next|[A-Z][a-z]+ing)\b|\d",
    re.DOTALL,
)
_SUSPECT_INSIDE = (
    "Getty",
    " by ",
    "By ",
    ") -",
    ") —",
    ", which ",
    ", who ",
    " it ",
    " he ",
    " she ",
    " they ",
)
_POSITION_HINT = re.compile(
    r",\s*(?:second|third|fourth|centre|center|left|right|front|back|top|bottom|rear)\b", re.IGNORECASE
)


def _nothing_to_do(title: str, headline: str | None, limit: int) -> bool:
    """A title none of statement_title's rules would touch: it is returned as it is."""
    if len(title) > limit or _SUSPECT_START.match(title) or any(s in title for s in _SUSPECT_INSIDE):
        return False
    if (
        not title.strip(" …")
        or "  " in title
        or (headline and title[:12].lower() == headline.strip()[:12].lower())
    ):
        return False  # whitespace to collapse; a lede run on from its headline
    if title != title.strip(_EDGE) or title.endswith((".", "。")) or capitalised(title) is not title:
        return False
    if _end_tail(title) or _POSITION_HINT.search(title):
        return False
    if ("(" in title or "[" in title or "（" in title) and (
        _CREDITS.search(title) or _POSITIONS.search(title)
    ):
        return False  # "(Reuters)", "(L)"; not "(SCO)"
    words = title.split()
    if len(words) <= _REPORT_WORDS and not _REPORT_VERBS.isdisjoint(words) and _REPORT_ONLY.fullmatch(title):
        return False
    return not _a_fragment(title) or _has_verb(title)


_REPORT_WORDS = 10  # "a senior official in the ministry of external affairs said on Friday"
_REPORT_VERBS = frozenset(
    "said says told announced confirmed stated reported added noted declared disclosed revealed tweeted "
    "posted wrote indicated".split()
)
_MONTH_START = re.compile(_MONTH)
_REWRITTEN_STARTS = frozenset("It This That Last Next".split())
_PRONOUNS = frozenset("He She They It Its His Her Their This That These Those".split())


_FRAGMENT_WORDS = 14
_FRONTED = re.compile(
    r"(?P<pp>(?:(?:Together|Along) with|Alongside|Like|Unlike) [^;:]{1,100}?),?\s+"
    r"(?P<rest>(?:it|he|she|they)\s+\S.*)",
    re.DOTALL,
)
_DATES_AND_MARKS = re.compile(rf"{_DATE_WORD.pattern}|\d+|\b(?:to|and|from|until|till|of|the)\b|[^\w]+")


def _only_dates(text: str) -> bool:
    """ "2025, 31 August - 1 September": nothing but dates, numbers and the words between them."""
    return not _DATES_AND_MARKS.sub("", text)


def _a_fragment(text: str) -> bool:
    """Short enough to be a piece of a sentence rather than one cut at the limit."""
    return not text.endswith("…") and len(text.split()) <= _FRAGMENT_WORDS


def _unclipped(text: str, sentence: str) -> str:
    """A clipped title whose start was stripped runs on from the sentence, to be clipped afresh."""
    core = text.rstrip("…").rstrip()
    if len(core) < 8:
        return text
    at = sentence.find(core[1:])
    return core[:1] + sentence[at:] if at >= 0 else text


# ------------------------------------------------ rewrites: each returns the text unchanged when it does not apply

_REPORTING = (
    r"(?:said|says|told reporters|announced|confirmed|stated|reported|added|noted|declared|disclosed|"
    r"revealed|tweeted|posted|wrote|indicated)"
)
_REPORT_ONLY = re.compile(
    rf"(?P<who>(?:\S+\s+){{0,6}}?\S+)\s+{_REPORTING}\s+(?P<when>(?:on|in|at|this|last|late|early|earlier|later)\b[^,;:]{{0,30}})$"
)


_OWNER = re.compile(r"(?:His|Her|Their|Its)\s+")


def _report_only(text: str, body: Callable[[], str]) -> str:
    """ "A senior official said on Friday" says what was said: "A senior official said on Friday: Modi will ..."."""
    match = _REPORT_ONLY.fullmatch(text)
    if not match or not _DATE_WORD.search(match["when"]):
        return text
    sentence = body()
    at = sentence.lower().find(", " + text.lower())
    said = sentence[:at].strip(_EDGE) if at > 0 else ""
    if len(said.split()) < 3:
        return text
    who = match["who"]
    owner = _OWNER.match(who)
    if owner:  # "his office said": the office of the one said to act
        subject = _subject(said)
        if subject:
            who = _possessive(_short(subject)) + " " + who[owner.end() :]
    return f"{capitalised(who)}{text[len(match['who']) :]}: {_finish(said)}"


_RELATIVE = re.compile(r",\s+(?:which|who)\s+")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_DETERMINED = re.compile(r"\b(?:the|a|an)\s+(?!.*\b(?:the|a|an)\s)", re.IGNORECASE)
_PROPER_TAIL = re.compile(r"(?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*$")


def _relative_start(text: str) -> str:
    """ "Belarus, which followed in 2024" is "Belarus followed in 2024"; a date in a relative clause
    titles what the clause says of the noun before it: "..., the organization, which was founded in
    2001" is "The organization was founded in 2001"."""
    match = _RELATIVE.search(text)
    if not match:
        return text
    before, clause = text[: match.start()], text[match.end() :]
    dated = _DATE_WORD.search(clause)
    if _DATE_WORD.search(before) or not dated:
        return text
    comma = clause.find(",", dated.end())
    clause = clause[:comma] if comma > 0 else clause
    if not _has_verb(clause):
        return text
    if (
        len(before.split()) <= 10
        and before[:1].isupper()
        and not _has_verb(before)
        and not _PRONOUN_LEAD.match(before)
    ):
        return f"{before} {clause}"
    noun = _antecedent(before)
    return capitalised(f"{noun} {clause}") if noun else text


# "the summit of (the) Shanghai Cooperation Organization": the head noun the "of" phrase hangs on
_HEAD_OF = re.compile(r"\b(?:the|a|an)\s+[\w-]+\s+of\s+(?:the\s+)?$", re.IGNORECASE)


def _antecedent(before: str, with_head: bool = False) -> str | None:
    """The noun phrase a relative clause after `before` tells of: its proper name or its last "the ..."
    phrase; with_head, with the head noun it belongs to ("the summit of the SCO, which is taking place":
    the summit; but "a summit of the organization, which was founded": the organization)."""
    for noun in (_PROPER_TAIL.search(before), _DETERMINED.search(before)):
        if noun and before[: noun.start()].endswith(", "):  # "in Tianjin, China, which began": not China
            continue
        phrase = before[noun.start() :] if noun else ""
        if phrase and len(phrase.split()) <= 6 and not _has_verb(phrase):
            head = _HEAD_OF.search(before, 0, noun.start()) if with_head else None
            the = _THE_BEFORE.search(before, 0, noun.start()) if phrase[:1].isupper() else None
            return before[head.start() if head else the.start() if the else noun.start() :]
    return None


# What a happening does, not what an organisation was: "which is taking place", "which opens", "which ran"
_UNDER_WAY = re.compile(
    r"(?:is |was |will be )?(?:taking place|held|under way|opens?|opened|runs?|ran|ends?|ended|begins?|began)\b"
)


def _relative_fragment(text: str, body: Callable[[], str]) -> str:
    """ "which is taking place on Sunday and Monday", cut from "... the summit of the SCO, which is taking
    place ...", is "The summit of the SCO is taking place on Sunday and Monday"."""
    clause = text.split(" ", 1)[1] if " " in text else ""
    whole = body()
    at = whole.lower().find(f", {text.split(' ', 1)[0].lower()} {clause.lower()[:20]}")
    noun = (
        _antecedent(whole[:at], with_head=_UNDER_WAY.match(clause) is not None) if at > 0 and clause else None
    )
    return capitalised(f"{noun} {clause}") if noun else text


_CLEFT = re.compile(
    r"It\s+(?:was|is|will be)\s+(?:in|on|at|during|since|until|by)\s+[^,]{1,40}?\s+that\s+(?P<rest>.+)",
    re.DOTALL,
)
_PREDICATE = re.compile(
    r"(?:It|This|That)\s+(?:is|was|will be|would be|has been|had been)\s+(?P<np>(?:the|a|an|[A-Z][\w.-]*['’]s?)\s.+)",
    re.DOTALL,
)


def _cleft(text: str) -> str:
    """ "It was in March 2003 that The SCO Group sued IBM" is "The SCO Group sued IBM"."""
    match = _CLEFT.fullmatch(text)
    return capitalised(match["rest"]) if match else text


def _predicate_only(text: str) -> str:
    """ "It is Belousov's first SCO meeting since ..." is "Belousov's first SCO meeting since ..."."""
    match = _PREDICATE.fullmatch(text)
    if not match or (
        match["np"].startswith(("the ", "a ", "an ")) and not _NOUN_PHRASE_HEAD.match(match["np"])
    ):
        return text
    return capitalised(match["np"])


# "It was the fifth time ..." and "It will be the first visit ...": what "it" is, said of it.
_NOUN_PHRASE_HEAD = re.compile(
    r"(?:the|a|an)\s+(?:\w+\s+){0,2}?(?:first|second|third|fourth|fifth|last|latest|largest|biggest|"
    r"highest|longest|most|only|next|\d+(?:st|nd|rd|th)|\w+est)\b",
    re.IGNORECASE,
)
_DATE_DETERMINER = re.compile(
    r"(?P<which>This|Last|Next)\s+(?P<unit>year|month)(?P<s>['’]s)?\s+(?P<rest>\S.*)", re.DOTALL
)


def _date_determiner(text: str, date: str | None) -> str:
    """ "This year's meeting" on a 2024 fact is "The 2024 meeting"; "This year marks" is "2025 marks"."""
    match = _DATE_DETERMINER.fullmatch(text)
    if not match or not date:
        return text
    if match["unit"] == "year" and len(date) == 4:
        when = date
    elif match["unit"] == "month" and len(date) == 7:
        when = f"{calendar.month_name[int(date[5:7])]} {date[:4]}"
    else:
        return text
    return f"The {when} {match['rest']}" if match["s"] else f"{when} {match['rest']}"


_PARTICIPLE = re.compile(r"(?P<verb>[A-Z][a-z]+ing)\s+(?P<rest>\S.*)", re.DOTALL)
_E_STEMS = frozenset(
    "become complete make take close urge give have serve change welcome raise use promise provide include "
    "produce reduce continue argue issue pursue come save move prove approve receive declare prepare compare "
    "share cause leave hope write arrive reassure decide invite unite state create celebrate operate dominate "
    "rate date note vote score secure ensure require acquire inspire combine define decline outline pledge "
    "judge charge merge emerge engage manage stage force reinforce announce advance balance finance replace "
    "face place trace release increase praise rise revise advise surprise oppose propose impose expose choose "
    "lose shape escape believe achieve solve involve resolve drive survive live improve love examine determine "
    "indicate demonstrate generate negotiate mediate facilitate participate coordinate initiate".split()
)


def _participle(text: str, body: Callable[[], str]) -> str | None:
    """ "Becoming the first Pakistani minister ..." is "Bilawal becomes the first Pakistani minister ...":
    the subject of the sentence the participle hangs on, the verb in the present, as a headline puts it."""
    match = _PARTICIPLE.fullmatch(text)
    if not match or body().startswith(match["verb"]):
        return None
    if tense_markers(
        match["rest"]
    ):  # "completing an accession process launched two years ago": what was launched
        return capitalised(match["rest"])
    subject = _subject(body())
    if not subject:
        return None
    verb = _present(match["verb"].lower(), plural=_plural(subject))
    return f"{_short(subject)} {verb} {match['rest']}"


def _present(participle: str, plural: bool) -> str:
    stem = participle[:-3]
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsfz":
        stem = stem[:-1]  # capping -> cap
    elif stem + "e" in _E_STEMS:
        stem += "e"
    if plural:
        return stem
    if stem.endswith(("s", "sh", "ch", "x", "z", "o")):
        return stem + "es"
    if stem.endswith("y") and stem[-2:-1] not in "aeiou":
        return stem[:-1] + "ies"
    return stem + "s"


_PREPOSITIONS = frozenset(
    "at for to in on from with by into over under near during after before ahead".split()
)
_NP_WORDS = re.compile(r"\S+")


def _noun_phrase(text: str, sentence: Callable[[], str]) -> str | None:
    """A fragment with no verb grows to the noun phrase it ends: "in Astana on July 3-4" in "will lead the
    delegation at the summit of the SCO in Astana on July 3-4" is "The summit of the SCO in Astana on July 3-4".

    A fragment that opens the sentence ("At the summit in Astana on Thursday, leaders signed ...")
    moves behind the statement it dates: "Leaders signed ... at the summit in Astana on Thursday".
    """
    core, body = text.rstrip("…").strip(), sentence()
    at = body.lower().find(core.lower()) if core else -1
    if at < 0:
        return None
    if at == 0:
        return _moved_behind(core, body) if core.split()[0].lower() in _PREPOSITIONS else None
    before = body[:at]
    if before.rstrip().endswith((",", ";", ":")) or core.split()[0].lower() in ("the", "a", "an"):
        return None  # an aside or a noun phrase already: nothing to grow into
    words = [(m.start(), m.group(0)) for m in _NP_WORDS.finditer(before)]
    for i in range(len(words) - 1, 0, -1):  # back to a preposition followed by an article: "at the summit"
        word, following = words[i - 1][1].lower().strip(",;:"), words[i][1].lower()
        if words[i - 1][1].endswith((",", ";", ":")):
            return None
        if word in _PREPOSITIONS and following in ("the", "a", "an"):
            phrase = body[words[i][0] : at + len(core)]
            return capitalised(phrase) if len(phrase.split()) <= 25 else None
        if len(words) - i > 14:
            return None
    return None


def _moved_behind(core: str, body: str) -> str | None:
    rest = body[len(core) :].lstrip(" ,").rstrip(" .!?")
    if not rest or not _a_statement(rest):
        return None
    dated = _DATE_WORD.search(rest)
    if dated:  # the statement holds another date: only its part before that one's "and"
        cut = rest.rfind(" and ", 0, dated.start())
        if cut < 0:
            return None
        rest = rest[:cut]
        if not _a_statement(rest):
            return None
    return capitalised(f"{rest.rstrip(' ,')} {core[:1].lower()}{core[1:]}")


# ---------------------------------------------------------------- who "he" is


def _resolved(text: str, sentence: Callable[[], str], previous: str | None, headline: str | None) -> str:
    """A leading pronoun replaced by who or what it stands for, when that is clear enough."""
    match = _PRONOUN_LEAD.match(text)
    if not match or match["word"] in ("This", "That", "These", "Those"):
        return text
    body = sentence()
    word, rest = match["word"], match["rest"]
    mid_sentence = not body.lower().startswith(text.rstrip("…")[:20].lower())
    own = _subject(body) if mid_sentence else None
    before = _subject(strip_wire(previous)) if previous else None
    if word in ("He", "She", "His", "Her"):
        found = (
            _person(own)
            or _person(before, named=True)
            or _person(_headline_subject(headline))
            or _person(before)
        )
    elif word in ("They", "Their"):
        found = next((s for s in (own, before) if s and _plural(s)), None)
    else:  # It, Its
        found = next((s for s in (own, before) if s and _a_thing(s)), None) or _topic(headline)
    if not found or (word in ("His", "Her", "Its", "Their") and not rest.startswith(" ")):
        return text
    found = _short(found)
    if word in ("His", "Her", "Its", "Their"):
        return capitalised(_possessive(found) + rest)
    return capitalised(found + rest)


_SUBORDINATE_LEAD = re.compile(
    r"(?:When|After|As|While|Although|Though|If|Once|Since|Before|Because|Together with|According to)\b"
    r"[^,]{0,80},\s+"
)
_ASIDE = re.compile(r",[^,]*,")
_NOT_SUBJECT_STARTS = frozenset("according like unlike together along alongside".split())
_HEADLINE_SUBJECT = re.compile(r"((?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*)\s+(?:to\s|[a-z])")
_EXPLAINED = re.compile(r"(?:Explainer:\s*|Explained:\s*)?What\s+is\s+(?P<np>[^,?:;]{3,60})", re.IGNORECASE)


def _subject(sentence: str | None) -> str | None:
    """The words before a sentence's first verb, without an aside: "Iran, which ..., joined" is "Iran"."""
    if not sentence:
        return None
    text = drop_lead_fragments(sentence)
    text = _SUBORDINATE_LEAD.sub("", text)
    cut = _first_verb(text)
    if cut is None:
        return None
    head = text[:cut]
    head = _ASIDE.sub("", head).strip(" ,")
    head = head.split(",")[0].strip()
    words = head.split()
    if words and words[0] in ("the", "a", "an"):  # "According to officials, the text condemns ..."
        head = capitalised(head)
    if not 1 <= len(words) <= 10 or not head[:1].isupper() or words[0].lower() in _SUBJECT_PRONOUNS:
        return None
    if words[0].lower() in _PREPOSITIONS or words[0].lower() in _NOT_SUBJECT_STARTS:
        return None
    return head


def _first_verb(text: str) -> int | None:
    markers = tense_markers(text)
    first = markers[0][0] if markers else None
    for match in _WORD.finditer(text):
        if first is not None and match.start() >= first:
            break
        if match.group(0).lower() in _VERBS and not text.startswith(
            " of ", match.end()
        ):  # "heads of government"
            return match.start()
    return first


def _person(subject: str | None, named: bool = False) -> str | None:
    """A subject that is a person: one the gazetteer names, or a role ("The minister"); named: a name only."""
    if not subject or " and " in subject or _plural(subject):
        return None
    people = [t for t in tags_for(subject) if kind_of(t) == "person"]
    if len(people) == 1:
        return subject
    if people:
        return None
    if named:
        words = subject.split()
        return (
            subject
            if all(w[:1].isupper() for w in words) and not tags_for(subject) and len(words) <= 4
            else None
        )
    return subject if _ROLE.search(subject) else None


def _headline_subject(headline: str | None) -> str | None:
    """ "Araghchi to tour Asia ..." and "Li Qiang attends ...": the capitalised words a headline opens with."""
    if not headline:
        return None
    match = _HEADLINE_SUBJECT.match(_collapse(headline))
    return match.group(1) if match else None


def _a_thing(subject: str) -> bool:
    """A subject "it" can stand for: not a person, not two things, not plural."""
    if " and " in subject or _plural(subject) or _person(subject) or _ROLE.search(subject):
        return False
    return not any(kind_of(t) == "person" for t in tags_for(subject))


def _topic(headline: str | None) -> str | None:
    """ "What is the Shanghai Cooperation Organisation, and who belongs to it": what an explainer explains."""
    if not headline:
        return None
    match = _EXPLAINED.match(_collapse(headline))
    return capitalised(match["np"].strip()) if match else None


def _plural(subject: str) -> bool:
    if " and " in subject or "&" in subject:
        return True
    last = subject.split()[-1].strip(",.")
    return last[:1].islower() and last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") and name[-1:].islower() else "'s")


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, ...]]:
    """A person's names in the gazetteer, shortest first."""
    return {e.slug: tuple(sorted(e.aliases, key=len)) for e in entries() if e.kind == "person"}


def _short_name(slug: str, text: str) -> str | None:
    """The shortest of a person's names the text holds as words: "Narendra Modi" is "Modi", "Xi Jinping" "Xi"."""
    for alias in _names().get(slug, ()):
        at = text.find(alias)
        while at >= 0:
            end = at + len(alias)
            if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
                return alias
            at = text.find(alias, at + 1)
    return None


def _short(subject: str) -> str:
    """ "Prime Minister Narendra Modi and Chinese President Xi Jinping" is "Modi and Xi"; others stay."""
    parts = [p for p in _CONJOINED.split(subject) if p]
    names = [_short_one(p) for p in parts]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _short_one(part: str) -> str:
    words = part.split()
    if not all(w[:1].isupper() for w in words):  # "the leaders of China": not a title and a name
        return part
    people = [t for t in tags_for(part) if kind_of(t) == "person"]
    return (_short_name(people[0], part) or part) if len(people) == 1 else part


# ---------------------------------------------------------------- length


_ACRONYM = re.compile(
    r"\b((?:[A-Z][\w-]*\s+(?:of\s+(?:the\s+)?|and\s+)?){1,7}[A-Z][\w-]*)\s+\(([A-Z]{2,6})\)"
)
_SCO_NAME = re.compile(r"\bShanghai Cooperation Organi[sz]ation\b")


def _shortened(text: str, limit: int) -> str:
    """Over the limit, "Shanghai Cooperation Organisation (SCO)" is "SCO": more of what matters fits."""
    if len(text) <= limit:
        return text
    text = _ACRONYM.sub(lambda m: m.group(2) if _initials(m.group(1)) == m.group(2) else m.group(0), text)
    if len(text) > limit:
        text = _SCO_NAME.sub("SCO", text)
    return text


_NAME_PARTS = re.compile(r"[\s-]+")


def _initials(name: str) -> str:
    return "".join(w[0] for w in _NAME_PARTS.split(name) if w[:1].isupper())
