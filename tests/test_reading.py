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


# ---------------------------------------------------------------- no internal words on public pages

INTERNAL = [
    re.compile(r"\b(editor|feed):\w"),  # actors as the log stores them
    re.compile(r"\borigin\b", re.I),
    re.compile(r"\bversion \d"),
    re.compile(r"\bevent \d"),
    re.compile(r"alexander-lukashenko|\bsco\b"),  # tag slugs, where the gazetteer has names
    re.compile(r"Error\b|Traceback|Exception"),
]


def visible_text(html: str) -> str:
    """What a person reads: no markup, no attribute values (links may carry slugs), no <title> or <style>."""
    import lxml.html

    doc = lxml.html.fromstring(html)
    for hidden in doc.xpath("//head | //script | //style"):
        hidden.getparent().remove(hidden)
    return " ".join(doc.text_content().split())


@pytest.fixture
def worded(timeline, make_fact, tmp_path):
    """A feed's fact tagged with a person, corrected by an editor, and a feed whose last poll hit a bug."""
    from timeline.config import config_from_mapping
    from timeline.ingest.poll import Ingestor

    fact = timeline.record_fact(
        {
            "date": "2024-07-04",
            "title": "Lukashenko signs the accession",
            "tags": ["alexander-lukashenko", "sco"],
        },
        actor="feed:tass-world",
        origin="feed",
    )
    timeline.correct_fact(
        fact.fact_id, {"summary": "Belarus joins."}, reason="summary", expected_version=1, actor="editor:me"
    )
    config = config_from_mapping(
        {
            "database": {"path": str(tmp_path / "t.db")},
            "feeds": [{"name": "broken", "url": "https://example.org/feed"}],
        }
    )

    def buggy(url, **_):
        raise KeyError("internal_detail_xyz")

    Ingestor(timeline, config, buggy).poll(config.feeds[0])
    timeline.catch_up()
    return fact.fact_id, config


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events/{id}",
        "/?tag=alexander-lukashenko",
        "/?tag=sco&tag=alexander-lukashenko",
        "/feeds",
        "/?as_of=2030-01-01T00:00:00Z",
        "/events/{id}?as_of=2030-01-01T00:00:00Z",
    ],
)
def test_public_pages_use_no_internal_words(worded, path):
    from timeline import create_app

    fact_id, config = worded
    client = create_app(config).test_client()
    response = client.get(path.format(id=fact_id))
    assert response.status_code == 200
    text = visible_text(response.get_data(as_text=True))
    found = [m.group() for pattern in INTERNAL for m in [pattern.search(text)] if m]
    assert found == [], text
    assert "internal_detail_xyz" not in text


def test_a_facts_page_says_who_recorded_and_changed_it_and_when(worded):
    from timeline import create_app

    fact_id, config = worded
    text = visible_text(create_app(config).test_client().get(f"/events/{fact_id}").get_data(as_text=True))
    assert "Found in a news feed by machine." in text
    assert "Recorded on 10 January 2024, 09:00:00 UTC by the news feed “tass-world”" in text
    assert "last changed on 10 January 2024, 09:00:01 UTC by editor me" in text
    assert "Alexander Lukashenko" in text


# ---------------------------------------------------------------- errors in the site's layout


def in_layout(html: str) -> bool:
    return 'class="site-header"' in html and 'href="/static/style.css"' in html and "<h1>" in html


def test_a_bad_filter_names_the_parameter_and_why_and_links_to_the_page_without_it(seeded_client):
    response = seeded_client.get("/?q=summit&from=soon&tag=sco")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and in_layout(html)
    text = visible_text(html)
    assert (
        "The filter from (the “From” date) cannot be used: 'soon' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
        in text
    )
    import lxml.html

    retry = lxml.html.fromstring(html).xpath("//a[starts-with(., 'Show the same page without')]/@href")[0]
    assert retry == "/?q=summit&tag=sco"
    assert seeded_client.get(retry).status_code == 200
    assert 'href="/">Clear every filter' in html


def test_the_json_api_keeps_its_problem_bodies(seeded_client):
    response = seeded_client.get("/api/events?from=soon")
    assert response.status_code == 400 and response.get_json()["parameter"] == "from"
    assert seeded_client.get("/api/nothing-here").get_json() == {"error": "not found"}


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/no/such/page", "There is no page at /no/such/page."),
        ("/events/no-such-fact", "No fact with id no-such-fact."),
    ],
)
def test_a_404_is_a_page_of_the_site_with_a_way_on(seeded_client, path, said):
    response = seeded_client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and in_layout(html)
    assert said in visible_text(html) and 'href="/">Go to the whole timeline' in html
    assert 'role="search"' in html


def test_a_500_is_a_page_of_the_site_without_the_exceptions_text(db_path):
    from tests.conftest import app_config
    from timeline import create_app

    app = create_app(app_config(db_path))

    @app.get("/broken")
    def broken():
        raise RuntimeError("secret_internal_detail")

    @app.get("/api/broken")
    def broken_api():
        raise RuntimeError("secret_internal_detail")

    client = app.test_client()
    page, api = client.get("/broken"), client.get("/api/broken")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and in_layout(html) and "Something went wrong on our side" in html
    assert "secret_internal_detail" not in html and "RuntimeError" not in html
    assert api.status_code == 500 and api.get_json()["error"].startswith("internal error")
    assert "secret_internal_detail" not in api.get_data(as_text=True)


# ---------------------------------------------------------------- a filtered view's own feed


@pytest.mark.parametrize(
    ("query", "feed"),
    [
        ("tag=russia&q=summit", "/feed.atom?tag=russia&q=summit"),
        ("tag=russia&tag=china", "/feed.atom?tag=russia&tag=china"),
        ("q=summit&from=2024", "/feed.atom?q=summit"),
    ],
)
def test_a_filtered_page_offers_its_own_feed_in_head_and_in_words(seeded_client, query, feed):
    import lxml.html

    doc = lxml.html.fromstring(seeded_client.get("/?" + query).get_data(as_text=True))
    assert doc.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href") == [feed]
    [link] = doc.xpath("//main//a[text()='Subscribe to this view']")
    assert link.get("href") == feed
    feed_response = seeded_client.get(feed)
    assert feed_response.status_code == 200 and feed_response.mimetype == "application/atom+xml"


def test_the_whole_timeline_needs_no_subscribe_link_of_its_own(seeded_client):
    assert "Subscribe to this view" not in seeded_client.get("/").get_data(as_text=True)
