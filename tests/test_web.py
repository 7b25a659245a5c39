"""The HTML timeline through Flask's test client: every route, filter and bad input."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import lxml.etree
import lxml.html
import pytest

UTC = dt.UTC
# lxml's own cssselect needs a package the project does not depend on: this
# covers the selectors used here (tag, .class, #id, [attr], [attr="v"],
# :not([attr=v]), descendant " ", child ">" and ",").
_TOKEN = re.compile(
    r'\s*>\s*|\s+|[a-z0-9*]+|\.[\w-]+|#[\w-]+|\[[\w-]+(?:="?[^"\]]*"?)?\]|:not\(\[[\w-]+="?[^"\]]*"?\]\)'
)
_ATTR = re.compile(r'\[([\w-]+)(?:="?([^"\]]*)"?)?\]')


def css_to_xpath(css: str) -> str:
    return " | ".join(_one_path(part.strip()) for part in css.split(","))


def _one_path(css: str) -> str:
    path, axis, step, pos = ".", "//", ["*"], 0
    for match in _TOKEN.finditer(css):
        assert match.start() == pos, f"unsupported selector {css!r}"
        pos, token = match.end(), match.group()
        if not token.strip() or token.strip() == ">":
            path += axis + step[0] + "".join(step[1:])
            axis, step = ("/" if ">" in token else "//"), ["*"]
        elif token[0] == ".":
            step.append(f"[contains(concat(' ', normalize-space(@class), ' '), ' {token[1:]} ')]")
        elif token[0] == "#":
            step.append(f"[@id='{token[1:]}']")
        elif token[0] in "[:":
            name, value = _ATTR.search(token).groups()
            test = f"@{name}='{value}'" if value is not None else f"@{name}"
            step.append(f"[not({test})]" if token[0] == ":" else f"[{test}]")
        else:
            step[0] = token
    assert pos == len(css), f"unsupported selector {css!r}"
    return path + axis + step[0] + "".join(step[1:])


class _Element(lxml.html.HtmlElement):
    def cssselect(self, css: str) -> list:
        return self.xpath(css_to_xpath(css))


class _Lookup(lxml.etree.CustomElementClassLookup):
    def lookup(self, node_type, document, namespace, name):
        return _Element if node_type == "element" else None


_PARSER = lxml.html.HTMLParser()
_PARSER.set_element_class_lookup(_Lookup())


def parse(text: str):
    return lxml.html.fromstring(text, parser=_PARSER)


SAMARKAND = "SCO leaders' summit held in Samarkand, Uzbekistan"
MOSCOW = "Terrorist attack in Moscow kills more than 145 people"
BELARUS = "Belarus becomes a full member of the SCO"


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return parse(response.get_data(as_text=True))


def titles(doc) -> list[str]:
    return [t.text_content().strip() for t in doc.cssselect("article.fact .fact-title")]


def fact_article(doc, title: str):
    for article in doc.cssselect("article.fact"):
        if article.cssselect(".fact-title")[0].text_content().strip() == title:
            return article
    raise AssertionError(f"no fact titled {title!r}")


def heading_above(article) -> str:
    """The nearest heading before an article in document order, skipping the article's own."""
    for element in article.itersiblings(preceding=True):
        if element.tag in ("h2", "h3", "h4"):
            return element.text_content().strip()
    return heading_above(article.getparent()) if article.getparent() is not None else ""


def fact_id(timeline, title: str) -> str:
    return timeline.conn.execute("SELECT fact_id FROM facts WHERE title = ?", (title,)).fetchone()[0]


def next_link(doc, text: str) -> str | None:
    links = [a.get("href") for a in doc.cssselect("nav.pager a") if a.text_content().strip() == text]
    return links[0] if links else None


# ---------------------------------------------------------------- the timeline


def test_an_empty_timeline_says_so(client):
    doc = page(client, "/")
    assert "0 facts" in doc.cssselect("p.lede")[0].text_content()
    assert doc.cssselect("p.empty") and not doc.cssselect("svg.density")


def test_seeded_timeline_newest_first_with_dates_at_their_precision(seeded_client):
    doc = page(seeded_client, "/")
    assert len(doc.cssselect("article.fact")) == 29
    years = [h.text_content() for h in doc.cssselect("section.year > h2")]
    assert years == ["2024", "2022", "2020", "2001"]
    dates = {
        t: a.cssselect(".fact-meta time")[0].text_content()
        for t in titles(doc)
        for a in [fact_article(doc, t)]
    }
    assert dates[SAMARKAND] == "15-16 September 2022"
    assert dates["China and Russia found the Shanghai Cooperation Organization"] == "2001"
    assert dates[MOSCOW] == "March 2024"
    assert dates["Putin hails the SCO as a basis for a multipolar world order"] == "3 July 2024"


def test_month_and_year_precision_facts_sit_under_their_month_and_year(seeded_client):
    doc = page(seeded_client, "/")
    assert heading_above(fact_article(doc, MOSCOW)) == "During March 2024"
    assert heading_above(fact_article(doc, BELARUS)) == "Sometime in 2024"
    assert "January" not in doc.text_content().replace("1 January", "")
    assert fact_article(doc, MOSCOW).cssselect("time")[0].get("datetime") == "2024-03"


def test_order_asc_puts_the_oldest_first(seeded_client):
    doc = page(seeded_client, "/?order=asc")
    assert titles(doc)[0] == "China and Russia found the Shanghai Cooperation Organization"
    assert doc.cssselect("#order option[selected]")[0].get("value") == "asc"


def test_each_fact_shows_tags_as_links_and_sources_without_a_link_when_url_is_null(seeded_client):
    article = fact_article(page(seeded_client, "/"), SAMARKAND)
    tag_links = {a.text_content(): a.get("href") for a in article.cssselect("ul.tags a")}
    assert tag_links["Samarkand"] == "/?tag=samarkand"  # the gazetteer's name, the slug in the link
    source = article.cssselect("ul.sources li")[0]
    assert not source.cssselect("a") and "Unnamed English-language broadcaster" in source.text_content()
    assert "14 September 2022" in source.text_content()


def test_a_source_with_url_is_a_link(client, make_fact):
    make_fact(
        title="Linked", sources=[{"url": "https://example.org/x", "outlet": "Example", "title": "Story"}]
    )
    link = page(client, "/").cssselect("ul.sources a")[0]
    assert link.get("href") == "https://example.org/x" and link.text_content() == "Story"


def test_tag_filters_combine(seeded_client):
    russia = titles(page(seeded_client, "/?tag=russia"))
    both = titles(page(seeded_client, "/?tag=russia&tag=china"))
    assert len(russia) == 14 and 0 < len(both) < len(russia) and set(both) <= set(russia)
    doc = page(seeded_client, "/?tag=russia&tag=china")
    for article in doc.cssselect("article.fact"):
        tags = {a.text_content() for a in article.cssselect("ul.tags a")}
        assert {"Russia", "China"} <= tags


def test_tags_are_normalised_like_stored_tags(seeded_client):
    assert titles(page(seeded_client, "/?tag=Russia")) == titles(page(seeded_client, "/?tag=russia"))


def test_search_highlights_matches_and_keeps_timeline_order(seeded_client):
    doc = page(seeded_client, "/?q=putin")
    marks = {m.text_content() for m in doc.cssselect("mark")}
    assert marks == {"Putin"}
    keys = [a.cssselect(".fact-meta time")[0].get("datetime") for a in doc.cssselect("article.fact")]
    assert len(keys) >= 4


@pytest.mark.parametrize(
    "q", ["sco AND", '"', "-sco", "NEAR(", "sco OR", "title:x", "*", "^", "'", "NOT", "()", 'a"b']
)
def test_search_syntax_from_people_never_breaks(seeded_client, q):
    response = seeded_client.get("/", query_string={"q": q})
    assert response.status_code == 200


def test_search_text_is_escaped(seeded_client):
    body = seeded_client.get("/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_dates_filter_at_any_precision(seeded_client):
    doc = page(seeded_client, "/?from=2024&to=2024-05")
    assert set(titles(doc)) == {
        BELARUS,
        MOSCOW,
        "Putin visits Beijing to deepen the Russia-China partnership",
    }
    to_september = titles(page(seeded_client, "/?from=2022-09-15&to=2022-09"))
    assert SAMARKAND in to_september and "Kyrgyz and Tajik border guards exchange fire" not in to_september


def test_filters_combine(seeded_client):
    doc = page(seeded_client, "/?tag=summit&q=sco&from=2024")
    assert titles(doc) and all(
        a.cssselect("time")[0].get("datetime") >= "2024" for a in doc.cssselect("article")
    )


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("from=abc", "from"),
        ("to=2024-13", "to"),
        ("from=2024-02-30", "from"),
        ("from=2024&to=2023", "to"),
        ("order=sideways", "order"),
        ("show=everything", "show"),
        ("as_of=yesterday", "as_of"),
        ("cursor=bm90IGEgY3Vyc29y", "cursor"),
        ("tag=%21%21%21", "tag"),
        ("q=" + "x" * 600, "q"),
    ],
)
def test_a_bad_parameter_is_a_400_page_naming_it(seeded_client, query, parameter):
    doc = page(seeded_client, "/?" + query, status=400)
    problem = doc.cssselect("p.problem")[0]
    assert problem.cssselect("code")[0].text_content() == parameter
    assert len(problem.text_content()) > 30


def test_a_bad_parameter_page_offers_the_page_without_it_keeping_the_other_filters(seeded_client):
    """The 400 page offered only the whole timeline: the reader lost every other filter (product review)."""
    doc = page(seeded_client, "/?from=2024-7&q=summit&tag=russia&cursor=bm90IGEgY3Vyc29y", status=400)
    retry = doc.xpath("//a[contains(., 'Show the same page without')]/@href")[0]
    assert retry == "/?q=summit&tag=russia"
    assert titles(page(seeded_client, retry))  # it answers, with the kept filters
    assert doc.xpath("//a[text()='Clear every filter']/@href") == ["/"]


def test_the_retry_link_keeps_the_prefix_the_app_is_mounted_under(seeded_client):
    response = seeded_client.get("/?from=2024-7&tag=russia", base_url="http://localhost/timeline/")
    assert response.status_code == 400
    assert parse(response.get_data(as_text=True)).xpath(
        "//a[contains(., 'Show the same page without')]/@href"
    ) == ["/timeline/?tag=russia"]


def test_an_empty_parameter_means_no_filter(seeded_client):
    assert len(titles(page(seeded_client, "/?q=&from=&to=&as_of=&order=&tag="))) == 29


def test_sidebar_counts_tags_for_the_current_filter(seeded_client):
    def counts(doc):
        out = {}
        for li in doc.cssselect("ul.tag-counts li"):
            name = (li.cssselect("a, .current")[0].text or "").strip()
            out[name] = int(li.cssselect(".count")[0].text.strip())
        return out

    everything, russia = counts(page(seeded_client, "/")), counts(page(seeded_client, "/?tag=russia"))
    assert everything["Russia"] == 14 and everything["SCO"] == 14
    assert russia["Russia"] == 14 and russia["China"] < everything["China"]
    assert "Samarkand" not in russia or russia["Samarkand"] <= everything["Samarkand"]


# ---------------------------------------------------------------- paging


@pytest.fixture
def many(client, timeline):
    """120 facts, three a day from 2023-01-01, recorded in order."""
    for i in range(120):
        day = dt.date(2023, 1, 1) + dt.timedelta(days=i // 3)
        timeline.record_fact(
            {"date": day.isoformat(), "title": f"Fact {i:03d}", "tags": ["x"]}, actor="t", origin="manual"
        )
    return client


def walk(client, url: str, link_text: str) -> list[list[str]]:
    pages = []
    while url:
        doc = page(client, url)
        pages.append(titles(doc))
        url = next_link(doc, link_text)
    return pages


def test_keyset_pages_of_50_cover_every_fact_once(many):
    pages = walk(many, "/", "Earlier facts")
    assert [len(p) for p in pages] == [50, 50, 20]
    flat = [t for p in pages for t in p]
    assert flat == sorted(flat, reverse=True) and len(set(flat)) == 120


def test_ascending_pages_and_the_way_back(many):
    pages = walk(many, "/?order=asc&tag=x", "Later facts")
    flat = [t for p in pages for t in p]
    assert flat == sorted(flat) and len(flat) == 120
    last = page(many, "/?order=asc&tag=x")
    second = page(many, next_link(last, "Later facts"))
    back = page(many, next_link(second, "Earlier facts"))
    assert titles(back) == titles(last)


def test_page_links_keep_filters_and_carry_an_opaque_cursor(many):
    doc = page(many, "/?tag=x&q=fact")
    href = next_link(doc, "Earlier facts")
    params = parse_qs(urlsplit(href).query)
    assert params["tag"] == ["x"] and params["q"] == ["fact"]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", params["cursor"][0]) and "2023" not in params["cursor"][0]


def test_a_tampered_cursor_is_a_400(many):
    href = next_link(page(many, "/"), "Earlier facts")
    cursor = parse_qs(urlsplit(href).query)["cursor"][0]
    for bad in (
        cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB"),
        cursor[:10],
        "A" + cursor,
        "%%%",
    ):
        assert many.get("/", query_string={"cursor": bad}).status_code == 400


# ---------------------------------------------------------------- corrections and retractions


def test_corrected_facts_are_marked_and_retracted_facts_leave(seeded, seeded_client):
    samarkand, moscow = fact_id(seeded, SAMARKAND), fact_id(seeded, MOSCOW)
    seeded.correct_fact(
        samarkand, {"title": "Samarkand summit"}, reason="shorter", expected_version=None, actor="editor:a"
    )
    seeded.retract_fact(moscow, reason="off topic", expected_version=None, actor="editor:a")
    doc = page(seeded_client, "/")
    assert fact_article(doc, "Samarkand summit").cssselect(".badge-corrected")
    assert MOSCOW not in titles(doc) and len(titles(doc)) == 28
    shown = page(seeded_client, "/?show=retracted")
    struck = fact_article(shown, MOSCOW)
    assert struck.cssselect("del") and struck.cssselect(".badge-retracted") and len(titles(shown)) == 29


# ---------------------------------------------------------------- the density chart


def test_chart_per_year_over_a_long_range_with_links_and_text(seeded_client):
    doc = page(seeded_client, "/")
    links = doc.cssselect("svg.density a")
    labels = [a.get("aria-label") for a in links]
    assert "2022: 14 facts" in labels and "2001: 1 fact" in labels
    assert links[0].get("href") == "/?from=2001&to=2001"
    assert (
        "Facts per year, by the year each starts, 2001 to 2024: 29 in all"
        in doc.cssselect("figcaption")[0].text_content()
    )
    assert doc.cssselect("figure.chart table tr")


def test_chart_per_month_over_a_short_range_keeps_the_filters(seeded_client):
    doc = page(seeded_client, "/?tag=summit&from=2022")
    labels = {a.get("aria-label"): a.get("href") for a in doc.cssselect("svg.density a")}
    href = labels["September 2022: 6 facts"]
    assert parse_qs(urlsplit(href).query) == {"tag": ["summit"], "from": ["2022-09"], "to": ["2022-09"]}
    assert "Facts per month" in doc.cssselect(".chart-heading")[0].text_content()


def test_chart_uses_no_inline_style(seeded_client):
    body = seeded_client.get("/").get_data(as_text=True)
    assert "style=" not in body and "<style" not in body and "<script" not in body


def test_years_before_1000_are_charted_with_four_digits_not_a_500(seeded, seeded_client):
    """A fact dated 0999 (a typo for 1999, say) made the chart parse '999' as a date: the home page was a 500."""
    seeded.record_fact({"date": "0999", "title": "Typo year"}, actor="test", origin="manual")
    seeded.record_fact({"date": "0001", "title": "Year one"}, actor="test", origin="manual")
    for path in ("/", "/?show=retracted", "/?q=year"):
        response = seeded_client.get(path)
        assert response.status_code == 200, path
    bars = {
        a.get("aria-label"): a.get("href")
        for a in page(seeded_client, "/?to=1000").cssselect("svg.density a")
    }
    assert bars == {"1-9: 1 fact": "/?from=0001&to=0009", "990s: 1 fact": "/?from=0990&to=0999"}
    assert set(titles(page(seeded_client, "/?from=0999&to=0999"))) == {"Typo year"}


def test_a_range_of_millennia_is_charted_in_a_few_bars_not_thousands(seeded, seeded_client):
    seeded.record_fact({"date": "9999-12-31", "title": "Far future"}, actor="test", origin="manual")
    seeded.record_fact({"date": "0001", "title": "Year one"}, actor="test", origin="manual")
    doc = page(seeded_client, "/")
    bars = doc.cssselect("svg.density rect")
    assert 1 < len(bars) <= 120 and len(seeded_client.get("/").get_data()) < 200_000
    assert "Facts per century" in doc.cssselect(".chart-heading")[0].text_content()
    labels = {a.get("aria-label"): a.get("href") for a in doc.cssselect("svg.density a")}
    assert labels == {
        "1-99: 1 fact": "/?from=0001&to=0099",
        "2000-2099: 29 facts": "/?from=2000&to=2099",
        "9900-9999: 1 fact": "/?from=9900&to=9999",
    }


def test_decades_when_years_would_be_too_many_bars(seeded, seeded_client):
    seeded.record_fact({"date": "1850", "title": "Long ago"}, actor="test", origin="manual")
    doc = page(seeded_client, "/")
    labels = {a.get("aria-label"): a.get("href") for a in doc.cssselect("svg.density a")}
    assert (
        labels["1850s: 1 fact"] == "/?from=1850&to=1859"
        and labels["2020s: 28 facts"] == "/?from=2020&to=2029"
    )
    assert (
        "Facts per decade, by the decade each starts, 1850s to 2020s"
        in doc.cssselect("figcaption")[0].text_content()
    )


# ---------------------------------------------------------------- time travel


@pytest.fixture
def history(seeded, clock, seeded_client):
    """Seeds at START; a new fact, a correction and a retraction a month later."""
    clock.now = START_LATER
    seeded.record_fact(
        {"date": "2024-02-01", "title": "Recorded later", "tags": ["sco"]}, actor="t", origin="manual"
    )
    seeded.correct_fact(
        fact_id(seeded, SAMARKAND), {"title": "Renamed later"}, reason="r", expected_version=None, actor="t"
    )
    seeded.retract_fact(fact_id(seeded, BELARUS), reason="later", expected_version=None, actor="t")
    return seeded_client


START_LATER = dt.datetime(2024, 2, 10, tzinfo=UTC)


def test_as_of_shows_the_timeline_as_it_was_known(history):
    now = titles(page(history, "/"))
    assert "Recorded later" in now and "Renamed later" in now and BELARUS not in now
    doc = page(history, "/?as_of=2024-02-01T00:00:00Z")
    then = titles(doc)
    assert (
        "Recorded later" not in then and SAMARKAND in then and "Renamed later" not in then and BELARUS in then
    )
    assert len(then) == 29
    banner = doc.cssselect("div.banner")[0].text_content()
    assert "as it was known at" in banner and "1 February 2024, 00:00:00 UTC" in banner


def test_as_of_keeps_filters_counts_and_search(history):
    doc = page(history, "/?as_of=2024-02-01T00:00:00Z&q=samarkand")
    assert SAMARKAND in titles(doc) and "Renamed later" not in titles(doc)
    now = page(history, "/?q=renamed")
    assert titles(now) == ["Renamed later"]
    assert titles(page(history, "/?as_of=2024-02-01T00:00:00Z&q=renamed")) == []


def test_as_of_links_keep_the_moment(history):
    doc = page(history, "/?as_of=2024-02-01")
    href = doc.cssselect("article.fact ul.tags a")[0].get("href")
    assert "as_of=2024-02-01T00%3A00%3A00.000000Z" in href
    assert doc.cssselect("#as_of")[0].get("value") == "2024-02-01T00:00:00"


def test_as_of_before_anything_was_recorded_is_empty(history):
    doc = page(history, "/?as_of=2000-01-01T00:00:00Z")
    assert titles(doc) == [] and doc.cssselect("div.banner")


# ---------------------------------------------------------------- a fact's permalink


def test_permalink_shows_the_fact_sources_and_history(history, seeded):
    doc = page(history, f"/events/{fact_id(seeded, 'Renamed later')}")
    assert doc.cssselect("h1")[0].text_content() == "Renamed later"
    entries = doc.cssselect("ol.history-list > li")
    assert [e.cssselect("strong")[0].text for e in entries] == ["Recorded", "Corrected"]
    assert "by the timeline's curated starting set" in entries[0].text_content()
    assert "by t," in entries[1].text_content()
    cells = [td.text_content() for td in entries[1].cssselect("td")]
    assert cells == [SAMARKAND, "Renamed later"]
    assert "Reason: r" in entries[1].text_content()
    assert "Unnamed English-language broadcaster" in doc.cssselect("ul.sources")[0].text_content()


def test_permalink_of_a_retracted_fact_says_so(history, seeded):
    doc = page(history, f"/events/{fact_id(seeded, BELARUS)}")
    assert "This fact was retracted: later" in doc.cssselect(".notice-retracted")[0].text_content()
    assert doc.cssselect("ol.history-list > li")[-1].cssselect("strong")[0].text == "Retracted"


def test_permalink_as_of_shows_the_old_state(history, seeded):
    doc = page(history, f"/events/{fact_id(seeded, 'Renamed later')}?as_of=2024-02-01")
    assert doc.cssselect("h1")[0].text_content() == SAMARKAND
    assert "after the moment shown" in doc.cssselect("ol.history-list > li")[1].text_content()
    later = fact_id(seeded, "Recorded later")
    assert history.get(f"/events/{later}?as_of=2024-02-01").status_code == 404


def test_unknown_fact_is_a_404(seeded_client):
    doc = page(seeded_client, "/events/no-such-fact", status=404)
    assert "no-such-fact" in doc.cssselect("p.problem")[0].text_content()


def test_corrections_of_dates_and_tags_read_well(seeded, seeded_client):
    fid = fact_id(seeded, MOSCOW)
    seeded.correct_fact(
        fid,
        {"date": "2024-03-22", "tags": ["russia", "terrorism"]},
        reason="exact day",
        expected_version=None,
        actor="editor:b",
    )
    doc = page(seeded_client, f"/events/{fid}")
    rows = {
        tr.cssselect("th")[0].text_content(): [td.text_content() for td in tr.cssselect("td")]
        for tr in doc.cssselect("table.changes tbody tr")
    }
    assert rows["date"] == ["March 2024", "22 March 2024"]
    assert rows["tags"] == ["Russia, Moscow, Terrorism, United States", "Russia, Terrorism"]


# ---------------------------------------------------------------- health, stylesheet, headers


def test_healthz_reports_log_projection_and_feeds(seeded, seeded_client):
    seeded.conn.execute(
        "INSERT INTO feed_status (feed, url, last_poll, last_error, error_streak)"
        " VALUES ('tass', 'https://tass.com/rss', '2024-01-01T00:00:00.000000Z', 'timeout', 2)"
    )
    body = seeded_client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"] == "reachable"
    assert body["log_position"] == body["projection_checkpoint"] == 29
    assert body["feeds"][0]["feed"] == "tass" and body["feeds"][0]["error_streak"] == 2


def test_healthz_on_an_unreachable_database_is_a_503(tmp_path):
    from timeline import create_app

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    app = create_app({"database": {"path": str(blocker / "t.db")}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"


def test_stylesheet_is_served_by_the_app(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "http" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/", "/?from=bad", "/events/nope", "/static/style.css", "/healthz", "/api/events", "/feeds"]
)
def test_security_headers_on_every_response(seeded_client, url):
    headers = seeded_client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src" not in csp and "default-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/", "/feed.atom"),
        ("/?tag=russia&tag=china&q=summit&from=2022", "/feed.atom?tag=russia&tag=china&q=summit"),
        ("/?from=bad", "/feed.atom"),
        ("/events/nope", "/feed.atom"),
    ],
)
def test_every_page_links_the_feed_of_what_it_shows(seeded_client, url, expected):
    doc = parse(seeded_client.get(url).get_data(as_text=True))
    links = doc.cssselect('link[rel="alternate"][type="application/atom+xml"]')
    assert [link.get("href") for link in links] == [expected]


def test_permalink_links_the_whole_feed(seeded, seeded_client):
    doc = page(seeded_client, f"/events/{fact_id(seeded, MOSCOW)}")
    assert doc.cssselect('link[rel="alternate"]')[0].get("href") == "/feed.atom"


# ---------------------------------------------------------------- escaping and accessibility


def test_all_text_is_escaped(client, make_fact):
    make_fact(
        title="<script>alert('t')</script>",
        summary="<img src=x onerror=alert(1)>",
        tags=["x"],
        sources=[{"url": "https://example.org/?a=<b>", "outlet": "<i>Outlet</i>"}],
    )
    for url in ["/", "/?q=script"]:
        body = client.get(url).get_data(as_text=True)
        assert "<script>" not in body and "<img src=x" not in body and "<i>Outlet" not in body
    doc = page(client, "/")
    href = doc.cssselect("article.fact .fact-title a")[0].get("href")
    body = client.get(href).get_data(as_text=True)
    assert "<script>" not in body and "&lt;script&gt;" in body


@pytest.mark.parametrize("url", ["/", "/?tag=russia&q=summit", "/?as_of=2024-01-10T09:00:10Z", "/?from=bad"])
def test_pages_have_landmarks_and_headings_in_order(seeded_client, url):
    response = seeded_client.get(url)
    doc = parse(response.get_data(as_text=True))
    assert len(doc.cssselect("main")) == 1 and doc.cssselect("header nav") and doc.cssselect("footer")
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    for link in doc.iter("a"):
        assert link.text_content().strip() or link.get("aria-label"), lxml.html.tostring(link)
    for field in doc.cssselect("input:not([type=hidden]), select"):
        assert doc.cssselect(f'label[for="{field.get("id")}"]'), field.get("name")
    assert doc.get("lang") == "en"


def test_permalink_headings_in_order(history, seeded):
    doc = page(history, f"/events/{fact_id(seeded, BELARUS)}")
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))


# ---------------------------------------------------------------- `timeline serve`


def test_serve_creates_seeds_and_serves_with_waitress(live_server):
    status, body = live_server.get("/")
    assert status == 200 and b"Shanghai Cooperation Organization" in body
    output = live_server.output.read_text("utf-8")
    assert f"serving at {live_server.url}" in output
    status, body = live_server.get("/healthz")
    assert status == 200 and b'"database":"reachable"' in body
    import urllib.request

    with urllib.request.urlopen(live_server.url, timeout=10) as response:
        assert response.headers["Server"] == "sco-timeline"  # waitress, not the Flask development server


# ---------------------------------------------------------------- cached pages


def test_a_cached_page_changes_when_the_log_moves(seeded_client, make_fact):
    before = seeded_client.get("/")
    assert titles(parse(seeded_client.get("/").get_data(as_text=True))) == titles(
        parse(before.get_data(as_text=True))
    )
    make_fact(date="2025-01-01", title="Fresh news")
    assert titles(page(seeded_client, "/"))[0] == "Fresh news"


def test_pages_answer_304_to_a_matching_etag(seeded_client):
    first = seeded_client.get("/?tag=russia")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = seeded_client.get("/?tag=russia", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert again.headers["Content-Security-Policy"]


# ---------------------------------------------------------------- /feeds: how each polled feed is doing


def test_the_feeds_page_shows_each_configured_feed_and_how_its_polls_went(tmp_path, clock):
    """Real polls against a local server: one feed fine, one answering 500, one moved, one never polled,
    and one polled before but since removed from the configuration."""
    from events.log.store import EventStore, connect
    from events.service import Timeline
    from tests.feed_server import FeedServer, Route
    from timeline import create_app
    from timeline.config import config_from_mapping
    from timeline.ingest.fetch import Fetcher, FetchLimits
    from timeline.ingest.poll import Ingestor

    db_path = tmp_path / "t.db"
    with FeedServer() as server:
        server.serve_file("/rss", "ingest/sco_news.rss")
        server.routes["/broken"] = Route(status=500, body=b"<h1>down</h1>")
        server.routes["/old"] = Route(status=301, headers={"Location": "/rss"})
        feeds = {"steppe": "/rss", "broken": "/broken", "moved": "/old", "quiet": "/quiet", "retired": "/rss"}
        mapping = {
            "database": {"path": str(db_path)},
            "server": {"base_url": "http://testserver/"},
            "ingest": {"timeout_seconds": 2, "interval_minutes": 45},
            "feeds": [{"name": name, "url": server.url(path)} for name, path in feeds.items()],
        }
        timeline = Timeline(EventStore(connect(db_path), clock))
        ingestor = Ingestor(
            timeline, config_from_mapping(mapping), Fetcher(FetchLimits(timeout_seconds=2)), clock=clock
        )
        for feed in config_from_mapping(mapping).feeds:
            if feed.name != "quiet":
                ingestor.poll(feed)
        ingestor.poll(config_from_mapping(mapping).feeds[0])  # steppe again: its off-topic item is new again
        mapping["feeds"] = [f for f in mapping["feeds"] if f["name"] != "retired"]
        client = create_app(mapping).test_client()
        doc = page(client, "/feeds")

    entries = {e.cssselect("h2, h3")[0].text.strip(): e for e in doc.cssselect("li.feed")}
    assert list(entries) == [
        "steppe",
        "broken",
        "moved",
        "quiet",
        "retired",
    ]  # configured order, then former ones

    def field(name: str, label: str) -> str:
        terms = entries[name].cssselect("dt")
        return next(t.getnext().text_content().strip() for t in terms if t.text_content() == label)

    assert entries["steppe"].cssselect(".badge")[0].text_content() == "OK"
    # the last poll's own figures, not sums over every poll labelled as the last one's (product review)
    assert field("steppe", "Last poll found") == "1 new item, 0 about the SCO"
    assert field("steppe", "Articles recorded") == "2 from this feed, over all polls"
    assert field("steppe", "Polled every") == "45 minutes"
    assert field("steppe", "Last poll").startswith("10 January 2024, 09:00:")  # the test clock
    assert "Failing: 1 poll in a row" in entries["broken"].cssselect(".badge")[0].text_content()
    assert "500" in field("broken", "Last error") and field("broken", "Last success") == "never"
    assert field("broken", "Next poll").endswith("(backing off)")
    assert (
        field("broken", "Last poll found") == "nothing: the poll failed"
    )  # not "0 new items" as if it had read the feed
    assert field("moved", "Moved permanently").startswith(f"to {server.url('/rss')}")
    assert entries["quiet"].cssselect(".badge")[0].text_content() == "Not polled yet"
    assert [dt.text_content() for dt in entries["quiet"].cssselect("dt")] == ["URL", "Polled every"]
    former = doc.xpath("//h2[@id='former']")[0]
    assert former.text_content() == "No longer configured"
    assert [h.text.strip() for h in former.xpath("following-sibling::ul[1]//h3")] == ["retired"]
    assert [a.get("href") for a in doc.cssselect("nav a") if a.text_content() == "Polled feeds"] == ["/feeds"]


def test_the_feeds_page_escapes_what_a_feed_sent_and_follows_the_log(tmp_path, clock):
    from events.domain import source_feed
    from events.log.store import EventStore, connect
    from events.service import Timeline
    from timeline import create_app

    db_path = tmp_path / "t.db"
    timeline = Timeline(EventStore(connect(db_path), clock))
    client = create_app(
        {"database": {"path": str(db_path)}, "feeds": [{"name": "x", "url": "https://x.example/rss"}]}
    ).test_client()
    assert "Not polled yet" in client.get("/feeds").get_data(as_text=True)

    hostile = '<script>alert(1)</script><a href="javascript:x">'
    payload = {
        "feed": "x",
        "url": "https://x.example/rss",
        "polled_at": "2024-01-10T09:00:00.000000Z",
        "ok": False,
        "status": 502,
        "error": hostile,
        "not_modified": False,
        "etag": None,
        "last_modified": None,
        "moved_to": "javascript:alert(1)",
        "next_poll": "2024-01-10T09:05:00.000000Z",
        "items_seen": 0,
        "items_kept": 0,
        "problems": [],
        "item_errors": [],
    }
    timeline.store.append_to(source_feed.feed_stream("x"), [source_feed.feed_polled(payload, "feed:x")])
    timeline.catch_up()
    text = client.get("/feeds").get_data(as_text=True)  # the log moved: not the page cached before
    doc = parse(text)
    assert hostile in doc.cssselect(".feed-error")[0].text_content()
    assert not doc.cssselect("main script") and "javascript:" not in "".join(
        a.get("href") for a in doc.cssselect("a")
    )
    assert "Failing: 1 poll in a row" in text


def test_a_fact_says_how_many_sources_back_it_and_the_timeline_lists_the_first_three(
    client, make_fact, timeline
):
    """Issue 6: reports of one fact become its sources, and the fact shows how many there are.
    A fact cited by hundreds of articles must not list them all on the timeline."""
    from events.domain.fact import fact_source_added

    many = make_fact(title="Reported by five outlets")
    for i in range(2, 6):
        source = {
            "url": f"https://example.org/{i}",
            "title": f"Report {i}",
            "outlet": None,
            "published": None,
        }
        timeline.store.append_to(many.fact_id, [fact_source_added(source)])
    timeline.catch_up()
    make_fact(date="2024-03-16", title="Reported once")
    doc = page(client, "/")
    cards = {c.cssselect(".fact-title")[0].text_content().strip(): c for c in doc.cssselect("article.fact")}
    five, once = cards["Reported by five outlets"], cards["Reported once"]
    assert five.cssselect(".source-count")[0].text_content() == "5 sources" and not once.cssselect(
        ".source-count"
    )
    assert len(five.cssselect(".sources > li:not([class=more-sources])")) == 3
    [more] = five.cssselect(".more-sources a")
    assert more.text_content() == "2 more sources" and more.get("href") == f"/events/{many.fact_id}"
    permalink = page(client, f"/events/{many.fact_id}")
    assert permalink.xpath("//h2[starts-with(., 'Sources')]")[0].text_content() == "Sources (5)"
    assert len(permalink.cssselect(".sources-full > li")) == 5


@pytest.mark.parametrize(
    ("method", "path", "json_body"), [("DELETE", "/", False), ("PUT", "/api/events", True)]
)
def test_a_405_names_the_allowed_methods(client, method, path, json_body):
    """Issue 15: RFC 9110 says a 405 carries Allow; the error pages dropped werkzeug's header."""
    response = client.open(path, method=method)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert "GET" in allowed and method not in allowed
    assert response.is_json is json_body


@pytest.mark.parametrize(
    ("base_url", "hsts"), [("https://timeline.example/", True), ("http://127.0.0.1:8080/", False)]
)
def test_an_https_site_asks_browsers_to_stay_on_https(tmp_path, base_url, hsts):
    """Issue 15: with an https base_url every response carries HSTS; a plain-http install never does."""
    from timeline import create_app

    app = create_app(
        {
            "database": {"path": str(tmp_path / "t.db")},
            "server": {"base_url": base_url, "secret_key": "k" * 40},
        }
    )
    client = app.test_client()
    for path in ("/", "/feed.atom", "/api/events", "/no-such-page"):
        header = client.get(path).headers.get("Strict-Transport-Security")
        assert (header == "max-age=31536000") if hsts else header is None, path


def test_a_search_past_its_count_bound_says_so(client, make_fact, monkeypatch):
    from events.read import summary as summary_module

    monkeypatch.setattr(summary_module, "SEARCH_COUNT_LIMIT", 3)
    for i in range(5):
        make_fact(title=f"Summit number {i}")
    body = client.get("/?q=summit").get_data(as_text=True)
    assert "Timeline: 3+ facts, matching “summit”" in body and body.count('class="fact-title"') == 5
    assert "Timeline: 1 fact, matching “number 1”" in client.get("/?q=number+1").get_data(as_text=True)
