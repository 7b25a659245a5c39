"""Issue 18: a fact told in Russian or Chinese keeps its words, marked with their language on every page
and in the API; a fact's page says what each source says and why it is a source of the fact."""

from __future__ import annotations

import re

import pytest

from events.domain.language import language_of


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("上合組織峰會今天閉幕", "zh-Hant"),
        ("上合组织峰会今天闭幕", "zh-Hans"),
        ("上海合作", "zh"),  # characters both scripts share
        ("Путин и Моди провели переговоры", "ru"),
        ("The SCO (ШОС) summit in Tianjin (天津)", "en"),
        ("", "en"),
    ],
)
def test_the_language_of_a_text_is_the_script_most_of_it_is_written_in(text, language):
    assert language_of(text) == language


def test_titles_and_summaries_carry_their_language_on_the_timeline_and_the_fact_page(client, make_fact):
    chinese = make_fact(date="2025-09-01", title="上合組織峰會在天津閉幕", summary="為期兩日的峰會昨日閉幕。")
    english = make_fact(date="2025-08-31", title="SCO summit opens in Tianjin")
    page = client.get("/").get_data(as_text=True)
    assert re.search(rf'id="t-{chinese.fact_id}" lang="zh-Hant"', page)
    assert re.search(rf'id="t-{english.fact_id}">', page)  # English, as the page says it is
    fact_page = client.get(f"/events/{chinese.fact_id}").get_data(as_text=True)
    assert '<h1 lang="zh-Hant">' in fact_page and '<p class="fact-summary" lang="zh-Hant">' in fact_page
    api = client.get(f"/api/events/{chinese.fact_id}").get_json()
    assert api["title_lang"] == "zh-Hant"
    assert client.get(f"/api/events/{english.fact_id}").get_json()["title_lang"] == "en"


def test_a_fact_page_says_what_each_source_says_and_why_it_was_attached(client, make_fact):
    sources = [
        {"url": "https://example.org/a", "outlet": "Wire", "evidence": "Leaders met in Tianjin on Sunday."},
        {
            "url": "https://example.org/b",
            "outlet": "Вестник",
            "evidence": "Саммит прошел 31 августа – 1 сентября.",
            "why": "the same summit (Tianjin) on days that agree",
        },
    ]
    fact = make_fact(date="2025-08-31", title="SCO summit in Tianjin", sources=sources)
    page = client.get(f"/events/{fact.fact_id}").get_data(as_text=True)
    assert "<q>Leaders met in Tianjin on Sunday.</q>" in page
    assert '<q lang="ru">Саммит прошел 31 августа – 1 сентября.</q>' in page
    assert "Why it is a source of this fact: the same summit (Tianjin) on days that agree." in page
