"""A fact's HTML is kept between pages while the fact is unchanged; a change, a moment or an order renders it anew."""

from __future__ import annotations


def _first(timeline, make_fact):
    a = make_fact(title="Alpha summit in Astana", tags=["sco", "china"])
    b = make_fact(date="2024-03-16", title="Beta talks in Tashkent", tags=["sco"])
    return a, b


def test_a_corrected_fact_is_rendered_anew_and_the_unchanged_one_the_same(client, timeline, make_fact):
    a, b = _first(timeline, make_fact)
    before = client.get("/").text
    timeline.correct_fact(
        a.fact_id, {"title": "Alpha summit moved to Minsk"}, reason="moved", expected_version=None, actor="t"
    )
    after = client.get("/").text
    assert "Alpha summit moved to Minsk" in after and "Alpha summit in Astana" not in after
    assert "Beta talks in Tashkent" in after
    kept = before[before.index(f'id="t-{b.fact_id}"') :].split("</article>")[0]
    assert kept in after


def test_a_kept_fact_links_as_the_page_it_is_on(client, timeline, make_fact):
    a, _ = _first(timeline, make_fact)
    client.get("/")  # kept for the newest-first view
    oldest_first = client.get("/?order=asc").text
    fact = oldest_first[oldest_first.index(f'id="t-{a.fact_id}"') :].split("</article>")[0]
    assert "order=asc" in fact  # its tag links keep the order


def test_a_search_highlights_in_a_fact_kept_from_the_plain_page(client, timeline, make_fact):
    _first(timeline, make_fact)
    client.get("/")
    assert "<mark>Astana</mark>" in client.get("/?q=astana").text
