"""One happening, one fact: the matcher joins reports of one happening and keeps distinct ones apart."""

from __future__ import annotations

import pytest

from events.pipeline.happenings import Report, kind_of_happening, refined_dates, same_happening


def report(date: str, title: str, tags: tuple[str, ...], end: str | None = None) -> Report:
    return Report(date, end, title, title, tags)


SUMMIT = report(
    "2025-08-31", "Leaders gather in Tianjin for the SCO summit", ("sco", "tianjin", "china"), "2025-09-01"
)
MODI_XI = report(
    "2025-08-31", "Modi and Xi meet in Tianjin", ("narendra-modi", "xi-jinping", "tianjin", "india")
)
IRAN_DAY = report("2023-07-04", "Iran officially becomes a full member of the SCO", ("iran", "india", "sco"))


@pytest.mark.parametrize(
    ("new", "recorded", "same"),
    [
        (report("2025-09-01", "The SCO summit in Tianjin closes", ("sco", "tianjin")), SUMMIT, True),
        (MODI_XI, SUMMIT, False),  # a meeting on the summit's margins is a happening of its own
        (
            report("2025-09-01", "Putin and Modi meet in Tianjin", ("vladimir-putin", "narendra-modi")),
            MODI_XI,
            False,
        ),
        (
            report("2025-08-31", "Xi, Modi hold talks", ("xi-jinping", "narendra-modi", "china")),
            MODI_XI,
            True,
        ),
        (report("2023-07", "Iran joined the bloc as a full member in July 2023", ("iran",)), IRAN_DAY, True),
        (report("2023", "Iran was admitted in 2023", ("iran",)), IRAN_DAY, True),
        (report("2023", "Belarus was admitted in 2023", ("belarus",)), IRAN_DAY, False),  # nobody in common
        (report("2023-07-05", "Iran becomes a full member", ("iran",)), IRAN_DAY, False),  # a day later
        (
            IRAN_DAY,
            report("2023", "Iran joined in 2023", ("iran",)),
            True,
        ),  # and refined_dates gives it the day
        (
            report("2025-06-26", "Defence ministers meet in Qingdao", ("qingdao",)),
            report("2025-06-26", "Foreign ministers meet in Qingdao", ("qingdao",)),
            False,
        ),
    ],
)
def test_same_happening(new, recorded, same):
    verdict = same_happening(new, recorded)
    assert verdict.same is same, verdict.why
    assert verdict.why  # every decision says why


@pytest.mark.parametrize(
    ("title", "tags", "kind"),
    [
        ("Iran joins SCO as Modi chairs virtual summit", ("iran", "narendra-modi"), "accession"),
        ("Modi and Xi meet in Tianjin", ("narendra-modi", "xi-jinping"), "bilateral"),
        ("SCO summit opens in Astana", ("astana",), "summit"),
        ("Белоруссия вступила в ШОС", ("belarus",), "accession"),
        ("上合组织峰会在天津举行", ("tianjin",), "summit"),
        ("The weather was fine", (), None),
    ],
)
def test_kind_of_happening(title, tags, kind):
    assert kind_of_happening(report("2025-01-01", title, tags)) == kind


@pytest.mark.parametrize(
    ("new", "recorded", "dates"),
    [
        (IRAN_DAY, report("2023", "Iran joined in 2023", ("iran",)), ("2023-07-04", None)),
        (
            SUMMIT,
            report("2025-09-01", "The SCO summit in Tianjin closes", ("tianjin",)),
            ("2025-08-31", "2025-09-01"),
        ),
        (report("2025-09-01", "The SCO summit closes", ("tianjin",)), SUMMIT, None),  # never a narrower date
        (report("2024", "Iran joined in 2024", ("iran",)), IRAN_DAY, None),  # never a vaguer or other one
        (
            MODI_XI,
            report("2025-08", "Modi met Xi in August", ("narendra-modi", "xi-jinping")),
            ("2025-08-31", None),
        ),
        (  # a meeting's span is no better than its day: only summits, ministers' meetings, exercises last
            report("2025-08-31", "Modi and Xi meet", ("narendra-modi", "xi-jinping"), "2025-09-01"),
            MODI_XI,
            None,
        ),
    ],
)
def test_refined_dates(new, recorded, dates):
    assert refined_dates(new, recorded) == dates


def test_a_since_clause_does_not_make_a_summit_an_accession():
    lukashenko = report(
        "2025-08-31", "Lukashenko in Tianjin for first full SCO summit since Belarus joined", ("belarus",)
    )
    assert kind_of_happening(lukashenko) == "summit"


def test_three_leaders_at_a_summit_are_the_summit_and_two_meeting_are_a_meeting():
    three = report(
        "2025-09-01",
        "Xi meets Putin and Modi as the summit ends",
        ("xi-jinping", "vladimir-putin", "narendra-modi"),
    )
    two = report(
        "2025-08-31",
        "Modi and Xi hold talks on the sidelines of the SCO summit",
        ("narendra-modi", "xi-jinping"),
    )
    assert (kind_of_happening(three), kind_of_happening(two)) == ("summit", "bilateral")


def test_a_list_item_naming_no_one_is_the_summit_on_the_very_same_days():
    """'2025, 31 August - 1 September: Tianjin, China' in a list of summits names no kind and (its part
    of the sentence) no place: the very same span as a summit is that summit; a single day is not."""
    item = report("2025-08-31", "2025, 31 August - 1 September", (), "2025-09-01")
    assert same_happening(item, SUMMIT).same
    assert not same_happening(report("2025-08-31", "31 August", ()), SUMMIT).same
    washington = report(
        "2025-08-31", "The summit was staged as a rebuke to Washington", ("washington",), "2025-09-01"
    )
    assert same_happening(
        washington, SUMMIT
    ).same  # a summit on the same days, though it names no one in common
