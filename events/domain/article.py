"""Articles from source feeds as events: dedupe keys, payloads, stream ids."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol

from events.domain.event_types import BOOL, STR, EventType
from events.log.model import NewEvent

ARTICLE_INGESTED = "ArticleIngested"
ARTICLE_UPDATED = "ArticleUpdated"
ARTICLE_RELEVANCE_CHANGED = "ArticleRelevanceChanged"
MAX_TEXT = 100_000


class ArticleLike(Protocol):
    guid: str | None
    link: str | None
    title: str
    summary: str
    content: str
    categories: Sequence[str]


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def article_key(item: ArticleLike, published_iso: str | None) -> str:
    """GUID, else link, else a hash of title and publication date (miniflux's rule).

    published_iso is None when the feed gave no date: the item is stored at the
    fetch time, which changes at every poll, so the hash takes its text instead
    (with the fetch time it was recorded again at every poll: found in review).
    """
    if item.guid:
        return f"guid:{item.guid.strip()}"
    if item.link:
        return f"link:{item.link.strip()}"
    if published_iso is None:
        return f"hash:{_sha(item.title, 'text', _one_line(article_text(item)))}"
    return f"hash:{_sha(item.title, published_iso)}"


def article_stream(key: str) -> str:
    return f"article-{_sha(key)[:32]}"


def article_text(item: ArticleLike) -> str:
    """The article's text as stored: content if the feed carries it, else the summary."""
    return (item.content or item.summary or "")[:MAX_TEXT]


def content_hash(item: ArticleLike) -> str:
    """What says an item changed; its paragraphs' line breaks are no change (they were spaces before
    issue 18 kept them, and an article known then must not read as revised)."""
    summary, content = _one_line(item.summary), _one_line(item.content)
    return _sha(item.title, summary, content, item.link or "", "|".join(item.categories))


def _one_line(text: str) -> str:
    return text.replace("\n", " ") if "\n" in text else text


def article_payload(
    item: ArticleLike,
    *,
    key: str,
    feed: str,
    outlet: str,
    published: str,
    date_from_feed: bool,
    verdict: str,
    published_day: str | None = None,
) -> dict[str, Any]:
    """published is the UTC moment; published_day the day in the publisher's own time zone, which its
    relative dates count from (absent in articles recorded before it was kept: their UTC day)."""
    payload = {
        "key": key,
        "url": item.link,
        "guid": item.guid,
        "title": item.title,
        "summary": item.summary,
        "text": article_text(item),
        "categories": list(item.categories),
        "outlet": outlet,
        "feed": feed,
        "published": published,
        "date_from_feed": date_from_feed,
        "content_hash": content_hash(item),
        "relevance": verdict,
    }
    if published_day is not None:
        payload["published_day"] = published_day
    return payload


def publisher_day(payload: dict[str, Any]) -> str:
    """The day an article's relative dates count from: its publisher's day, else its UTC day."""
    return payload.get("published_day") or payload["published"][:10]


def article_ingested(payload: dict[str, Any], actor: str) -> NewEvent:
    return NewEvent(ARTICLE_INGESTED, payload, {"actor": actor})


def article_updated(payload: dict[str, Any], actor: str) -> NewEvent:
    return NewEvent(ARTICLE_UPDATED, payload, {"actor": actor})


def relevance_changed(key: str, keep: bool, reason: str, actor: str) -> NewEvent:
    return NewEvent(ARTICLE_RELEVANCE_CHANGED, {"key": key, "keep": keep, "reason": reason}, {"actor": actor})


_ARTICLE = {"key": STR, "title": STR, "published": STR, "content_hash": STR}
EVENT_TYPES = (
    EventType(ARTICLE_INGESTED, _ARTICLE),
    EventType(ARTICLE_UPDATED, _ARTICLE),
    EventType(ARTICLE_RELEVANCE_CHANGED, {"key": STR, "keep": BOOL, "reason": STR}),
)
