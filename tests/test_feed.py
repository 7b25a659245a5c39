"""The Atom feed: RFC 4287 valid (grammar and rules), stable ids, RFC 5005 paging, conditional GET."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from events.admin.backup import export_to, import_from
from events.domain.fact import fact_recorded
from events.domain.seeds import load_seed_file
from events.log.clock import FixedClock
from events.log.ids import stable_id
from events.log.model import NewEvent, StreamAppend
from events.log.store import EventStore, connect
from events.read import atom as atom_reads
from events.read import projections
from events.read.search import fts_query
from events.service import Timeline
from tests.needs import shared_path
from timeline import create_app
from timeline.web.atom import decode_cursor, encode_cursor, entry_id

ATOM = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "http://testserver/"
START = dt.datetime(2024, 7, 3, 9, 0, tzinfo=dt.UTC)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`\x7f-\x9f]+")
URN_UUID = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)
XHTML_WE_WRITE = {"div", "p", "strong", "ul", "li", "a", "span"}  # span: a report's language


# ---------------------------------------------------------------- fixtures


def feed_make_app(path: Path, base: str = BASE):
    return create_app({"database": {"path": str(path)}, "server": {"base_url": base}})


def feed_open(path: Path, start: dt.datetime = START) -> Timeline:
    """A timeline whose clock moves one second per append, so Last-Modified can tell appends apart."""
    return Timeline(EventStore(connect(path), FixedClock(start, dt.timedelta(seconds=1))))


@pytest.fixture
def feed_db(tmp_path) -> Path:
    return tmp_path / "t.db"


@pytest.fixture
def feed_timeline(feed_db):
    timeline = feed_open(feed_db)
    yield timeline
    timeline.close()


@pytest.fixture
def feed_client(feed_db, feed_timeline):
    return feed_make_app(feed_db).test_client()


@pytest.fixture(scope="session")
def feed_schema():
    """RFC 4287's RELAX NG grammar from ../shared; CI must have it, a laptop may not."""
    return etree.RelaxNG(etree.parse(str(shared_path("schemas", "atom.rng"))))


# ---------------------------------------------------------------- checking a feed


def check_feed(schema, body: bytes):
    """The grammar, then the RFC's rules the grammar does not check, then a real reader."""
    doc = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    schema.assertValid(doc)
    check_rfc_rules(doc)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(entries(doc))
    return doc


def check_rfc_rules(doc) -> None:
    for element in doc.iter(f"{ATOM}updated", f"{ATOM}published"):
        assert RFC3339.fullmatch(element.text), f"timestamp without a time zone: {element.text!r}"
    assert doc.find(f"{ATOM}author") is not None or all(
        e.find(f"{ATOM}author") is not None for e in entries(doc)
    )
    for entry in entries(doc):
        links = entry.findall(f"{ATOM}link")
        alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
        assert alternates or entry.find(f"{ATOM}content") is not None
        assert len({(a.get("type"), a.get("hreflang")) for a in alternates}) == len(alternates)
    for element in doc.iter(f"{ATOM}id"):
        assert IRI.fullmatch(element.text), f"id is not an IRI: {element.text!r}"
    for element in doc.iter(f"{ATOM}link", f"{XHTML}a"):
        assert IRI.fullmatch(element.get("href")), f"href is not an IRI: {element.get('href')!r}"
    ids = entry_ids(doc)
    assert len(ids) == len(set(ids)), "two entries share an id"
    assert all(URN_UUID.fullmatch(i) for i in ids)
    assert doc.find(f"{ATOM}link[@rel='self']") is not None


def entries(doc) -> list:
    return doc.findall(f"{ATOM}entry")


def entry_ids(doc) -> list[str]:
    return [entry.findtext(f"{ATOM}id") for entry in entries(doc)]


def href(element, rel: str) -> str | None:
    found = element.find(f"{ATOM}link[@rel='{rel}']")
    return None if found is None else found.get("href")


def text_of(entry) -> str:
    return "".join(entry.find(f"{ATOM}content").itertext())


def get_feed(client, schema, url: str = "/feed.atom", **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    return response, check_feed(schema, response.data)


def append_raw(timeline: Timeline, fact_id: str, actor: str = "test", **fields) -> None:
    """A FactRecorded straight into the log, past validation, as an old export or a bug could leave it."""
    fields = {
        "date": "2024-07-03",
        "end_date": None,
        "title": "t",
        "summary": "",
        "tags": [],
        "sources": [],
    } | fields
    event = fact_recorded(fact_id, fields, "manual")
    timeline.store.append(
        [StreamAppend(fact_id, (NewEvent(event.type, event.payload, {"actor": actor}),), 0)]
    )
    timeline.catch_up()


def record(timeline: Timeline, title: str, **fields):
    fields = {"date": "2024-07", "title": title, "tags": ["sco"]} | fields
    return timeline.record_fact(fields, actor="editor-ann")


def seed_ids_newest_first() -> list[str]:
    return [f"urn:uuid:{stable_id('seed', fact['key'])}" for fact in reversed(load_seed_file()["facts"])]


# ---------------------------------------------------------------- the documents


def test_empty_feed_is_valid(feed_client, feed_schema):
    response, doc = get_feed(feed_client, feed_schema)
    assert entries(doc) == []
    assert doc.findtext(f"{ATOM}id") == BASE + "feed.atom"
    assert doc.findtext(f"{ATOM}title") == "SCO Timeline"
    assert doc.find(f"{ATOM}author/{ATOM}name").text == "SCO Timeline"
    assert doc.find(f"{ATOM}generator").text == "SCO Timeline"
    assert href(doc, "self") == BASE + "feed.atom"
    assert href(doc, "alternate") == BASE
    assert href(doc, "next") is None


def test_seeded_feed_lists_every_seed_newest_first(feed_timeline, feed_client, feed_schema):
    feed_timeline.init()
    response, doc = get_feed(feed_client, feed_schema)
    assert entry_ids(doc) == seed_ids_newest_first()
    newest, oldest = entries(doc)[0], entries(doc)[-1]
    assert oldest.findtext(f"{ATOM}published") == "2024-07-03T09:00:00.000000Z"
    assert newest.findtext(f"{ATOM}updated") == "2024-07-03T09:00:28.000000Z"
    assert doc.findtext(f"{ATOM}updated") == "2024-07-03T09:00:28.000000Z"
    assert response.headers["Last-Modified"] == "Wed, 03 Jul 2024 09:00:28 GMT"


def test_seeded_entry_content(feed_timeline, feed_client, feed_schema):
    feed_timeline.init()
    _, doc = get_feed(feed_client, feed_schema)
    by_id = {entry.findtext(f"{ATOM}id"): entry for entry in entries(doc)}
    fact_id = stable_id("seed", "xi-putin-talks-samarkand-2022")
    entry = by_id[f"urn:uuid:{fact_id}"]
    assert href(entry, "alternate") == f"{BASE}events/{fact_id}"
    assert text_of(entry).strip().startswith("15 September 2022: ")
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == [
        "china",
        "russia",
        "xi-jinping",
        "vladimir-putin",
        "bilateral-meeting",
        "ukraine-war",
    ]
    assert href(entry, "related") is None, "seed sources have no URL"
    assert "Unnamed English-language broadcaster" in text_of(entry)
    founded = by_id[f"urn:uuid:{stable_id('seed', 'sco-founded-2001')}"]
    assert text_of(founded).strip().startswith("2001: The SCO was set up in 2001")
    summit = by_id[f"urn:uuid:{stable_id('seed', 'samarkand-summit-2022')}"]
    assert text_of(summit).strip().startswith("15-16 September 2022: ")


def test_entry_links_each_http_source_as_related(feed_timeline, feed_client, feed_schema):
    sources = [{"url": "https://example.org/a?x=1&y=2", "title": "A & B"}, {"url": "http://example.net/b"}]
    record(feed_timeline, "Linked", sources=sources)
    _, doc = get_feed(feed_client, feed_schema)
    related = entries(doc)[0].findall(f"{ATOM}link[@rel='related']")
    assert [(link.get("href"), link.get("title")) for link in related] == [
        ("https://example.org/a?x=1&y=2", "A & B"),
        ("http://example.net/b", "http://example.net/b"),
    ]


# ---------------------------------------------------------------- filters


def test_tag_feed_names_its_filter_and_links_its_page(feed_timeline, feed_client, feed_schema):
    feed_timeline.init()
    _, doc = get_feed(feed_client, feed_schema, "/feed.atom?tag=india")
    tagged = [f for f in load_seed_file()["facts"] if "india" in f["tags"]]
    assert len(entries(doc)) == len(tagged) == 2
    assert all("india" in [c.get("term") for c in e.findall(f"{ATOM}category")] for e in entries(doc))
    assert doc.findtext(f"{ATOM}title") == "SCO Timeline: tagged “india”"
    assert href(doc, "self") == BASE + "feed.atom?tag=india"
    assert href(doc, "alternate") == BASE + "?tag=india"
    assert doc.findtext(f"{ATOM}id") == BASE + "feed.atom?tag=india"


def test_repeated_tags_must_all_match(feed_timeline, feed_client, feed_schema):
    feed_timeline.init()
    _, doc = get_feed(feed_client, feed_schema, "/feed.atom?tag=China&tag=samarkand")
    expected = [f for f in load_seed_file()["facts"] if {"china", "samarkand"} <= set(f["tags"])]
    assert {f"urn:uuid:{stable_id('seed', f['key'])}" for f in expected} == set(entry_ids(doc))
    assert len(expected) == 2
    assert href(doc, "alternate") == BASE + "?tag=China&tag=samarkand"


def test_search_feed(feed_timeline, feed_client, feed_schema):
    feed_timeline.init()
    _, doc = get_feed(feed_client, feed_schema, "/feed.atom?q=Samarkand")
    expected = {
        f"urn:uuid:{stable_id('seed', f['key'])}"
        for f in load_seed_file()["facts"]
        if "samarkand" in (f["title"] + f.get("summary", "") + " ".join(f["tags"])).lower()
    }
    assert set(entry_ids(doc)) == expected and expected
    assert doc.findtext(f"{ATOM}title") == "SCO Timeline: search “Samarkand”"
    assert href(doc, "alternate") == BASE + "?q=Samarkand"


def test_unknown_tag_is_an_empty_feed_and_empty_search_no_filter(feed_timeline, feed_client, feed_schema):
    feed_timeline.init()
    _, doc = get_feed(feed_client, feed_schema, "/feed.atom?tag=no-such-tag")
    assert entries(doc) == []
    _, doc = get_feed(feed_client, feed_schema, "/feed.atom?tag=%21%21%21")
    assert entries(doc) == []
    get_feed(
        feed_client, feed_schema, "/feed.atom?q=NOT+OR+NEAR%28%29+title%3A%22"
    )  # operators are only words
    _, doc = get_feed(feed_client, feed_schema, "/feed.atom?q=%22%29%28-*%5E")
    assert entry_ids(doc) == seed_ids_newest_first()
    assert doc.findtext(f"{ATOM}title") == "SCO Timeline"


@pytest.mark.parametrize("name", ["from", "to", "as_of", "show", "order"])
def test_a_timeline_filter_the_feed_cannot_apply_is_a_400_naming_it(feed_timeline, feed_client, name):
    """feed.atom?from=2024 served the whole feed under a self link claiming the filter (product review)."""
    response = feed_client.get(f"/feed.atom?tag=india&{name}=2024")
    assert response.status_code == 400 and f"{name}: the feed does not filter by it" in response.get_data(
        as_text=True
    )


def test_self_link_is_the_exact_url_requested(feed_timeline, feed_client, feed_schema):
    url = "/feed.atom?q=xi%20putin&tag=china&tag=russia&utm=x"
    _, doc = get_feed(feed_client, feed_schema, url)
    assert href(doc, "self") == BASE + url[1:]
    assert href(doc, "alternate") == BASE + "?tag=china&tag=russia&q=xi%20putin"
    assert doc.findtext(f"{ATOM}id") == BASE + "feed.atom?tag=china&tag=russia&q=xi%20putin"


@pytest.mark.parametrize(
    "tags, q",
    [
        (("india",), None),
        (("china", "samarkand"), None),
        (("sco",), "summit"),
        ((), "xi"),
        (("no-such-tag",), None),
        (("sco", "summit", "russia"), None),
    ],
)
def test_every_query_plan_gives_the_same_window(feed_timeline, monkeypatch, tags, q):
    """Small tags start from fact_tags, big ones walk facts_changed: the answer must not depend on it."""
    feed_timeline.init()
    where = atom_reads.AtomFilter(tags, fts_query(q) if q else None)
    conn = feed_timeline.conn
    pages = {}
    for limit in (0, 10_000):  # 0: never start from a tag's rows
        monkeypatch.setattr(atom_reads, "DRIVE_LIMIT", limit)
        first = atom_reads.window(conn, where, size=3)
        rest = (
            atom_reads.window(conn, where, before=first.keys[-1].position, size=100) if first.keys else None
        )
        pages[limit] = (first, rest)
    assert pages[0] == pages[10_000]
    first, rest = pages[0]
    positions = [k.position for k in first.keys + (rest.keys if rest else ())]
    assert positions == sorted(positions, reverse=True)


# ---------------------------------------------------------------- hostile text

HOSTILE_TITLE = "<script>alert('x')</script> & \"quoted\" \x00\x01\x0b\x1b\x7f\x85\u202e ]]> &amp;"
HOSTILE_SUMMARY = "مرحبا بالعالم — שלום עולם 🇺🇿🤝🇨🇳 <img src=x onerror=alert(1)>\ttab\nline"


def test_hostile_text_comes_out_escaped(feed_timeline, feed_client, feed_schema):
    fact_id = "0190a0c8-0000-7000-8000-000000000001"
    sources = [
        {"url": "javascript:alert(1)", "title": "<i>js</i>"},
        {"url": 'https://example.org/x"onmouseover=alert(1)', "title": "quote\x08"},
    ]
    append_raw(
        feed_timeline,
        fact_id,
        actor="<b>actor</b>\x07",
        title=HOSTILE_TITLE,
        summary=HOSTILE_SUMMARY,
        tags=["<b>", "a&b", "\x01"],
        sources=sources,
    )
    other = record(feed_timeline, "Plain")
    feed_timeline.correct_fact(
        other.fact_id,
        {"title": "<script>x</script> & 'y'"},
        reason='</p><p>&nbsp;"',
        expected_version=1,
        actor="<i>ed</i>",
    )
    response, doc = get_feed(feed_client, feed_schema)
    assert b"<script" not in response.data and b"<img" not in response.data and b"\x00" not in response.data
    tags = {element.tag.split("}")[1] for element in doc.iter(f"{XHTML}*")}
    assert tags <= XHTML_WE_WRITE
    hostile = entries(doc)[1]
    assert hostile.findtext(f"{ATOM}title") == "3 July 2024 · " + NOT_XML.sub("", HOSTILE_TITLE)
    assert NOT_XML.sub("", HOSTILE_SUMMARY) in text_of(hostile)
    assert [c.get("term") for c in hostile.findall(f"{ATOM}category")] == ["<b>", "a&b"]
    assert [link.get("href") for link in hostile.findall(f"{ATOM}link[@rel='related']")] == [
        "https://example.org/x%22onmouseover=alert(1)"
    ]
    assert "javascript:" not in response.get_data(as_text=True)
    corrected = entries(doc)[0]
    assert "title changed from “Plain” to “<script>x</script> & 'y'”" in text_of(corrected)
    assert 'Reason: </p><p>&nbsp;"' in text_of(corrected) and "by <i>ed</i>" in text_of(corrected)
    parsed = feedparser.parse(response.data)
    assert parsed.entries[1].title == "3 July 2024 · " + NOT_XML.sub("", HOSTILE_TITLE)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(st.characters(exclude_categories=["Cs"]), max_size=80),
    summary=st.text(st.characters(exclude_categories=["Cs"]), max_size=200),
)
def test_any_text_makes_a_valid_feed(feed_schema, title, summary):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.db"
        timeline = feed_open(path)
        try:
            append_raw(timeline, "any-id", title=title, summary=summary, tags=[title or "x"])
            response = feed_make_app(path).test_client().get("/feed.atom")
        finally:
            timeline.close()
    doc = check_feed(feed_schema, response.data)
    expected = NOT_XML.sub("", title).replace("\r\n", "\n").replace("\r", "\n")
    assert entries(doc)[0].findtext(f"{ATOM}title") == "3 July 2024 · " + expected
    assert entry_ids(doc) == [entry_id("any-id")]


def test_entry_titles_say_when_the_fact_happened_at_its_precision(feed_timeline, feed_client, feed_schema):
    """A feed reader shows the recording time: the title must say when it happened."""
    record(feed_timeline, "Belarus joins", date="2024")
    record(feed_timeline, "Putin and Xi meet in Astana", date="2024-07-03")
    record(feed_timeline, "Summit in Samarkand", date="2022-09-15", end_date="2022-09-16")
    late = record(feed_timeline, "Ministers meet", date="2024-05")
    feed_timeline.correct_fact(
        late.fact_id, {"title": "Ministers met"}, reason="tense", expected_version=1, actor="ed"
    )
    _, doc = get_feed(feed_client, feed_schema)
    titles = [e.findtext(f"{ATOM}title") for e in entries(doc)]
    assert titles == [
        "May 2024 · Ministers met",
        "15-16 September 2022 · Summit in Samarkand",
        "3 July 2024 · Putin and Xi meet in Astana",
        "2024 · Belarus joins",
    ]
    first = entries(doc)[0]
    published, updated = first.findtext(f"{ATOM}published"), first.findtext(f"{ATOM}updated")
    assert published < updated  # first recorded, then changed (RFC 4287 4.2.9, 4.2.15)


# ---------------------------------------------------------------- corrections and retractions


def test_correction_updates_the_entry_and_says_what_changed(feed_timeline, feed_client, feed_schema):
    fact = record(feed_timeline, "Old title", summary="What happened.")
    record(feed_timeline, "Another fact")
    _, before = get_feed(feed_client, feed_schema)
    changes = {"title": "New title", "date": "2022-09-15", "tags": ["sco", "india"]}
    feed_timeline.correct_fact(
        fact.fact_id, changes, reason="The source gave the wrong day", expected_version=1, actor="editor-bo"
    )
    _, after = get_feed(feed_client, feed_schema)
    entry = entries(after)[0]
    assert entry_ids(after) == list(reversed(entry_ids(before)))
    assert entry.findtext(f"{ATOM}title") == "15 September 2022 · New title"
    assert entry.findtext(f"{ATOM}published") == "2024-07-03T09:00:00.000000Z"
    assert entry.findtext(f"{ATOM}updated") == "2024-07-03T09:00:02.000000Z"
    text = text_of(entry)
    assert "15 September 2022: What happened." in text
    assert "Corrected on 3 July 2024, 09:00 UTC by editor-bo" in text
    assert "title changed from “Old title” to “New title”" in text
    assert "date changed from July 2024 to 15 September 2022" in text
    assert "tags changed: added india" in text and "Reason: The source gave the wrong day" in text


def test_retraction_keeps_the_entry_and_says_why(feed_timeline, feed_client, feed_schema):
    fact = record(feed_timeline, "A mistaken fact")
    record(feed_timeline, "Another fact")
    feed_timeline.retract_fact(
        fact.fact_id, reason="No source supports it", expected_version=1, actor="editor-cy"
    )
    _, doc = get_feed(feed_client, feed_schema)
    assert len(entries(doc)) == 2
    entry = entries(doc)[0]
    assert entry.findtext(f"{ATOM}id") == entry_id(fact.fact_id)
    assert entry.findtext(f"{ATOM}title") == "[Retracted] July 2024 · A mistaken fact"
    assert entry.findtext(f"{ATOM}updated") == "2024-07-03T09:00:02.000000Z"
    assert "Retracted. No source supports it" in text_of(entry)
    assert "Retracted on 3 July 2024, 09:00 UTC by editor-cy. Reason: No source supports it" in text_of(entry)


# ---------------------------------------------------------------- ids that never change


def test_ids_survive_rebuild_export_import_and_a_new_base_url(feed_timeline, feed_db, tmp_path, feed_schema):
    feed_timeline.init()
    fact = record(feed_timeline, "Recorded")
    feed_timeline.correct_fact(
        fact.fact_id, {"title": "Corrected"}, reason="typo", expected_version=1, actor="a"
    )
    gone = record(feed_timeline, "Retracted later")
    feed_timeline.retract_fact(gone.fact_id, reason="wrong", expected_version=1, actor="a")
    first, doc = get_feed(feed_make_app(feed_db).test_client(), feed_schema)
    ids = entry_ids(doc)
    assert len(ids) == 31

    projections.rebuild(feed_timeline.store)
    rebuilt, _ = get_feed(feed_make_app(feed_db).test_client(), feed_schema)
    assert rebuilt.data == first.data and rebuilt.headers["ETag"] == first.headers["ETag"]

    exported = io.StringIO()
    export_to(feed_timeline.store, exported)
    copy = Timeline.open(tmp_path / "copy.db")
    import_from(copy.store, io.StringIO(exported.getvalue()))
    projections.rebuild(copy.store)
    copy.close()
    imported, _ = get_feed(feed_make_app(tmp_path / "copy.db").test_client(), feed_schema)
    assert imported.data == first.data

    _, moved = get_feed(
        feed_make_app(feed_db, "https://sco.example.org/timeline/").test_client(), feed_schema
    )
    assert entry_ids(moved) == ids
    assert href(entries(moved)[0], "alternate").startswith("https://sco.example.org/timeline/events/")
    assert moved.findtext(f"{ATOM}id") == "https://sco.example.org/timeline/feed.atom"


def test_entry_id_is_the_fact_uuid_or_a_stable_uuid_of_it():
    assert entry_id("0190A0C8-0000-7000-8000-00000000000A") == "urn:uuid:0190a0c8-0000-7000-8000-00000000000a"
    assert entry_id("fact-1") == entry_id("fact-1") != entry_id("fact-2")
    assert URN_UUID.fullmatch(entry_id("fact-1"))
    assert (
        entry_id("{0190a0c8-0000-7000-8000-000000000001}") != "urn:uuid:0190a0c8-0000-7000-8000-000000000001"
    )


# ---------------------------------------------------------------- paging (RFC 5005)


def append_many(timeline: Timeline, count: int, tags=("sco",)) -> list[str]:
    ids = [f"bulk-{i:04d}" for i in range(count)]
    batch = []
    for i, fact_id in enumerate(ids):
        fields = {
            "date": "2023-01-01",
            "end_date": None,
            "title": f"Fact {i}",
            "summary": "",
            "tags": list(tags),
            "sources": [],
        }
        batch.append(StreamAppend(fact_id, (fact_recorded(fact_id, fields, "manual"),), 0))
    timeline.store.append(batch)
    timeline.catch_up()
    return ids


def walk(client, schema, url: str) -> list[list[str]]:
    pages = []
    while url:
        _, doc = get_feed(client, schema, url.removeprefix(BASE.rstrip("/")))
        pages.append(entry_ids(doc))
        assert href(doc, "first") == BASE + "feed.atom" + ("?tag=sco" if "tag=sco" in url else "")
        url = href(doc, "next")
    return pages


def test_next_links_walk_every_entry_once(feed_timeline, feed_client, feed_schema):
    ids = append_many(feed_timeline, 120)
    pages = walk(feed_client, feed_schema, BASE + "feed.atom?tag=sco")
    assert [len(page) for page in pages] == [50, 50, 20]
    assert sum(pages, []) == [entry_id(i) for i in reversed(ids)]


def test_a_change_during_a_walk_moves_the_entry_to_the_head(feed_timeline, feed_client, feed_schema):
    ids = append_many(feed_timeline, 60)
    _, first = get_feed(feed_client, feed_schema)
    feed_timeline.retract_fact(ids[0], reason="wrong", expected_version=1, actor="a")  # the oldest, on page 2
    _, second = get_feed(feed_client, feed_schema, href(first, "next").removeprefix(BASE.rstrip("/")))
    assert entry_ids(first) + entry_ids(second) == [entry_id(i) for i in reversed(ids[1:])]
    _, head = get_feed(feed_client, feed_schema)
    assert entry_ids(head)[0] == entry_id(ids[0])


def test_cursor_round_trip_and_past_the_end(feed_timeline, feed_client, feed_schema):
    assert decode_cursor(encode_cursor(123456789)) == 123456789
    append_many(feed_timeline, 3)
    _, doc = get_feed(feed_client, feed_schema, f"/feed.atom?cursor={encode_cursor(1)}")
    assert entries(doc) == [] and href(doc, "next") is None


@pytest.mark.parametrize(
    "query",
    [
        "cursor=",
        "cursor=abc",
        "cursor=%21%21",
        "cursor=cDA",
        "cursor=cDAx",
        "cursor=cC0x",
        "cursor=" + "A" * 200,
        "cursor=cDE=",
        "cursor=cDE&cursor=cDI",
        "cursor=%F0%9F%98%80",
        "cursor=cDk5OTk5OTk5OTk5OTk5OTk5OTk",
        "&".join(f"tag=t{i}" for i in range(31)),
    ],
)
def test_bad_parameters_are_400_plain_text(feed_client, query):
    response = feed_client.get(f"/feed.atom?{query}")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert ("cursor" if "cursor" in query else "tag") in response.get_data(as_text=True)


# ---------------------------------------------------------------- conditional GET


def test_reader_with_etag_gets_304_until_something_changes(feed_timeline, feed_client, feed_schema):
    feed_timeline.init()
    first, _ = get_feed(feed_client, feed_schema)
    etag = first.headers["ETag"]
    again = feed_client.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert feed_client.get("/feed.atom", headers={"If-None-Match": "W/" + etag}).status_code == 304
    fact = record(feed_timeline, "Something new")
    changed, doc = get_feed(feed_client, feed_schema, headers={"If-None-Match": etag})
    assert changed.headers["ETag"] != etag
    assert entry_ids(doc)[0] == entry_id(fact.fact_id)
    assert (
        feed_client.get("/feed.atom", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304
    )


def test_reader_with_if_modified_since_gets_304_until_something_changes(
    feed_timeline, feed_client, feed_schema
):
    feed_timeline.init()
    first, _ = get_feed(feed_client, feed_schema)
    since = first.headers["Last-Modified"]
    again = feed_client.get("/feed.atom", headers={"If-Modified-Since": since})
    assert again.status_code == 304 and again.data == b""
    fact = record(feed_timeline, "Something new")
    changed, doc = get_feed(feed_client, feed_schema, headers={"If-Modified-Since": since})
    assert entry_ids(doc)[0] == entry_id(fact.fact_id)
    assert changed.headers["Last-Modified"] != since


def test_filtered_feeds_have_their_own_validators(feed_timeline, feed_client, feed_schema):
    feed_timeline.init()
    tagged, _ = get_feed(feed_client, feed_schema, "/feed.atom?tag=india")
    whole, _ = get_feed(feed_client, feed_schema)
    assert tagged.headers["ETag"] != whole.headers["ETag"]
    record(feed_timeline, "Not about India")
    headers = {"If-None-Match": tagged.headers["ETag"]}
    assert feed_client.get("/feed.atom?tag=india", headers=headers).status_code == 304
    record(feed_timeline, "About India", tags=["india"])
    assert feed_client.get("/feed.atom?tag=india", headers=headers).status_code == 200


def test_a_fact_leaving_a_filter_changes_the_etag(feed_timeline, feed_client, feed_schema):
    fact = record(feed_timeline, "Was about India", tags=["india"])
    record(feed_timeline, "Still about India", tags=["india"])
    tagged, _ = get_feed(feed_client, feed_schema, "/feed.atom?tag=india")
    feed_timeline.correct_fact(
        fact.fact_id, {"tags": ["sco"]}, reason="not India", expected_version=1, actor="a"
    )
    changed, doc = get_feed(
        feed_client, feed_schema, "/feed.atom?tag=india", headers={"If-None-Match": tagged.headers["ETag"]}
    )
    assert len(entries(doc)) == 1


def test_search_feeds_answer_304_without_searching(feed_timeline, feed_client, feed_schema, monkeypatch):
    """Listing a common word's matches costs a render, so a search's validator is the newest change anywhere."""
    feed_timeline.init()
    etag = get_feed(feed_client, feed_schema, "/feed.atom?q=summit")[0].headers["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("searched only to answer 304")

    with monkeypatch.context() as patch:
        patch.setattr(atom_reads, "window", refuse)
        assert feed_client.get("/feed.atom?q=summit", headers={"If-None-Match": etag}).status_code == 304
    record(feed_timeline, "Not a match")
    assert feed_client.get("/feed.atom?q=summit", headers={"If-None-Match": etag}).status_code == 200


def test_304_does_not_render(feed_timeline, feed_client, feed_schema, monkeypatch):
    feed_timeline.init()
    etag = get_feed(feed_client, feed_schema)[0].headers["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("rendered a feed only to answer 304")

    monkeypatch.setattr("timeline.web.atom._render", refuse)
    assert feed_client.get("/feed.atom", headers={"If-None-Match": etag}).status_code == 304


def test_head_answers_like_get_without_a_body(feed_timeline, feed_client):
    feed_timeline.init()
    response = feed_client.head("/feed.atom")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["ETag"] == feed_client.get("/feed.atom").headers["ETag"]


def test_a_search_with_many_matches_walks_the_changes_without_sorting_its_matches(feed_timeline, monkeypatch):
    """Past DRIVE_LIMIT matches, the search feed walks facts_changed newest first and looks each fact
    up in its matches, read once: joining every match to its fact and sorting them all read and sorted
    529k rows at 1M facts for "summit" (issue 19)."""
    feed_timeline.init()
    monkeypatch.setattr(atom_reads, "DRIVE_LIMIT", 0)
    sql, params = atom_reads._window_sql(
        feed_timeline.conn, atom_reads.AtomFilter((), fts_query("summit")), None
    )
    plan = " | ".join(
        row[3] for row in feed_timeline.conn.execute(f"EXPLAIN QUERY PLAN {sql}", [*params, 51])
    )
    assert "facts_changed" in plan and "TEMP B-TREE" not in plan, plan
    monkeypatch.setattr(atom_reads, "DRIVE_LIMIT", 10_000)
    sql, params = atom_reads._window_sql(
        feed_timeline.conn, atom_reads.AtomFilter((), fts_query("summit")), None
    )
    plan = " | ".join(
        row[3] for row in feed_timeline.conn.execute(f"EXPLAIN QUERY PLAN {sql}", [*params, 51])
    )
    assert "TEMP B-TREE" in plan  # few matches: read and sorted, cheaper than walking every change


def test_a_report_in_chinese_or_russian_is_marked_with_its_language(feed_client, feed_schema, feed_timeline):
    """Issue 18: titles stay in the report's language, with a language tag readers' software can use."""
    record(feed_timeline, "上合組織峰會在天津閉幕", date="2025-09-01")
    record(feed_timeline, "Саммит ШОС завершился в Тяньцзине", date="2025-08-31")
    record(feed_timeline, "SCO summit ends in Tianjin", date="2025-08-30")
    _, doc = get_feed(feed_client, feed_schema)
    marked = {
        span.text: span.get("{http://www.w3.org/XML/1998/namespace}lang")
        for entry in entries(doc)
        for span in entry.iter(f"{XHTML}span")
    }
    assert marked == {"上合組織峰會在天津閉幕": "zh-Hant", "Саммит ШОС завершился в Тяньцзине": "ru"}
