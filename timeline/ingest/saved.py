"""A feed saved to a file, ingested as a poll of it would be: the same parse, tagging, facts and poll record."""

from __future__ import annotations

from pathlib import Path

from timeline.config import Feed
from timeline.ingest.fetch import FetchResult


def saved_feed(path: Path, name: str | None = None) -> Feed:
    """The feed a file stands for: named after the file unless a name is given; its URL is the file's."""
    return Feed(name=name or path.stem, url=path.resolve().as_uri())


def file_fetcher(path: Path, max_body_bytes: int):
    """A fetch function answering every request with the file's bytes, capped as a download is."""

    def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        try:
            size = path.stat().st_size
            if size > max_body_bytes:
                return FetchResult(
                    url, error=f"{path} is {size} bytes, more than max_body_bytes ({max_body_bytes})"
                )
            return FetchResult(url, status=200, body=path.read_bytes())
        except OSError as error:
            return FetchResult(url, error=f"cannot read {path}: {error.strerror or error}")

    return fetch
