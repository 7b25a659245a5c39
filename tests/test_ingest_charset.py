"""The charset of the HTTP Content-Type header, honoured as RFC 7303 says, against a real feed server.

Precedence (RFC 7303 section 3, the order feedparser applies once it is given
the response's headers): a byte order mark, then the header's charset (for
text/xml as for application/xml: RFC 7303 made them aliases), then the XML
declaration. Before, the header was never passed on: a cp1251 feed whose
charset was only in the header came out as mojibake (issue 15).
"""

from __future__ import annotations

import codecs

import pytest

from events.log.clock import FixedClock
from events.log.store import EventStore, connect
from events.service import Timeline
from tests.feed_server import FeedServer, Route
from tests.test_ingest import NOW, events_of, ingestor, make_config

TITLE = "SCO: министры иностранных дел ШОС встретились в Астане"


def rss(declaration: str = '<?xml version="1.0"?>') -> str:
    return (
        f'{declaration}\n<rss version="2.0"><channel><title>Вестник</title><link>http://vestnik.example/</link>'
        f"<item><title>{TITLE}</title><link>http://vestnik.example/news/1</link>"
        "<pubDate>Thu, 23 May 2024 09:15:00 GMT</pubDate>"
        "<description>Министры ШОС встретились в Астане во вторник.</description>"
        "<category>SCO</category></item></channel></rss>"
    )


def cp1251(declaration: str = '<?xml version="1.0"?>') -> bytes:
    return rss(declaration).encode("cp1251")


def decl(encoding: str) -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>'


def poll(tmp_path, body: bytes, content_type: str):
    clock = FixedClock(NOW)
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), clock))
    with FeedServer() as server:
        server.routes["/rss"] = Route(body=body, content_type=content_type)
        config = make_config(tmp_path / "t.db", server, {"vestnik": "/rss"})
        report = ingestor(timeline, config, clock).poll(config.feeds[0])
    titles = [e.payload["title"] for e in events_of(timeline, "ArticleIngested")]
    timeline.close()
    return report, titles


RULES = {
    # the header's charset alone: the one the issue found
    "header charset only": (cp1251(), "application/rss+xml; charset=windows-1251"),
    # application/xml: the header beats a wrong XML declaration
    "application/xml: header over declaration": (
        cp1251(decl("utf-8")),
        "application/xml; charset=windows-1251",
    ),
    # text/xml too (RFC 3023 differed for text/xml; RFC 7303 made it an alias of application/xml)
    "text/xml: header over declaration": (cp1251(decl("koi8-r")), "text/xml; charset=windows-1251"),
    # no charset in the header: the declaration decides, for text/xml too (not RFC 3023's US-ASCII)
    "text/xml without charset: declaration": (cp1251(decl("windows-1251")), "text/xml"),
    "application/xml without charset: declaration": (cp1251(decl("windows-1251")), "application/xml"),
    # a byte order mark beats the header
    "UTF-16 BOM over header": (
        codecs.BOM_UTF16_LE + rss(decl("utf-16")).encode("utf-16-le"),
        "application/rss+xml; charset=windows-1251",
    ),
    "UTF-8 BOM over header": (codecs.BOM_UTF8 + rss().encode(), "text/xml; charset=windows-1251"),
    # a feed served as a non-XML type still has its charset honoured
    "text/html with charset": (cp1251(), "text/html; charset=windows-1251"),
    # a charset nobody knows counts as absent
    "unknown header charset: declaration": (cp1251(decl("windows-1251")), "text/xml; charset=x-no-such"),
}


@pytest.mark.parametrize("rule", RULES)
def test_each_charset_rule(rule, tmp_path):
    body, content_type = RULES[rule]
    report, titles = poll(tmp_path, body, content_type)
    assert report.errors == [] and titles == [TITLE]
    assert not [p for p in report.problems if "encoding" in p or "declared as" in p]


def test_a_header_charset_cannot_hide_an_entity_declaration(tmp_path):
    """utf-7 named only in the header: the hostile-document check reads the bytes that way too."""
    body = (
        b'<?xml version="1.0"?>\n+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY a +ACI-x+ACI-+AD4-+AF0-+AD4-'
        b"+ADw-rss version=+ACI-2.0+ACI-+AD4-+ADw-channel+AD4-+ADw-title+AD4-+ACY-a+ADs-+ADw-/title+AD4-"
        b"+ADw-/channel+AD4-+ADw-/rss+AD4-"
    )
    report, titles = poll(tmp_path, body, "application/rss+xml; charset=utf-7")
    assert titles == [] and len(report.errors) == 1
    assert report.errors[0].startswith("feed rejected: document declares XML entities")
