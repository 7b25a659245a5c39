"""Feed parsing on mutated feed files: a ParsedFeed or FeedRejected, nothing else, in bounded time; ingest survives.

The fixtures in tests/data/feeds/ and tests/data/ingest/ are mutated by byte
flips, truncation, deletion, tag duplication, entity insertion, huge
attributes, deep nesting and wrong encodings. Hypothesis drives the mutations
here (derandomized, a bounded number of inputs); bench/fuzz_feeds.py runs the
same mutations for as long as asked, from a seed.
"""

from __future__ import annotations

import codecs
import datetime as dt
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from events.admin.verify import verify
from events.log.clock import FixedClock
from events.log.store import EventStore, connect
from events.service import Timeline
from tests.deadline import within
from tests.feed_server import FeedServer, Route
from timeline import create_app
from timeline.config import config_from_mapping
from timeline.ingest.fetch import Fetcher, FetchLimits
from timeline.ingest.parse import FeedItem, FeedRejected, ParsedFeed, parse_feed
from timeline.ingest.poll import Ingestor

DATA = Path(__file__).parent / "data"
SEEDS = {
    p.relative_to(DATA).as_posix(): p.read_bytes()
    for p in sorted((DATA / "feeds").glob("*.xml")) + sorted((DATA / "ingest").iterdir())
}
FETCHED_AT = dt.datetime(2025, 9, 2, 12, 0, tzinfo=dt.UTC)
BASE_URL = "http://example.org/feed.xml"
PER_INPUT_BUDGET = 5.0  # CPU seconds one document of at most MAX_SIZE bytes may take in the suite
HARD_STOP = 20.0  # a runaway parse is interrupted here rather than hanging the suite
# The suite's mutants stay small: feedparser's loose parser costs about 30 microseconds a tag, so a
# megabyte of tags takes ~10 s (linear: a figure for RELIABILITY.md, not a finding).
# Deeper nesting hit BUG-8 (nh3/html5ever is quadratic in depth), fixed: see the test below.
# bench/fuzz_feeds.py generates the large ones too (deep=True).
MAX_SIZE, DEEP_MAX_SIZE = 150_000, 1_500_000
NEST_DEPTHS, DEEP_NEST_DEPTHS = [10, 500, 5_000], [10, 500, 5_000, 50_000]
COPIES, DEEP_COPIES = [1, 2, 10, 200], [1, 2, 10, 200, 2_000]
ATTRIBUTE_SIZES, DEEP_ATTRIBUTE_SIZES = [10, 1_000, 100_000], [10, 1_000, 100_000, 1_000_000]

# ---------------------------------------------------------------- mutations

SNIPPETS = [
    b"<",
    b">",
    b"&",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"-->",
    b"<?xml version='1.0'?>",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\xed\xa0\x80",
    b"<item>",
    b"</item>",
    b"<entry>",
    b"</channel>",
    b"<rss>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'>",
    b"<script>alert(1)</script>",
    b"<a href='javascript:alert(1)'>",
    b"<link>javascript:alert(1)</link>",
    b"<pubDate>Thu, 31 Feb 99999 25:61:61 +9999</pubDate>",
    b"<updated>0000-00-00T00:00:00Z</updated>",
    b"<author>" + b"a" * 70 + b"@example.org</author>",
    b"<category>SCO</category>",
    b"<title>SCO summit</title>",
    b"<guid>",
    b"\r\n",
    b"\t",
    b"\xe2\x80\xae",
    b"<!DOCTYPE rss>",
    b"<!DOCTYPE rss [ <!ELEMENT rss ANY> ]>",
    b"<!ENTITY x 'y'>",
    b"<!entity x SYSTEM 'file:///etc/passwd'>",
    b"<!DOCTYPE r [<!ENTITY % p SYSTEM 'http://127.0.0.1:1/x'> %p;]>",
    b"xmlns:a='x'",
    b"<a:b>",
    b"</a:b>",
    b"<georss:point>45.2 -71.9</georss:point>",
    b"<gml:pos>1 2</gml:pos>",
    b"<georss:where xmlns:georss='http://www.georss.org/georss' xmlns:gml='http://www.opengis.net/gml'>"
    b"<gml:Point srsName='EPSG:x'><gml:pos>1 2</gml:pos></gml:Point></georss:where>",
]
ENTITIES = [
    b"&amp;",
    b"&lt;",
    b"&gt;",
    b"&quot;",
    b"&apos;",
    b"&nbsp;",
    b"&#0;",
    b"&#x0;",
    b"&#1;",
    b"&#xD800;",
    b"&#x110000;",
    b"&#99999999999999999999;",
    b"&#x41;",
    b"&#65;",
    b"&undefined;",
    b"&",
    b"&#;",
    b"&#x;",
    b"&amp;lt;script&amp;gt;",
    b"&lt;script&gt;alert(1)&lt;/script&gt;",
    b"&eacute;",
    b"&lol9;",
    b"&xxe;",
]
ENCODINGS = [
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "latin-1",
    "cp1252",
    "koi8-r",
    "shift_jis",
    "gb18030",
    "utf-7",
    "cp037",
    "utf-8-sig",
]
DECLARED = ["utf-8", "utf-16", "iso-8859-1", "ebcdic", "x-unknown", "utf-7", "utf-32", "shift_jis", "ascii"]
_ELEMENT = re.compile(rb"<([A-Za-z][\w:.-]*)[^<>]*>.{0,2000}?</\1\s*>", re.S)
_START_TAG = re.compile(rb"<[A-Za-z][\w:.-]*")
_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Mutation:
    kind: str
    at: float = 0.0  # where, as a fraction of the document
    size: int = 0
    blob: bytes = b""
    name: str = ""

    def apply(self, data: bytes, max_size: int = MAX_SIZE) -> bytes:
        return _APPLY[self.kind](self, data)[:max_size]


def _pos(m: Mutation, data: bytes) -> int:
    return min(len(data), int(m.at * len(data)))


def _flip(m, data):
    if not data:
        return data
    i = min(len(data) - 1, _pos(m, data))
    return data[:i] + bytes([data[i] ^ (m.size or 1)]) + data[i + 1 :]


def _truncate(m, data):
    return data[: _pos(m, data)]


def _delete(m, data):
    i = _pos(m, data)
    return data[:i] + data[i + m.size :]


def _insert(m, data):
    i = _pos(m, data)
    return data[:i] + m.blob * max(1, m.size) + data[i:]


def _duplicate(m, data):
    """An element repeated in place: many <item>s, two <title>s, a second <channel>."""
    found = list(_ELEMENT.finditer(data))
    if not found:
        return data
    element = found[min(len(found) - 1, int(m.at * len(found)))]
    return data[: element.end()] + element.group(0) * m.size + data[element.end() :]


def _huge_attribute(m, data):
    found = list(_START_TAG.finditer(data))
    if not found:
        return data
    tag = found[min(len(found) - 1, int(m.at * len(found)))]
    attribute = b" " + (m.blob or b"a") + b'="' + b"A" * m.size + b'"'
    return data[: tag.end()] + attribute + data[tag.end() :]


def _nest(m, data):
    """Deep nesting inside an element: libxml2 and feedparser's loose parser both have to cope."""
    i = _pos(m, data)
    tag = m.blob or b"div"
    return data[:i] + (b"<" + tag + b">") * m.size + (b"</" + tag + b">") * m.size + data[i:]


def _encoding(m, data):
    """Re-encode, and maybe declare another encoding than the one used (or none), with or without a BOM."""
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    if m.blob == b"declare":
        text = re.sub(
            r"""encoding=["'][^"']*["']""", f'encoding="{DECLARED[m.size % len(DECLARED)]}"', text, 1
        )
    elif m.blob == b"strip":
        text = _DECLARATION.sub(b"", text.encode()).decode()
    encoded = text.encode(m.name, "replace")
    if m.at < 0.3:  # drop a BOM the codec wrote
        for bom in (
            codecs.BOM_UTF32_LE,
            codecs.BOM_UTF32_BE,
            codecs.BOM_UTF16_LE,
            codecs.BOM_UTF16_BE,
            codecs.BOM_UTF8,
        ):
            encoded = encoded.removeprefix(bom)
    return encoded


def _splice(m, data):
    """A piece of another fixture inside this one."""
    other = list(SEEDS.values())[m.size % len(SEEDS)]
    start = int(m.at * len(other))
    i = _pos(m, data)
    return data[:i] + other[start : start + 400] + data[i:]


_APPLY = {
    "flip": _flip,
    "truncate": _truncate,
    "delete": _delete,
    "insert": _insert,
    "entity": _insert,
    "duplicate": _duplicate,
    "huge_attribute": _huge_attribute,
    "nest": _nest,
    "encoding": _encoding,
    "splice": _splice,
}
KINDS = sorted(_APPLY)

# ---------------------------------------------------------------- hypothesis strategies for them

fraction = st.floats(0, 1, allow_nan=False)
mutation = st.one_of(
    st.builds(Mutation, st.just("flip"), fraction, st.integers(1, 255)),
    st.builds(Mutation, st.just("truncate"), fraction),
    st.builds(Mutation, st.just("delete"), fraction, st.integers(1, 200)),
    st.builds(
        Mutation,
        st.just("insert"),
        fraction,
        st.integers(1, 3),
        st.sampled_from(SNIPPETS) | st.binary(min_size=1, max_size=40),
    ),
    st.builds(
        Mutation,
        st.just("entity"),
        fraction,
        st.sampled_from([1, 1, 1, 50, 5_000]),
        st.sampled_from(ENTITIES),
    ),
    st.builds(Mutation, st.just("duplicate"), fraction, st.sampled_from(COPIES)),
    st.builds(
        Mutation,
        st.just("huge_attribute"),
        fraction,
        st.sampled_from(ATTRIBUTE_SIZES),
        st.sampled_from([b"a", b"href", b"xml:base", b"xmlns", b"xmlns:x", b"type", b"rel", b"src"]),
    ),
    st.builds(
        Mutation,
        st.just("nest"),
        fraction,
        st.sampled_from(NEST_DEPTHS),
        st.sampled_from([b"div", b"b", b"item", b"entry", b"content", b"a"]),
    ),
    st.builds(
        Mutation,
        st.just("encoding"),
        fraction,
        st.integers(0, 20),
        st.sampled_from([b"", b"declare", b"strip"]),
        st.sampled_from(ENCODINGS),
    ),
    st.builds(Mutation, st.just("splice"), fraction, st.integers(0, 100)),
)


def random_mutation(rng: random.Random, *, deep: bool = False) -> Mutation:
    """The same space of mutations for seeded runs without hypothesis (bench/fuzz_feeds.py, the ingest test)."""
    kind, at = rng.choice(KINDS), rng.random()
    choose = rng.choice
    return {
        "flip": lambda: Mutation(kind, at, rng.randint(1, 255)),
        "truncate": lambda: Mutation(kind, at),
        "delete": lambda: Mutation(kind, at, rng.randint(1, 200)),
        "insert": lambda: Mutation(
            kind, at, rng.randint(1, 3), choose(SNIPPETS + [rng.randbytes(rng.randint(1, 40))])
        ),
        "entity": lambda: Mutation(kind, at, choose([1, 1, 1, 50, 5_000]), choose(ENTITIES)),
        "duplicate": lambda: Mutation(kind, at, choose(DEEP_COPIES if deep else COPIES)),
        "huge_attribute": lambda: Mutation(
            kind,
            at,
            choose(DEEP_ATTRIBUTE_SIZES if deep else ATTRIBUTE_SIZES),
            choose([b"a", b"href", b"xml:base", b"xmlns", b"type"]),
        ),
        "nest": lambda: Mutation(
            kind, at, choose(DEEP_NEST_DEPTHS if deep else NEST_DEPTHS), choose([b"div", b"b", b"item", b"a"])
        ),
        "encoding": lambda: Mutation(
            kind, at, rng.randint(0, 20), choose([b"", b"declare", b"strip"]), choose(ENCODINGS)
        ),
        "splice": lambda: Mutation(kind, at, rng.randint(0, 100)),
    }[kind]()


def mutate(seed: bytes, mutations: list[Mutation], max_size: int = MAX_SIZE) -> bytes:
    for m in mutations:
        seed = m.apply(seed, max_size)
    return seed


# ---------------------------------------------------------------- the check


class Overtime(BaseException):
    """Raised by hard_stop: a BaseException, so parse_feed's per-entry `except Exception` cannot swallow it."""


def hard_stop(seconds: float):
    """Overtime is a BaseException, so no `except Exception` in the code under test swallows it."""
    return within(seconds, Overtime)


def check_parse(data: bytes) -> tuple[str, float]:
    """(outcome, seconds): "parsed", "rejected", or "feedparser raised, rejected"; anything else raised is a finding.

    Seconds of this process's CPU, not of the wall: under the suite's two workers on a slow shared machine a
    105 kB mutant took 5.2 s of wall for a parse that takes ~1 s alone, and the budget is there for runaway
    (superlinear) parses, which CPU time shows as well."""
    started = time.process_time()
    with hard_stop(HARD_STOP):
        try:
            parsed = parse_feed(data, fetched_at=FETCHED_AT, base_url=BASE_URL)
        except FeedRejected as refusal:
            assert str(refusal)
            outcome = (
                "feedparser raised, rejected"
                if "feedparser could not read it" in str(refusal)
                else "rejected"
            )
        else:
            check_parsed(parsed)
            outcome = "parsed"
    return outcome, time.process_time() - started


def check_parsed(parsed: Any) -> None:
    assert isinstance(parsed, ParsedFeed) and isinstance(parsed.title, str)
    assert all(isinstance(problem, str) for problem in parsed.problems)
    for item in parsed.items:
        assert isinstance(item, FeedItem)
        assert item.published.tzinfo is not None and item.published.utcoffset() == dt.timedelta(0)
        for link in (item.link, parsed.link):
            assert link is None or re.match(r"https?://", link, re.IGNORECASE), link
        for text in (item.title, item.summary, item.content, item.author, *item.categories):
            assert isinstance(text, str) and len(text) <= 100_000
            assert not re.search(r"<(?:script|iframe|svg|img)\b", text, re.IGNORECASE), text[:200]


def fuzz_settings(n: int) -> settings:
    """Reproducible and bounded; no explain phase, which replays a slow failure dozens of times."""
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@fuzz_settings(600)
@given(seed=st.sampled_from(sorted(SEEDS)), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_feeds_parse_or_are_rejected_in_bounded_time(seed, mutations):
    data = mutate(SEEDS[seed], mutations)
    outcome, seconds = check_parse(data)
    event(outcome)
    event(f"mutation {mutations[0].kind}")
    assert seconds < PER_INPUT_BUDGET, (seed, mutations, f"{seconds:.2f} s", len(data))


@fuzz_settings(150)
@given(
    data=st.binary(max_size=3_000) | st.lists(st.sampled_from(SNIPPETS + ENTITIES), max_size=60).map(b"".join)
)
def test_documents_made_of_feed_fragments_parse_or_are_rejected(data):
    outcome, seconds = check_parse(data)
    event(outcome)
    assert seconds < PER_INPUT_BUDGET


@pytest.mark.parametrize("seed", sorted(SEEDS))
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_fixture_in_every_encoding(seed, encoding):
    for blob in (b"", b"declare", b"strip"):
        data = Mutation("encoding", 0.5, 1, blob, encoding).apply(SEEDS[seed])
        assert check_parse(data)[1] < PER_INPUT_BUDGET


CHARREFS = {
    "out of range": b"&#x110000;",
    "beyond a C int": b"&#99999999999999999999;",
    "surrogate": b"&#xD800;",
}


# BUG-5, fixed in a9955be: feedparser 6.0.14 raises instead of setting bozo on these (kurtmckee/feedparser
# #591, #599) and parse_feed let the exception through; it is FeedRejected now.
@pytest.mark.parametrize("reference", CHARREFS.values(), ids=CHARREFS.keys())
def test_bad_character_references_in_a_malformed_feed_are_rejected(reference):
    body = b'<rss version="2.0"><channel><title>t</title><item><title>SCO ' + reference + b"</title></item>"
    body += b"</channel></rss>&"  # not well-formed: feedparser's loose parser reads it
    assert check_parse(body)[0] == "feedparser raised, rejected"


GML = {
    "srsName that is no number": b'<georss:where><gml:Point srsName="EPSG:x"><gml:pos>1 2</gml:pos></gml:Point>'
    b"</georss:where>",
    "pos outside a where": b"<gml:pos>1 2</gml:pos>",
}


@pytest.mark.parametrize("gml", GML.values(), ids=GML.keys())
def test_odd_gml_in_a_well_formed_feed_is_rejected(gml):
    body = (
        b'<rss version="2.0" xmlns:georss="http://www.georss.org/georss" xmlns:gml="http://www.opengis.net/gml">'
        b"<channel><title>t</title><item><title>SCO</title>" + gml + b"</item></channel></rss>"
    )
    assert check_parse(body)[0] == "feedparser raised, rejected"


DEEP_MARKUP = {
    "nested div": "<div>" * 20_000 + "</div>" * 20_000,
    "self-closing div (still opens one)": "<div/>" * 20_000,  # took 1.4 s past the first fix (review)
    "div and a stray closer": "<div></x>" * 20_000,  # 1.5 s: a closer of nothing open closes nothing
    "div and a closer inside a script": "<div><script></div></script>" * 20_000,
    # Found in a second review of a parser-imitating cap, all fast now that nh3 reads 1,000 tags at a time:
    "a control character in the tag name": "<d\x01iv></d>" * 20_000,
    "a dot in a stray tag name": "<x.y></x>" * 20_000,
    "a closer that cannot close a div": "<x><div></x>" * 20_000,
    "a comment that looks like a script": "<!-- <script> -->" + "<div>" * 20_000,
}


def _parse_cpu_seconds(markup: str) -> float:
    """CPU time to parse a one-item feed carrying `markup` in its description (CPU, not wall: other load adds none)."""
    from xml.sax.saxutils import escape

    body = (
        f'<rss version="2.0"><channel><title>t</title><item><title>SCO</title><description>{escape(markup)}'
        "</description></item></channel></rss>"
    )
    started = time.process_time()
    with hard_stop(HARD_STOP):
        parse_feed(body.encode(), fetched_at=FETCHED_AT)
    return time.process_time() - started


@pytest.mark.parametrize("markup", DEEP_MARKUP.values(), ids=DEEP_MARKUP.keys())
def test_bug8_deeply_nested_markup_in_a_field_parses_within_budget(markup):
    """BUG-8, fixed: it took 1.4 s; nh3 now reads at most TAGS_PER_CLEAN tags at a time, so nothing nests deeper.

    Measured against flat markup of the same length in the same run: nested now costs
    0.8-2.2x flat, the bug cost over 20x. (A fixed 0.5 s budget failed under CI-like load.)
    """
    flat = "<p>word</p> " * (len(markup) // 12)
    assert _parse_cpu_seconds(markup) < 4 * _parse_cpu_seconds(flat) + 0.05


def test_bug9_a_long_xml_base_is_refused_or_parsed_within_budget():
    """With a short xml:base this document parses in about 0.15 s; the long one took 1.7 s (over 10x)."""

    def parse_cpu_seconds(base: str) -> float:
        items = "<item><title>SCO summit</title><link>story</link></item>" * 1_000
        body = (
            f'<rss version="2.0"><channel xml:base="{base}"><title>t</title>{items}</channel></rss>'.encode()
        )
        started = time.process_time()
        with hard_stop(HARD_STOP):
            try:
                parse_feed(body, fetched_at=FETCHED_AT)
            except FeedRejected:
                pass
        return time.process_time() - started

    short = parse_cpu_seconds("http://example.org/")
    assert parse_cpu_seconds("http://example.org/" + "a" * 500_000) < 3 * short + 0.05


ODD_DOCUMENTS = {
    "non-ASCII encoding name": b'<?xml version="1.0" encoding="utf-\xe9"?><rss version="2.0"><channel><title>t'
    b"</title></channel></rss>",
    "link closed after its item": b'<rss version="2.0"><channel><item><title>SCO</title><link>http://e.org/</item>'
    b"</link></channel></rss>",
    "category closed after its item": b'<rss version="2.0"><channel><item><title>SCO</title><category>x</item>'
    b"</category></channel></rss>",
}


@pytest.mark.parametrize("body", ODD_DOCUMENTS.values(), ids=ODD_DOCUMENTS.keys())
def test_odd_documents_feedparser_raises_on_are_rejected(body):
    assert check_parse(body)[0] == "feedparser raised, rejected"


# ---------------------------------------------------------------- the whole ingest on mutated feeds

INGEST_SEED = 8
INGEST_FEEDS = 24


def mutated_corpus(count: int, seed: int) -> list[tuple[str, list[Mutation], bytes]]:
    rng = random.Random(seed)
    names = [n for n in sorted(SEEDS) if n.startswith("ingest/")] * 2 + sorted(SEEDS)
    corpus = []
    for _ in range(count):
        name = rng.choice(names)
        mutations = [random_mutation(rng) for _ in range(rng.randint(1, 3))]
        corpus.append((name, mutations, mutate(SEEDS[name], mutations)))
    return corpus


def test_a_poll_of_a_feed_feedparser_chokes_on_records_a_failed_poll(tmp_path):
    """BUG-5: the exception escaped Ingestor.poll (no FeedPolled, no backoff, `timeline ingest` stopped)."""
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), FixedClock(FETCHED_AT)))
    with FeedServer() as server:
        server.routes["/odd"] = Route(body=ODD_DOCUMENTS["category closed after its item"])
        config = config_from_mapping(
            {
                "database": {"path": str(tmp_path / "t.db")},
                "feeds": [{"name": "odd", "url": server.url("/odd")}],
            }
        )
        ingestor = Ingestor(
            timeline, config, Fetcher(FetchLimits(timeout_seconds=5)), clock=FixedClock(FETCHED_AT)
        )
        try:
            report = ingestor.poll(config.feeds[0])
        finally:
            polls = [e.payload for e in timeline.store.read() if e.type == "FeedPolled"]
            timeline.close()
    assert report.errors and len(polls) == 1 and polls[0]["ok"] is False


def test_ingest_survives_mutated_feeds_and_the_log_stays_valid(tmp_path):
    path = tmp_path / "t.db"
    timeline = Timeline(EventStore(connect(path), FixedClock(FETCHED_AT)))
    corpus = mutated_corpus(INGEST_FEEDS, INGEST_SEED)
    with FeedServer() as server:
        feeds = []
        for number, (_, _, body) in enumerate(corpus):
            server.routes[f"/f{number}"] = Route(body=body, content_type="application/xml")
            feeds.append({"name": f"f{number}", "url": server.url(f"/f{number}")})
        # One feed that is fine first, then comes back mutated: the update path meets hostile bytes too.
        server.routes["/steady"] = [Route(body=SEEDS["ingest/sco_news.rss"])] + [
            Route(body=body) for _, _, body in mutated_corpus(4, INGEST_SEED + 1)
        ]
        feeds.append({"name": "steady", "url": server.url("/steady")})
        config = config_from_mapping(
            {
                "database": {"path": str(path)},
                "ingest": {"timeout_seconds": 5},
                "feeds": feeds,
                "server": {"base_url": "http://testserver/"},
            }
        )
        ingestor = Ingestor(
            timeline, config, Fetcher(FetchLimits(timeout_seconds=5)), clock=FixedClock(FETCHED_AT)
        )
        reports = [ingestor.poll(feed) for feed in config.feeds]
        reports += [ingestor.poll(config.feeds[-1]) for _ in range(4)]
    assert all(isinstance(error, str) for report in reports for error in report.errors)
    assert sum(report.kept for report in reports) > 0  # some mutants still carry SCO news
    assert verify(timeline.store) == []
    client = create_app(config).test_client()
    for page in ("/", "/?order=asc&show=retracted", "/api/events?limit=200", "/feed.atom", "/healthz"):
        assert client.get(page).status_code == 200, page
    for (fact_id,) in timeline.conn.execute("SELECT fact_id FROM facts"):
        assert client.get(f"/events/{fact_id}").status_code == 200
    timeline.close()
