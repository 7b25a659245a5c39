"""The fact extractor: known dates for known sentences, the traps, the API, and the gold-file targets."""

import dataclasses
import datetime as dt
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import events.pipeline.extract as extract_module
from events.domain.dates import FuzzyDate
from events.pipeline.extract import (
    MAX_SENTENCE_CHARS,
    ExtractedFact,
    extract_facts,
    fact_fingerprint,
    facts_as_json,
    format_facts,
    same_fact,
    sentence_facts,
    split_sentences,
)
from events.pipeline.relative_dates import MAX_MENTIONS
from tests.needs import shared_path

ROOT = Path(__file__).resolve().parents[1]

WED_3_JULY_2024 = dt.date(2024, 7, 3)
WED_14_SEPT_2022 = dt.date(2022, 9, 14)
WED_3_MAY_2023 = dt.date(2023, 5, 3)
THU_20_JUNE_2024 = dt.date(2024, 6, 20)
TUE_7_JAN_2025 = dt.date(2025, 1, 7)


def require_seeds() -> None:
    """The seed texts live in shared/ beside the repo; only CI insists on them."""
    shared_path("seeds")


def dated(text: str, published: dt.date) -> list[tuple[str, str | None]]:
    return [(f.date, f.end_date) for f in extract_facts("Headline", text, published)[1:]]


def _load_evaluator():
    spec = importlib.util.spec_from_file_location(
        "evaluate_extraction", ROOT / "scripts" / "evaluate_extraction.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


evaluator = _load_evaluator()


# ---------------------------------------------------------------- dates of single sentences


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # weekdays: past tense looks back (on or before publication), future tense forward
        ("Putin and Xi met Wednesday in Kazakhstan.", WED_3_JULY_2024, [("2024-07-03", None)]),
        ("Putin and Xi met Wednesday in Kazakhstan.", dt.date(2024, 7, 5), [("2024-07-03", None)]),
        ("Putin and Xi met on Friday in Astana.", WED_3_JULY_2024, [("2024-06-28", None)]),
        ("The delegation will land on Saturday.", WED_3_JULY_2024, [("2024-07-06", None)]),
        ("Russia's delegation is expected on Tuesday.", dt.date(2024, 10, 11), [("2024-10-15", None)]),
        ("Xi will preside over a parade next Wednesday.", WED_3_JULY_2024, [("2024-07-10", None)]),
        ("Defence ministers met in New Delhi last Friday.", WED_3_MAY_2023, [("2023-04-28", None)]),
        # what a meeting held today comes before is still to come; a recap's "before" keeps its past
        (
            "Ministers gathered today, one of the last meetings before the SCO summit on July 3-4.",
            dt.date(2024, 4, 26),
            [("2024-04-26", None), ("2024-07-03", "2024-07-04")],
        ),
        (
            "Ministers met in May, before the summit on July 3-4.",
            dt.date(2024, 9, 26),
            [("2024-05", None), ("2024-07-03", "2024-07-04")],
        ),
        # what a city expects to host is ahead
        (
            "The council is drawing up the calendar, including the summit that Minsk expects to host in early"
            " September.",
            dt.date(2026, 1, 28),
            [("2026-09", None)],
        ),
        # what a past meeting was held to prepare is ahead (twenty-third corpus: the summit went a year back)
        (
            "The foreign ministers met in Tashkent on July 28-29 to prepare the bloc's summit on September 15-16.",
            dt.date(2022, 7, 29),
            [("2022-07-28", "2022-07-29"), ("2022-09-15", "2022-09-16")],
        ),
        # (review) but a recap's meeting and what it prepared both went by
        (
            "Officials met in May to prepare the summit in July.",
            dt.date(2024, 9, 1),
            [("2024-05", None), ("2024-07", None)],
        ),
        (
            "Sherpas worked for weeks to prepare the declaration adopted in Astana on July 4.",
            dt.date(2024, 7, 20),
            [("2024-07-04", None)],
        ),
        (
            "Foreign ministers met in Beijing in April to prepare the Qingdao summit in June.",
            dt.date(2018, 12, 20),
            [("2018-04", None), ("2018-06", None)],
        ),
        # a month officials are aiming for is ahead
        (
            "The summit is to be held in Minsk; officials have said they are aiming for early September.",
            dt.date(2026, 1, 20),
            [("2026-09", None)],
        ),
        # a day without its year after a date of its month that has one is of that year
        (
            "At the Beijing summit of June 6-7, 2012, Afghanistan was made an observer on the closing day, June 7.",
            dt.date(2025, 6, 1),
            [("2012-06-06", "2012-06-07"), ("2012-06-07", None)],
        ),
        # unless a future comes between, or its own words count the year from the report
        (
            "India joined in June 2017 and will host the summit on July 4.",
            dt.date(2023, 5, 1),
            [("2017-06", None), ("2023-07-04", None)],
        ),
        (
            "India came in in June 2017, and Belarus was admitted in July this year.",
            dt.date(2024, 10, 1),
            [("2017-06", None), ("2024-07", None)],
        ),
        ("The envoy arrived on Tuesday last week.", THU_20_JUNE_2024, [("2024-06-11", None)]),
        # days around publication
        (
            "Officials met yesterday and will meet again tomorrow.",
            WED_3_JULY_2024,
            [("2024-07-02", None), ("2024-07-04", None)],
        ),
        ("A spokesman said today that the talks went well.", WED_3_JULY_2024, [("2024-07-03", None)]),
        ("The talks ended three days ago.", WED_3_JULY_2024, [("2024-06-30", None)]),
        # "in May": the latest May for the past tense, the next one for the future
        ("In May, Putin visited Beijing.", WED_3_JULY_2024, [("2024-05", None)]),
        ("Putin will visit Beijing in May.", WED_3_JULY_2024, [("2025-05", None)]),
        ("Putin visited Beijing in September.", WED_3_JULY_2024, [("2023-09", None)]),
        (
            "Beijing plans to hold its first ministerial meeting in May.",
            THU_20_JUNE_2024,
            [("2025-05", None)],
        ),
        # "on the 14th": the publication month, or the next/previous one when the tense says so
        ("The summit will open on the 15th.", WED_14_SEPT_2022, [("2022-09-15", None)]),
        (
            "Pashinyan announced on the 14th that he had asked the CSTO for help.",
            WED_14_SEPT_2022,
            [("2022-09-14", None)],
        ),
        ("Araghchi held talks with Wang Yi in Beijing on the 28th.", TUE_7_JAN_2025, [("2024-12-28", None)]),
        ("Border commanders will meet on the 2nd.", THU_20_JUNE_2024, [("2024-07-02", None)]),
        ("Parliament opens on the 24th.", THU_20_JUNE_2024, [("2024-06-24", None)]),
        # spans
        (
            "The summit will be held in Samarkand for two days from 15th.",
            WED_14_SEPT_2022,
            [("2022-09-15", "2022-09-16")],
        ),
        (
            "Schools will close for three days from the 14th.",
            dt.date(2024, 10, 11),
            [("2024-10-14", "2024-10-16")],
        ),
        (
            "Ministers will meet in Goa for two days from Thursday.",
            WED_3_MAY_2023,
            [("2023-05-04", "2023-05-05")],
        ),
        (
            "Leaders will meet in Astana between 3 and 5 July.",
            THU_20_JUNE_2024,
            [("2024-07-03", "2024-07-05")],
        ),
        (
            "The summit will run between 31 August and 1 September.",
            dt.date(2025, 8, 27),
            [("2025-08-31", "2025-09-01")],
        ),
        ("Officials will gather from the 9th to the 11th.", THU_20_JUNE_2024, [("2024-07-09", "2024-07-11")]),
        (
            "Pakistan will host the council on 15 and 16 October.",
            dt.date(2024, 10, 11),
            [("2024-10-15", "2024-10-16")],
        ),
        # absolute dates keep their precision
        ("The declaration was signed on 15 September 2022.", WED_3_JULY_2024, [("2022-09-15", None)]),
        ("Iran signed the memorandum on Sept. 15, 2022.", WED_3_JULY_2024, [("2022-09-15", None)]),
        ("Pezeshkian took office on 2024-07-28.", TUE_7_JAN_2025, [("2024-07-28", None)]),
        ("Elections were held in March 2024.", WED_3_JULY_2024, [("2024-03", None)]),
        ("Established in 2001 by China and Russia, the SCO grew.", WED_3_JULY_2024, [("2001", None)]),
        ("More than 5,600 people died in the 2020 armed conflict.", WED_14_SEPT_2022, [("2020", None)]),
        ("Russia invaded Ukraine in February this year.", WED_14_SEPT_2022, [("2022-02", None)]),
        (
            "The Kerman bombings on January 3 last year killed 95 people.",
            TUE_7_JAN_2025,
            [("2024-01-03", None)],
        ),
        ("Pashinyan will travel to Moscow on 17 January.", TUE_7_JAN_2025, [("2025-01-17", None)]),
        # months, years and weeks relative to publication
        ("Xi faces the party convention next month.", WED_14_SEPT_2022, [("2022-10", None)]),
        ("Tokayev met Xi last month.", WED_14_SEPT_2022, [("2022-08", None)]),
        ("Belarus joined the organisation this year.", WED_3_JULY_2024, [("2024", None)]),
        ("Pakistan took over the chair last year.", WED_3_JULY_2024, [("2023", None)]),
        # "накануне" alone is the day before the report; "накануне саммита" the eve of something else
        ("Лидеры провели переговоры накануне в Минске.", WED_3_MAY_2023, [("2023-05-02", None)]),
        ("Накануне саммита лидеры прибыли в Минск.", WED_3_MAY_2023, []),
        # Russian years, months and days ago; "ровно" (exactly) names the day
        ("Ровно двадцать лет назад лидеры подписали декларацию.", WED_3_MAY_2023, [("2003-05-03", None)]),
        (
            "20 лет назад была создана организация, а три дня назад прошла встреча.",
            WED_3_MAY_2023,
            [("2003", None), ("2023-04-30", None)],
        ),
        # a term, no happening: "the SCO's tourism and cultural capital for 2023-2024"
        ("Minsk was named the SCO's cultural capital for 2023-2024.", WED_3_MAY_2023, []),
        # a plan that did not hold, said by who had set it
        (
            "New Delhi had earlier pencilled in a date in the last week of June for the meeting.",
            WED_3_MAY_2023,
            [],
        ),
        # the days of a meeting that takes place, or of a summit a traveller heads for: the coming ones
        # (the day of the journey made to attend them is no happening: issue 18, the twenty-seventh corpus)
        (
            "The premier arrived on Tuesday to attend the council and the forum, which take place on Thursday.",
            WED_3_MAY_2023,
            [("2023-05-04", None)],
        ),
        (
            "The premier travels to Minsk this weekend, for the summit of the SCO in Minsk on Sunday and Monday.",
            WED_3_MAY_2023,
            [("2023-05-06", "2023-05-07"), ("2023-05-07", "2023-05-08")],
        ),
        # what a review of 7 December's rules found: a listed year raised on 29 February and dropped the
        # article; "is" after a date overrode its past tense; plain attribution, "signing off on" and "had
        # scheduled" lost real facts
        # a listed year without the 29th of February keeps the day as read; a span over the new year ends a year on
        ("2017: leaders met on 29 February in Minsk.", dt.date(2024, 3, 10), [("2024-02-29", None)]),
        (
            "2017: the drill ran from 30 December to 2 January.",
            dt.date(2024, 3, 10),
            [("2017-12-30", "2018-01-02")],
        ),
        # a past participle before the date outweighs the present after it
        ("The charter signed on 15 June is a milestone.", dt.date(2025, 9, 1), [("2025-06-15", None)]),
        # attribution, not a correction; a meeting signing off a text; a plan that held
        (
            "An earlier report by Xinhua said the leaders signed the pact on 4 July 2024.",
            dt.date(2025, 9, 1),
            [("2024-07-04", None)],
        ),
        (
            "Leaders were signing off on the declaration on Friday.",
            dt.date(2025, 9, 1),
            [("2025-08-29", None)],
        ),
        (
            "Kazakhstan had scheduled the summit for 3-4 July, and the leaders duly gathered in Astana.",
            dt.date(2024, 7, 10),
            [("2024-07-03", "2024-07-04")],
        ),
        # a present-tense schedule of days ahead, in a sentence whose verb is in the past
        (
            "Ministers agreed today to send drafts to the leaders before they meet in the capital on June 8-9.",
            WED_3_MAY_2023,
            [("2023-05-03", None), ("2023-06-08", "2023-06-09")],
        ),
        (
            "The gathering on Thursday and Friday is the first in person since 2019.",
            WED_3_MAY_2023,
            [("2023-05-04", "2023-05-05"), ("2019", None)],
        ),
        (
            "The secretariat said last week that ten states had come.",
            WED_3_MAY_2023,
            [("2023-04-24", "2023-04-30")],
        ),
        ("Tokayev will travel to Dushanbe next week.", THU_20_JUNE_2024, [("2024-06-24", "2024-06-30")]),
        ("Putin confirmed his attendance this week.", THU_20_JUNE_2024, [("2024-06-17", "2024-06-20")]),
        ("The envoy will arrive this week.", THU_20_JUNE_2024, [("2024-06-20", "2024-06-23")]),
        # a month with no tense is the nearer one; an attribution's "said" gives the clause no tense
        ("The talks prepare the summit Minsk hosts in July.", dt.date(2031, 5, 2), [("2031-07", None)]),
        (
            "The talks prepare the summit Minsk hosts in July, officials said.",
            dt.date(2031, 5, 2),
            [("2031-07", None)],
        ),
        ("Leaders met in July, officials said.", dt.date(2031, 5, 2), [("2030-07", None)]),
        ("The summit in December was a success.", dt.date(2031, 5, 2), [("2030-12", None)]),
        # "is ready to receive" looks forward
        (
            "The capital is ready to receive the heads of state on Thursday and Friday.",
            dt.date(2014, 9, 10),
            [("2014-09-11", "2014-09-12")],
        ),
        # "the weekend": the one the tense points to, the one under way when told on it, else the nearer
        ("Leaders met in Qingdao over the weekend.", dt.date(2018, 6, 11), [("2018-06-09", "2018-06-10")]),
        ("Leaders will meet in Qingdao at the weekend.", dt.date(2018, 6, 7), [("2018-06-09", "2018-06-10")]),
        ("Leaders met in Qingdao at the weekend.", dt.date(2018, 6, 10), [("2018-06-09", "2018-06-10")]),
        (
            "Leaders are meeting in Qingdao over the weekend.",
            dt.date(2018, 6, 7),
            [("2018-06-09", "2018-06-10")],
        ),
        (
            "Officials met on Monday and Tuesday this week.",
            dt.date(2025, 10, 17),
            [("2025-10-13", "2025-10-14")],
        ),
        (
            "Talks were held on Monday and Thursday.",
            dt.date(2025, 10, 17),
            [("2025-10-13", None), ("2025-10-16", None)],
        ),
        ("Leaders will meet from Monday to Wednesday.", WED_3_JULY_2024, [("2024-07-08", "2024-07-10")]),
        (
            "Leaders met from August 31, 2025 to September 1, 2025.",
            dt.date(2025, 9, 2),
            [("2025-08-31", "2025-09-01")],
        ),
        (
            "Talks were held on August 3, 2025 and August 20, 2025.",
            dt.date(2025, 9, 2),
            [("2025-08-03", None), ("2025-08-20", None)],
        ),
        ("Border clashes in 2022 killed more than 100 people.", WED_3_JULY_2024, [("2022", None)]),
        # issue 18: an anniversary is a day; a month a future sentence looks back on is the one just gone
        (
            "Twenty years ago today, six leaders signed the declaration in Shanghai.",
            dt.date(2021, 6, 15),
            [("2001-06-15", None)],
        ),
        # "so many years ago this June": that month, so many years back
        (
            "Twenty years ago this June, the SCO was founded in Shanghai.",
            dt.date(2021, 9, 13),
            [("2001-06", None)],
        ),
        ("Five years ago last October, the two met in Minsk.", dt.date(2021, 9, 13), [("2015-10", None)]),
        # "last month" is the month before the publication's, so many years back
        ("Twenty years ago last month, the two met in Minsk.", dt.date(2021, 3, 10), [("2001-02", None)]),
        ("Five years ago last month, the two met in Minsk.", dt.date(2021, 1, 10), [("2015-12", None)]),
        ("Five years ago this month, the two met in Minsk.", dt.date(2021, 1, 10), [("2016-01", None)]),
        (
            "It will be the first visit since the clash between the two armies in May.",
            dt.date(2025, 6, 24),
            [("2025-05", None)],
        ),
        (
            "Araghchi will travel to China to rally support after the war in June.",
            dt.date(2025, 7, 12),
            [("2025-06", None)],
        ),
        (  # the month of a harm the future verb only talks about is the one just gone
            "Aides said the mayor would raise the floods in the river towns in May at the council.",
            dt.date(2025, 8, 30),
            [("2025-05", None)],
        ),
        ("The mayor said the fair would open in May.", dt.date(2025, 8, 30), [("2026-05", None)]),
        ("China plans to hold its first ministerial meeting in May.", WED_3_JULY_2024, [("2025-05", None)]),
        (  # a schedule in the present tense is to come
            "The summit continues on Friday with a session of the heads of state.",
            dt.date(2022, 9, 15),
            [("2022-09-16", None)],
        ),
        ("The summit opened on Thursday.", dt.date(2022, 9, 16), [("2022-09-15", None)]),
        (  # days said of a happening by name, two days ahead: that happening's, whatever the verb's tense
            "The city has been rebuilt for the summit of the bloc on September 15-16.",
            dt.date(2031, 9, 13),
            [("2031-09-15", "2031-09-16")],
        ),
        (  # without the happening's name, the past tense still looks back
            "The city was rebuilt on September 15-16.",
            dt.date(2031, 9, 13),
            [("2030-09-15", "2030-09-16")],
        ),
        (  # a body that meets on days in a relative clause meets on the coming ones, whatever the main verb's tense
            "Streets were closed on Sunday as the city braced for the council, which meets here on Tuesday and"
            " Wednesday.",
            dt.date(2031, 6, 16),
            [("2031-06-15", None), ("2031-06-17", "2031-06-18")],
        ),
        (  # Sunday and Monday follow each other across the week's end
            "The summit is taking place on Sunday and Monday.",
            dt.date(2025, 8, 31),
            [("2025-08-31", "2025-09-01")],
        ),
        (
            "Modi is in Tianjin for the summit, held from Aug 31 to Sept 1.",
            dt.date(2025, 8, 31),
            [("2025-08-31", "2025-09-01")],
        ),
        (
            "For two days, on October 15 and 16, Islamabad hosted the world.",
            dt.date(2024, 10, 18),
            [("2024-10-15", "2024-10-16")],
        ),
        # a coarse date that only frames finer ones in the same clause gives no fact of its own
        (
            "Russia experienced terrorist attacks this year, with over 145 killed in Moscow in March "
            "and 21 in Dagestan in June.",
            WED_3_JULY_2024,
            [("2024-03", None), ("2024-06", None)],
        ),
    ],
)
def test_dates_resolve_against_publication_and_tense(sentence, published, expected):
    assert dated(sentence, published) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "We are going to exchange opinions.",
        "Officials said the ministers may discuss terrorism.",
        "May the talks bring peace.",
        "Protesters will march through the city.",
        "Theresa May met the delegation.",
        "Over 145 people were killed and 21 wounded.",
        "The leaders of 15 countries are scheduled to attend.",
        "This marks their second meeting in two months.",
        "A decision on the bank is due in two months.",
        "It is the 15th anniversary of the treaty.",
        "The 12-day war killed 610 people.",
        "The force has 2000 troops.",
        "The 2000 killed in the attack were buried.",
        "For Iran, ties with neighbours will be a priority in the next few years.",
        "The SCO summit will be held face-to-face for the first time since the outbreak.",
    ],
)
def test_words_that_look_like_dates_give_no_fact(sentence):
    assert dated(sentence, WED_3_JULY_2024) == []


def test_precision_is_kept_never_invented():
    fact = extract_facts("H", "In May, Putin visited Beijing.", WED_3_JULY_2024)[1]
    assert (fact.date, fact.precision) == ("2024-05", "month")
    year = extract_facts("H", "Belarus joined this year.", WED_3_JULY_2024)[1]
    assert (year.date, year.precision) == ("2024", "year")


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # the sentence after goes on telling the day its participants met
            "The forum closed in Lakeside on Monday. Leaders at the forum signed a water accord.",
            [("2024-07-01", None), ("2024-07-01", None)],
        ),
        (
            "3月4日上午，论坛在湖城开幕。与会领导人签署了水资源协定。",
            [("2024-03-04", None), ("2024-03-04", None)],
        ),
        (  # who spoke at the meeting the sentence before told of
            "3月4日下午，论坛在湖城举行。王部长在会上提出水资源倡议。",
            [("2024-03-04", None), ("2024-03-04", None)],
        ),
        ("3月4日下午，王部长在湖城参观工厂。他的父亲在会上发言。", [("2024-03-04", None)]),
        (  # not in the same paragraph
            "The forum closed in Lakeside on Monday.\nLeaders at the forum signed a water accord.",
            [("2024-07-01", None)],
        ),
        (  # an aside on the past or on what may come
            "The forum closed in Lakeside on Monday. The two men had met twice before in the port.",
            [("2024-07-01", None)],
        ),
        ("The forum closed in Lakeside on Monday. They may return to the talks.", [("2024-07-01", None)]),
        (  # leaders after a sentence telling of no meeting
            "The mayor opened a bridge on Monday. Leaders approved a budget for the league.",
            [("2024-07-01", None)],
        ),
    ],
)
def test_an_undated_sentence_going_on_with_the_day_before_takes_its_date(text, expected):
    assert dated(text, WED_3_JULY_2024) == expected


def test_a_sentence_going_on_keeps_the_dated_sentence_unless_it_tells_another_kind_of_happening():
    # a meeting told by no kind: its sentence shows where the day comes from
    text = "3月4日上午，王先生主持会议并发表讲话。与会领导人签署了水资源协定。"
    carried = extract_facts("H", text, WED_3_JULY_2024)[-1]
    assert carried.summary == "3月4日上午，王先生主持会议并发表讲话。 与会领导人签署了水资源协定。"
    # the summit's close is the summit's evidence, not the signing's
    text = "The summit closed in Lakeside on Monday. Leaders at the meeting signed a water accord."
    carried = extract_facts("H", text, WED_3_JULY_2024)[-1]
    assert (carried.date, carried.summary) == ("2024-07-01", "Leaders at the meeting signed a water accord.")


def test_a_sentence_going_on_after_a_relative_clause_on_another_day_takes_the_main_clause_day():
    text = (
        "Mr. Lee, who met the mayor on Sunday, spent much of Monday with Mr. Kim. "
        "The two men rode together to their talks at the port."
    )
    facts = extract_facts("H", text, WED_3_JULY_2024)[1:]
    assert [(f.date, f.title[:12]) for f in facts] == [
        ("2024-06-30", "Mr. Lee met "),
        ("2024-07-01", "Mr. Lee spen"),
    ]
    # the day named no happening, the sentence after names the talks: one telling, with both sentences,
    # titled by the sentence that names who ("The two men" names no one)
    assert facts[1].summary == text


def test_a_sentence_going_on_after_a_dated_happening_is_a_fact_of_its_own():
    text = "The summit closed in Lakeside on Monday. Leaders at the meeting signed a water accord."
    assert len(extract_facts("H", text, WED_3_JULY_2024)[1:]) == 2


def test_a_list_entry_opening_on_its_year_is_dated_by_it():
    text = "Past hosts of the games:\n\n2019: Riverton, Northland.\n\n2027: Lakeside, Southmark (planned)."
    assert dated(text, WED_3_JULY_2024) == [("2019", None), ("2027", None)]
    assert dated("Vision 2030: a plan for the port towns.", WED_3_JULY_2024) == []


# ---------------------------------------------------------------- the article and its facts


def test_first_fact_is_the_article_at_its_publication_day():
    facts = extract_facts("Putin and Xi meet in Astana", "Nothing here is dated.", WED_3_JULY_2024)
    assert len(facts) == 1
    article = facts[0]
    assert (article.date, article.precision, article.end_date) == ("2024-07-03", "day", None)
    assert article.title == "Putin and Xi meet in Astana"
    assert article.summary == "Nothing here is dated."
    assert article.confidence == 1.0
    assert {"vladimir-putin", "xi-jinping", "astana"} <= set(article.tags)


def test_a_fact_carries_its_sentence_tags_and_a_short_title():
    text = (
        "Russian President Vladimir Putin and Chinese President Xi Jinping met Wednesday in Kazakhstan "
        "for the Shanghai Cooperation Organization (SCO) summit."
    )
    fact = extract_facts("H", text, WED_3_JULY_2024)[1]
    assert fact.summary == text
    assert {"vladimir-putin", "xi-jinping", "kazakhstan", "sco", "summit"} <= set(fact.tags)
    assert len(fact.title) <= 120 and fact.title.startswith("Russian President Vladimir Putin")


def test_titles_drop_asides_and_keep_the_subject():
    text = (
        "Iran, which signed its memorandum of obligations in Samarkand in September 2022, is set to "
        "become a full member at the July summit."
    )
    titles = [f.title for f in extract_facts("H", text, WED_3_MAY_2023)[1:]]
    assert titles == [
        "Iran signed its memorandum of obligations in Samarkand in September 2022",
        "Iran is set to become a full member at the July summit",
    ]


@pytest.mark.parametrize(
    "headline",
    [
        'Shanghai Cooperation Organization summit & "quotes"',
        "Lavrov calls the Goa talks “useful”",
        '"We want results," Jaishankar says',
    ],
)
def test_a_headline_keeps_its_quotations_whole(headline):
    assert extract_facts(headline, "", WED_3_JULY_2024)[0].title == headline


def test_two_following_days_joined_by_and_are_one_fact_over_both():
    """As "31 August and 1 September 2025" and "Monday and Tuesday" are; the comma of a date cuts no title."""
    text = "Leaders of the Shanghai Cooperation Organisation met in Tianjin on August 31, 2025 and September 1, 2025."
    facts = extract_facts("H", text, dt.date(2025, 8, 31))[1:]
    assert [(f.date, f.end_date, f.title) for f in facts] == [
        ("2025-08-31", "2025-09-01", text.rstrip(".")),
    ]


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        # twenty-first corpus: a meeting's opening and closing days are its span
        (
            "The two-day meeting opened on Wednesday with bilateral talks and concluded on Thursday.",
            [("2025-06-25", "2025-06-26")],
        ),
        ("The forum opened on June 3 and closed on June 20.", [("2025-06-03", None), ("2025-06-20", None)]),
        (
            "The summit opened on Monday and the leaders left on Tuesday.",
            [("2025-06-23", None), ("2025-06-24", None)],
        ),
    ],
)
def test_a_meeting_opened_one_day_and_closed_the_next_is_one_span(sentence, dates):
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, dt.date(2025, 6, 26))] == dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Shanghai Cooperation Organization said on May 14, 2024 that Iran would host drills in September.",
            [
                (
                    "2024-05-14",
                    "The Shanghai Cooperation Organization said on May 14, 2024 that Iran would host drills "
                    "in September",
                ),
                ("2025-09", "Iran would host drills in September"),
            ],
        ),
        (
            "On May 14, 2024, the SCO said that Iran would host drills in September.",
            [
                # the leading "On May 14, 2024," repeats the date the timeline shows (issue 18)
                ("2024-05-14", "The SCO said that Iran would host drills in September"),
                ("2025-09", "Iran would host drills in September"),
            ],
        ),
        (
            "Iran will host drills in September, the SCO said on May 14, 2024.",
            [
                ("2025-09", "Iran will host drills in September"),
                ("2024-05-14", "The SCO said on May 14, 2024: Iran will host drills in September"),
            ],
        ),
    ],
)
def test_a_statement_is_dated_when_made_and_titled_with_what_was_said(text, expected):
    facts = extract_facts("H", text, dt.date(2025, 8, 31))[1:]
    assert [(f.date, f.title) for f in facts] == expected


def test_a_later_mention_of_a_told_event_joins_it():
    text = "In May, Putin visited Beijing. Their May meeting highlighted Beijing's support for Moscow."
    facts = extract_facts("H", text, WED_3_JULY_2024)[1:]
    assert [(f.date, f.summary) for f in facts] == [("2024-05", "In May, Putin visited Beijing.")]


def test_the_same_fact_told_twice_in_an_article_is_one_fact_with_the_fuller_date():
    text = (
        "The summit of the Shanghai Cooperation Organization will be held in Uzbekistan from the 15th. "
        "The summit of the Shanghai Cooperation Organization will be held in Samarkand, Uzbekistan "
        "for two days from 15th."
    )
    facts = extract_facts("H", text, WED_14_SEPT_2022)[1:]
    assert [(f.date, f.end_date) for f in facts] == [("2022-09-15", "2022-09-16")]


def test_two_facts_of_one_sentence_stay_apart_even_on_one_day():
    text = (
        "Lavrov is due to land in Goa tomorrow, and Qin Gang is expected to hold talks with "
        "Jaishankar on Thursday."
    )
    facts = extract_facts("H", text, WED_3_MAY_2023)[1:]
    assert [f.date for f in facts] == ["2023-05-04", "2023-05-04"]
    assert facts[0].title != facts[1].title


def test_links_are_not_read_as_text():
    text = (
        "Putin aims to show non-isolation despite Western sanctions "
        "https://en.wikipedia.org/wiki/Sanction#:~:text=A%20sanction%20may%20be%20either. "
        "from the 2022 Ukraine invasion."
    )
    facts = extract_facts("H", text, WED_3_JULY_2024)[1:]
    assert [f.date for f in facts] == ["2022"]
    assert "http" not in facts[0].summary


def test_sentences_split_after_full_stops_but_not_abbreviations():
    text = (
        "The U.S. warned Russia. U.N. Secretary-General António Guterres attended. "
        "Iran signed on Sept. 15, 2022. S. Jaishankar spoke.\nA heading\nNext line."
    )
    assert split_sentences(text) == [
        "The U.S. warned Russia.",
        "U.N. Secretary-General António Guterres attended.",
        "Iran signed on Sept. 15, 2022.",
        "S. Jaishankar spoke.",
        "A heading",
        "Next line.",
    ]


def test_a_run_on_sentence_is_read_in_pieces_at_spaces():
    """BUG-4: one 10,000-character "sentence" is cut, and a date far into it is still found."""
    sentence = "word " * 2_000 + "Iran joined the SCO on 4 July 2023"
    pieces = split_sentences(sentence)
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces) == sentence
    assert any(f.date == "2023-07-04" for f in extract_facts("SCO", sentence, dt.date(2024, 7, 5)))


def test_a_sentence_listing_many_dates_gives_at_most_max_mentions_facts():
    sentence = "Meetings were held " + ", ".join(f"in {year}" for year in range(1950, 2020)) + "."
    facts = extract_facts("SCO", sentence, dt.date(2024, 7, 5))[1:]
    assert len(facts) == MAX_MENTIONS and facts[0].date == "1950"


# ---------------------------------------------------------------- the same fact from two outlets


def _fact(date: str, title: str, tags: tuple[str, ...], precision: str = "day") -> ExtractedFact:
    return ExtractedFact(date, None, precision, title, title + ".", tags, 0.8)


XI_PUTIN_A = _fact(
    "2024-07-03",
    "Chinese President Xi Jinping and Russian President Vladimir Putin met on Wednesday "
    "in Astana on the sidelines of the SCO summit",
    ("astana", "china", "russia", "sco", "summit", "vladimir-putin", "xi-jinping"),
)
XI_PUTIN_B = _fact(
    "2024-07-03",
    "Putin and Xi held talks in Kazakhstan's capital on Wednesday, their second meeting in two months",
    ("bilateral-meeting", "kazakhstan", "vladimir-putin", "xi-jinping"),
)
ARMENIA = _fact(
    "2022-09-14",
    "Around the border between Armenia and Azerbaijan, military clashes occurred by the 14th",
    ("armenia", "azerbaijan", "border-clash"),
)
KYRGYZ = _fact(
    "2022-09-14",
    "On the 14th at the border between Kyrgyzstan and Tajikistan there was a gunfight between border guards",
    ("border-clash", "kyrgyzstan", "tajikistan"),
)
PASHINYAN = _fact(
    "2022-09-14",
    "Armenian Prime Minister Pashinyan announced on the 14th that he had requested "
    "military support from the CSTO",
    ("armenia", "csto", "nikol-pashinyan", "russia"),
)


def test_two_outlets_reporting_one_meeting_are_the_same_fact():
    assert same_fact(XI_PUTIN_A, XI_PUTIN_B)
    assert same_fact(XI_PUTIN_B, XI_PUTIN_A)
    assert fact_fingerprint(XI_PUTIN_A) == fact_fingerprint(XI_PUTIN_B)


@pytest.mark.parametrize(("a", "b"), [(ARMENIA, KYRGYZ), (ARMENIA, PASHINYAN), (KYRGYZ, PASHINYAN)])
def test_different_events_of_one_day_are_different_facts(a, b):
    assert not same_fact(a, b)


def test_facts_on_different_dates_or_precisions_are_never_the_same():
    later = dataclasses.replace(XI_PUTIN_A, date="2024-07-04")
    month = dataclasses.replace(XI_PUTIN_A, date="2024-07", precision="month")
    assert not same_fact(XI_PUTIN_A, later)
    assert not same_fact(XI_PUTIN_A, month)


# ---------------------------------------------------------------- output


def test_facts_as_json_is_a_list_of_plain_objects_with_the_fields_of_the_issue():
    facts = extract_facts("Summit", "The summit will be held for two days from the 15th.", WED_14_SEPT_2022)
    rows = facts_as_json(facts)
    assert json.loads(json.dumps(rows)) == rows
    assert set(rows[1]) == {"date", "end_date", "precision", "title", "summary", "tags", "confidence"}
    assert (rows[1]["date"], rows[1]["end_date"], rows[1]["precision"]) == ("2022-09-15", "2022-09-16", "day")
    assert isinstance(rows[1]["tags"], list)


def test_text_format_shows_when_and_what():
    facts = extract_facts("Summit", "The summit will be held for two days from the 15th.", WED_14_SEPT_2022)
    text = format_facts(facts)
    assert text.splitlines()[0].startswith("14 September 2022")
    assert "15-16 September 2022" in text and "The summit will be held" in text
    assert format_facts([]) == ""


# ---------------------------------------------------------------- never raises


DATEISH = st.sampled_from(
    [
        "on",
        "the",
        "15th",
        "May",
        "may",
        "March",
        "in",
        "2024",
        "2001",
        "from",
        "for",
        "two",
        "days",
        "between",
        "and",
        "31",
        "February",
        "Wednesday",
        "last",
        "next",
        "this",
        "week",
        "month",
        "year",
        "yesterday",
        "tomorrow",
        "will",
        "met",
        "ago",
        "Sept.",
        "-",
        "2022-02-30",
        ",",
        ".",
        "\n",
        "which",
        "the",
        "9999",
    ]
)


def _check_facts(facts: list[ExtractedFact], published: dt.date, title: str = "", text: str = "") -> None:
    if not facts:  # only an article with nothing to tell states nothing
        assert not split_sentences(text) and not extract_module._tidy(title)
        return
    # the headline at its publication day, or at the one day it names within a week of it
    assert abs((FuzzyDate.parse(facts[0].date).first_day() - published).days) <= 7
    for fact in facts:
        start = FuzzyDate.parse(fact.date)
        assert start.precision.value == fact.precision
        if fact.end_date is not None:
            assert FuzzyDate.parse(fact.end_date).first_day() > start.first_day()
        assert 0.0 <= fact.confidence <= 1.0 and len(fact.title) <= 120


@settings(max_examples=200, deadline=None)
@given(title=st.text(max_size=80), text=st.text(max_size=400), published=st.dates())
def test_arbitrary_text_never_raises(title, text, published):
    _check_facts(extract_facts(title, text, published), published, title, text)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(DATEISH, max_size=40), published=st.dates())
def test_date_like_word_salad_never_raises(words, published):
    _check_facts(extract_facts("", " ".join(words), published), published, "", " ".join(words))


@pytest.mark.parametrize("published", [dt.date.min, dt.date(1, 1, 2), dt.date(9999, 12, 30), dt.date.max])
@pytest.mark.parametrize(
    "text",
    [
        "It will last for two days from the 31st.",
        "The talks will run for three days from Friday.",
        "They met yesterday, last week, last month, last year and 3 days ago.",
        "They meet tomorrow, next week, next month and next year.",
        "Between 30 and 31 December 9999.",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_dropped_not_raised(text, published):
    _check_facts(extract_facts("", text, published), published)


# ---------------------------------------------------------------- measured against the gold files


GOLD = sorted((ROOT / "tests" / "data" / "extraction").glob("*.gold.json"))


def test_there_are_gold_files_for_both_seeds_and_at_least_four_articles_of_our_own():
    articles = [json.loads(p.read_text(encoding="utf-8"))["article"] for p in GOLD]
    assert sum(a.startswith("seed:") for a in articles) == 2
    assert sum(not a.startswith("seed:") for a in articles) >= 4


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_gold_files_are_well_formed(path):
    gold = json.loads(path.read_text(encoding="utf-8"))
    published = dt.date.fromisoformat(gold["published"])
    assert gold["facts"][0]["date"] == published.isoformat()
    for fact in gold["facts"]:
        FuzzyDate.parse(fact["date"])
        assert fact["keywords"] and fact["statement"]
    if not gold["article"].startswith("seed:"):
        words = len((path.parent / gold["article"]).read_text(encoding="utf-8").split())
        assert 150 <= words <= 300


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_extraction_meets_the_targets_on_every_gold_file(path):
    gold = evaluator.load_gold(path)
    if gold["article"].startswith("seed:"):
        require_seeds()
    result = evaluator.evaluate(path)
    assert result.recall >= evaluator.RECALL_TARGET, evaluator.report([result], verbose=True)
    assert result.precision >= evaluator.PRECISION_TARGET, evaluator.report([result], verbose=True)


# ---------------------------------------------------------------- shortcuts give what the long way gives


def test_the_lowercase_cues_know_every_letter_ignorecase_matches_with_an_ascii_one():
    """A sentence is judged by its lowercase form only when it holds none of these (relative_dates._ODD_CASE)."""
    from events.pipeline.relative_dates import _ODD_CASE

    beyond_ascii = "".join(map(chr, range(128, 0x110000)))
    odd = {
        c for letter in "abcdefghijklmnopqrstuvwxyz" for c in re.findall(letter, beyond_ascii, re.IGNORECASE)
    }
    assert odd == set(_ODD_CASE.pattern.strip("[]"))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officials met YESTERDAY.", [("2024-07-02", None)]),
        ("The summit will run for two dayſ from the 15th.", [("2024-07-15", "2024-07-16")]),  # "ſ" is "s"
        ("The envoy arrived last wee\u212a.", [("2024-06-24", "2024-06-30")]),  # a Kelvin sign
        ("The envoy arrived LAST WEEK.", [("2024-06-24", "2024-06-30")]),
        ("The talks ended Three Days AGO.", [("2024-06-30", None)]),
        ("The summit will run FOR TWO DAYS from the 15th.", [("2024-07-15", "2024-07-16")]),
    ],
)
def test_case_insensitive_words_are_found_in_any_case(sentence, expected):
    assert dated(sentence, WED_3_JULY_2024) == expected


SALAD = st.lists(
    st.sampled_from(
        [
            "already",
            "Already",
            "then",
            "has",
            "had",
            "met",
            "will",
            "we’ll",
            "may",
            "May",
            "is",
            "expected",
            "to",
            "plans",
            "have",
            "said",
            "based",
            "the",
            "envoy",
            "Iran",
            "U.S.-led",
            "ab'Cd",
            "K",
            "on",
            "Monday",
            ",",
            "that",
            "and",
            "was",
            "last",
            "week",
            "due",
            "are",
            "signed",
            "-",
            "(",
            "’",
            "İ",
        ]
    ),
    max_size=12,
)


def _nearest(markers, low, high, span):
    before = [m for m in markers if low <= m[0] < span[0]]
    after = [m for m in markers if span[1] <= m[0] < high]
    return before[-1][1] if before else (after[0][1] if after else None)


@settings(max_examples=300, deadline=None)
@given(words=SALAD, at=st.integers(0, 12))
@example(words=["they", "met", ",", "will", "sign"], at=3)  # the clause decides: future
@example(words=["they", "met", ",", "and", "will", "sign"], at=3)  # neither is in the clause: past
@example(words=[",", "already", "said"], at=0)  # an attribution after the date: no tense
def test_tense_at_gives_what_reading_its_clause_first_gives(words, at):
    from events.pipeline.relative_dates import _an_attribution, clause_bounds, tense_at, tense_markers

    sentence = " ".join(words[:at] + ["15 May"] + words[at:])
    start = sentence.index("15 May")
    span = (start, start + len("15 May"))
    markers = tense_markers(sentence)
    low, high = clause_bounds(sentence, span)
    expected = _nearest(markers, low, high, span) or _nearest(markers, 0, len(sentence), span)
    after = [m for m in markers if m[0] >= span[1]]
    if len(after) == len(markers) and after and _an_attribution(sentence, span, after[0][0]):
        expected = None  # "15 May, officials said": who told it lends the date no tense
    assert tense_at(sentence, span) == expected


@settings(max_examples=300, deadline=None)
@given(words=SALAD, spaces=st.sampled_from(["", " ", "  "]))
def test_a_part_starts_with_its_verb_as_reading_all_its_words_says(words, spaces):
    from events.pipeline.extract import _ADVERBS, _starts_with_verb
    from events.pipeline.relative_dates import opening_tense, tense_markers

    part = spaces + " ".join(words)
    markers = tense_markers(part)
    expected = bool(markers) and all(w.lower() in _ADVERBS for w in part[: markers[0][0]].split())
    assert _starts_with_verb(part) == expected
    if markers and opening_tense(part)[0] == markers[0][0]:
        assert opening_tense(part) == markers[0]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(list("aSs'’.-09 xyzK\n") + ["the", "is", "news", "class"]), max_size=30)
)
def test_keywords_are_the_stems_of_the_words_less_stopwords(pieces):
    from events.pipeline.extract import _STOPWORDS, keywords

    text = "".join(pieces)
    words = re.findall(r"[a-z0-9][a-z0-9'’.-]*[a-z0-9]|[a-z0-9]", text.lower())
    stems = {re.sub(r"['’]s$", "", w) for w in words}
    stems = {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in stems}
    assert keywords(text) == frozenset(w for w in stems if w not in _STOPWORDS)


@pytest.mark.parametrize("title, text", [("", ""), ("  ", " \n "), ('"', "")])
def test_an_article_with_nothing_to_tell_states_no_fact(title, text):
    """An empty file gave the fact '3 July 2024  Untitled article' (found in review)."""
    assert extract_facts(title, text, dt.date(2024, 7, 3)) == []


@pytest.mark.parametrize(
    ("sentence", "published", "dates"),
    [
        # issue 18: a present-tense schedule verb before the weekday outweighs a past participle elsewhere
        (
            "The SCO summit continues on Friday with a session of the Council in narrow and expanded form.",
            dt.date(2022, 9, 15),
            [("2022-09-16", None)],
        ),
        # and reaches over the place it names ("meet in the Chinese port city of Tianjin on Sunday")
        (
            "Leaders from across Eurasia meet in the Chinese port city of Tianjin on Sunday and Monday.",
            dt.date(2025, 8, 28),
            [("2025-08-31", "2025-09-01")],
        ),
        ("The ministers met in the city on Monday.", dt.date(2025, 8, 28), [("2025-08-25", None)]),
        # "is on Wednesday", "is set for Friday": the coming one; "was on Wednesday" the one gone
        ("The meeting's main session is on Wednesday.", dt.date(2024, 10, 15), [("2024-10-16", None)]),
        ("The vote is set for Friday.", dt.date(2024, 10, 15), [("2024-10-18", None)]),
        ("The meeting was on Wednesday.", dt.date(2024, 10, 15), [("2024-10-09", None)]),
        # what a sentence that shows no tense of its own is "ahead of" is to come; a past verb still wins
        (
            "The capital is closing streets ahead of a summit that brings leaders to Astana on Wednesday and "
            "Thursday.",
            dt.date(2024, 7, 1),
            [("2024-07-03", "2024-07-04")],
        ),
        ("Ahead of the summit, the ministers met on Monday.", dt.date(2024, 7, 2), [("2024-07-01", None)]),
        # a plan told in the past ("was due to take place") is dated by that tense; in the past perfect ("had
        # been due to") it is a plan that did not hold, as "had been due on" always was (issue 18, the
        # twenty-seventh corpus: "had been due to meet on July 21", a postponement's wire)
        (
            "The forum was due to take place in Kazan on July 22-23.",
            dt.date(2020, 10, 21),
            [("2020-07-22", "2020-07-23")],
        ),
        (
            "The forum had been due to take place on July 22-23, its organisers said.",
            dt.date(2020, 10, 21),
            [],
        ),
        # (and a plan the sentence says was put off dates nothing: see test_a_happening_named_by_its_year...)
        ("The forum had been due to take place on July 22-23 but was put off.", dt.date(2020, 10, 21), []),
        (
            "The forum is due to take place on July 22-23.",
            dt.date(2020, 10, 21),
            [("2021-07-22", "2021-07-23")],
        ),
    ],
)
def test_a_schedule_in_the_present_tense_is_ahead(sentence, published, dates):
    from events.pipeline.extract import sentence_facts

    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, published)] == dates


@pytest.mark.parametrize(
    ("text", "day", "title"),
    [
        (
            "The leaders met in Tianjin on Monday. Later they signed the declaration. That afternoon, Xi "
            "proposed a Global Governance Initiative.",
            "2025-09-01",
            "Xi proposed a Global Governance Initiative",
        ),
        (
            "9月1日上午，国家主席习近平主持会议并发表讲话。与会领导人签署宣言。当天下午，习近平提出全球治理倡议。",
            "2025-09-01",
            "习近平提出全球治理倡议",
        ),
        # "Hours later": the same day (eleventh corpus: the SCO-CSTO joint session went undated)
        (
            "Meeting in Minsk on Monday, the SCO began admitting Laos. Hours later, SCO leaders held a joint "
            "session with the CSTO.",
            "2025-09-01",
            "SCO leaders held a joint session with the CSTO",
        ),
    ],
)
def test_a_sentence_opening_on_that_day_takes_the_day_last_dated(text, day, title):
    """Issue 18: "That afternoon, ..." / "当天下午，..." names no date but tells one: the day just dated."""
    facts = extract_facts("Summit", text, dt.date(2025, 9, 2))
    assert (day, title) in [(f.date, f.title) for f in facts]


def test_that_day_far_from_any_date_or_after_a_span_is_no_fact():
    text = "Leaders met on 31 August and 1 September. That afternoon, Xi proposed an initiative."
    assert all("initiative" not in f.title for f in extract_facts("Summit", text, dt.date(2025, 9, 2)))


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        # issue 18: the year a plan runs to is no happening
        ("China wants leaders to approve a development strategy running to 2035.", []),
        ("Tianjin Declaration; development strategy to 2035", []),
        ("Leaders approved a plan for cooperation to 2030 in Astana in July 2024.", [("2024-07", None)]),
        ("The summit was postponed to 2021.", [("2021", None)]),  # a happening moved to a year
        # the year a budget or a plan is for is no happening either; a meeting scheduled for a year is one
        ("Leaders signed the communique and the budget of the bloc's bodies for next year.", []),
        ("Ministers set the priorities for 2027 at their meeting.", []),
        ("The next summit is scheduled for next year in Minsk.", [("2026", None)]),
        # in Russian (twenty-second corpus): a budget's or a programme's years, not a planned summit's
        ("Премьеры подписали решение о бюджете ШОС на 2027 год.", []),
        ("Утверждён перечень мероприятий по проектной деятельности на 2027–2031 годы.", []),
        ("Главным событием станет саммит ШОС в Минске, запланированный на следующий год.", [("2026", None)]),
        # (review) an event is a happening, whatever noun comes before "на"
        ("Следующее крупное мероприятие организации назначено на 2026 год.", [("2026", None)]),
        ("Россия выступила с планом провести саммит ШОС в Казани на 2027 год.", [("2027", None)]),
    ],
)
def test_the_year_a_plan_runs_to_is_no_fact(sentence, dates):
    from events.pipeline.extract import sentence_facts

    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, dt.date(2025, 8, 27))] == dates


@pytest.mark.parametrize(
    ("sentence", "left_out"),
    [
        # the date is of something before, outside the story: the SCO words are not in the since-clause
        ("It is the general's first SCO meeting since he was appointed to the post in May last year.", True),
        ("The envoy, at his first SCO event since a crisis at home last month, praised the bloc.", True),
        ("Trade has doubled since the pipeline opened in March 2022, the SCO secretariat said.", True),
        # a since-clause telling a happening of the SCO's dates that happening
        ("It is the first summit since Belarus joined the organisation in July 2024.", False),
        ("Ties have warmed since the SCO summit in Samarkand in September 2022.", False),
    ],
)
def test_a_date_in_a_since_clause_telling_no_sco_happening_is_the_time_before(sentence, left_out):
    """Issue 18: 'since he was appointed in May' dates an earlier time of something else."""
    (fact, _), *_ = sentence_facts(sentence, dt.date(2025, 6, 25))
    assert fact.last_before is left_out


def test_a_live_blog_s_update_telling_a_happening_is_a_fact_of_the_blog_s_day():
    """Issue 18: a live blog's updates carry only their clock time; one that tells a happening ('Leaders have
    adopted the declaration') is of the blog's day. An update telling none, a lone clock time in a story, and
    a sentence with a date of its own are left to the other rules."""
    text = (
        "Welcome to our live coverage of the SCO summit in Minsk. 6:10 PM That is all from us today."
        " 4:40 PM Mongolia has taken over the rotating chairmanship of the SCO. 2:15 PM Leaders have adopted"
        " the Minsk Declaration. 9:30 AM The president arrives at the hall."
    )
    facts = extract_facts("LIVE: SCO summit in Minsk", text, dt.date(2031, 9, 1))
    assert [(f.date, f.title) for f in facts[1:]] == [
        ("2031-09-01", "Mongolia has taken over the rotating chairmanship of the SCO"),
        ("2031-09-01", "Leaders have adopted the Minsk Declaration"),
    ]
    story = "Leaders met in Minsk. 2:15 PM Leaders have adopted the Minsk Declaration."
    assert extract_facts("SCO summit in Minsk", story, dt.date(2031, 9, 1))[1:] == []


def test_a_live_blog_s_update_of_two_leaders_meeting_is_of_the_blog_s_day_whatever_it_recalls():
    """Issue 18 (eleventh corpus): "7:05 PM: PM Modi and Russian President Vladimir Putin hold talks" named no
    kind of the SCO's, and "4:10 PM: PM Modi meets ... Xi Jinping ..., the first meeting of the two since the
    Lok Sabha results of May 23" was dated by May 23 alone."""
    text = (
        "9:40 PM: The leaders dine together. 7:05 PM: Prime Minister Modi and President Putin hold talks, their"
        " first since the election. 4:10 PM: President Tokayev meets President Xi Jinping, the first meeting of"
        " the two since the vote of May 23."
    )
    facts = extract_facts("LIVE: SCO summit in Minsk", text, dt.date(2031, 9, 1))
    updates = [f.title for f in facts[1:] if f.date == "2031-09-01"]
    assert updates == [
        "Prime Minister Modi and President Putin hold talks, their first since the election",
        "President Tokayev meets President Xi Jinping, the first meeting of the two since the vote of May 23",
    ]


def test_a_live_blog_s_sayings_and_signing_off_are_no_facts():
    """Issue 18: "9:05 PM: That's all from us tonight" became a fact of the blog's day (titled "S all from
    us tonight"), and so did "4:15 PM: Erdogan, a guest at the summit, says he wants Turkey to join one
    day"; an update after "PM:" kept the "PM:" in its title."""
    text = (
        "Welcome to our live coverage of the SCO summit in Minsk. 4:15 PM: Erdogan, a guest at the summit,"
        " says he wants Turkey to be a full member one day. 2:15 PM: Leaders have adopted the Minsk"
        " Declaration. 9:05 PM: That's all from us tonight. We'll be back tomorrow from 8 AM."
    )
    facts = extract_facts("LIVE: SCO summit in Minsk", text, dt.date(2031, 9, 1))
    assert [(f.date, f.title) for f in facts[1:]] == [
        ("2031-09-01", "Leaders have adopted the Minsk Declaration")
    ]


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            "Ministers agreed to submit the drafts to the heads of state, who will meet in Minsk from August 31"
            " to September 1.",
            "The heads of state will meet in Minsk from August 31 to September 1",
        ),
        (
            "Streets were closed as the city braced for the council, which meets here on Tuesday and Wednesday.",
            "The council meets here on Tuesday and Wednesday",
        ),
        (
            "Lee held talks with President Vladimir Putin, who arrived on Sunday.",
            "President Vladimir Putin arrived on Sunday",
        ),
        # the date outside the relative clause: the sentence as before
        (
            "Leaders met in Minsk on Monday, which was a holiday.",
            "Leaders met in Minsk on Monday, which was a holiday",
        ),
    ],
)
def test_a_date_in_the_relative_clause_ending_a_sentence_is_told_of_what_the_clause_is_about(sentence, title):
    """Issue 18: '..., to the heads of state, who will meet in Tianjin from August 31 to September 1' was
    titled by the ministers' sentence, and read as the ministers' meeting: the days are the heads of state's."""
    from events.pipeline.extract import sentence_facts

    assert [f.title for f, _ in sentence_facts(sentence, dt.date(2031, 7, 15))] == [title]


@pytest.mark.parametrize(
    ("sentence", "tags"),
    [
        # an entry of a list names whom it is about in its label
        ("Mongolia: accession completed at the Minsk summit, 4 July 2031.", {"mongolia", "minsk"}),
        # no label: the part's own names only
        ("Leaders met in Minsk on 4 July 2031.", {"minsk"}),
    ],
)
def test_a_list_entry_s_label_names_whom_its_fact_is_about(sentence, tags):
    """Issue 18: 'Belarus: accession completed at the Astana summit, 4 July 2024' lost 'Belarus' with the
    label, and no other report of Belarus's accession could join the entry's fact (no name in common)."""
    from events.pipeline.extract import sentence_facts

    ((fact, _),) = sentence_facts(sentence, dt.date(2031, 8, 1))
    assert tags <= set(fact.tags)


@pytest.mark.parametrize(
    ("sentence", "left_out"),
    [
        # who did it the time before, named as background to the news
        (
            "The last Kazakh premier to visit was Karim Massimov, who flew to Lahore for a forum in May 2012.",
            True,
        ),
        ("The last Chinese president to address the assembly was Hu Jintao, in September 2011.", True),
        # the time before of the SCO's own happening dates that happening
        ("The last SCO summit to be held in Russia took place in Ufa in July 2015.", False),
        # no "last ... to": a happening told as it is
        ("Karim Massimov flew to Lahore for a forum in May 2012.", False),
    ],
)
def test_the_last_one_to_do_it_before_is_the_time_before(sentence, left_out):
    """Issue 18: 'The last foreign minister to visit was X, in December 2015' dates an earlier visit, named
    only as background; the timeline does not follow it, unless the sentence names the SCO."""
    (fact, _), *_ = sentence_facts(sentence, dt.date(2025, 6, 25))
    assert fact.last_before is left_out


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        ("The games, held every four years, had been postponed from 2021 because of the floods.", []),
        ("The forum was delayed from March and opens in Almaty on 4 June 2026.", [("2026-06-04", None)]),
        ("The talks were rescheduled from mid-May, officials said.", []),
        # a date after "from" that is where a span starts is the span's
        ("The drills ran from 20 to 24 September 2021.", [("2021-09-20", "2021-09-24")]),
    ],
)
def test_the_day_a_happening_was_moved_from_is_no_day_of_it(sentence, dates):
    """Issue 18: 'postponed from 2020' names when it did not happen."""
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, dt.date(2026, 5, 1))] == dates


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        ("Белоруссия была наблюдателем при ШОС с 2015 года, а вступила в 2024 году.", [("2024", None)]),
        ("С 2017 года Индия является членом ШОС.", []),
        # the same in Chinese: "自2015年起為觀察員國" (an observer since 2015), not "自1月1日起就任" (took office)
        ("白俄羅斯自2015年起為上合組織觀察員國。", []),
        ("张明自2026年1月1日起就任上合组织秘书长。", [("2026-01-01", None)]),
        # "впервые с 2015 года" tells of the last time; "с 2002 по 2007 год" bounds a span
        ("Это первый визит министра в ШОС с 2015 года.", [("2015", None)]),
        ("Соглашение действовало с 2002 года по 2007 год.", [("2002", None), ("2007", None)]),
    ],
)
def test_a_russian_since_a_year_tells_a_state_as_the_english_does(sentence, dates):
    """Issue 18: "была наблюдателем с 2015 года" (an observer since 2015) dates no happening, as "since 2015"."""
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, dt.date(2026, 5, 1))] == dates


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        ("分析人士指出，北京將在3日舉行閱兵，峰會與閱兵前後相連。", []),
        ("Minsk will hold a military parade on 3 July, two days after the summit.", []),
        ("Парад в Минске пройдёт 3 июля.", []),
        # the SCO's happening in the parade's clause, or told beside it in a clause of its own
        ("The SCO summit in Minsk on 1 July comes days before a parade in the city.", [("2031-07-01", None)]),
        ("Leaders watched a parade at the SCO summit on Tuesday.", [("2031-07-01", None)]),
        # a commemoration, an attack, a crash, a death: nothing the SCO holds either
        ("多國領導人將留京出席3日舉行的紀念活動。", []),
        ("The meeting opened with a silence for the minister, who was killed in a crash on Sunday.", []),
        ("由於文件未提及今年4月發生的恐攻，印度拒絕簽署。", []),
        ("Теракт произошёл 22 апреля.", []),
        # fighting told before its relative clause, a country's leader taking office
        ("The president briefed his counterparts on the fighting that began on the night of August 7-8.", []),
        ("It was the first summit for the new president, who took office in March.", []),
        ("Zhang Ming took office as Secretary-General of the SCO on Tuesday.", [("2031-07-01", None)]),
        # a country's election, a disaster
        ("The summit comes weeks after the presidential election of 9 June.", []),
        ("На выборах 9 июня победил действующий президент.", []),
        ("The earthquake of 4 June forced the host to move the venue.", []),
        # another body's deed, unless two leaders meet on its sidelines or the SCO is named
        ("The UN Security Council adopted new sanctions against Iran on Tuesday.", []),
        ("Modi and Xi met on Tuesday on the sidelines of the BRICS summit in Kazan.", [("2031-07-01", None)]),
        ("The SCO and BRICS leaders met on Tuesday.", [("2031-07-01", None)]),
        # (eighteenth corpus) another body's gathering in a clause of its own, the SCO's after it; a forum of China's
        (
            "Встреча лидеров БРИКС назначена на 8–9 июля, а саммит ШОС пройдёт 9–10 июля.",
            [("2031-07-09", "2031-07-10")],
        ),
        (
            "BRICS leaders meet on 8-9 July, while the SCO summit follows on 9-10 July.",
            [("2031-07-09", "2031-07-10")],
        ),
        ("The secretaries-general of the SCO, CSTO and CIS met on Tuesday.", [("2031-07-01", None)]),
        ("India stayed away from the Belt and Road Forum in May.", []),
        (
            "The session opened with a silence for the minister, whose helicopter came down in fog on Sunday.",
            [],
        ),
        ("由於文件未提及今年4月發生在喀什米爾帕哈爾加姆（Pahalgam）的恐攻，印度拒絕簽署。", []),
        ("The SCO condemned on Tuesday the attack in the city.", [("2031-07-01", None)]),
        (
            "Troops rehearsed repelling an attack in the Peace Mission exercise on Tuesday.",
            [("2031-07-01", None)],
        ),
        # (fourteenth corpus) a war's deeds: strikes, a ceasefire, shelling
        (
            "The minister defended the strikes his country launched on May 7 against camps across the border.",
            [],
        ),
        ("The two neighbours agreed a ceasefire on May 10.", []),
        ("Обстрел начался 7 мая.", []),
        ("Beijing strikes a deal with the SCO on Tuesday.", [("2031-07-01", None)]),
        # (sixteenth corpus) a date inside the name of a deed the SCO condemns is the deed's, not the reaction's
        (
            "SCO leaders adopted the declaration on Tuesday, which condemns the attack on the night train on"
            " March 11 and the bombing of May 21.",
            [("2031-07-01", None)],
        ),
        ("The SCO on Tuesday condemned the April 22 terror attack in the valley.", [("2031-07-01", None)]),
        ("The declaration named the April massacre of tourists in the valley.", []),
        ("The declaration condemns the strikes carried out by two states against a third in June.", []),
        ("宣言強烈譴責今年4月22日發生在某地的恐怖攻擊。", []),
        ("上合组织成员国6月14日发表声明，谴责某国2031年6月13日对邻国发动军事打击。", [("2031-06-14", None)]),
        (
            "When bombers struck three sites in the early hours of Sunday, the SCO's members reached for words.",
            [],
        ),
        (
            "After the Taliban took Kabul in August 2021, the SCO set out its position on Tuesday.",
            [("2031-07-01", None)],
        ),
        # the reaction's day, and a deal struck
        ("The SCO condemned on Tuesday the attack in the city.", [("2031-07-01", None)]),
        ("The SCO struck a deal with its partners on Tuesday.", [("2031-07-01", None)]),
        # (the review of the rule) a reaction, a meeting or a signing of the SCO's, attacks as their topic
        (
            "SCO foreign ministers condemned the attack on Tuesday in a joint statement.",
            [("2031-07-01", None)],
        ),
        ("The Secretary-General condemned the attack in a statement on Tuesday.", [("2031-07-01", None)]),
        (
            "SCO ministers condemned the attacks in the region at their meeting on Tuesday.",
            [("2031-07-01", None)],
        ),
        (
            "SCO members signed an agreement on countering cyber attacks in Minsk on June 15.",
            [("2031-06-15", None)],
        ),
        ("The RATS held an emergency meeting on the attacks on Tuesday in Minsk.", [("2031-07-01", None)]),
        (
            "The SCO said on Tuesday strikes against the sites violated international law.",
            [("2031-07-01", None)],
        ),
        ("上合组织秘书长6月23日对某地恐怖袭击表示强烈谴责。", [("2031-06-23", None)]),
        ("上合组织成员国6月14日就某国对邻国发动军事打击发表联合声明。", [("2031-06-14", None)]),
        ("上合组织国家贸易额1至6月爆炸式增长。", [("2031-06", None)]),
        (
            "The two leaders struck trade deals on Tuesday, a day after the SCO summit.",
            [("2031-07-01", None)],
        ),
        ("Two members struck several agreements on Tuesday in Minsk.", [("2031-07-01", None)]),
    ],
)
def test_a_parade_s_date_is_no_fact_of_the_sco(sentence, dates):
    """Issue 18: a national parade dated beside the summit it follows is no SCO happening: the extractor
    still reads its date (timeline extract), marked for the timeline to leave out."""
    found = sentence_facts(sentence, dt.date(2031, 7, 2))
    assert [(f.date, f.end_date) for f, _ in found if not f.another_s] == dates
    assert found


@pytest.mark.parametrize(
    ("sentence", "facts"),
    [
        # the first date's clause ends where a link leads to the SCO's happening, dated in a clause of its own
        (
            "Barriers went up along the river road on Friday night as the city prepared for the SCO "
            "foreign ministers' council, which meets here on Monday and Tuesday.",
            [
                ("2031-03-07", (), "Barriers went up along the river road on Friday night"),
                ("2031-03-10", ("sco",), None),
            ],
        ),
        (
            "The mayor on Thursday praised the volunteers after the SCO meeting that closed on Wednesday "
            "went off without a hitch.",
            [
                ("2031-03-06", (), "The mayor on Thursday praised the volunteers"),
                ("2031-03-05", ("sco",), "The SCO meeting that closed on Wednesday went off without a hitch"),
            ],
        ),
        # a relative clause keeps what it is about: the summit is what Kazakhstan hosts
        (
            "Ministers met on Friday to agree the agenda for a leaders' summit that Kazakhstan will host in June.",
            [
                ("2031-03-07", None, None),
                ("2031-06", ("kazakhstan", "summit"), "A leaders' summit that Kazakhstan will host in June"),
            ],
        ),
        # "said that" opens what was said, no clause of its own
        (
            "On 4 March 2031, the SCO said that Kyrgyzstan would host drills in May.",
            [
                (
                    "2031-03-04",
                    None,
                    "On 4 March 2031, the SCO said that Kyrgyzstan would host drills in May",
                ),
                ("2031-05", None, None),
            ],
        ),
    ],
)
def test_a_date_s_names_are_those_of_its_own_linked_clause(sentence, facts):
    """Issue 18: "X on Sunday as the capital braced for the council, which meets on Tuesday": each date is
    tagged (and so followed as SCO news or not) and titled by its own clause, not by its neighbour's."""
    found = [f for f, _ in sentence_facts(sentence, dt.date(2031, 3, 8))]
    assert [f.date for f in found] == [date for date, _, _ in facts]
    for fact, (_, tags, title) in zip(found, facts):
        if tags is not None:
            assert tuple(t for t in fact.tags if t in ("sco", "kazakhstan", "summit")) == tags
        if title is not None:
            assert fact.title == title


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        # "to be" looks ahead, unless a past verb says what something was said or seemed to be
        ("The ministry expects the pact to be ratified on Friday.", [("2031-06-20", None)]),
        ("The summit was said to be a success on Monday.", [("2031-06-09", None)]),
        # the happening "ahead of" which something was done is still to come; what was done is past
        ("Delegations arrived ahead of the council on Sunday and Monday.", [("2031-06-15", "2031-06-16")]),
        ("Police closed the road on Monday ahead of the council.", [("2031-06-09", None)]),
    ],
)
def test_to_be_and_ahead_of_look_forward(sentence, dates):
    """Issue 18: a Saturday preview's "ahead of the council on Sunday and Monday" was dated the week
    before, and "expects the pact to be ratified on Friday" the day before it ran."""
    saturday = dt.date(2031, 6, 14)
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, saturday)] == dates


@pytest.mark.parametrize(
    ("sentence", "facts"),
    [
        # the date after a background link is the background's, with its own names (no SCO here)
        (
            "The meeting comes as Kyrgyzstan mourns its speaker, killed in a crash on Sunday.",
            [("2031-05-18", ())],
        ),
        (
            "The premier flew in for the SCO session days after the disputed vote of May 12 at home.",
            [("2031-05-12", ())],
        ),
        ("The summit comes days after Mongolia joined the SCO on Monday.", [("2031-05-19", ("sco",))]),
        # a plan that did not hold dates nothing; one that stands is still to come
        ("The council had been pencilled in for October 31-November 1.", []),
        ("The council has been scheduled for 4 June.", [("2031-06-04", ())]),
        # where the plan was to be held may come between the plan and its day
        ("The forum had been planned for Almaty in August but was called off.", []),
        # what ministers prepare for is ahead of them, though they met in the past
        (
            "SCO ministers met in Dushanbe on Monday and agreed on preparations for the summit in Tashkent in March.",
            [("2031-05-19", ("sco",)), ("2032-03", ("sco",))],
        ),
    ],
)
def test_background_links_and_plans_that_did_not_hold(sentence, facts):
    """Issue 18: "X comes as ..., killed on Sunday" and "days after the election of June 12" kept a date of
    something else as the SCO's; "had been pencilled in for October 31" dated a plan that changed."""
    found = [f for f, _ in sentence_facts(sentence, dt.date(2031, 5, 20))]
    assert [(f.date, tuple(t for t in f.tags if t == "sco")) for f in found] == facts


@pytest.mark.parametrize(
    ("title", "day"),
    [
        (
            "Modi and Sharif to hold talks in Ufa on Friday",
            "2031-05-23",
        ),  # headlinese "to hold": Friday to come
        ("Leaders met in Ufa on Friday", "2031-05-16"),
        ("SCO summit opens today", "2031-05-20"),
        ("India joined the SCO in 2017, minister recalls", "2031-05-20"),  # a year is background: its day
        ("Talks on Monday and Friday", "2031-05-20"),  # two days: neither is the headline's
    ],
)
def test_a_headline_naming_one_day_is_dated_by_it(title, day):
    """Issue 18: "Modi, Sharif to hold talks in Ufa on Friday", run on Thursday, was a fact of Thursday."""
    assert extract_facts(title, "Some text.", dt.date(2031, 5, 20))[0].date == day


def test_a_headline_naming_no_kind_is_the_news_of_a_statement_of_its_people_and_places():
    """Issue 18: a recap's "Sharif, Modi break ice in Ufa" run the day after the talks became a fact of
    the day it ran; the lede "Sharif and Modi met in Ufa on Friday" tells it at its own day."""
    from events.pipeline.matching import headline_dated_by_its_happening

    headline = "Sharif, Modi break ice in Ufa"
    found = extract_facts(
        headline, "Nawaz Sharif and Narendra Modi met in Ufa on Friday.", dt.date(2015, 7, 11)
    )
    assert [f.date for f in headline_dated_by_its_happening(found, ())] == ["2015-07-10"]
    elsewhere = extract_facts(headline, "Sharif flew home on Friday.", dt.date(2015, 7, 11))
    assert len(headline_dated_by_its_happening(elsewhere, ())) == 2  # one name in common: the headline stays
    # two countries named in both are as telling as two people: "Laos and Nepal settle border row"
    countries = extract_facts(
        "Laos and Nepal settle border row",
        "Laos and Nepal reached a border deal in Vientiane on Friday.",
        dt.date(2031, 5, 17),
    )
    assert [f.date for f in headline_dated_by_its_happening(countries, ())] == ["2031-05-16"]


def test_a_headline_naming_a_day_weeks_away_that_a_statement_dates_is_that_statement_s_news():
    """Issue 18: "SCO leaders to meet by video on November 10 after pandemic scrapped St Petersburg plan",
    run on 21 October, was a fact of 21 October beside the lede's fact of 10 November."""
    from events.pipeline.matching import headline_dated_by_its_happening

    text = "The heads of state will hold their annual meeting as a video conference on November 10."
    found = extract_facts(
        "Leaders to meet by video on November 10 after Kazan plan scrapped", text, dt.date(2020, 10, 21)
    )
    assert found[0].date == "2020-11-10"
    assert [f.date for f in headline_dated_by_its_happening(found, ())] == ["2020-11-10"]
    # a day no statement dates stays the day the headline ran ("in 2017" is background, and so is this)
    other = extract_facts(
        "Leaders to meet by video on November 10", "The talks began.", dt.date(2020, 10, 21)
    )
    assert other[0].date == "2020-10-21"


def test_a_statement_titled_with_the_person_its_pronoun_stands_for_is_tagged_with_them():
    """Issue 18: "He met Recep Tayyip Erdogan on Friday morning", titled "Putin met ...", had Erdogan's tag
    alone, so the matcher took it for a meeting of other leaders than Putin and Erdogan's."""
    found = extract_facts(
        "Putin's Friday in Minsk",
        "Vladimir Putin spent the day in meetings. He met Recep Tayyip Erdogan on Friday morning.",
        dt.date(2031, 9, 16),
    )
    met = next(f for f in found if f.date == "2031-09-12")
    assert met.title.startswith("Putin met") and {"vladimir-putin", "recep-tayyip-erdogan"} <= set(met.tags)


def test_a_background_day_of_another_story_is_marked_and_a_chinese_first_since_dates_nothing():
    """Issue 18: the day after "comes as" that names neither the SCO nor a kind of its happenings is
    another story's (marked like a parade's, so no SCO headline lends it a kind); "这是2020年6月冲突后…首度"
    (the first visit since the clash of June 2020) dates no happening."""
    mourning = sentence_facts(
        "The meeting comes as Kyrgyzstan mourns its speaker, killed on Sunday.", dt.date(2031, 5, 20)
    )
    assert [(f.date, f.another_s) for f, _ in mourning] == [("2031-05-18", True)]
    joined = sentence_facts(
        "The summit comes days after Mongolia joined the SCO on Monday.", dt.date(2031, 5, 20)
    )
    assert [(f.date, f.another_s) for f, _ in joined] == [("2031-05-19", False)]
    assert sentence_facts("這是2020年6月邊境衝突後，中國國防部長首度訪印。", dt.date(2031, 5, 20)) == []
    assert [f.date for f, _ in sentence_facts("2020年6月，两国边境发生冲突。", dt.date(2031, 5, 20))] == [
        "2020-06"
    ]


@pytest.mark.parametrize(
    ("text", "second"),
    [
        (
            "Ministers met in Dushanbe on 28 April 2031. A day earlier, Li held talks with Singh.",
            "2031-04-27",
        ),
        (
            "Ministers met in Dushanbe on 28 April 2031. The next day, delegates toured the city.",
            "2031-04-29",
        ),
        (
            "Министры встретились в Душанбе 28 апреля 2031 года. Накануне Ли провёл переговоры с Сингхом.",
            "2031-04-27",
        ),
        ("部长们于2031年4月28日在杜尚别举行会议。次日，代表团参观了城市。", "2031-04-29"),
    ],
)
def test_a_day_earlier_or_later_counts_from_the_day_last_dated(text, second):
    """Issue 18: "A day earlier, Li held bilateral talks with Rajnath Singh" was left undated."""
    assert [f.date for f in extract_facts("H", text, dt.date(2031, 5, 1))[1:]] == ["2031-04-28", second]


@pytest.mark.parametrize(
    "text",
    [
        # the sentence before dates next year's summit, or two days: "накануне" is the day before the report
        "Следующий саммит пройдёт в Минске 22–23 июля 2032 года. Накануне Ли провёл переговоры с Сингхом.",
        "Ли и Сингх провели переговоры накануне в Минске, где 30 апреля — 1 мая прошёл саммит. "
        "Накануне же Ли встретился с Сингхом.",
        "Накануне Ли провёл в Минске переговоры с Сингхом.",  # the first sentence (found in review)
    ],
)
def test_nakanune_after_no_single_day_is_the_day_before_the_report(text):
    """Issue 18 (eleventh corpus): "Накануне Владимир Путин провёл в Бишкеке переговоры с ... Моди" after a
    sentence on next year's summit in Chelyabinsk was left undated; "Накануне же" ("the same day before")
    titled its fact "Же Путин встретился ..."."""
    found = extract_facts("H", text, dt.date(2031, 5, 2))
    last = found[-1]
    assert (last.date, last.title[:2]) == ("2031-05-01", "Ли")


@pytest.mark.parametrize(
    ("sentence", "marked"),
    [
        (
            "Final checks were under way in the city on Saturday ahead of the SCO summit to be held on Sunday.",
            [True, False],
        ),
        (
            "The mayor on Thursday praised the volunteers after the SCO meeting that closed on Wednesday.",
            [True, False],
        ),
        ("Modi and Xi met on Saturday ahead of the SCO summit, which opens on Sunday.", [False, False]),
    ],
)
def test_a_clause_a_link_ends_on_the_way_to_another_date_s_happening_is_a_step_towards_it(sentence, marked):
    """Issue 18: "preparations on Saturday ahead of the summit on Sunday" were kept as SCO news when an SCO
    headline lent the Saturday clause its kind; two leaders meeting is a happening of its own."""
    assert [f.another_s for f, _ in sentence_facts(sentence, dt.date(2031, 8, 30))] == marked


def test_the_extraction_evaluator_scores_the_news_corpora_with_news_first(capsys):
    """Issue 18 asked evaluate_extraction.py to score happenings end to end: `--news` hands the rest of the
    command line to scripts/evaluate_news.py; anywhere else it is refused, not ignored."""
    with pytest.raises(SystemExit) as done:
        evaluator.main(["--news", "--help"])
    assert done.value.code == 0 and "--spread" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        evaluator.main(["-v", "--news"])
    assert refused.value.code == 2 and "--news comes first" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        # the dateline's day is the day the report was filed; the sentence dates what it reports
        (
            "MINSK, Oct. 9 (Steppe Wire) - The bloc admitted Laos as an observer at its summit on Wednesday.",
            [
                "2031-10-08",
                "2031-10-08",
                "2031-10-09",
            ],  # the observer status, and the summit it was granted at
        ),
        (
            "MINSK, Oct. 9 - Leaders gathered on Wednesday in the Belarusian capital.",
            ["2031-10-08", "2031-10-09"],
        ),
        # a dateline's day alone dates the sentence, as the day it reports (the article's own fact)
        (
            "MINSK, Oct. 9 (Steppe Wire) - Leaders of the bloc gathered in the Belarusian capital.",
            ["2031-10-09"],
        ),
        # a day named at the start of a sentence that is no dateline is the sentence's own
        ("On Oct. 8, leaders met in Minsk.", ["2031-10-08", "2031-10-09"]),
    ],
)
def test_a_dateline_s_day_gives_way_to_the_day_the_sentence_names(text, dates):
    """The article's own fact is on its publication day (the 9th) in every case."""
    facts = extract_facts("Bloc meets in Minsk", text, dt.date(2031, 10, 9))
    assert sorted(f.date for f in facts) == dates


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        # a passive phrase after a comma is said of the noun before it, not of the sentence's subject
        (
            "The premier flew to Minsk on Friday for the annual summit of the bloc, to be held on June 9 and 10.",
            "The annual summit of the bloc, to be held on June 9 and 10",
        ),
        # a deed after a comma is the subject's ("held talks with Xi")
        (
            "The premier reached the port city, held talks with Xi on June 9 and left.",
            "The premier reached the port city, held talks with Xi on June 9 and left",
        ),
    ],
)
def test_a_phrase_after_a_comma_is_titled_by_what_it_is_said_of(sentence, title):
    titles = [f.title for f in extract_facts("Premier in Minsk", sentence, dt.date(2031, 6, 6))]
    assert title in titles


def test_a_day_and_a_span_from_it_are_two_tellings_when_they_tell_different_kinds():
    """ "Xi met Modi on the 13th" and "the council met on the 13th-14th" are two happenings in one city."""
    facts = extract_facts(
        "上合組織峰會 習近平晤莫迪",
        "國家主席習近平13日在明斯克會見印度總理莫迪。\n\n上海合作組織成員國元首理事會會議於13至14日在明斯克舉行。",
        dt.date(2031, 6, 14),
    )
    assert ("2031-06-13", None) in [(f.date, f.end_date) for f in facts]
    assert ("2031-06-13", "2031-06-14") in [(f.date, f.end_date) for f in facts]


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        # the person a "who" clause follows is what it tells of, whatever word comes before the name
        (
            "It was the first summit for Chinese President Xi Jinping, who took office in March.",
            "Chinese President Xi Jinping took office in March",
        ),
        # a passive aside after an opening phrase is no statement: the opening stays
        (
            "At the summit, held on June 9-10, leaders also approved a plan to fight terrorism.",
            "At the summit, held on June 9-10, leaders also approved a plan to fight terrorism",
        ),
    ],
)
def test_titles_keep_what_a_clause_is_said_of(sentence, title):
    assert title in [f.title for f in extract_facts("Bloc meets", sentence, dt.date(2031, 6, 11))]


@pytest.mark.parametrize(
    ("sentence", "aside_s_date", "another_s"),
    [
        # an aside said of a thing outside the story: that thing's day
        (
            "Leaders of the SCO met in Minsk on Thursday and welcomed the peace plan for the valley, agreed in "
            "Geneva on August 12, and backed talks.",
            "2031-08-12",
            True,
        ),
        (
            "Their declaration said nothing about the independence of the valley, which the council recognised "
            "on Tuesday.",
            "2031-08-26",
            True,
        ),
        # an aside said of the SCO's happening, or of a member, is the story's
        (
            "Ministers prepared the annual summit of the SCO, to be held on September 9 and 10.",
            "2031-09-09",
            False,
        ),
        ("The SCO has admitted Iran, which joined in 2023, and Laos, which followed in 2024.", "2024", False),
    ],
)
def test_a_dated_aside_on_a_thing_outside_the_story_is_that_thing_s_day(sentence, aside_s_date, another_s):
    facts = {f.date: f for f in extract_facts("Bloc meets in Minsk", sentence, dt.date(2031, 8, 28))}
    assert facts[aside_s_date].another_s is another_s


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        # the day of the saying gives way to the day of what was said
        (
            "Kazakhstan and Kyrgyzstan said on Tuesday that their defence ministers had agreed a border plan "
            "in talks in Astana late on Monday.",
            ["2031-05-19"],
        ),
        ("外交部发言人18日在例行记者会上表示，上合组织秘书长于5月1日就任。", ["2031-05-01"]),
        ("Министр заявил в понедельник, что заседание прошло 14 мая.", ["2031-05-14"]),
        # a Russian date before its verb of saying
        (
            "Помощник президента в понедельник рассказал журналистам, что заседание прошло 14 мая.",
            ["2031-05-14"],
        ),
        # said alone, the day of the saying stays: it is all the sentence dates
        ("The Kremlin said on Tuesday that the summit had gone well.", ["2031-05-20"]),
        # said at the end of the sentence, and after a dateline that bounds no part of it
        (
            "MINSK, Jan. 5 (Wire) -- Bounmy Vong, a Laotian diplomat and until recently an envoy, took office"
            " as Secretary-General on May 1 for a three-year term, a spokesperson said on Wednesday.",
            ["2031-05-01"],
        ),
        # a reaction's day is a saying's too: the meeting's day is the news
        ("The SCO met on Monday, and Russia said on Tuesday that it was pleased.", ["2031-05-19"]),
        # a day that is no saying's stays beside another
        ("The SCO met on Monday, and Russia hosted a forum on Tuesday.", ["2031-05-19", "2031-05-20"]),
    ],
)
def test_the_day_of_a_saying_gives_way_to_the_day_of_what_was_said(sentence, days):
    """Issue 18: "India and China said on Friday that their ministers had agreed a plan in talks late on
    Thursday" made a fact of Friday's saying beside Thursday's talks."""
    found = [f for f, _ in sentence_facts(sentence, dt.date(2031, 5, 20))]
    assert [f.date for f in found] == days
    assert not any(f.title.startswith(("Recently", "On ")) for f in found)  # no part cut at a dateline


@pytest.mark.parametrize(
    ("sentence", "days", "plans"),
    [
        # the day a plan was said is marked: the timeline leaves it out (matching._followed)
        (
            "Russia's foreign minister told reporters on Tuesday that Moscow would take the chair after the summit.",
            ["2031-05-20"],
            [True],
        ),
        (
            "The ministry, announcing the visit on Monday, said the minister would address the plenary.",
            ["2031-05-19"],
            [True],
        ),
        ("The president will attend the summit, a spokesperson said on Monday.", ["2031-05-19"], [True]),
        ("Minsk said on Monday that its premier would attend.", ["2031-05-19"], [True]),
        (
            "Laos will attend the summit in Minsk, to be held June 3 – 4, a spokesperson said on Monday.",
            ["2031-06-03", "2031-05-19"],
            [False, True],
        ),
        (
            "Iran said on May 14 that it would host drills in September.",
            ["2031-05-14", "2031-09"],
            [True, False],
        ),
        # a briefing's day, however long its place (eleventh corpus); a meeting told something has its own day
        (
            "Minsk plans to hold the summit in early June, the ambassador told a briefing at the SCO Secretariat"
            " in Beijing on Monday.",
            ["2031-06", "2031-05-19"],
            [False, True],
        ),
        (
            "The minister told a meeting of SCO envoys on Monday that Minsk would host drills.",
            ["2031-05-19"],
            [False],
        ),
        (
            "Wang Yi told the conference in Minsk on Monday that the bloc would admit Laos.",
            ["2031-05-19"],
            [False],
        ),
        # what was said happened: the saying's day stays, as it is all the sentence dates
        ("The Kremlin said on Monday that the talks had gone well.", ["2031-05-19"], [False]),
        ("Exports turned 20 percent higher on Monday.", ["2031-05-19"], [False]),
        # a birthday dates no happening: the founding has its own day
        ("Tomorrow the Shanghai Cooperation Organisation turns twenty.", [], []),
        ("本報訊 今天是上海合作組織成立二十五週年紀念日。", [], []),
        ("今年是上海合作组织成立30周年。", [], []),  # said of the year
        ("This year marks the 30th anniversary of the Shanghai Cooperation Organisation.", [], []),
        ("Today marks the thirty-fifth anniversary of the Shanghai Cooperation Organisation.", [], []),
    ],
)
def test_the_day_a_plan_was_announced_is_marked_and_a_birthday_dates_nothing(sentence, days, plans):
    """Issue 18: "Lavrov told reporters on Tuesday that Moscow would take over the chair" became a fact of
    Tuesday; what was said has no day, and the saying is no happening of the story. (Extraction keeps it:
    tests/data/extraction's gold lists announcements.)"""
    found = [f for f, _ in sentence_facts(sentence, dt.date(2031, 5, 20))]
    assert [f.date for f in found] == days and [f.said_of_a_plan for f in found] == plans


def test_an_indian_dateline_s_day_is_the_filing_day_and_tomorrow_is_counted_from_it():
    """ "Astana, June 8: Modi will meet Xi here tomorrow morning" was dated the 8th by its dateline."""
    found = [
        f
        for f, _ in sentence_facts(
            "Minsk, May 20: The two premiers will meet here tomorrow.", dt.date(2031, 5, 20)
        )
    ]
    assert [(f.date, f.title) for f in found] == [("2031-05-21", "The two premiers will meet here tomorrow")]


def test_a_relative_clause_after_a_placed_noun_tells_of_the_thing_placed():
    """ "..., at the summit in the Kazakh capital, which opened on Thursday" was titled "The Kazakh capital
    opened on Thursday"."""
    sentence = "Leaders approved two accessions at the close of the summit in the Belarusian capital, which opened on Monday."
    found = [f for f, _ in sentence_facts(sentence, dt.date(2031, 5, 20))]
    assert [(f.date, f.title) for f in found] == [
        ("2031-05-19", "The summit in the Belarusian capital opened on Monday")
    ]


@pytest.mark.parametrize(
    ("headline", "days"),
    [
        # headlinese in no tense: the nearer days, ahead of a Wednesday's paper
        ("Minsk ready for leaders; central roads shut Thursday and Friday", ("2031-05-22", "2031-05-23")),
        ("Leaders to meet in Minsk on Friday", ("2031-05-23", None)),
        # said in the past, the days stay behind
        ("Roads were shut on Monday and Tuesday for the leaders", ("2031-05-19", "2031-05-20")),
    ],
)
def test_a_headline_is_dated_by_the_one_day_or_run_of_days_it_names(headline, days):
    """Issue 18: "Bishkek ready for SCO leaders; central roads shut Thursday and Friday" was dated the day it ran."""
    (article, *_) = extract_facts(headline, "Leaders of the SCO meet in Minsk.", dt.date(2031, 5, 21))
    assert (article.date, article.end_date) == days


def test_a_chinese_that_day_after_the_subject_tells_the_day_before_it():
    """Issue 18: "莫迪當天稍早在峰會場邊與習近平會面" (that day, earlier) dated nothing: Chinese puts the time after
    its subject, where the English "That afternoon, ..." opens the sentence."""
    facts = extract_facts(
        "峰會在明斯克舉行",
        "上合組織峰會9日在明斯克舉行。 莫迪當天稍早與習近平會面，雙方同意妥善處理分歧。",
        dt.date(2031, 5, 9),
    )
    assert [(f.date, f.title) for f in facts[1:]] == [
        ("2031-05-09", "上合組織峰會9日在明斯克舉行"),
        ("2031-05-09", "莫迪與習近平會面，雙方同意妥善處理分歧"),
    ]


def test_a_byline_paragraph_is_no_lede_and_a_clock_time_heading_times_its_update():
    """Issue 18: with paragraphs kept apart, "By Jane Doe" alone is no statement, and a live blog's "4:40 PM"
    heading stays with the update under it."""
    text = "By Jane Doe\nLeaders of the SCO met in Minsk on Monday.\n(Reporting by Jane Doe; Editing by Ivo Marek)"
    (article, *_) = extract_facts("Leaders meet in Minsk", text, dt.date(2031, 5, 20))
    assert article.summary == "Leaders of the SCO met in Minsk on Monday."
    live = (
        "Welcome to our live coverage of the summit in Minsk.\n4:40 PM\nBelarus has taken over the chair of the SCO."
        "\n2:15 PM\nLeaders have adopted the Minsk Declaration."
    )
    facts = extract_facts("SCO summit live: day two", live, dt.date(2031, 5, 20))
    assert ("2031-05-20", "Belarus has taken over the chair of the SCO") in [(f.date, f.title) for f in facts]


@pytest.mark.parametrize(
    "sentence",
    [
        "9:50 PM Correction: an earlier update said the premiers of Laos and Chad held talks this afternoon.",
        "An earlier version of this story wrongly said the ministers met on Monday.",
    ],
)
def test_what_a_correction_takes_back_dates_nothing(sentence):
    """Issue 18: a live blog's correction of an earlier update became a fact of the talks it said had not been."""
    assert sentence_facts(sentence, dt.date(2031, 5, 20)) == []


def test_a_russian_dateline_split_off_heads_its_sentence_again_and_an_entry_led_by_its_year_is_of_it():
    """Issue 18 (eighth corpus): "АСТАНА, 4 июля." was a sentence of its own, the lede and a fact's evidence;
    "2017: sessions of the Astana summit (8-9 June)" on a page of 2024 was dated 2024."""
    facts = extract_facts(
        "Белоруссия вступила в ШОС",
        "МИНСК, 4 июля. Белоруссия в четверг стала членом ШОС.",
        dt.date(2031, 7, 4),
    )
    assert facts[0].summary.startswith("МИНСК, 4 июля. Белоруссия")
    assert [(f.date, f.title) for f in facts[1:]] == [("2031-07-03", "Белоруссия в четверг стала членом ШОС")]
    entry = "2027: sessions of the Minsk summit of the SCO (8–9 June), at which Laos was admitted."
    assert [(f.date, f.end_date) for f, _ in sentence_facts(entry, dt.date(2031, 7, 4))] == [
        ("2027-06-08", "2027-06-09")
    ]


def test_a_list_entry_led_by_its_year_and_a_comma_gives_that_year_to_the_days_of_its_paragraph():
    """Issue 18 (eleventh corpus): on a reference page of January 2026, "2025, 31 August – 1 September —
    Tianjin" was dated 2026, "2026, early September (scheduled)" 2025, and "Qingdao Declaration adopted on
    10 June", the entry of 2018 going on, 2025."""
    page = (
        "Summits since the enlargement:\n"
        "2027, 9–10 June — Minsk. Minsk Declaration adopted on 10 June; chairmanship passed to Laos.\n"
        "2029, 31 August – 1 September — Vientiane.\n"
        "2031, early September (scheduled) — Hanoi.\n"
        "Leaders meet again on 10 June."
    )
    facts = extract_facts("List of summits", page, dt.date(2031, 1, 20))
    assert [(f.date, f.end_date) for f in facts[1:]] == [
        ("2027-06-09", "2027-06-10"),
        ("2027-06-10", None),
        ("2029-08-31", "2029-09-01"),
        ("2031-09", None),
        ("2031-06-10", None),  # a paragraph of its own, led by no year: the year the tense gives
    ]


def test_a_decision_dated_in_the_next_sentence_is_told_in_the_words_of_the_one_before():
    """Issue 18 (twelfth corpus): "The decision was taken on Tuesday at a cabinet session" dated nothing but
    a cabinet session; the decision is the step the lede told undated (its dateline the report's day)."""
    text = (
        "MINSK, March 29 (Wire) - Laos's cabinet has approved a memorandum granting the country the status of"
        " dialogue partner in the Shanghai Cooperation Organisation, state media said.\n"
        "The decision was taken on Tuesday at a cabinet session in Vientiane, the news agency reported."
    )
    facts = extract_facts("Laos takes a first step toward the SCO", text, dt.date(2031, 3, 29))
    (step,) = [f for f in facts if f.date == "2031-03-25"]
    assert step.title.startswith("Laos's cabinet has approved a memorandum") and "sco" in step.tags
    # a sentence before that is dated itself keeps its date; this one stays its own
    dated = text.replace("has approved", "approved on Monday")
    assert [f.title[:12] for f in extract_facts("Laos", dated, dt.date(2031, 3, 29))[1:]] == [
        "Laos's cabin",
        "The decision",
    ]


def test_an_entry_s_own_date_read_with_its_year_stays_beside_a_later_date():
    """Issue 18 (twelfth corpus): "2025, 1 January – X takes office, having been appointed at the summit of
    4 July 2024" lost its own date (read as one with its year) to the later one."""
    page = (
        "Recent office-holders\n"
        "2028, 1 January – A. Bek (Tajikistan) takes office, having been appointed at the Minsk summit of"
        " 4 July 2027.\n"
        "2031: sessions of the Hanoi summit (8-9 June)."
    )
    facts = extract_facts("Secretary-General of the SCO", page, dt.date(2031, 9, 5))
    assert [(f.date, f.end_date) for f in facts[1:]] == [
        ("2028-01-01", None),
        ("2027-07-04", None),
        ("2031-06-08", "2031-06-09"),  # the year alone, leading its entry, dates nothing more
    ]
    assert (
        facts[1].title == "2028, 1 January – A. Bek (Tajikistan) takes office"
    )  # "having been ..." is 2027's


def test_a_day_counted_from_the_report_keeps_the_report_s_year_in_a_year_led_paragraph():
    """A paragraph led by "2027, ..." gave its year to "yesterday" and "last month" too: those are counted
    from the report, whatever year the paragraph began with."""
    text = (
        "2027, the year of Minsk, was a busy one. Yesterday SCO envoys met in Minsk. They met last month too."
    )
    facts = extract_facts("SCO envoys", text, dt.date(2031, 3, 5))
    assert [f.date for f in facts[1:]] == ["2031-03-04", "2031-02"]


def test_where_someone_flies_after_the_happening_is_no_place_of_it():
    """Issue 18 (eleventh corpus): "SCO leaders meet in the restricted format tomorrow morning, ..., before Mr
    Modi flies back to Delhi" was tagged New Delhi, and no place in common kept it from the Qingdao summit."""
    found = sentence_facts(
        "SCO leaders meet in Minsk tomorrow morning, before Mr Modi flies back to Delhi.", dt.date(2031, 6, 9)
    )
    assert [(f.date, "minsk" in f.tags, "new-delhi" in f.tags) for f, _ in found] == [
        ("2031-06-10", True, False)
    ]
    first = sentence_facts(
        "Before Mr Modi flies back to Delhi, leaders meet in Minsk tomorrow.", dt.date(2031, 6, 9)
    )
    assert [("minsk" in f.tags, "new-delhi" in f.tags) for f, _ in first] == [(True, False)]  # a capital B


def test_a_deed_done_at_a_summit_in_the_report_s_days_tells_the_summit_too():
    """Issue 18: "The SCO launched Iran's accession on Friday at its 20th-anniversary summit in Dushanbe" gave
    one fact, the accession; the summit it was done at, the report's news too, had none."""
    facts = extract_facts(
        "Laos joins",
        "Laos was admitted as the eleventh member of the SCO on Friday at its anniversary summit in Minsk.",
        dt.date(2031, 9, 20),
    )
    assert [(f.date, f.title) for f in facts[1:]] == [
        (
            "2031-09-19",
            "Laos was admitted as the eleventh member of the SCO on Friday at its anniversary summit in Minsk",
        ),
        ("2031-09-19", "SCO anniversary summit in Minsk"),
    ]
    assert "minsk" in facts[2].tags
    capital = extract_facts("H", "Laos was admitted on Friday at its Summit in Minsk.", dt.date(2031, 9, 20))
    assert [f.title for f in capital[1:]][-1] == "SCO Summit in Minsk"  # a capital S (found in review)
    # background: "joined at the Minsk summit in June 2027" dates the joining; the summit is only where
    past = extract_facts(
        "H", "Laos was admitted as a member at the summit in Minsk on 9 June 2027.", dt.date(2031, 9, 20)
    )
    assert [f.date for f in past[1:]] == ["2027-06-09"]


def test_a_live_blog_s_correction_of_an_update_is_no_update_of_the_day():
    """Issue 18 (ninth corpus): "11:58 PM: Correction: an earlier update said Belarus had become a member" was
    a fact of the blog's day."""
    live = "10:05 AM: Leaders of the SCO opened their summit.\n11:58 PM: Correction: an earlier update said Laos had become a member."
    titles = [f.title for f in extract_facts("SCO summit live", live, dt.date(2031, 7, 4))]
    assert not any("Laos" in title for title in titles) and any("opened" in title for title in titles)


def test_a_live_blog_s_time_zone_is_a_word_of_its_own():
    facts = extract_facts(
        "SCO live",
        "4:40 PM SCO leaders adopt the declaration.\n5:10 PM IST Leaders sign the charter.",
        dt.date(2025, 9, 1),
    )
    assert [f.title for f in facts[1:]] == ["SCO leaders adopt the declaration", "Leaders sign the charter"]


def test_a_deed_at_another_body_s_summit_tells_no_sco_summit():
    """_with_the_summit_they_were_at titled any summit "SCO ...": "at the G20 summit in New Delhi" made a fact
    "SCO G20 summit in New Delhi"."""
    found = sentence_facts(
        "India signed a trade agreement with the UAE on Saturday at the G20 summit in New Delhi.",
        dt.date(2031, 9, 10),
    )
    assert [f.title for f, _ in found if "summit" in f.title.lower() and len(f.title) < 40] == []


@pytest.mark.parametrize(
    ("title", "text", "published", "facts"),
    [
        # the SCO's own news beside an incident word: its reaction, its post, its meeting after the attack
        (
            "SCO summit in Minsk condemns terror",
            "After the terrorist attack, the leaders convened in Minsk on July 4.",
            dt.date(2031, 7, 6),
            [("2031-07-04", False)],
        ),
        (
            "上合组织明斯克峰会",
            "各国领导人7月4日在明斯克谴责了恐袭。",
            dt.date(2031, 7, 6),
            [("2031-07-04", False)],
        ),
        (
            "SCO",
            "The SCO Secretary-General, who took office on January 1, visited Tashkent on March 3.",
            dt.date(2031, 3, 5),
            [("2031-01-01", False), ("2031-03-03", False)],
        ),
        (
            "SCO",
            "The secretaries-general of the SCO, CSTO and CIS met on June 5 in Dushanbe.",
            dt.date(2031, 6, 6),
            [("2031-06-05", False)],
        ),
        # a year told beside a yearless day passes to it only in apposition or with no verb between
        (
            "SCO",
            "The foreign ministers, who last met in Astana in July 2030, gathered again in Minsk on July 15.",
            dt.date(2031, 7, 16),
            [("2030-07", False), ("2031-07-15", False)],
        ),
        # "before" is ahead only of a today with no past verb between
        (
            "SCO",
            "The ministers today reviewed what had been agreed before the summit in July.",
            dt.date(2031, 10, 20),
            [("2031-10-20", True), ("2031-07", False)],
        ),
        # "с 2025 года" after a change ("перейдет") is when it starts; "自2024年7月起担任" keeps its month
        (
            "ШОС",
            "Председательство в ШОС перейдет к Киргизии с 2032 года.",
            dt.date(2031, 7, 1),
            [("2032", False)],
        ),
        (
            "上合",
            "哈萨克斯坦自2030年7月起担任上合组织轮值主席国。",
            dt.date(2031, 8, 1),
            [("2030-07", False)],
        ),
    ],
)
def test_what_the_review_of_the_evening_s_rules_found(title, text, published, facts):
    """Issue 18: a review of the twelfth and thirteenth corpora's rules found each of these read wrong by them."""
    found = extract_facts(title, text, published)[1:]
    assert [(f.date, f.another_s) for f in found] == facts


def test_a_decision_dated_after_a_sentence_telling_no_step_keeps_its_own_words():
    """'Analysts called the outcome historic. The decision was taken on Tuesday': no step was told before it;
    'The decision was criticised on Tuesday' is the criticism's day, not the decision's."""
    for text in (
        "Analysts called the outcome historic. The decision was taken on Tuesday at the summit in Minsk.",
        "Leaders agreed to admit Laos as a partner. The decision was criticised on Tuesday by commentators.",
    ):
        (fact,) = extract_facts("SCO", text, dt.date(2031, 9, 3))[1:]
        assert fact.title.startswith("The decision was")


def test_a_byline_with_its_city_and_the_page_s_stamp_is_no_statement():
    """Issue 18 (fourteenth corpus): "By Xu Ping in Qingdao | Updated: 2018-06-08 07:30", a paragraph of its own
    at a story's foot, became a fact of its stamp's day titled with the byline."""
    text = (
        "Leaders of the SCO meet in Minsk on Saturday and Sunday.\n"
        "By Lin Wei in Minsk | Updated: 2031-06-06 07:30"
    )
    facts = extract_facts("Minsk readies SCO summit", text, dt.date(2031, 6, 6))
    assert [f.title for f in facts if "Lin Wei" in f.summary] == []
    assert ("2031-06-07", "2031-06-08") in [(f.date, f.end_date) for f in facts]


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # "prepares to host" is a plan, as "plans to host" is: its June is ahead, whatever was done yesterday
        (
            "Ministers met in Minsk yesterday, as Belarus, which chairs the bloc this year, prepares to host the"
            " leaders' summit in June.",
            dt.date(2031, 4, 30),
            [("2031-04-29", None), ("2031-06", None)],
        ),
        # "prepared" is done: its June is behind
        ("The city prepared the venue for the summit in June.", dt.date(2031, 9, 30), [("2031-06", None)]),
    ],
)
def test_what_a_city_prepares_to_host_is_ahead(sentence, published, expected):
    """Issue 18 (fourteenth corpus): "prepares to host the leaders' summit in June", published on 30 April 2019,
    was dated June 2018 and joined the Qingdao summit's fact (its title became the 2018 summit's)."""
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, published)] == expected


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # a Russian verb of going in the past ("перешло") dates its Monday back, whatever a later clause plans
        (
            "В понедельник же председательство перешло к Киргизии, которая примет следующий саммит в 2032 году.",
            dt.date(2031, 9, 2),
            [("2031-09-01", None), ("2032", None)],
        ),
        # Taiwan's press numbers its "yesterday": 昨（1）日
        (
            "為期兩天的峰會昨（1）日落幕，成員國領導人簽署《明斯克宣言》。",
            dt.date(2031, 9, 2),
            [("2031-09-01", None)],
        ),
        (
            "外交部今（2）日表示，峰會明（3）日開幕。",
            dt.date(2031, 9, 2),
            [("2031-09-03", None)],  # (what was said today is no fact)
        ),
        # the years of a term, a title or a plan date nothing
        ("会议决定，吉尔吉斯斯坦接任2031—2032年轮值主席国。", dt.date(2031, 9, 2), []),
        ("Город объявлен туристической столицей ШОС на 2031–2032 годы.", dt.date(2031, 9, 17), []),
        ("The Minsk meeting is part of Belarus's 2031-2032 chairmanship calendar.", dt.date(2031, 9, 17), []),
        ("Minsk is the SCO's tourism capital for 2031-2032.", dt.date(2031, 9, 17), []),
        # a span of years that happened is still one
        ("В 2029–2030 годах шли переговоры.", dt.date(2031, 9, 17), [("2029", "2030")]),
        ("The exercises ran from 2029 to 2030.", dt.date(2031, 9, 17), [("2029", "2030")]),
    ],
)
def test_a_term_s_years_date_nothing_and_a_numbered_yesterday_is_its_day(sentence, published, expected):
    """Issue 18 (fifteenth corpus): "接任2025—2026年轮值主席国" and "на 2022–2023 годы" dated the chair's handover
    and a tourism capital's title by their terms; "昨（1）日落幕" (Taiwan's style) dated nothing; "В понедельник ...
    перешло" was next Monday, read in the future of "примет"."""
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, published)] == expected


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        ("Since 2004 the secretaries have met every year.", []),
        ("Since 2019 the talks have been frozen.", []),
        ("In 2004 the secretaries met for the first time.", [("2004", None)]),
        ("June 2004 saw the secretaries meet for the first time.", [("2004-06", None)]),
    ],
)
def test_since_a_year_opening_its_sentence_bounds_a_state_as_it_does_inside_one(sentence, dates):
    """Issue 18 (fourteenth corpus): "Since 2004 the secretaries ... have met every year" was a fact of 2004:
    the capital "Since" was not read as the preposition the year rule's span takes along."""
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, dt.date(2026, 3, 2))] == dates


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        # a happening named by its year gives that year to its days said without one
        ("The 2020 summit was held by video on November 10.", [("2020-11-10", None)]),
        ("The 2024 Astana summit opened on July 3.", [("2024-07-03", None)]),
        ("The 2020 summit was held by video.", [("2020", None)]),
        # a day counted from the report keeps its year, and the summit its own
        ("The 2020 summit was recalled on Friday.", [("2020", None), ("2025-08-22", None)]),
        # the plan the same sentence says did not hold dates nothing
        (
            "The 2020 summit was planned for St Petersburg in July and was held by video on November 10.",
            [("2020-11-10", None)],
        ),
        ("The meeting was scheduled for May but was postponed to June.", [("2025-06", None)]),
        ("The drills were originally scheduled for September 2020 but were put off by the pandemic.", []),
        ("The exercise was set for April 2022 but was pushed back a year.", []),
        # (review) a change the sentence denies: the plan held
        ("The drills were scheduled for September 12 and were not scrapped.", [("2024-09-12", None)]),
        ("The summit was scheduled for July 3 and was attended by all leaders.", [("2025-07-03", None)]),
    ],
)
def test_a_happening_named_by_its_year_dates_its_days_and_a_plan_that_changed_dates_nothing(sentence, dates):
    """Issue 18 (fifteenth corpus): "The 2020 summit was planned for St Petersburg in July and was held by video
    on November 10", in an explainer of August 2025, gave July 2025 and November 2024."""
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, dt.date(2025, 8, 28))] == dates


@pytest.mark.parametrize(
    ("sentence", "published", "dates"),
    [
        # a plan told in the past progressive was then
        (
            "Kazakhstan was preparing to host the summit in July when the pandemic struck.",
            dt.date(2020, 9, 1),
            [("2020-07", None)],
        ),
        (
            "Leaders were preparing to sign the declaration on Thursday.",
            dt.date(2024, 7, 6),
            [("2024-07-04", None)],
        ),
        # Chinese dashes as punctuation before a year
        ("回顾——2001年，上海合作组织在上海成立。", dt.date(2025, 9, 2), [("2001", None)]),
        # "на" years that are no term
        ("Пик торговли пришёлся на 2021–2022 годы.", dt.date(2025, 9, 2), [("2021", "2022")]),
        # a relative clause's verb between a date and its own
        (
            "В пятницу министры, к которым пришли приглашения, примут участие в заседании.",
            dt.date(2024, 7, 10),
            [("2024-07-12", None)],
        ),
    ],
)
def test_the_review_s_cases_of_tense_terms_and_dashes(sentence, published, dates):
    """Issue 18: a review of the day's rules found "was preparing to" read as a plan ahead, "——2001年" as no
    year, "пришёлся на 2021–2022 годы" as a term, and a relative clause's past deciding a main clause's Friday."""
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, published)] == dates


@pytest.mark.parametrize(
    ("paragraph", "byline"),
    [
        ("By Ritika Shukla | Lucknow", True),
        ("Updated: Sept 1, 2025 10:15 IST", True),
        ("Published: July 4, Belarus joined the SCO.", False),
        ("By Tuesday in Astana.", False),
    ],
)
def test_a_page_s_stamp_holds_dates_and_times_only(paragraph, byline):
    """Issue 18 (review): the stamp's tail swallowed short statements ("Published: July 4, Belarus joined ...")."""
    from events.pipeline.titles import only_who_wrote

    assert only_who_wrote(paragraph) is byline


@pytest.mark.parametrize(
    ("sentence", "published", "dates"),
    [
        (
            "The summit was scheduled for June 15 and was held as planned.",
            dt.date(2021, 6, 1),
            [("2020-06-15", None)],
        ),
        (
            "The 2025 summit will be held in Tianjin, the foreign ministry said on July 8.",
            dt.date(2024, 7, 10),
            [("2025", None), ("2024-07-08", None)],
        ),
        (
            "The 2018 summit in Qingdao was India's first as a full member, after it joined on June 9, 2017.",
            dt.date(2025, 1, 1),
            [("2018", None), ("2017-06-09", None)],
        ),
    ],
)
def test_the_second_review_s_cases_of_plans_and_years(sentence, published, dates):
    """Issue 18: a second review found a plan that held losing its day, and a subject's year moving another
    clause's day (and dropping itself beside a date with its own year)."""
    assert [(f.date, f.end_date) for f, _ in sentence_facts(sentence, published)] == dates


def test_a_verb_that_strikes_a_tone_is_no_strike():
    """Issue 18 (second review): "Putin strikes upbeat tone at Tianjin meeting" was a war's deed."""
    (fact, _), *_ = sentence_facts(
        "Putin strikes upbeat tone at Tianjin meeting with Modi on September 1.", dt.date(2025, 9, 2)
    )
    assert not fact.another_s


@pytest.mark.parametrize(
    ("sentence", "published", "told", "not_told"),
    [
        (  # a weekday's date in apposition wins over the weekday read in a sentence of mixed tenses
            "Security is tight in the capital, with the SCO heads of state at the Navruz palace on Friday, "
            "September 17.",
            dt.date(2021, 9, 14),
            ("2021-09-17", None),
            ("2021-09-10", None),
        ),
        (  # a clause without its verb takes the tense of the weekday it is joined to
            "The CSTO ministers meet on Thursday and the heads of state of the SCO member countries on Friday.",
            dt.date(2024, 7, 2),
            ("2024-07-05", None),
            ("2024-06-28", None),
        ),
        (  # there for what is to come
            "The minister is in Astana for the meeting of SCO foreign ministers on Friday.",
            dt.date(2024, 7, 3),
            ("2024-07-05", None),
            ("2024-06-28", None),
        ),
        (  # a headline's plan without its "is"
            "First joint session of the SCO and CSTO set for Friday",
            dt.date(2024, 7, 3),
            ("2024-07-05", None),
            ("2024-06-28", None),
        ),
        (  # a judgement to come of a day gone by
            "The SCO summit in Astana on Thursday will be remembered for Belarus's entry.",
            dt.date(2024, 7, 6),
            ("2024-07-04", None),
            ("2024-07-11", None),
        ),
    ],
)
def test_weekdays_told_in_the_twenty_fourth_and_twenty_fifth_corpora(sentence, published, told, not_told):
    """Issue 18 (the twenty-fourth and twenty-fifth corpora, read): each weekday went a week the wrong way."""
    found = dated(sentence, published)
    assert told in found
    assert not_told not in found


@pytest.mark.parametrize(
    "sentence",
    ["Why was last year's summit held online?", "What happens this week?", "Will the SCO meet in June?"],
)
def test_a_question_states_no_fact(sentence):
    """Issue 18 (twenty-fifth corpus, read): an explainer's headings ("Why was last year's summit virtual?")
    became facts dated last year and this week, the first gathering nine reports."""
    assert dated(sentence, WED_3_JULY_2024) == []


@pytest.mark.parametrize(
    ("sentence", "published", "day"),
    [
        (
            "Встреча министров пройдёт 20 мая, сообщило в среду посольство Китая.",
            dt.date(2024, 5, 9),
            "2024-05-08",
        ),
        (
            "The president will join the summit by video link, the Kremlin said on Wednesday, after cases of "
            "Covid-19 among his staff.",
            dt.date(2024, 5, 9),
            "2024-05-08",
        ),
    ],
)
def test_the_day_a_plan_was_said_is_marked_in_russian_word_order_and_before_an_after_clause(
    sentence, published, day
):
    """Issue 18 (the twenty-fourth and twenty-fifth corpora, read): "сообщило во вторник министерство" (the
    sayer after its day) and "..., the Kremlin said on Wednesday, after ..." dated facts by the saying."""
    said = [fact for fact in extract_facts("Headline", sentence, published)[1:] if fact.date == day]
    assert said and all(fact.said_of_a_plan for fact in said)


def test_another_body_s_day_in_a_clause_without_its_verb():
    """Issue 18 (twenty-fifth corpus, read): "The CSTO leaders meet on Thursday and the SCO Council of Heads
    of State on Friday" gave the CSTO's Thursday to the SCO."""
    facts = extract_facts(
        "Headline", "NATO ministers meet on Thursday and SCO ministers on Friday.", WED_3_JULY_2024
    )
    assert {fact.date: fact.another_s for fact in facts[1:]} == {"2024-07-04": True, "2024-07-05": False}


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        (
            "President Xi on Friday addressed the SCO Council of Heads of State via video link from Beijing.",
            "beijing",
        ),
        ("国家主席习近平7月4日在北京以视频方式出席上海合作组织成员国元首理事会会议。", "beijing"),
        ("Путин в пятницу по видеосвязи из Москвы выступил на саммите ШОС.", "moscow"),
        ("President Xi on Friday called on the SCO summit to uphold the Shanghai Spirit.", "shanghai"),
    ],
)
def test_where_a_leader_spoke_from_and_the_shanghai_spirit_are_not_the_happening_s_place(sentence, place):
    """Issue 18 (twenty-fifth corpus, read): "addressed the 21st meeting of the SCO Council of Heads of State
    via video link from Beijing, calling on members to uphold the Shanghai Spirit" was placed in Beijing and
    Shanghai, so it stayed apart from the summit in Dushanbe ("no person, place or country in common")."""
    facts = extract_facts("Headline", sentence, dt.date(2023, 7, 7))[1:]
    assert facts and all(place not in fact.tags and "sco" in fact.tags for fact in facts)


@pytest.mark.parametrize(
    ("sentence", "published", "date"),
    [
        (
            "The chairmanship overlaps with India's G20 presidency, which begins on December 1.",
            dt.date(2022, 9, 17),
            "2022-12-01",
        ),
        (
            "New Delhi will host G20 leaders on September 9 and 10 next year, weeks after the SCO summit.",
            dt.date(2022, 9, 17),
            "2023-09-09",
        ),
    ],
)
def test_another_body_s_day_in_a_relative_clause_or_before_the_sco_s_time(sentence, published, date):
    """Issue 18 (twenty-fourth corpus, read): the G20 presidency "which begins on December 1" and the G20
    summit "weeks after the SCO summit" became SCO facts, the second joining the SCO summit's reports."""
    facts = [fact for fact in extract_facts("Headline", sentence, published)[1:] if fact.date == date]
    assert facts and all(fact.another_s for fact in facts)


@pytest.mark.parametrize(
    ("sentence", "published", "told", "not_told"),
    [
        # a weekday's date in apposition takes the year whose day is that weekday
        (
            "Lavrov met Wang on Monday, September 13, and the leaders meet on Friday, September 17.",
            dt.date(2021, 9, 15),
            ("2021-09-17", None),
            ("2020-09-17", None),
        ),
        (
            "Officials met on Thursday, December 29, and agreed to meet again on Friday, January 13.",
            dt.date(2023, 1, 2),
            ("2023-01-13", None),
            ("2022-01-13", None),
        ),
        # there now, but the weekday is a verb's of its own
        (
            "Ashtiani is in New Delhi for the SCO meeting and held talks with Rajnath Singh on Thursday.",
            dt.date(2023, 4, 28),
            ("2023-04-27", None),
            ("2023-05-04", None),
        ),
        (
            "Wang Yi is in Goa for the SCO foreign ministers' meeting that opened on Thursday.",
            dt.date(2023, 4, 28),
            ("2023-04-27", None),
            ("2023-05-04", None),
        ),
        # a plan "set for" a day that the sentence says went otherwise
        (
            "The talks, originally set for Thursday, were postponed.",
            dt.date(2023, 4, 28),
            ("2023-04-27", None),
            ("2023-05-04", None),
        ),
        (
            "SCO talks, set for Friday, end without joint statement",
            dt.date(2023, 4, 29),
            ("2023-04-28", None),
            ("2023-05-05", None),
        ),
        # only remembering judges a day gone by
        (
            "India's ambassador will be recalled on Monday, the ministry said.",
            dt.date(2023, 4, 28),
            ("2023-05-01", None),
            ("2023-04-24", None),
        ),
        (
            "The entries will be judged on Monday at the SCO film festival.",
            dt.date(2023, 4, 28),
            ("2023-05-01", None),
            ("2023-04-24", None),
        ),
        # a closing question after a statement leaves the statement's date
        (
            "The summit opens on Wednesday, but will it deliver?",
            dt.date(2024, 7, 2),
            ("2024-07-03", None),
            None,
        ),
        (
            "上合组织峰会将于7月3日在阿斯塔纳开幕，会带来什么？",
            dt.date(2024, 7, 2),
            ("2024-07-03", None),
            None,
        ),
        (
            'Putin asked reporters on Monday: "Why should the SCO wait?"',
            dt.date(2024, 7, 2),
            ("2024-07-01", None),
            None,
        ),
    ],
)
def test_what_the_review_of_the_twenty_fourth_and_twenty_fifth_rules_found(
    sentence, published, told, not_told
):
    """Issue 18: a review of this session's rules (e22e064 against HEAD, invented sentences) found each of
    these worse than before: a date's year read without its weekday, "is in ... for" and "set for" and
    "will be recalled" made future against the sentence's own verb, and a closing question dropping the
    statement before it."""
    found = dated(sentence, published)
    assert told in found
    assert not_told not in found


@pytest.mark.parametrize(
    "sentence",
    [
        "The SCO summit, held by videoconference from Moscow on Tuesday, adopted a declaration.",
        "Putin chaired the SCO summit on Tuesday by video link from Moscow, the host city.",
        "上合组织峰会11月10日在莫斯科以视频方式举行。",
    ],
)
def test_a_meeting_held_by_video_from_its_host_city_is_placed_there(sentence):
    """Issue 18: the review found the host city of a summit held by video lost with a leader's own place."""
    facts = extract_facts("Headline", sentence, dt.date(2020, 11, 11))[1:]
    assert facts and all("moscow" in fact.tags for fact in facts)


@pytest.mark.parametrize(
    "sentence, published",
    [
        (
            "The BRICS leaders had been due to meet on July 21 and the SCO heads of state on July 22-23.",
            dt.date(2031, 5, 27),
        ),
        ("The drill had been due last year but was put off because of the pandemic.", dt.date(2031, 9, 22)),
        (
            "The summit had originally been scheduled to take place in St Petersburg in July, but was postponed.",
            dt.date(2031, 11, 4),
        ),
        (
            "The leaders' summit Russia had planned for St Petersburg in July has not yet been given a new date.",
            dt.date(2031, 9, 9),
        ),
        ("這場峰會原訂7月在聖彼得堡舉行，因疫情延後，最後改為線上。", dt.date(2031, 11, 11)),
        (
            "Kyrgyzstan has chaired the SCO since last June and will pass the chair on at the Bishkek meeting.",
            dt.date(2031, 5, 22),
        ),
        ("Россия председательствует в ШОС с июня прошлого года.", dt.date(2031, 9, 11)),
    ],
)
def test_a_plan_that_did_not_hold_and_a_chair_held_since_date_no_happening(sentence, published):
    """Issue 18 (twenty-fifth and twenty-seventh corpora, read): a plan told in the past perfect ("had been due
    to meet on July 21 and the SCO heads of state on July 22-23", "原訂7月") dated the meeting that did not take
    place, a year back; a chair held "since last June" dated a handover."""
    assert dated(sentence, published) == []


def test_the_plan_s_change_in_the_same_sentence_leaves_the_new_date():
    """Issue 18 (twenty-seventh corpus, read): "but the pandemic turned it into a video meeting on November 10"."""
    sentence = "The next summit was set for St Petersburg in July 2031, but the pandemic turned it into a video meeting on November 10, 2031."
    assert dated(sentence, dt.date(2032, 9, 22)) == [("2031-11-10", None)]


@pytest.mark.parametrize(
    ("sentence", "published", "said"),
    [
        (
            "St Petersburg will host the SCO leaders on July 22-23, a Kremlin official said on Thursday, adding that work on the venues was on schedule.",
            dt.date(2031, 3, 6),
            "2031-03-06",
        ),
        (
            "India will host this year's SCO summit by video on July 4, its Foreign Ministry said Tuesday, dropping the idea of a gathering in the capital.",
            dt.date(2031, 5, 27),
            "2031-05-27",
        ),
        (
            "Putin will take part in the summits by video link, the Kremlin said on Tuesday after he spoke by phone with Rahmon.",
            dt.date(2031, 9, 16),
            "2031-09-16",
        ),
    ],
)
def test_a_plan_s_saying_day_before_a_participle_or_an_after_clause(sentence, published, said):
    """Issue 18 (twenty-seventh corpus, read): the day a plan was said, followed by ", adding that ...",
    ", dropping ..." or "after ...", dated a fact of its own."""
    facts = [fact for fact in extract_facts("Headline", sentence, published)[1:] if fact.date == said]
    assert facts and all(fact.said_of_a_plan for fact in facts)


def test_said_in_a_city_on_a_day_is_a_saying_s_day():
    facts = extract_facts(
        "Headline",
        "Tehran will host the SCO ministers on May 20, Foreign Minister Araghchi said in Tehran on Monday.",
        dt.date(2031, 4, 29),
    )[1:]
    assert {(fact.date, fact.said_of_a_plan) for fact in facts} == {
        ("2031-05-20", False),
        ("2031-04-28", True),
    }


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        (  # the journey's day is no happening; what it was made to attend comes after it
            "Foreign Minister Qureshi left for Moscow on Wednesday to attend the meeting of the SCO Council of "
            "Foreign Ministers on Thursday, the Foreign Office said.",
            dt.date(2031, 9, 10),
            [("2031-09-11", None)],
        ),
        (
            "Kulubaev arrived in Tianjin on Monday to attend the meeting on Tuesday.",
            dt.date(2031, 7, 18),
            [("2031-07-15", None)],
        ),
        (  # a verb of its own: the meeting's own tense, and the journey's day stays
            "Kulubaev arrived in Tianjin on Monday to attend the meeting, which opened on Tuesday.",
            dt.date(2031, 7, 16),
            [("2031-07-14", None), ("2031-07-15", None)],
        ),
        (  # where someone goes on to before travelling there
            "Modi arrived in Tokyo on Friday for talks, before travelling to China for the SCO summit in Tianjin "
            "on Sunday and Monday.",
            dt.date(2031, 8, 29),
            [("2031-08-29", None), ("2031-08-31", "2031-09-01")],
        ),
        (  # a year told before a when-clause holds its month
            "The pandemic pushed the SCO online in 2030, when Russia's summit, meant for St Petersburg, was held "
            "by video in November.",
            dt.date(2033, 7, 6),
            [("2030-11", None)],
        ),
    ],
)
def test_journeys_and_years_read_in_the_twenty_seventh_corpus(sentence, published, expected):
    """Issue 18 (twenty-seventh corpus, read): each of these dated a day a week or a year wrong."""
    assert dated(sentence, published) == expected


def test_no_corpus_article_makes_the_extractor_fail():
    """A rule that raises on one sentence loses its whole article at ingest (the evaluator showed it only as
    a drop in tagging recall): every article of every news corpus is read without an error."""
    from events.domain.article import article_text
    from timeline.ingest.parse import parse_feed

    now = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    read = 0
    for path in sorted(Path(__file__).parent.glob("data/news*/feeds/*.xml")):
        for item in parse_feed(path.read_bytes(), fetched_at=now).items:
            extract_facts(item.title, article_text(item), item.day)
            read += 1
    assert read > 1000


@pytest.mark.parametrize(
    ("sentence", "published"),
    [
        ("印度外長是2030年兩國邊境衝突以來首次訪華。", dt.date(2031, 7, 16)),
        ("与会各方高度评价中方担任2030年至2031年轮值主席国期间所做工作。", dt.date(2031, 11, 19)),
        ("吉尔吉斯斯坦接任2031年至2032年上合组织轮值主席国。", dt.date(2031, 9, 2)),
        (
            "Председательство в Совете глав правительств на следующий год переходит к Казахстану.",
            dt.date(2031, 11, 18),
        ),
        (
            "В субботу исполнится двадцать три года с того дня, как в нашем городе была принята Хартия ШОС.",
            dt.date(2031, 6, 6),
        ),
        ("Saturday marks 23 years since the SCO Charter was signed in St Petersburg.", dt.date(2031, 6, 6)),
    ],
)
def test_terms_firsts_since_and_anniversaries_in_the_twenty_sixth_corpus_date_nothing(sentence, published):
    """Issue 18 (twenty-sixth corpus, read): a Chinese "以來首次" (the first since), a chair's years
    ("担任2024年至2025年轮值主席国", "председательство ... на следующий год") and an anniversary's day ("В субботу
    исполнится двадцать три года") were facts."""
    assert dated(sentence, published) == []


def test_a_founding_date_before_its_anniversary_stays():
    sentence = "Саммит будет юбилейным: ШОС, основанной 15 июня 2001 года, исполнится 25 лет."
    assert dated(sentence, dt.date(2026, 1, 29)) == [("2001-06-15", None)]


def test_another_body_named_in_chinese_dates_its_own_meeting():
    """Issue 18 (twenty-sixth corpus, read): "在吉隆坡出席东盟系列外长会" (ASEAN's ministers) was an SCO meeting."""
    facts = extract_facts(
        "Headline",
        "俄罗斯外长此前于7月10日至11日在吉隆坡出席东盟系列外长会，随后访问朝鲜。",
        dt.date(2031, 7, 16),
    )
    assert facts[1:] and all(fact.another_s for fact in facts[1:])


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # a plan that went ahead after all, or a conjunct with a verb of its own, keeps its date
        (
            "The ministers had been due to meet on Friday and did so in Moscow.",
            dt.date(2031, 11, 12),
            [("2031-11-07", None)],
        ),
        (
            "The summit had been due to open on July 22 and the SCO leaders finally met by video on November 10.",
            dt.date(2031, 11, 12),
            [("2031-11-10", None)],
        ),
        # the day after a journey counts from the journey's day, past or future
        (
            "Modi met Putin on Friday before flying to Delhi on Saturday.",
            dt.date(2031, 9, 17),
            [("2031-09-12", None), ("2031-09-13", None)],
        ),
        (
            "Xi stayed in Astana before flying to Samarkand on Tuesday.",
            dt.date(2031, 9, 17),
            [("2031-09-16", None)],
        ),
        (
            "Xi arrived in Samarkand on Wednesday to attend the SCO summit on Thursday and Friday.",
            dt.date(2031, 9, 17),
            [("2031-09-18", "2031-09-19")],
        ),
        (  # another clause's date: the journey's day stays
            "Lavrov arrived in Tashkent on Monday to attend the SCO foreign ministers' meeting, and met Wang on Tuesday.",
            dt.date(2031, 9, 17),
            [("2031-09-15", None), ("2031-09-16", None)],
        ),
        # what happened "since last July" is told by its possessive or a when-clause
        (
            "India has skipped every meeting since last July's summit in Astana.",
            dt.date(2031, 3, 10),
            [("2030-07", None)],
        ),
        # a chair's term only right before 轮值主席国; an anniversary's day only when it opens its clause
        ("2032年上合组织峰会将在中国举行，中国担任轮值主席国。", dt.date(2031, 7, 5), [("2032", None)]),
        (
            "The drill that began on Monday marks ten years since the first joint exercise.",
            dt.date(2031, 6, 11),
            [("2031-06-09", None)],
        ),
    ],
)
def test_what_the_review_of_the_twenty_sixth_and_twenty_seventh_rules_found(sentence, published, expected):
    """Issue 18: a review of the rules read from the twenty-sixth and twenty-seventh corpora (c9cd84f against
    924a84d) found each of these worse than before; they fail on that tree."""
    assert dated(sentence, published) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Belarus will host the next meeting, Lukashenko said in Astana on Thursday, after the leaders signed its accession.",
        "China will host the next summit, Xi said on Thursday, receiving the SCO chair from Tokayev.",
    ],
)
def test_a_saying_s_day_that_a_trailing_clause_tells_a_happening_of_stays(sentence):
    facts = extract_facts("Headline", sentence, dt.date(2031, 7, 5))[1:]
    assert [fact.date for fact in facts if not fact.said_of_a_plan] == ["2031-07-03"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Саммит ШОС, который должен был пройти в Санкт-Петербурге в июле, прошёл 10 ноября по видеосвязи.",
            [("2031-11-10", None)],
        ),
        ("Саммит ШОС изначально планировалось провести в июле в Санкт-Петербурге, но его перенесли.", []),
        (
            "Russia had planned to host the summit in July, but the pandemic forced it online on November 10.",
            [("2031-11-10", None)],
        ),
        ("Саммит ШОС должен был пройти в июле и прошёл в июле.", [("2031-07", None)]),
    ],
)
def test_a_plan_that_did_not_hold_in_russian_and_had_planned_to_host(sentence, expected):
    """Issue 18: the second review found Russian plans ("должен был пройти", "планировалось провести") and "had
    planned to host" dating the meeting that did not take place on them."""
    assert dated(sentence, dt.date(2031, 11, 11)) == expected
