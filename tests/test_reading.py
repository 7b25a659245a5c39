"""What a reader sees on the pages: bands of vague dates, plain words, errors in the site's layout."""

from __future__ import annotations

import re

import pytest

FACTS = [
    ("2024-07-03", "Dated in July"),
    ("2024-07", "Only the month"),
    ("2024", "Only the year"),
    ("2024-09-01", "Dated in September"),
    ("2024-01-05", "Dated in January"),
    ("2023-12-31", "Last year"),
]


@pytest.fixture
def banded(timeline, make_fact, client):
    for date, title in FACTS:
        make_fact(date, title)
    timeline.catch_up()
    return client


def headings_and_titles(html: str) -> list[str]:
    """The page's headings (h2-h4) and fact titles, in document order."""
    found = re.findall(r"<h([2-5])[^>]*>(?:<a [^>]*>)?([^<]+)<", html)
    return [
        text.strip() for _, text in found if text.strip() not in ("Tags", "Facts per month", "Facts per year")
    ]


def test_vague_facts_follow_the_dated_ones_newest_first(banded):
    html = banded.get("/").get_data(as_text=True)
    assert headings_and_titles(html)[:12] == [
        "2024",
        "September 2024",
        "Dated in September",
        "July 2024",
        "Dated in July",
        "During July 2024",
        "Only the month",
        "January 2024",
        "Dated in January",
        "Sometime in 2024",
        "Only the year",
        "2023",
    ]


def test_vague_facts_precede_the_dated_ones_oldest_first(banded):
    html = banded.get("/?order=asc").get_data(as_text=True)
    assert headings_and_titles(html)[:12] == [
        "2023",
        "December 2023",
        "Last year",
        "2024",
        "Sometime in 2024",
        "Only the year",
        "January 2024",
        "Dated in January",
        "July 2024",
        "During July 2024",
        "Only the month",
        "Dated in July",
    ]


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_the_api_lists_facts_in_the_pages_order(banded, order):
    titles = [e["title"] for e in banded.get(f"/api/events?order={order}").get_json()["events"]]
    html = banded.get(f"/?order={order}").get_data(as_text=True)
    on_page = [t for t in headings_and_titles(html) if t in dict((t, d) for d, t in FACTS)]
    assert titles == on_page
    newest_first = [
        "Dated in September",
        "Dated in July",
        "Only the month",
        "Dated in January",
        "Only the year",
        "Last year",
    ]
    assert titles == (newest_first if order == "desc" else newest_first[::-1])
