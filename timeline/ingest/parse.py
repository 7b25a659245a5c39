"""The one place feedparser is called: fetched bytes in, plain-text items out, documents that would make it blow up refused."""

from __future__ import annotations

import calendar
import codecs
import email.message
import email.utils
import html
import io
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import feedparser
import nh3


@dataclass(frozen=True)
class FeedItem:
    guid: str | None
    link: str | None
    title: str
    summary: str
    content: str
    categories: tuple[str, ...]
    published: datetime
    date_from_feed: bool
    author: str
    published_day: date | None = None  # the day in the publisher's own time zone (see _publisher_day)

    @property
    def day(self) -> date:
        """The day the publisher dated it: "today" in a 07:00 +08:00 article is that day, not UTC's day before."""
        return self.published_day or self.published.date()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str | None
    items: tuple[FeedItem, ...]
    problems: tuple[str, ...]


class FeedRejected(Exception):
    """The document is not a feed, or is one we refuse to hand to feedparser."""


def parse_feed(
    data: bytes,
    *,
    fetched_at: datetime,
    base_url: str = "",
    max_field_chars: int = 100_000,
    guid_base: str | None = None,
    content_type: str | None = None,
) -> ParsedFeed:
    """Parse bytes someone else fetched; never touches the network or the file system.

    content_type is the response's Content-Type header: its charset counts as
    RFC 7303 says (see _charset). Ignored, a cp1251 feed whose charset was only
    in the header came out as mojibake (issue 15).

    base_url is where the bytes came from (after redirects), for links; guid_base
    the feed's own address, for ids without a scheme ("ew-1001"): resolved
    against where a redirect led, an article's id changed when its feed moved
    or was mirrored, and its later corrections were never applied (found in
    review). It defaults to base_url.
    """
    if fetched_at.tzinfo is None or fetched_at.utcoffset() is None:
        raise ValueError("fetched_at must be timezone-aware")
    if max_field_chars < 1:
        raise ValueError("max_field_chars must be positive")
    charset = _charset(data, content_type)
    refuse_hostile(data, charset)
    try:
        result = feedparser.parse(
            io.BytesIO(data),  # bytes alone would be tried as a file name first
            sanitize_html=False,
            resolve_relative_uris=False,
            response_headers=_response_headers(content_type, charset),
        )
    except Exception as error:  # feedparser raises on some malformed input instead of setting bozo
        raise FeedRejected(
            f"feedparser could not read it: {type(error).__name__}: {str(error)[:200]}"
        ) from None
    line_offset = _line_offset(data)
    _refuse_non_feed(result, line_offset)
    limits = _Limits(max_field_chars, fetched_at.astimezone(UTC))
    safe_base = _safe_link(base_url, "") or ""
    feed_link = _short_enough(_safe_link(result.feed.get("link"), safe_base), max_field_chars)
    guid_base = _safe_link(guid_base, "") or safe_base if guid_base is not None else safe_base
    items, problems = _convert_entries(result.entries, safe_base or feed_link or "", limits, guid_base)
    return ParsedFeed(
        title=plain_text(result.feed.get("title", ""), max_field_chars),
        link=feed_link,
        items=tuple(items),
        problems=tuple(_bozo_problems(result, len(items), line_offset) + problems),
    )


# --- refusing documents before feedparser sees them -------------------------

# Beyond this many e-mail-like characters in a row, feedparser's author regex
# (quadratic, feedparser issue #562) costs more than parsing the whole feed.
MAX_AUTHOR_TOKEN = 64

_ENTITY_DECL = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_DECL_STOP = re.compile(r"[\"'\[>]")
_AUTHOR_NAMES = r"(?:[A-Za-z_][\w.-]*:)?(?:author|creator|publisher|managingeditor|webmaster|owner)"
_AUTHOR_START = re.compile(r"<" + _AUTHOR_NAMES + r"(?=[\s/>])", re.IGNORECASE)
_AUTHOR_MARKUP = re.compile(r"<!\[CDATA\[|<!--|</" + _AUTHOR_NAMES + r"\s*>|<", re.IGNORECASE)
_LONG_TOKEN = re.compile(r"[A-Za-z0-9_.+-]{%d,}" % (MAX_AUTHOR_TOKEN + 1))
# ASCII only, like feedparser's own pre-pass ('<' + bytes \w), so this never stops earlier than it.
_ROOT_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_WIDE_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


MAX_XML_BASE = 2_000
_LONG_XML_BASE = re.compile(
    r"""xml:base\s*=\s*(?:"[^"]{%d,}|'[^']{%d,})""" % (MAX_XML_BASE + 1, MAX_XML_BASE + 1)
)


def refuse_hostile(data: bytes, charset: str | None = None) -> None:
    """Raise FeedRejected for entity declarations and for author fields feedparser chokes on.

    charset is the one feedparser is told (from the HTTP header): it is read that way too, or a
    header saying utf-7 would hide an entity declaration from every other reading.
    """
    for text in _lenient_decodings(data, charset):
        if _ENTITY_DECL.search(text, 0, _prolog_end(_Finder(text))):
            raise FeedRejected(
                "document declares XML entities (<!ENTITY> in its DOCTYPE); "
                "refused because feedparser would expand them without limit"
            )
        if _LONG_XML_BASE.search(text):
            raise FeedRejected(
                f"an xml:base is longer than {MAX_XML_BASE} characters; refused because feedparser "
                "rejoins it at every element"
            )
        token = _long_author_token(_Finder(text))
        if token:
            raise FeedRejected(
                f"an author field holds a {len(token)}-character unbroken token; refused because "
                f"feedparser's e-mail regex is quadratic on it (limit {MAX_AUTHOR_TOKEN})"
            )


def _sniffed_encoding(data: bytes) -> str | None:
    """The encoding a BOM or the zero bytes around the first '<' reveal (XML spec appendix F)."""
    boms = (
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<", "utf-16-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x4c\x6f\xa7\x94", "cp037"),
    )
    return next((encoding for mark, encoding in boms if data.startswith(mark)), None)


def _lenient_decodings(data: bytes, charset: str | None = None) -> list[str]:
    """Every reading of data a parser might use: sniffed, declared (even UTF-7), given by the HTTP
    header, and byte-per-char."""
    sniffed = _sniffed_encoding(data)
    texts = [data.decode(sniffed, "replace")] if sniffed else []
    if sniffed in (None, "utf-8"):
        texts.append(data.decode("latin-1"))
    if b"\x00" in data[:1024]:  # UTF-16/32 without a usable BOM, which an encoding guesser may still find
        texts += [data.decode(wide, "replace") for wide in _WIDE_ENCODINGS if wide != sniffed]
    declared = _XML_ENCODING.match(texts[0][:1000].lstrip("\ufeff"))
    for encoding in {declared.group(1) if declared else None, charset} - {None, sniffed}:
        try:
            texts.append(data.decode(encoding, "replace"))
        except (LookupError, UnicodeError, ValueError):
            pass  # feedparser falls back to other encodings, all read above
    return texts


class _Finder:
    """str.find that remembers its last answer per needle, so scanners that keep looking for
    an absent or distant closer ('-->', '>') from ever later positions stay linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._last: dict[str, tuple[int, int]] = {}

    def find(self, needle: str, start: int) -> int:
        searched_from, found = self._last.get(needle, (len(self.text) + 1, -1))
        if searched_from <= start and (found == -1 or found >= start):
            return found
        found = self.text.find(needle, start)
        self._last[needle] = (start, found)
        return found


def _after(finder: _Finder, closer: str, start: int) -> int:
    """Just past the next closer, or start itself when there is none (scan on, skip nothing)."""
    end = finder.find(closer, start)
    return start if end == -1 else end + len(closer)


def _prolog_end(finder: _Finder) -> int:
    """Where the root element starts, skipping comments, PIs and quoted DOCTYPE literals.

    Unterminated constructs are scanned through, never skipped, so nothing hides in them.
    feedparser's own loose pre-pass stops at the first '<' + word character, never later than this.
    """
    text, pos = finder.text, 0
    while (lt := text.find("<", pos)) != -1:
        if text.startswith("<!--", lt):
            pos = _after(finder, "-->", lt + 4)
        elif text.startswith("<?", lt):
            pos = _after(finder, "?>", lt + 2)
        elif text.startswith("<!", lt):
            pos = _after_declaration_head(finder, lt + 2)
        elif text[lt + 1 : lt + 2] in _ROOT_START:
            return lt
        else:
            pos = lt + 1
    return len(text)


def _after_declaration_head(finder: _Finder, pos: int) -> int:
    """Skip a <!DOCTYPE ...> or <!ENTITY ...> up to its '>' or its internal subset's '['."""
    while match := _DECL_STOP.search(finder.text, pos):
        char = match.group()
        if char in "\"'":
            pos = _after(finder, char, match.end())
        else:
            return match.end()
    return len(finder.text)


def _long_author_token(finder: _Finder) -> str | None:
    """The first overlong e-mail-like token in any author-ish element's text."""
    text, pos = finder.text, 0
    while start := _AUTHOR_START.search(text, pos):
        pos = _after(finder, ">", start.end())
        if text[pos - 2 : pos] == "/>":
            continue
        body, pos = _element_text(finder, pos)
        token = _LONG_TOKEN.search(html.unescape(body))
        if token:
            return token.group()
    return None


def _element_text(finder: _Finder, pos: int) -> tuple[str, int]:
    """Character data up to the next author-ish end tag, joined the way feedparser joins it.

    Tags are dropped without a space (longer runs, so the check errs on the safe side);
    CDATA is kept; an end tag inside CDATA or a comment does not end the element.
    """
    text, pieces = finder.text, []
    while match := _AUTHOR_MARKUP.search(text, pos):
        pieces.append(text[pos : match.start()])
        token = match.group()
        if token == "<![CDATA[":
            end = finder.find("]]>", match.end())
            end = len(text) if end == -1 else end
            pieces.append(text[match.end() : end])
            pos = end + 3
        elif token == "<!--":
            pos = _after(finder, "-->", match.end())
        elif token.startswith("</"):
            return "".join(pieces), match.end()
        else:
            pos = _after(finder, ">", match.end())
    pieces.append(text[pos:])
    return "".join(pieces), len(text)


# --- calling feedparser ------------------------------------------------------


_BOMS = {codecs.BOM_UTF32_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF8, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE}


def _charset(data: bytes, content_type: str | None) -> str | None:
    """The charset feedparser is told, in RFC 7303's order (section 3): a byte order mark, else the
    header's charset parameter (for text/xml as for application/xml, which RFC 7303 made aliases),
    else none, and the XML declaration decides; a UTF-16/32 document with neither shows by its zero
    bytes. A charset Python does not know is left out, as if absent."""
    sniffed = _sniffed_encoding(data)
    if sniffed and any(data.startswith(bom) for bom in _BOMS):
        return sniffed
    declared = _header_charset(content_type)
    if declared:
        return declared
    return sniffed if sniffed != "cp037" else None


def _header_charset(content_type: str | None) -> str | None:
    message = email.message.Message()
    message["content-type"] = content_type or ""
    charset = message.get_param("charset")
    if not isinstance(charset, str) or not charset.strip():
        return None
    try:
        return codecs.lookup(charset.strip()).name
    except LookupError:
        return None


def _response_headers(content_type: str | None, charset: str | None) -> dict[str, str]:
    """Headers for feedparser: the response's XML media type (text/ ones as their application/
    alias, RFC 7303 section 9.2), or application/xml for any other type, else feedparser flags every
    feed served as text/html or octet-stream and reads a text/xml one without charset as US-ASCII.

    Only Content-Type: given content-location, feedparser joins it at every element (a third
    of parse time); _safe_link resolves the few links we keep against the base instead.
    """
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in ("text/xml", "application/xml") or media_type.endswith("+xml"):
        media_type = "application/" + media_type.partition("/")[2]
    else:
        media_type = "application/xml"
    return {"content-type": media_type + (f"; charset={charset}" if charset else "")}


def _line_offset(data: bytes) -> int:
    """feedparser prepends an XML declaration line when there is none, shifting error lines."""
    text = _lenient_decodings(data[:200])[0].lstrip("\ufeff")
    return 0 if text.startswith("<?xml") else 1


def _refuse_non_feed(result: Any, line_offset: int) -> None:
    """No entries and no recognised feed format means the bytes were not a feed."""
    if result.entries or result.get("version"):
        return
    if result.get("bozo"):
        raise FeedRejected(f"not a feed: {_describe(result.get('bozo_exception'), line_offset)}")
    raise FeedRejected(
        "not a feed: empty document" if not result.get("feed") else "not a feed: no RSS or Atom elements"
    )


def _describe(error: Any, line_offset: int = 0) -> str:
    if hasattr(error, "getLineNumber") and hasattr(error, "getMessage"):
        return f"line {error.getLineNumber() - line_offset}: {error.getMessage()}"
    return f"{type(error).__name__}: {error}"


def _bozo_problems(result: Any, kept: int, line_offset: int) -> list[str]:
    if not result.get("bozo"):
        return []
    error = result.get("bozo_exception")
    if hasattr(error, "getLineNumber"):
        return [f"feed is not well-formed XML ({_describe(error, line_offset)}); kept {kept} entries"]
    return [f"feedparser reported {_describe(error)}; kept {kept} entries"]


# --- converting entries ------------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    max_chars: int
    fetched_at: datetime


# FeedParserDict.get goes through a key-aliasing __getitem__ (~0.4 us a call). The keys read
# with _get are neither in its keymap nor special-cased there, so dict.get answers the same.
_get = dict.get


def _convert_entries(
    entries: Iterable[Any], base: str, limits: _Limits, feed_url: str
) -> tuple[list[FeedItem], list[str]]:
    items, problems = [], []
    for number, entry in enumerate(entries, start=1):
        try:
            item, notes = _convert_entry(entry, base, limits, feed_url)
        except Exception as error:  # one odd entry must not lose the rest of the feed
            item, notes = None, [f"skipped: {type(error).__name__}: {error}"]
        problems.extend(f"entry {number}: {note}" for note in notes)
        if item:
            items.append(item)
    return items, problems


def _guid(entry: Any, feed_url: str) -> str:
    """The entry's id, absolute: one without a scheme ("12345", "/2024/story") is resolved against the feed URL.

    A bare "12345" from two sites names two articles, so it must not be one
    dedup key; feedparser did this for permalink guids while it had the base,
    and now it is done for every id, whatever the order of link and guid.
    """
    raw = _get(entry, "id") or ""
    if not raw or not feed_url:  # resolved against the URL polled, never a URL the feed names itself
        return raw
    try:
        return raw if _has_scheme(raw) else urllib.parse.urljoin(feed_url, raw)
    except ValueError:  # e.g. an invalid IPv6 host in the id
        return raw


def _has_scheme(raw: str) -> bool:
    """Without a ':' there is no scheme, so urlsplit (~2 us) is skipped.

    Its ValueError is not lost: urljoin splits the same string and raises the same.
    """
    return ":" in raw and bool(urllib.parse.urlsplit(raw).scheme)


def _convert_entry(
    entry: Any, base: str, limits: _Limits, feed_url: str
) -> tuple[FeedItem | None, list[str]]:
    notes: list[str] = []
    cap = limits.max_chars
    title = plain_text(_get(entry, "title", ""), cap)
    guid = _fits(_tidy(_guid(entry, feed_url)), cap)
    link = _entry_link(_get(entry, "link"), base, cap, notes)
    if not (title or link or guid):
        return None, ["skipped: no title, link or guid"]
    published, day = _published(entry, limits.fetched_at, notes)
    return (
        FeedItem(
            guid=guid,
            link=link,
            title=title,
            summary=plain_text(_get(entry, "summary", ""), cap, paragraphs=True),
            content=plain_text(
                "\n".join(c.get("value", "") for c in _get(entry, "content", ())), cap, paragraphs=True
            ),
            categories=_categories(_get(entry, "tags", ()), cap),
            published=published,
            date_from_feed=day is not None,
            author=plain_text(
                (_get(entry, "author_detail") or {}).get("name") or _get(entry, "author", ""), cap
            ),
            published_day=day,
        ),
        notes,
    )


def _fits(value: str | None, cap: int) -> str | None:
    return value[:cap] if value else None


def _entry_link(raw: str | None, base: str, cap: int, notes: list[str]) -> str | None:
    link = _safe_link(raw, base)
    if raw and raw.strip() and not link:
        notes.append(_why_link_dropped(raw))
    if link and not _short_enough(link, cap):
        notes.append(f"dropped link longer than {cap} characters")
    return _short_enough(link, cap)


def _short_enough(link: str | None, cap: int) -> str | None:
    """A cut URL points somewhere else, so an overlong one is dropped, not truncated."""
    return link if link and len(link) <= cap else None


def _why_link_dropped(raw: str) -> str:
    """Name the scheme, never echo the URL: problems are shown to people too."""
    decoded = re.sub(r"[\x00-\x20]", "", html.unescape(raw))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]{0,20}):", decoded)
    if scheme and scheme.group(1).lower() in _SAFE_SCHEMES:
        return f"dropped malformed {scheme.group(1).lower()} link"  # e.g. no host, or a broken IPv6 address
    if scheme:
        return f"dropped link with scheme {scheme.group(1).lower()!r}"
    return "dropped relative link: no base URL to resolve it against"


def _categories(tags: Iterable[Any], cap: int) -> tuple[str, ...]:
    labels = (plain_text(tag.get("term") or tag.get("label") or "", cap) for tag in tags)
    return tuple(dict.fromkeys(label for label in labels if label))


def _published(entry: Any, fetched_at: datetime, notes: list[str]) -> tuple[datetime, date | None]:
    """The entry's own date in UTC and its publisher's day; else the fetch time and no day (undated).

    dict.get skips FeedParserDict's deprecated updated->published aliasing and its warning.
    """
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    raw = dict.get(entry, "published") or dict.get(entry, "updated")
    if parsed:
        try:
            moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            return moment, _publisher_day(raw, moment)
        except (OverflowError, ValueError, OSError):
            notes.append("date out of range; used fetch time")
    elif raw:
        notes.append(f"unparsable date {plain_text(raw, 80)!r}; used fetch time")
    return fetched_at, None


_ISO_OFFSET = re.compile(r"(?:[Zz]|(?P<sign>[+-])(?P<hours>\d\d):?(?P<minutes>\d\d))\s*$")


def _publisher_day(raw: Any, utc: datetime) -> date:
    """The day of the item's own date in the time zone it was written in; the UTC day when it names none.

    feedparser gives the moment in UTC, which is right for the moment, but
    "today" or "on Wednesday" in an article dated Thu 07:00 +0800 (Xinhua,
    TASS, Kazakh outlets publish ahead of UTC) counts from Thursday, not from
    UTC's Wednesday: facts were dated a day early (found in review).
    """
    offset = _utc_offset(raw) if isinstance(raw, str) else None
    return (utc + offset).date() if offset is not None else utc.date()


def _utc_offset(raw: str) -> timedelta | None:
    parsed = email.utils.parsedate_tz(raw)  # RFC 822: "Thu, 04 Jul 2024 07:00:00 +0800", GMT, EST...
    if parsed is not None and parsed[9] is not None and abs(parsed[9]) < 86_400:
        return timedelta(seconds=parsed[9])
    match = (
        _ISO_OFFSET.search(raw[:80]) if "T" in raw or ":" in raw else None
    )  # W3C / Atom: ...T07:00:00+08:00
    if match is None:
        return None
    if not match["sign"]:
        return timedelta(0)
    minutes = int(match["hours"]) * 60 + int(match["minutes"])
    return timedelta(minutes=minutes if match["sign"] == "+" else -minutes) if minutes < 24 * 60 else None


# --- text and links ----------------------------------------------------------

# Elements whose content is code or hidden, not prose: dropped with their content.
_DROP_WITH_CONTENT = {
    "script",
    "style",
    "noscript",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "template",
    "title",
    "plaintext",
    "svg",
    "form",
}
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|blockquote|pre|section|"
    r"article|header|footer|figure|figcaption|aside|nav)\b)",
    re.IGNORECASE,
)
# Control characters, lone surrogates and bidi overrides/isolates (which flip the text around them).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_TAG_LIKE = re.compile(r"<[A-Za-z/!?][^<>]*>?")
# Text without these comes out of nh3 and html.unescape as it went in, up to what _tidy does
# anyway (html5ever turns \r into \n; NUL is _INVISIBLE): checked for every code point.
# html5ever also drops a leading U+FEFF as a byte order mark, so text with one goes the long way.
_NEEDS_PARSING = re.compile("[<&\ufeff]")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_MAX_UNESCAPE_ROUNDS = 4
_SAFE_SCHEMES = ("http", "https")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def plain_text(markup: str, max_chars: int = 100_000, paragraphs: bool = False) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed.

    paragraphs: each paragraph (block element, or line of plain text) on a line of its own, as an
    article's body is read: a byline or a caption that was a paragraph of its own stays apart from
    the sentence after it. One decode is not always enough: feedparser's loose parser leaves some
    fields (author, category) entity-encoded, so decoding once can surface '<script>'. Strip again
    while tag-like text remains; escaped markup in prose ('the &lt;title&gt; element') is the price.
    """
    text = markup or ""
    if not _NEEDS_PARSING.search(text):  # most titles and many summaries: nh3 costs ~7 us a call
        return (_tidy_lines if paragraphs else _tidy)(text)[:max_chars]
    for round_ in range(_MAX_UNESCAPE_ROUNDS):
        text = _strip_tags_once(text, paragraphs, source=round_ == 0)
        if not _TAG_LIKE.search(text):
            break
    return _TAG_LIKE.sub("", text)[:max_chars]


def _strip_tags_once(markup: str, paragraphs: bool = False, source: bool = True) -> str:
    """Block tags become spaces (or line breaks, for paragraphs) first so paragraphs do not run together.

    source: the markup as the feed gave it, whose line breaks are spaces; after a first round (markup
    escaped twice, such as a '&amp;lt;b&amp;gt;' in an entry) the line breaks are the paragraphs that
    round found, and stay.
    """
    markup = _INVISIBLE.sub("", markup)
    if paragraphs:  # a line break in HTML source is a space; its block elements make the lines
        spaced = _BLOCK_TAG.sub("\n<", _TAB_OR_NEWLINE.sub(" ", markup) if source else markup)
    else:
        spaced = _BLOCK_TAG.sub(" <", markup)
    cleaned = _clean(spaced)
    return (_tidy_lines if paragraphs else _tidy)(html.unescape(cleaned))


# nh3's parser (html5ever) is quadratic in the nesting depth of block elements:
# 20,000 nested <div> take 1 s, 5,000 take 0.03 s, 1,000 take 0.002 s (BUG-8).
# Markup cannot nest deeper than it has tags, so nh3 reads at most this many
# at a time. Imitating the parser's idea of depth instead was bypassed in
# review in half a dozen ways (tag names, implicit closing, raw text...).
TAGS_PER_CLEAN = 1_000


# nh3 with every tag dropped, its settings built once: nh3.clean rebuilds ammonia's
# settings at every call, and a reusable Cleaner (nh3 >= 0.3) saves ~4 us a call.
_strip_all_tags = nh3.Cleaner(tags=set(), clean_content_tags=_DROP_WITH_CONTENT).clean


def _clean(markup: str) -> str:
    """nh3 with every tag dropped, in pieces of at most TAGS_PER_CLEAN tags.

    Markup with fewer tags is cleaned whole, as it always was. Beyond that, the
    pieces are cut just before a '<' and cleaned apart: text is never lost, and
    only an element that straddles a cut (a script, a comment) can lose its
    meaning there, which for plain text costs a few stray words at worst.
    """
    if markup.count("<") <= TAGS_PER_CLEAN:
        return _strip_all_tags(markup)
    return "".join(_strip_all_tags(markup[low:high]) for low, high in _pieces(markup, TAGS_PER_CLEAN))


def _pieces(markup: str, tags: int) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive pieces of the markup, cut just before a "<", each with about that many tags."""
    low = 0
    while low < len(markup):
        high = low
        for _ in range(tags):
            high = markup.find("<", high + 1)
            if high < 0:
                high = len(markup)
                break
        yield low, high
        low = high


def _tidy(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


def _tidy_lines(text: str) -> str:
    """_tidy for each line, without the empty ones."""
    lines = (" ".join(line.split()) for line in _INVISIBLE.sub("", text.replace("\r", "\n")).split("\n"))
    return "\n".join(line for line in lines if line)


def _safe_link(raw: str | None, base: str) -> str | None:
    """An absolute http(s) URL, or None.

    Safety is judged on the entity-decoded form ('jav&#x09;ascript:' is javascript:), but the
    URL is kept undecoded: decoding again would turn a query like '&region=' into '®ion='.
    Without a '&' both forms are the same, so the URL is parsed once.
    """
    if not raw or ("&" in raw and not _http_url(html.unescape(raw), base)):
        return None
    return _http_url(raw, base)


def _http_url(text: str, base: str) -> str | None:
    text = _TAB_OR_NEWLINE.sub("", text).strip(_C0_AND_SPACE)  # as browsers do before parsing
    if _INVISIBLE.search(text):
        return None
    try:  # both raise ValueError on a malformed IPv6 host ('http://[x'): not a link we can keep
        url = urllib.parse.urljoin(base, text.replace(" ", "%20"))
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.hostname:
        return None
    return url
