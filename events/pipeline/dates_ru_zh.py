"""Date expressions and tense cues in Russian and Chinese (simplified and traditional).

relative_dates.find_dates adds these rules to a sentence that holds Cyrillic or
Chinese characters, and relative_dates.tense_markers these tense cues. Every
date is resolved by relative_dates' own helpers (day_of, day_span, month_of,
weekday_of, relative_period ...), so a date without a year, a weekday or "last
week" follows one set of rules in all three languages.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from events.domain.dates import FuzzyDate
from events.pipeline.relative_dates import (
    DAY,
    YEAR,
    Context,
    Resolved,
    Rule,
    day_in_month,
    day_of,
    day_span,
    days_from,
    month_of,
    relative_period,
    weekday_of,
)

_SCRIPTS = re.compile("[\u0400-\u04ff\u3007\u3400-\u4dbf\u4e00-\u9fff]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def in_russian_or_chinese(text: str) -> bool:
    """Whether a text holds Cyrillic or Chinese characters (the scripts these rules read)."""
    return _SCRIPTS.search(text) is not None


_HAN = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff]")


# ---------------------------------------------------------------- Russian

_RU_MONTH_FORMS = (
    "январь января январе",
    "февраль февраля феврале",
    "март марта марте",
    "апрель апреля апреле",
    "май мая мае",
    "июнь июня июне",
    "июль июля июле",
    "август августа августе",
    "сентябрь сентября сентябре",
    "октябрь октября октябре",
    "ноябрь ноября ноябре",
    "декабрь декабря декабре",
)
_RU_MONTHS = {form: n for n, forms in enumerate(_RU_MONTH_FORMS, start=1) for form in forms.split()}
RU_MONTH_OF_DAY = "(?:" + "|".join(forms.split()[1] for forms in _RU_MONTH_FORMS) + ")"  # "15 июня"
RU_MONTH_IN = "(?:" + "|".join(forms.split()[2] for forms in _RU_MONTH_FORMS) + ")"  # "в июне"
RU_MONTH = "(?:" + "|".join(_RU_MONTHS) + ")"
_RU_YEAR_TAIL = rf"(?:\s+(?P<y>{YEAR})(?!\d)(?:\s*(?:года|году|год)\b|\s*г\.)?)?"
_RU_TO = r"(?:\s*[-–—]\s*|\s+по\s+)"
_RU_WEEKDAYS = {
    "понедельник": 0,
    "вторник": 1,
    "среду": 2,
    "четверг": 3,
    "пятницу": 4,
    "субботу": 5,
    "воскресенье": 6,
}
# The first letters of a modifier: "в прошлый понедельник", "на следующей неделе", "этого года".
_RU_WHICH = {
    "прошл": "last",
    "минувш": "last",
    "следующ": "next",
    "будущ": "next",
    "эт": "this",
    "текущ": "this",
    "нынешн": "this",
    "ближайш": "coming",
}
_RU_UNITS = {"недел": "week", "месяц": "month", "год": "year"}
_RU_OFFSETS = {"позавчера": -2, "вчера": -1, "накануне": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}


def _ru_month(word: str) -> int:
    return _RU_MONTHS[word.lower()]


def _ru_which(word: str) -> str:
    return next(which for stem, which in _RU_WHICH.items() if word.lower().startswith(stem))


def _year(m: re.Match[str]) -> int | None:
    return int(m["y"]) if m["y"] else None


def _ru_day(m: re.Match[str], ctx: Context) -> Resolved:
    return day_of(_ru_month(m["m"]), int(m["d"]), _year(m), ctx, m.span())


def _ru_day_span(m: re.Match[str], ctx: Context) -> Resolved:
    month1, month2 = _ru_month(m["m1"] or m["m"]), _ru_month(m["m"])
    first, last = (month1, int(m["d1"])), (month2, int(m["d2"]))
    if first[0] == last[0] and last[1] <= first[1]:
        return None
    return day_span(first, last, _year(m), ctx, m.span())


def _ru_month_year(m: re.Match[str], ctx: Context) -> Resolved:
    year = _year(m) or ctx.published.year + {"last": -1, "this": 0, "next": 1}[_ru_which(m["rel"])]
    return FuzzyDate(year, _ru_month(m["m"])), None, 0.9


def _ru_bare_month(m: re.Match[str], ctx: Context) -> Resolved:
    return month_of(_RU_MONTHS[m["m"].lower()], ctx, m.span())


_UNTIL = re.compile(r"\bдо\s*$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"\s*(?:$|[,.;:!?)—–-])")  # "в 2017, когда ...": a year without "году"


def _ru_year(m: re.Match[str], ctx: Context) -> Resolved:
    """ "в 2017 году", "в 2023-м", "с 2015 года"; "до 2035 года" is a horizon, "около 2000 человек" a count."""
    bare = not m["suffix"] and not (
        (m["pre"] or "").lower() in {"в", "во"} and _CLAUSE_END.match(ctx.sentence, m.end())
    )
    if bare or _UNTIL.search(ctx.sentence, 0, m.start()):
        return None
    return FuzzyDate(int(m["y"])), None, 0.85


def _ru_weekday(m: re.Match[str], ctx: Context) -> Resolved:
    which = _ru_which(m["mod"]) if m["mod"] else None
    pre = which if which in {"last", "next", "coming"} else None
    week = "this" if which == "this" else None
    return weekday_of(_RU_WEEKDAYS[m["wd"].lower()], pre, week, ctx, m.span())


def _ru_relative_day(m: re.Match[str], ctx: Context) -> Resolved:
    return days_from(_RU_OFFSETS[m["w"].lower()], ctx)


_RU_NUMBERS = {
    "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "пятнадцать": 15, "двадцать": 20, "двадцать пять": 25, "тридцать": 30,
}  # two lines of numbers, not sixteen # fmt: skip


def _ru_ago(m: re.Match[str], ctx: Context) -> Resolved:
    """ "20 лет назад" (the year), "ровно двадцать лет назад" (exactly: the day), "три дня назад"."""
    count = int(m["n"]) if m["n"].isdigit() else _RU_NUMBERS[" ".join(m["n"].lower().split())]
    unit, published = m["u"].lower(), ctx.published
    if unit.startswith(("лет", "год")):
        if m["exact"] and (published.month, published.day) != (2, 29):
            return FuzzyDate(published.year - count, published.month, published.day), None, 0.9
        return FuzzyDate(published.year - count), None, 0.75
    if unit.startswith("месяц"):
        month = published.month - count
        year = published.year + (month - 1) // 12
        return FuzzyDate(year, (month - 1) % 12 + 1), None, 0.75
    day = published - dt.timedelta(days=count * (7 if unit.startswith("недел") else 1))
    return FuzzyDate(day.year, day.month, day.day), None, 0.7


def _ru_relative_period(m: re.Match[str], ctx: Context) -> Resolved:
    unit = next(unit for stem, unit in _RU_UNITS.items() if m["u"].lower().startswith(stem))
    return relative_period(_ru_which(m["q"]), unit, ctx, m.span())


_I = re.IGNORECASE
_DIGIT = frozenset({"digit"})  # the rules a sentence without a digit skips
_RU_Q = r"(?:прошл|минувш|следующ|будущ|текущ|нынешн)\w*|эт(?:от|а|о|ой|ом|ого|у)"
RU_RULES: tuple[Rule, ...] = (
    Rule(
        "ru-day-span-two-months",
        re.compile(
            rf"(?:\bс(?:о)?\s+)?\b(?P<d1>{DAY})\s+(?P<m1>{RU_MONTH_OF_DAY}){_RU_TO}(?P<d2>{DAY})\s+"
            rf"(?P<m>{RU_MONTH_OF_DAY})\b{_RU_YEAR_TAIL}",
            _I,
        ),
        _ru_day_span,
        needs=_DIGIT,
    ),
    Rule(
        "ru-day-span-month",
        re.compile(
            rf"(?:\bс(?:о)?\s+)?\b(?P<d1>{DAY})(?P<m1>){_RU_TO}(?P<d2>{DAY})\s+(?P<m>{RU_MONTH_OF_DAY})\b"
            rf"{_RU_YEAR_TAIL}",
            _I,
        ),
        _ru_day_span,
        needs=_DIGIT,
    ),
    Rule(
        "ru-day-month",
        re.compile(rf"\b(?P<d>{DAY})\s+(?P<m>{RU_MONTH_OF_DAY})\b{_RU_YEAR_TAIL}", _I),
        _ru_day,
        needs=_DIGIT,
    ),
    Rule(
        "ru-month-year",
        re.compile(
            rf"\b(?P<m>{RU_MONTH})\s+(?:(?P<y>{YEAR})(?!\d)(?:\s*(?:года|году|год)\b|\s*г\.)?|"
            rf"(?P<rel>{_RU_Q})\s+года\b)",
            _I,
        ),
        _ru_month_year,
    ),
    Rule("ru-month", re.compile(rf"\bв\s+(?P<m>{RU_MONTH_IN})\b", _I), _ru_bare_month),
    Rule(
        "ru-year",
        re.compile(
            rf"(?:\b(?P<pre>в|во|с|со|к|после|около)\s+)?\b(?P<y>{YEAR})"
            r"(?P<suffix>\s*(?:году|года|год)\b|\s*гг?\.|-(?:м|го|й)\b)?(?![\d.,]\d)",
            _I,
        ),
        _ru_year,
        needs=_DIGIT,
    ),
    Rule(
        "ru-ago",
        re.compile(
            r"\b(?P<exact>ровно\s+)?(?P<n>\d{1,2}|двадцать\s+пять|"
            rf"{'|'.join(sorted(_RU_NUMBERS, key=len, reverse=True))})\s+"
            r"(?P<u>лет|года?|месяц(?:а|ев)?|недел[иью]|дн(?:я|ей)|день)\s+назад\b",
            _I,
        ),
        _ru_ago,
    ),
    Rule(
        "ru-relative-day",
        # "накануне" alone is the day before the report; "накануне саммита" is the eve of something else
        re.compile(
            r"\b(?P<w>позавчера|вчера|сегодня|завтра|послезавтра|накануне(?=\s+(?:в|во|на)\b|\s*[,.;])"
            # "Накануне, в субботу, ...": the weekday says which day before
            r"(?!\s*,\s*(?:в|во)\s+(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\b))\b",
            _I,
        ),
        _ru_relative_day,
    ),
    Rule(
        "ru-relative-period",
        re.compile(rf"\b(?P<q>{_RU_Q})\s+(?P<u>недел[еияю]|месяц[аеу]?|год[ауе]?)\b", _I),
        _ru_relative_period,
    ),
    Rule(
        "ru-weekday",
        re.compile(
            rf"\b(?:в|во)\s+(?:(?P<mod>{_RU_Q}|ближайш\w*)\s+)?(?P<wd>{'|'.join(_RU_WEEKDAYS)})\b",
            _I,
        ),
        _ru_weekday,
    ),
)


# ---------------------------------------------------------------- Chinese

_HAN_DIGITS = {
    c: i
    for i, chars in enumerate(("〇零○", "一", "二", "三", "四", "五", "六", "七", "八", "九"))
    for c in chars
}
ZH_YEAR = rf"(?:{YEAR}|[〇零○一二三四五六七八九]{{4}})"  # "2001年", "二〇〇一年"
_D = r"(?<![\d.])\d{1,2}"
# A year that opens the clause dates the month-day after it: "2025年峰会于8月31日".
_ZH_YEAR_FIRST = rf"(?:(?:(?P<y>{ZH_YEAR})|(?P<ry>[今去明]))年(?:[^\d，。；：、！？,;:（）()]{{0,6}}?))?"
_ZH_TO = r"\s*(?:至|到|—|－|-|–|~|～)\s*"
_ZH_DATELINE = r"(?![电電])"  # "本报天津8月31日电" is the dateline, the publication day
_ZH_WEEKDAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}
_ZH_WHICH = {"上": "last", "去": "last", "下": "next", "明": "next"} | dict.fromkeys("本这這今", "this")
_ZH_OFFSETS = {
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "昨晚": -1,
    "今天": 0,
    "今日": 0,
    "今晨": 0,
    "今晚": 0,
    "明天": 1,
    "明日": 1,
    "明晚": 1,
    "后天": 2,
    "後天": 2,
}


def _zh_year(text: str | None) -> int | None:
    """ "2001" or "二〇〇一" as a number; a year outside 1900-2099 is none (the match then names no date)."""
    if not text:
        return None
    year = int(text) if text.isdigit() else int("".join(str(_HAN_DIGITS[c]) for c in text))
    if not 1900 <= year <= 2099:
        raise ValueError(f"year {year} is out of range")
    return year


def _year_first(m: re.Match[str], ctx: Context) -> int | None:
    """The year before a month: "2025年", "二〇〇一年", or "今年"/"去年"/"明年" counted from the publication."""
    if m["ry"]:
        return ctx.published.year + {"去": -1, "今": 0, "明": 1}[m["ry"]]
    return _zh_year(m["y"])


def _zh_day(m: re.Match[str], ctx: Context) -> Resolved:
    return day_of(int(m["m"]), int(m["d"]), _year_first(m, ctx), ctx, m.span())


def _zh_day_span(m: re.Match[str], ctx: Context) -> Resolved:
    first = (int(m["m1"]), int(m["d1"]))
    last = (int(m["m2"]) if m["m2"] else first[0], int(m["d2"]))
    if last[0] == first[0] and last[1] <= first[1]:
        return None
    return day_span(first, last, _year_first(m, ctx), ctx, m.span())


def _zh_month(m: re.Match[str], ctx: Context) -> Resolved:
    year = _year_first(m, ctx)
    return month_of(int(m["m"]), ctx, m.span()) if year is None else (FuzzyDate(year, int(m["m"])), None, 0.9)


def _zh_year_only(m: re.Match[str], ctx: Context) -> Resolved:
    return FuzzyDate(_zh_year(m["y"])), None, 0.85


def _zh_relative_day(m: re.Match[str], ctx: Context) -> Resolved:
    return days_from(_ZH_OFFSETS[m["w"]], ctx)


def _zh_relative_period(m: re.Match[str], ctx: Context) -> Resolved:
    which, unit = (m["wq"], "week") if m["wq"] else (m["mq"], "month") if m["mq"] else (m["yq"], "year")
    if which in "前后後":  # "前年", "后年": two years back or on
        return FuzzyDate(ctx.published.year + (-2 if which == "前" else 2)), None, 0.9
    return relative_period(_ZH_WHICH[which], unit, ctx, m.span())


def _zh_weekday(m: re.Match[str], ctx: Context) -> Resolved:
    week = _ZH_WHICH[m["wq"]] if m["wq"] else None
    return weekday_of(_ZH_WEEKDAYS[m["wd"]], None, week, ctx, m.span())


def _zh_days_in_month(m: re.Match[str], ctx: Context) -> Resolved:
    """ "本月9日至10日", "（9日至10日）": days of one month, the one its word or tense points to."""
    first_day, last_day = int(m["d1"]), int(m["d2"])
    if last_day <= first_day:
        return None
    first, _, confidence = _zh_day_in_month(m, ctx, first_day)  # always a day: its month's or the tense's
    return first, FuzzyDate(first.year, first.month, last_day), confidence


def _zh_day_in_month(m: re.Match[str], ctx: Context, day: int | None = None) -> Resolved:
    """ "（31日）": the 31st its tense points to; "本月15日", "上月15日": of that month."""
    day = int(m["d"]) if day is None else day
    if not m["q"]:
        return day_in_month(day, ctx, m.span())
    first, _, _ = relative_period(_ZH_WHICH[m["q"]], "month", ctx, m.span())
    return FuzzyDate(first.year, first.month, day), None, 0.85


def _zh_numbered_relative_day(m: re.Match[str], ctx: Context) -> Resolved:
    """ "昨（1）日": yesterday, the 1st; the number wins where the outlet's day and the publisher's differ by one."""
    offset = {"昨": -1, "今": 0, "明": 1}[m["w"]]
    day = ctx.published + dt.timedelta(days=offset)
    for shift in (0, -1, 1):
        if (near := day + dt.timedelta(days=shift)).day == int(m["d"]):
            return FuzzyDate(near.year, near.month, near.day), None, 0.95
    return None


_ZH_WEEK = r"(?:周|週|星期|礼拜|禮拜)"
ZH_RULES: tuple[Rule, ...] = (
    Rule(
        "zh-day-span",
        re.compile(
            rf"{_ZH_YEAR_FIRST}(?P<m1>{_D})月(?P<d1>{_D})[日号號]?{_ZH_TO}(?:{ZH_YEAR}年)?(?:(?P<m2>\d{{1,2}})月)?"
            rf"(?P<d2>\d{{1,2}})[日号號]{_ZH_DATELINE}"
        ),
        _zh_day_span,
        needs=_DIGIT,
    ),
    Rule(
        "zh-day",
        re.compile(rf"{_ZH_YEAR_FIRST}(?P<m>{_D})月(?P<d>\d{{1,2}})[日号號]{_ZH_DATELINE}"),
        _zh_day,
        needs=_DIGIT,
    ),
    Rule("zh-month", re.compile(rf"{_ZH_YEAR_FIRST}(?P<m>{_D})月(?!\d)"), _zh_month, needs=_DIGIT),
    # "2025—2026年轮值主席国": a term's years, no year of a happening ("2022至2023年" is read as none either);
    # "回顾——2001年" is punctuation before a year
    Rule("zh-year", re.compile(rf"(?<![\d至到])(?<!\d[—－–-])(?P<y>{ZH_YEAR})年(?!代)"), _zh_year_only),
    Rule(
        "zh-relative-day-numbered",
        # Taiwan's press: "昨（1）日落幕", "今（2）日", "明（3）日": the day before, of, after publication, by its number
        re.compile(r"(?P<w>[昨今明])\s*[（(]\s*(?P<d>\d{1,2})\s*[)）]\s*日"),
        _zh_numbered_relative_day,
        needs=_DIGIT,
    ),
    Rule(
        "zh-relative-day",
        # not "二十年前的今天" (twenty years ago today): that day of a year long past, which its date gives
        re.compile(rf"(?<!至)(?<!年前的)(?P<w>{'|'.join(_ZH_OFFSETS)})(?:[（(]\d{{1,2}}日[）)])?"),
        _zh_relative_day,
    ),
    Rule(
        "zh-relative-period",
        re.compile(
            rf"(?P<wq>[上下本这這])(?:个|個)?{_ZH_WEEK}(?![一二三四五六日天])|(?P<mq>[上下本这這])(?:个|個)?月(?!\d)|"
            r"(?<![过過])(?P<yq>[去今明前后後本])年(?![\d代])"
        ),
        _zh_relative_period,
    ),
    Rule(
        "zh-weekday",
        re.compile(rf"(?:(?P<wq>[上下本这這])(?:个|個)?)?{_ZH_WEEK}(?P<wd>[一二三四五六日天])"),
        _zh_weekday,
    ),
    Rule(
        "zh-days-in-month",
        re.compile(
            rf"(?:(?P<q>[上下本])(?:个|個)?月|(?<![\d月]))(?P<d1>\d{{1,2}})[日号號]?{_ZH_TO}(?P<d2>\d{{1,2}})[日号號]{_ZH_DATELINE}"
        ),
        _zh_days_in_month,
        needs=_DIGIT,
    ),
    Rule(
        "zh-day-in-month",
        re.compile(rf"(?:(?P<q>[上下本])(?:个|個)?月|(?<![\d月]))(?P<d>\d{{1,2}})日{_ZH_DATELINE}"),
        _zh_day_in_month,
        needs=_DIGIT,
    ),
)


# ---------------------------------------------------------------- tense

_RU_WORD = re.compile(r"[а-яё]+", re.IGNORECASE)
_RU_FUTURE = frozenset(
    "будет будут буду будем пройдет пройдёт пройдут состоится состоятся примет примут планирует планируют "
    "планируется планируются запланирован запланирована запланировано запланированы ожидается ожидаются "
    "предстоит предстоят проведет проведёт проведут посетит посетят намерен намерена намерены собирается "
    "собираются станет станут откроется откроются начнется начнётся начнутся завершится завершатся "
    "соберутся встретится встретятся выступит выступят подпишет подпишут обсудит обсудят прибудет прибудут "
    "отправится отправятся "
    # perfective futures of the chair and of meetings: "перейдёт к Киргизии 1 сентября", "должен пройти в июле"
    "перейдет перейдёт перейдут передаст передадут возглавит возглавят вступит вступят утвердит утвердят "
    "рассмотрит рассмотрят соберется соберётся созовет созовёт откроет "
    "откроют должен должна должно должны".split()
)
_RU_PAST = frozenset(
    "прошел прошёл прошла прошло прошли состоялся состоялась состоялось состоялись подписал подписала "
    "подписали стал стала стало стали был была было были "
    "подписан подписана подписано подписаны принят принята принято приняты учрежден учреждена учреждено "
    "учреждены создан создана создано созданы избран избрана назначен назначена".split()
)
# Past verbs end in -л, -ла, -ло, -ли (-лся, -лась ...) after a vowel, or are participles in -вш-;
# these nouns and adverbs look the same ("министр иностранных дел", "потенциал", "около").
# (and the verbs of going, "перешёл", "перешло", "пришли", whose stem ends in "ш")
_RU_PAST_FORM = re.compile(
    r"\w+(?:[аяеёиыуо]л[аои]?(?:сь|ся)?|ш[её]л|шл[аои]|вш(?:ий|ая|ее|ие|его|ей|ую|им|ими|их|ем))"
)
_RU_NOT_PAST = frozenset(
    "генерал канал капитал материал сигнал финал журнал идеал арсенал персонал потенциал трибунал интервал "
    "протокол символ футбол предел отдел раздел стол пол школ окол мал дел цел рол недел модел правил тел "
    "вол дол бол сол зал сил мил стул аул сел".split()
)
_ZH_TENSE = re.compile(
    r"(?P<future>即将|即將|将(?![军軍领領近])|將(?![军軍领領近])|计划|計劃|预计|預計|预定|預定|定于|定於|拟于|擬於|拟|擬)|"
    r"(?P<past>已经|已經|已|曾经|曾經|"
    r"(?:举行|舉行|签署|簽署|召开|召開|成立|加入|成为|成為|通过|通過|发表|發表|会见|會見|会晤|會晤|闭幕|閉幕|"
    r"开幕|開幕|出席|宣布|访问|訪問|结束|結束|举办|舉辦|批准|决定|決定)了)"
)


# "назначена на 8–9 июля", "намечен на следующую неделю"; not "назначен на пост" (appointed to the post)
_SCHEDULED_FOR = re.compile(
    r"(?:назначен|намечен)\w*\s+на\s+(?:\d|(?:понедельник|вторник|сред|четверг|пятниц|суббот|воскресень"
    r"|январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр|следующ|будущ|конец|начал|середин)"
    r"|(?:эт[иоу]|ближайш)\w*\s)",
    re.IGNORECASE,
)


def _ru_tense(word: str) -> str | None:
    lowered = word.lower()
    if lowered in _RU_FUTURE:
        return "future"
    if lowered in _RU_PAST:
        return "past"
    if not word[0].islower() or len(word) < 4 or not _RU_PAST_FORM.fullmatch(lowered):
        return None  # a capital is a name ("Кабул") more often than a verb
    stem = lowered.rstrip("аои").removesuffix("сь").removesuffix("ся").rstrip("аои")
    return None if stem in _RU_NOT_PAST else "past"


def tense_markers(sentence: str) -> list[tuple[int, str]]:
    """(offset, "past"|"future") for each Russian or Chinese word that shows tense."""
    markers = []
    if _CYRILLIC.search(sentence):
        for m in _RU_WORD.finditer(sentence):
            tense = _ru_tense(m.group())
            if tense == "past" and _SCHEDULED_FOR.match(sentence, m.start()):
                tense = "future"  # "назначена на 8–9 июля": scheduled for, not appointed
            if tense:
                markers.append((m.start(), tense))
    if _HAN.search(sentence):
        markers += [(m.start(), m.lastgroup) for m in _ZH_TENSE.finditer(sentence)]
    return markers


_DIGITS = re.compile(r"\d")


def rules_for(sentence: str) -> tuple[Rule, ...]:
    """The rules of the languages whose script the sentence holds (none for most English ones)."""
    if not _SCRIPTS.search(sentence):
        return ()
    return _rules(
        bool(_CYRILLIC.search(sentence)), bool(_HAN.search(sentence)), bool(_DIGITS.search(sentence))
    )


@functools.cache
def _rules(cyrillic: bool, han: bool, digit: bool) -> tuple[Rule, ...]:
    rules = (RU_RULES if cyrillic else ()) + (ZH_RULES if han else ())
    return tuple(rule for rule in rules if digit or not rule.needs)
