"""XSS payloads in every field a fact or a feed item carries: pages, JSON and Atom show them as inert text.

The corpus is tests/data/xss/payloads.json. Payloads go in through
Timeline.record_fact (and the editors' POST /api/events when it exists) and
through feeds polled from a real HTTP server on 127.0.0.1. Each page is parsed
(lxml) and must hold no element, attribute or URL scheme the templates do not
make themselves; the payload must come back as text, exactly as stored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.sax.saxutils import escape, quoteattr

import lxml.etree
import lxml.html
import pytest

from events.admin.verify import verify
from events.domain.fact import clean_tags, clean_text
from events.log.clock import FixedClock
from events.log.errors import ValidationError
from events.log.store import EventStore, connect
from events.pipeline.gazetteer import display_name
from events.service import Timeline
from tests.feed_server import FeedServer
from timeline import create_app
from timeline.config import config_from_mapping
from timeline.ingest.fetch import Fetcher, FetchLimits
from timeline.ingest.poll import Ingestor
from timeline.web.support import CSP

PAYLOADS = json.loads((Path(__file__).parent / "data" / "xss" / "payloads.json").read_text("utf-8"))
NAMES = [p["name"] for p in PAYLOADS]
UTC = dt.UTC
NOW = dt.datetime(2024, 7, 5, 12, tzinfo=UTC)
ATOM, XHTML = "http://www.w3.org/2005/Atom", "http://www.w3.org/1999/xhtml"
# What timeline/web/atom.py strips from every printed value (XML 1.0 forbids some; the rest flip or hide text).
NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 40 and len(set(NAMES)) == len(NAMES)
    joined = "\n".join(p["payload"] for p in PAYLOADS).lower()
    for kind in (
        "<script",
        "onerror=",
        "javascript:",
        "data:",
        "vbscript:",
        "&#x",
        "<svg",
        "<math",
        "expression(",
        '" onmouseover',
        "' onmouseover",
        "{{7*7}}",
        "\u202e",
        "\x00",
    ):
        assert kind in joined, kind


# ---------------------------------------------------------------- what a safe page looks like

# Every element the templates make; a payload that became markup shows up as anything else.
HTML_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "a",
    "header",
    "p",
    "nav",
    "ul",
    "ol",
    "li",
    "div",
    "main",
    "aside",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "form",
    "input",
    "label",
    "button",
    "details",
    "summary",
    "select",
    "option",
    "section",
    "article",
    "time",
    "span",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "ins",
    "code",
    "mark",
    "cite",
    "q",
    "figure",
    "figcaption",
    "svg",
    "rect",
    "strong",
    "em",
    "textarea",
    "fieldset",
    "legend",
    "br",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "srcset",
    "ping",
    "manifest",
    "codebase",
    "lowsrc",
    "dynsrc",
    "usemap",
    "icon",
    "profile",
    "archive",
    "classid",
    "xlink:href",
    "xml:base",
}
LINK_RELS = {"stylesheet", "alternate", "icon"}


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see: it ignores ASCII whitespace and controls inside and around a URL."""
    found = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", re.sub(r"[\x00-\x20\x7f]", "", url))
    return found.group(1).lower() if found else None


def parse_html(response) -> lxml.html.HtmlElement:
    # A NUL reflected from the query string reaches the page; browsers read it as U+FFFD, and so does this.
    return lxml.html.fromstring(response.get_data(as_text=True).replace("\x00", "\ufffd"))


def html_problems(doc) -> list[str]:
    """Active content in a parsed page: unknown elements, event handlers, styles, non-http(s) URLs."""
    problems = []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            problems.append(f"markup node {element!r}")
            continue
        tag = element.tag.lower()
        if tag not in HTML_TAGS:
            problems.append(f"element <{tag}>")
        if tag == "meta" and (
            element.get("http-equiv") or element.get("content", "").lower().find("url=") >= 0
        ):
            problems.append("meta refresh")
        if tag == "link" and element.get("rel") not in LINK_RELS:
            problems.append(f"link rel={element.get('rel')!r}")
        for name, value in element.attrib.items():
            problems += attribute_problems(element, name.lower(), value)
    return problems


def attribute_problems(element, name: str, value: str) -> list[str]:
    if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
        return [f"<{element.tag} {name}=...>"]
    if name in URL_ATTRIBUTES or name.endswith(":href"):
        scheme = scheme_of(value)
        favicon = element.tag == "link" and element.get("rel") == "icon" and value == "data:,"
        if scheme not in (None, "http", "https") and not favicon:
            return [f"<{element.tag} {name}={value[:80]!r}>"]
    return []


def shape(element) -> list[tuple[str, tuple[str, ...]]]:
    """Elements and attribute names in document order: what a payload must never change."""
    return [(e.tag, tuple(sorted(e.attrib))) for e in element.iter() if isinstance(e.tag, str)]


def assert_headers(response) -> None:
    assert response.headers.get("Content-Security-Policy") == CSP
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def assert_safe_html(response, where: str) -> lxml.html.HtmlElement:
    assert_headers(response)
    assert response.mimetype == "text/html", where
    doc = parse_html(response)
    assert html_problems(doc) == [], where
    return doc


def text(element) -> str:
    return " ".join(element.text_content().split())


def visible(value: str) -> str:
    """What a parser keeps of reflected text: C0 controls dropped, NUL read as U+FFFD."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]", "", value)


def same_text(shown: str, stored: str) -> bool:
    """Equal once whitespace is collapsed as the page does (and CR is a line break to a parser)."""
    return " ".join(shown.split()) == " ".join(stored.replace("\r", "\n").split())


def parse_atom(response) -> lxml.etree._Element:
    assert_headers(response)
    assert response.mimetype == "application/atom+xml"
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = lxml.etree.fromstring(response.data, parser)
    assert root.getroottree().docinfo.doctype == ""
    return root


def atom_problems(root) -> list[str]:
    """Only Atom and the XHTML the feed's template writes; no handlers, styles or non-http(s) links."""
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            problems.append(f"markup node {element!r}")
            continue
        namespace, _, local = element.tag[1:].partition("}")
        if namespace not in (ATOM, XHTML) or (
            namespace == XHTML and local not in {"div", "p", "strong", "ul", "li", "a"}
        ):
            problems.append(f"element {element.tag}")
        for name, value in element.attrib.items():
            local_name = name.rpartition("}")[2].lower()
            if local_name.startswith("on") or local_name == "style":
                problems.append(f"{element.tag} @{name}")
            if local_name in ("href", "src", "uri", "base") and scheme_of(value) not in (
                "http",
                "https",
                "urn",
            ):
                problems.append(f"{element.tag} @{name}={value[:80]!r}")
    for node in root.iter(f"{{{ATOM}}}title", f"{{{ATOM}}}subtitle"):
        if node.get("type", "text") != "text":
            problems.append(f"{node.tag} type={node.get('type')}")
    return problems


def atom_entries(root) -> dict[str, lxml.etree._Element]:
    return {e.findtext(f"{{{ATOM}}}id"): e for e in root.iter(f"{{{ATOM}}}entry")}


BAD_HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>',
    '<a href="data:text/html,x">x</a>',
    '<div style="x:expression(1)">y</div>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<iframe srcdoc="x"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<button formaction="https://e.example/">',
    "<!-- a comment -->",
    "<math><mtext>x</mtext></math>",
    '<base href="https://evil.example/">',
    '<link rel="import" href="https://evil.example/">',
    '<object data="https://evil.example/"></object>',
    '<form action="vbscript:x"></form>',
    '<details open ontoggle="alert(1)">x</details>',
]
BAD_ATOM = [
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></div></content>',
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x">y</p></div></content>',
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><a href="javascript:x">y</a></div></content>',
    '<link rel="related" href="data:text/html,x"/>',
    '<title type="html">&lt;b&gt;x&lt;/b&gt;</title>',
    '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><img src="x"/></div></content>',
]


@pytest.mark.parametrize("snippet", BAD_HTML)
def test_the_html_check_catches_active_content(snippet):
    page = f"<html><head><title>t</title></head><body><main><p>{snippet}</p></main></body></html>"
    assert html_problems(lxml.html.fromstring(page)), snippet


@pytest.mark.parametrize("snippet", BAD_ATOM)
def test_the_atom_check_catches_active_content(snippet):
    feed = f'<feed xmlns="{ATOM}"><entry><id>urn:x</id>{snippet}</entry></feed>'
    assert atom_problems(lxml.etree.fromstring(feed.encode())), snippet


# ---------------------------------------------------------------- facts made of payloads


def url_part(payload: str) -> str:
    """The payload as it can sit in an http(s) URL's query: no whitespace or controls (clean_url refuses them)."""
    return re.sub(r"[\s\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", payload) or "x"


def payload_tag(payload: str, index: int) -> str:
    try:
        clean_tags([payload])
        return payload
    except ValidationError:
        return f"empty-slug-{index}"


def payload_fields(payload: str, index: int) -> dict:
    return {
        "date": "2024-03-15",
        "title": payload,
        "summary": f"{payload} {payload}",
        "tags": [payload_tag(payload, index), "xss"],
        "sources": [
            {
                "url": f"https://example.org/p/{index}?q={url_part(payload)}",
                "title": payload,
                "outlet": payload,
                "published": "2024-03-15",
            }
        ],
    }


CONTROL = {
    "date": "2024-03-15",
    "title": "Control title",
    "summary": "Control summary",
    "tags": ["control", "xss"],
    "sources": [
        {
            "url": "https://example.org/p/c?q=control",
            "title": "Control source",
            "outlet": "Control outlet",
            "published": "2024-03-15",
        }
    ],
}


def _route_exists(app, rule: str, method: str) -> bool:
    return any(r.rule == rule and method in r.methods for r in app.url_map.iter_rules())


class Site:
    """A database of payload facts, the app over it, and the ids: payload name -> fact id."""

    def __init__(self, path: Path):
        self.path = path
        self.app = create_app(
            {
                "database": {"path": str(path)},
                "server": {"base_url": "http://testserver/", "secret_key": "x" * 40},
            }
        )
        self.client = self.app.test_client()
        self.timeline = Timeline(EventStore(connect(path), FixedClock(NOW, dt.timedelta(seconds=1))))
        self.ids: dict[str, str] = {}
        self.controls: dict[bool, str] = {}
        self.via_api = False

    def record(self, name: str, fields: dict, index: int, token: str | None) -> str:
        """Through POST /api/events when it exists (the API's fields are on trial too), else record_fact."""
        if token is None:
            return self.timeline.record_fact(fields, actor=f"editor:{name}", origin="manual").fact_id
        response = self.client.post("/api/events", json=fields, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201, response.get_json()
        body, state = response.get_json(), self.timeline.fact(response.get_json()["id"])
        assert (body["title"], body["summary"], body["tags"]) == (
            state.title,
            state.summary,
            list(state.tags),
        )
        return body["id"]

    def correct(self, fact_id: str, payload: str, token: str | None) -> None:
        changes, reason = {"summary": f"Corrected: {payload}"}, payload
        if token is None:
            self.timeline.correct_fact(
                fact_id, changes, reason=reason, expected_version=None, actor=f"e:{payload}"
            )
            return
        response = self.client.post(
            f"/api/events/{fact_id}/corrections",
            json=changes | {"reason": reason, "expected_version": 1},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.get_json()

    def retract(self, fact_id: str, payload: str) -> None:
        self.timeline.retract_fact(fact_id, reason=payload, expected_version=None, actor=f"e:{payload}")


def retracted_index(index: int) -> bool:
    return index % 4 == 3


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("xss") / "t.db")
    token = None
    if _route_exists(site.app, "/api/events", "POST"):
        from events.domain.token import issue_token

        site.timeline.catch_up()
        token, site.via_api = issue_token(site.timeline.store, "fuzz"), True
        site.timeline.catch_up()
    for retracted in (False, True):
        fact_id = site.timeline.record_fact(CONTROL, actor="editor:control", origin="manual").fact_id
        site.timeline.correct_fact(
            fact_id,
            {"summary": "Corrected: control"},
            reason="control",
            expected_version=None,
            actor="e:control",
        )
        if retracted:
            site.retract(fact_id, "control")
        site.controls[retracted] = fact_id
    for index, payload in enumerate(PAYLOADS):
        fact_id = site.record(payload["name"], payload_fields(payload["payload"], index), index, token)
        site.correct(fact_id, payload["payload"], token)
        if retracted_index(index):
            site.retract(fact_id, payload["payload"])
        site.ids[payload["name"]] = fact_id
    site.timeline.catch_up()
    yield site
    site.timeline.close()


# ---------------------------------------------------------------- the fact's own page, JSON and history


@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=NAMES)
def test_permalink_shows_every_field_as_text(site, index):
    name = NAMES[index]
    fact = site.timeline.fact(site.ids[name])
    response = site.client.get(f"/events/{fact.fact_id}")
    assert response.status_code == 200
    doc = assert_safe_html(response, name)
    control = parse_html(site.client.get(f"/events/{site.controls[fact.retracted]}"))
    assert shape(doc.body) == shape(control.body), "the payload changed the page's structure"
    assert same_text(text(doc.xpath("//main//h1")[0]), fact.title)
    assert same_text(text(doc.xpath("//title")[0]), f"{fact.title} – SCO Timeline")
    assert same_text(text(doc.xpath("//p[contains(@class, 'fact-summary')]")[0]), fact.summary)
    assert [text(a) for a in doc.xpath("//main//ul[@class='tags']//a")] == [
        display_name(t) for t in fact.tags
    ]
    source = doc.xpath("//ul[contains(@class, 'sources')]//a")[0]
    assert same_text(text(source), fact.sources[0]["title"]) and source.get("href") == fact.sources[0]["url"]
    history = " ".join(text(li) for li in doc.xpath("//ol[@class='history-list']/li"))
    assert " ".join(f"Reason: {fact.retraction_reason or ''}".split()) in history or not fact.retracted
    assert " ".join(fact.summary.split()) in history  # the correction's new value, in its table


@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=NAMES)
def test_json_holds_every_field_exactly(site, index):
    fact = site.timeline.fact(site.ids[NAMES[index]])
    response = site.client.get(f"/api/events/{fact.fact_id}")
    assert_headers(response)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = json.loads(response.data)
    assert (body["title"], body["summary"], body["tags"]) == (fact.title, fact.summary, list(fact.tags))
    assert body["sources"] == [dict(s) for s in fact.sources]
    reasons = [fact.summary.removeprefix("Corrected: ").strip()] + (
        [fact.retraction_reason] if fact.retracted else []
    )
    assert [h.get("reason") for h in body["history"] if h.get("reason")] == reasons


@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=NAMES)
def test_payload_in_every_query_parameter_is_reflected_as_text(site, index):
    payload = PAYLOADS[index]["payload"]
    for name in ("q", "tag", "from", "to", "as_of", "order", "cursor", "show"):
        response = site.client.get("/?" + urlencode({name: payload}))
        assert response.status_code in (200, 400), (name, response.status_code)
        doc = assert_safe_html(response, f"/?{name}=")
        if name == "q" and response.status_code == 200:
            # q is cleaned as stored text is: no control or bidi characters (BUG-7)
            assert visible(doc.get_element_by_id("q").get("value")) == clean_text(
                payload, "q", limit=len(payload)
            )
        if response.status_code == 400:
            assert doc.xpath("//p[@class='problem']/code/text()") == [name]
    for path in ("/feed.atom?" + urlencode({"q": payload}), "/feed.atom?" + urlencode({"tag": payload})):
        response = site.client.get(path)
        assert response.status_code in (200, 400), path
        if response.status_code == 200:
            assert atom_problems(parse_atom(response)) == [], path
    response = site.client.get("/api/events?" + urlencode({"q": payload, "tag": payload}))
    assert response.status_code in (200, 400) and response.mimetype == "application/json"


def test_sign_in_page_reflects_next_as_text(site):
    if not _route_exists(site.app, "/login", "GET"):
        pytest.skip("no /login yet (editor routes)")
    for payload in PAYLOADS:
        response = site.client.get("/login?" + urlencode({"next": payload["payload"]}))
        assert response.status_code == 200
        assert_safe_html(response, payload["name"])


def test_editor_forms_show_payloads_as_text(site):
    """The correction and retraction forms put a fact's fields into inputs and textareas."""
    if not _route_exists(site.app, "/events/<fact_id>/correct", "GET") or not site.via_api:
        pytest.skip("no editor forms yet")
    client = site.app.test_client()
    from events.domain.token import issue_token

    token = issue_token(site.timeline.store, "xss-forms")
    site.timeline.catch_up()
    login = parse_html(client.get("/login"))
    values = {i.get("name"): i.get("value") or "" for i in login.xpath("//main//form//input[@name]")}
    assert client.post("/login", data=values | {"token": token}).status_code == 303
    control = parse_html(client.get(f"/events/{site.controls[False]}/correct"))
    for index, payload in enumerate(PAYLOADS):
        if retracted_index(index):
            continue
        fact = site.timeline.fact(site.ids[payload["name"]])
        for form in ("correct", "retract"):
            response = client.get(f"/events/{fact.fact_id}/{form}")
            assert response.status_code == 200, (payload["name"], form)
            doc = assert_safe_html(response, f"{payload['name']} /{form}")
            if form == "correct":
                assert shape(doc.xpath("//main//form")[-1]) == shape(control.xpath("//main//form")[-1])
                assert doc.xpath("//main//form//*[@name='title']")[0].get("value") == fact.title


# ---------------------------------------------------------------- lists: the timeline, the JSON list, the Atom feed


def follow_pages(client, first: str, next_of) -> list:
    pages, url = [], first
    while url and len(pages) < 20:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response)
        url = next_of(response)
    return pages


def next_html(response) -> str | None:
    links = parse_html(response).xpath("//nav[@class='pager']//a[@rel='next']/@href")
    return links[0] if links else None


def check_listing(site, first_url: str) -> int:
    """Every fact on every page: no active content, the same structure as a control fact, titles as text."""
    controls = {}
    seen = 0
    for response in follow_pages(site.client, first_url, next_html):
        doc = assert_safe_html(response, first_url)
        for article in doc.xpath("//article[contains(@class, 'fact')]"):
            fact_id = article.get("aria-labelledby")[2:]
            fact = site.timeline.fact(fact_id)
            if fact.fact_id in site.controls.values():
                controls[fact.retracted] = shape(article)
                continue
            seen += 1
            assert same_text(text(article.xpath(".//*[contains(@class, 'fact-title')]")[0]), fact.title)
            assert same_text(text(article.xpath(".//p[contains(@class, 'fact-summary')]")[0]), fact.summary)
            if fact.retracted in controls:
                assert shape(article) == controls[fact.retracted], fact.title
    return seen


def test_timeline_pages_show_every_payload_fact_as_text(site):
    live = sum(1 for i in range(len(PAYLOADS)) if not retracted_index(i))
    assert check_listing(site, "/?order=asc") == live
    assert check_listing(site, "/?order=desc&show=retracted") == len(PAYLOADS)
    assert (
        check_listing(site, "/?" + urlencode({"q": "alert", "show": "retracted"})) > 10
    )  # with <mark> highlights


def test_json_list_holds_every_payload_exactly(site):
    response = site.client.get("/api/events?limit=200&show=retracted")
    assert_headers(response)
    events = {e["id"]: e for e in response.get_json()["events"]}
    for fact_id in site.ids.values():
        fact = site.timeline.fact(fact_id)
        assert (events[fact_id]["title"], events[fact_id]["summary"]) == (fact.title, fact.summary)


def next_atom(response) -> str | None:
    links = parse_atom(response).xpath("/a:feed/a:link[@rel='next']/@href", namespaces={"a": ATOM})
    return urlsplit(links[0])._replace(scheme="", netloc="").geturl() if links else None


def test_atom_feed_holds_every_payload_as_text(site):
    from timeline.web.atom import entry_id
    from timeline.web.pages import fact_date

    entries = {}
    for response in follow_pages(site.client, "/feed.atom", next_atom):
        root = parse_atom(response)
        assert atom_problems(root) == []
        entries.update(atom_entries(root))
    for name, fact_id in site.ids.items():
        fact, entry = site.timeline.fact(fact_id), entries[entry_id(fact_id)]
        title = ("[Retracted] " if fact.retracted else "") + f"{fact_date(fact)} · {fact.title}"
        assert entry.findtext(f"{{{ATOM}}}title") == NOT_XML.sub("", title).replace("\r", "\n"), name
        assert [c.get("term") for c in entry.iter(f"{{{ATOM}}}category")] == [
            NOT_XML.sub("", t) for t in fact.tags
        ]
        content = "".join(entry.find(f"{{{ATOM}}}content").itertext())
        assert " ".join(NOT_XML.sub("", fact.summary).split()) in " ".join(content.split()), name
        related = entry.xpath("a:link[@rel='related']/@href", namespaces={"a": ATOM})
        assert all(scheme_of(href) in ("http", "https") for href in related)


# ---------------------------------------------------------------- payloads that come in through feeds


def words(index: int, kind: str) -> str:
    """Words no other item shares, so the extractor keeps each item's facts apart instead of merging them."""
    return " ".join(f"w{index}{kind}{k}" for k in range(5))


def item_xml(index: int, payload: str, kind: str) -> str:
    is_url = kind == "e" and (scheme_of(payload) or "url" in NAMES[index])  # "c" links would repeat "e" ones
    link = payload if is_url else f"http://example.org/{kind}/{index}?q={payload}"
    # a fortnight before the item ran: a lede of the day before is its headline's news, one fact not two
    body = f"{payload} {words(index, kind)} met on 20 June 2024. {payload}"
    description = f"<![CDATA[{body.replace(']]>', ']]]]><![CDATA[>')}]]>" if kind == "c" else escape(body)
    return (
        f"<item><title>{escape(payload)} SCO {words(index, kind + 't')}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">xss-{kind}-{index}</guid>'
        f"<pubDate>Thu, 04 Jul 2024 09:15:00 GMT</pubDate><description>{description}</description>"
        f"<category>{escape(payload)}</category><category>SCO</category></item>"
    )


def rss(title: str, items: list[str]) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>http://example.org/</link>{''.join(items)}</channel></rss>"
    ).encode()


def atom_feed(title: str) -> bytes:
    entries = "".join(
        f'<entry><id>urn:xss:{i}</id><title type="html">{escape(escape(p["payload"]))} {words(i, "at")}</title>'
        f"<link href={quoteattr(p['payload'])}/><updated>2024-07-04T09:00:00Z</updated>"
        f'<category term={quoteattr(p["payload"])}/><category term="SCO"/>'
        f'<content type="html">{escape(p["payload"])} {words(i, "a")} met on 20 June 2024.</content></entry>'
        for i, p in enumerate(PAYLOADS)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(title)}'
        f"</title><id>urn:xss</id><updated>2024-07-04T09:00:00Z</updated>{entries}</feed>"
    ).encode()


def payload_named(name: str) -> str:
    return next(p["payload"] for p in PAYLOADS if p["name"] == name)


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("xss-feeds") / "t.db")
    with FeedServer() as server:
        server.routes["/escaped"] = _route(
            rss(
                payload_named("closing-title-breakout"),
                [item_xml(i, p["payload"], "e") for i, p in enumerate(PAYLOADS)],
            )
        )
        server.routes["/cdata"] = _route(
            rss(
                payload_named("attr-breakout-double"),
                [item_xml(i, p["payload"], "c") for i, p in enumerate(PAYLOADS)],
            )
        )
        server.routes["/atom"] = _route(atom_feed(payload_named("rtl-override")))
        feeds = [{"name": name, "url": server.url(f"/{name}")} for name in ("escaped", "cdata", "atom")]
        config = config_from_mapping(
            {"database": {"path": str(site.path)}, "ingest": {"timeout_seconds": 5}, "feeds": feeds}
        )
        ingestor = Ingestor(
            site.timeline, config, Fetcher(FetchLimits(timeout_seconds=5)), clock=FixedClock(NOW)
        )
        site.reports = [ingestor.poll(feed) for feed in config.feeds]
    site.timeline.catch_up()
    site.ids = {row[0]: row[0] for row in site.timeline.conn.execute("SELECT fact_id FROM facts")}
    yield site
    site.timeline.close()


def _route(body: bytes):
    from tests.feed_server import Route

    return Route(body=body, content_type="application/xml")


def test_feeds_full_of_payloads_are_ingested_and_the_log_stays_valid(feed_site):
    # Two Atom payloads resolve to one link ('<script>...' and its escaped twin): one link is one
    # article within a poll as across polls, so that feed keeps one fewer.
    same_link = {"escaped": 0, "cdata": 0, "atom": 1}
    for report in feed_site.reports:
        assert report.kept == len(PAYLOADS) - same_link[report.feed] and not report.errors, report.line()
    assert verify(feed_site.timeline.store) == []
    assert len(feed_site.ids) > 2 * len(PAYLOADS)


def test_ingested_payloads_are_text_on_every_fact_page(feed_site):
    problems = []
    for fact_id in feed_site.ids:
        fact = feed_site.timeline.fact(fact_id)
        response = feed_site.client.get(f"/events/{fact_id}")
        doc = assert_safe_html(response, fact.title)
        if not same_text(text(doc.xpath("//main//h1")[0]), fact.title):
            problems.append(("title", fact.title))
        for source, link in zip(fact.sources, doc.xpath("//ul[contains(@class, 'sources')]/li")):
            href = link.xpath(".//a/@href")
            if source.get("url") and href != [source["url"]]:
                problems.append(("source url", source["url"]))
            if scheme_of(source.get("url") or "http:") not in ("http", "https"):
                problems.append(("stored url", source["url"]))
        api = feed_site.client.get(f"/api/events/{fact_id}").get_json()
        if (api["title"], api["summary"]) != (fact.title, fact.summary):
            problems.append(("json", fact.title))
    assert problems == []


def test_ingested_payloads_are_text_in_lists_and_the_atom_feed(feed_site):
    assert check_listing(feed_site, "/?order=asc") == len(feed_site.ids)
    entries = 0
    for response in follow_pages(feed_site.client, "/feed.atom", next_atom):
        root = parse_atom(response)
        assert atom_problems(root) == []
        entries += len(atom_entries(root))
    assert entries == len(feed_site.ids)
    for payload in PAYLOADS[:: max(1, len(PAYLOADS) // 10)]:
        response = feed_site.client.get("/?" + urlencode({"q": payload["payload"][:100]}))
        assert_safe_html(response, payload["name"])


# ---------------------------------------------------------------- low severity: reflected control characters


def test_bug7_reflected_search_text_drops_control_and_bidi_characters(site):
    """BUG-7, fixed: q was reflected with NUL, C0 and bidi controls that stored text has stripped."""
    response = site.client.get("/?" + urlencode({"q": "summit \u202egnp.exe\u202c \x00\x07"}))
    doc = parse_html(response)
    shown = (
        text(doc.xpath("//title")[0])
        + text(doc.xpath("//main//h1")[0])
        + doc.get_element_by_id("q").get("value")
    )
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\u200e\u200f\u202a-\u202e\u2066-\u2069]", shown)
