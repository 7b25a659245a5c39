"""Fuzzy dates: parsing, precision, ordering and the way people read them."""

import pytest

from events.domain.dates import FuzzyDate, Precision, check_span, human_span
from events.log.errors import InvalidDate


@pytest.mark.parametrize(
    "text, precision, human",
    [
        ("2001", Precision.YEAR, "2001"),
        ("2024-03", Precision.MONTH, "March 2024"),
        ("2022-09-15", Precision.DAY, "15 September 2022"),
        ("2024-02-29", Precision.DAY, "29 February 2024"),
        (" 2024-05 ", Precision.MONTH, "May 2024"),
    ],
)
def test_good_dates_keep_their_precision(text, precision, human):
    date = FuzzyDate.parse(text)
    assert date.precision is precision
    assert date.human() == human
    assert date.iso() == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24",
        "2024-3",
        "2024-13",
        "2024-00",
        "2023-02-29",
        "2024-04-31",
        "2024-05-00",
        "0000",
        "2024/05/01",
        "May 2024",
        "2024-05-01T00:00",
        "２０２４",
        "2024-05-01 ",
        "-2024",
        "20240501",
        None,
        2024,
    ],
)
def test_bad_dates_are_refused_with_a_reason(text):
    if text == "2024-05-01 ":
        assert FuzzyDate.parse(text).iso() == "2024-05-01"
        return
    with pytest.raises(InvalidDate):
        FuzzyDate.parse(text)


def test_a_month_is_never_given_an_invented_day():
    may = FuzzyDate.parse("2024-05")
    assert may.day is None
    assert may.iso() == "2024-05"
    assert may.first_day().isoformat() == "2024-05-01"
    assert may.last_day().isoformat() == "2024-05-31"


def test_ordering_puts_coarser_dates_before_their_parts():
    dates = [FuzzyDate.parse(t) for t in ["2024-05-02", "2024", "2024-05", "2001", "2024-04-30"]]
    assert [d.iso() for d in sorted(dates)] == ["2001", "2024", "2024-04-30", "2024-05", "2024-05-02"]
    assert sorted(d.sort_key() for d in dates) == [d.sort_key() for d in sorted(dates)]


@pytest.mark.parametrize(
    "start, end, text",
    [
        ("2022-09-15", "2022-09-16", "15-16 September 2022"),
        ("2022-09-30", "2022-10-02", "30 September - 2 October 2022"),
        ("2024-03", "2024-05", "March-May 2024"),
        ("2001", "2004", "2001 - 2004"),
        ("2022-09-15", None, "15 September 2022"),
        ("2023-07-04", "2023", "4 July 2023 - later in 2023"),  # read "4 July 2023 - 2023" (product review)
        ("2024-06-20", "2024-06", "20 June 2024 - later in June 2024"),
        ("2022-09", "2022-09-30", "September 2022 - 30 September 2022"),
    ],
)
def test_spans_read_naturally(start, end, text):
    assert human_span(FuzzyDate.parse(start), FuzzyDate.parse(end) if end else None) == text


def test_an_end_before_its_start_is_refused():
    with pytest.raises(InvalidDate, match="before"):
        check_span(FuzzyDate.parse("2022-09-16"), FuzzyDate.parse("2022-09-15"))
    with pytest.raises(InvalidDate):
        check_span(FuzzyDate.parse("2022-09"), FuzzyDate.parse("2022-08-31"))
    check_span(FuzzyDate.parse("2022-09"), FuzzyDate.parse("2022-09-30"))  # inside the month: fine


def test_days_in_a_month_are_what_the_calendar_says_in_every_year():
    """FuzzyDate checks days against a table of month lengths instead of calendar.monthrange."""
    import calendar

    from events.domain.dates import _days_in

    assert all(
        _days_in(year, month) == calendar.monthrange(year, month)[1]
        for year in range(1, 10000)
        for month in range(1, 13)
    )
