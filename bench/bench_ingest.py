"""Whole ingest pipeline throughput against feedparser alone and lemon24/reader, in one run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/bench_ingest.py [--feeds 100] [--items 100] [--budget]

Serves generated RSS files from a local HTTP server on 127.0.0.1, then:
  ours        fetch + parse + tag + extract + record (one durable commit per poll)
  headline    the same without extraction: one fact per article at its publication day
  feedparser  feedparser.parse on the same bytes, already in memory
  reader      reader.update_feeds() on the same feeds into its own SQLite file
and prints items/s with the ratios ours/feedparser (target >= 0.5) and ours/reader.
--budget adds where the whole pipeline's time goes against the target's budget
(twice feedparser's time): our parse_feed and extract_facts alone on the same
items, and the time inside SQLite statements in one more run of the pipeline.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from events.pipeline.extract import ExtractedFact  # noqa: E402
from events.pipeline.matching import FactFinder  # noqa: E402
from events.service import Timeline  # noqa: E402
from tests.feed_server import FeedServer, Route  # noqa: E402
from timeline.config import config_from_mapping  # noqa: E402
from timeline.ingest.fetch import Fetcher, FetchLimits  # noqa: E402
from timeline.ingest.poll import Ingestor  # noqa: E402

PLACES = ["Astana", "Samarkand", "Tianjin", "Bishkek", "Dushanbe", "Islamabad", "Minsk", "Tashkent"]
START = dt.datetime(2024, 7, 3, 9, 0, tzinfo=dt.UTC)


def rss(feed: int, items: int) -> bytes:
    entries = []
    for i in range(items):
        place = PLACES[(feed + i) % len(PLACES)]
        published = START - dt.timedelta(hours=feed * items + i)
        text = (
            f"Officials of the Shanghai Cooperation Organization met in {place} on Tuesday (report {feed}-{i}). "
            f"The SCO summit will open next month, and ministers said last week that talks on trade continue."
        )
        entries.append(
            f"<item><title>SCO meeting {feed}-{i} in {place}</title>"
            f"<link>http://bench.example/{feed}/{i}</link><guid>bench-{feed}-{i}</guid>"
            f"<pubDate>{format_datetime(published)}</pubDate><description>{escape(text)}</description></item>"
        )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench feed {feed}</title>'
        f"<link>http://bench.example/</link><description>x</description>{''.join(entries)}</channel></rss>"
    ).encode()


class HeadlineOnly(FactFinder):
    """The pipeline without extraction: one fact per article at its publication day."""

    def facts(self, title, text, published):
        return [
            ExtractedFact(
                date=published.isoformat(),
                end_date=None,
                precision="day",
                title=title,
                summary=text[:300],
                tags=(),
                confidence=1.0,
            )
        ]


def run_ours(server: FeedServer, paths: list[str], folder: Path, *, extract: bool = True) -> float:
    name = "ours.db" if extract else "ours_headline.db"
    config = config_from_mapping(
        {
            "database": {"path": str(folder / name)},
            "feeds": [{"name": p.strip("/"), "url": server.url(p)} for p in paths],
        }
    )
    timeline = Timeline.open(config.database_path)
    fetcher = Fetcher(FetchLimits())
    finder = None if extract else HeadlineOnly(timeline.conn)
    ingestor = Ingestor(timeline, config, fetcher, finder=finder)
    start = time.perf_counter()
    kept = sum(ingestor.poll(feed).kept for feed in config.feeds)
    seconds = time.perf_counter() - start
    fetcher.close()
    timeline.close()
    assert kept == len(paths) * ITEMS[0], f"kept {kept}"
    return seconds


def run_feedparser(bodies: list[bytes]) -> float:
    import io

    import feedparser

    start = time.perf_counter()
    for body in bodies:
        feedparser.parse(io.BytesIO(body))
    return time.perf_counter() - start


def run_reader(server: FeedServer, paths: list[str], folder: Path) -> float:
    from reader import make_reader

    reader = make_reader(str(folder / "reader.sqlite"))
    for path in paths:
        reader.add_feed(server.url(path))
    start = time.perf_counter()
    reader.update_feeds(workers=1)
    seconds = time.perf_counter() - start
    count = reader.get_entry_counts().total
    reader.close()
    assert count == len(paths) * ITEMS[0], f"reader stored {count}"
    return seconds


ITEMS = [100]


class TimedConnection(sqlite3.Connection):
    """A connection that adds up the wall time of its statements, by their first words."""

    spent: collections.Counter = collections.Counter()

    def execute(self, sql, *args):
        return self._timed(super().execute, sql, args)

    def executemany(self, sql, *args):
        return self._timed(super().executemany, sql, args)

    def _timed(self, run, sql, args):
        start = time.perf_counter()
        try:
            return run(sql, *args)
        finally:
            self.spent[" ".join(sql.split()[:3])] += time.perf_counter() - start


@contextlib.contextmanager
def timed_sqlite():
    """Every sqlite3.connect in the block makes a TimedConnection (the bench's own measurement only)."""
    plain = sqlite3.connect
    sqlite3.connect = lambda *args, **kwargs: plain(*args, factory=TimedConnection, **kwargs)
    TimedConnection.spent.clear()
    try:
        yield TimedConnection.spent
    finally:
        sqlite3.connect = plain


def budget(
    server: FeedServer, paths: list[str], bodies: list[bytes], folder: Path, feedparser_seconds: float
) -> list[str]:
    """Where the pipeline's time goes, per item, against the 0.5 target's budget: the lines to print."""
    from events.pipeline.extract import extract_facts
    from timeline.ingest.parse import parse_feed

    fetched_at = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    parsed = [parse_feed(body, fetched_at=fetched_at) for body in bodies]
    parsing = time.perf_counter() - start
    items = [item for feed in parsed for item in feed.items]
    start = time.perf_counter()
    for item in items:
        extract_facts(item.title, item.summary, item.published.date())
    extracting = time.perf_counter() - start
    with timed_sqlite() as spent:
        whole = run_ours(server, paths, folder)
    per_item = 1e6 / len(items)
    inserts, commits = spent["INSERT INTO events"], spent["COMMIT"]
    sql = sum(spent.values())
    rows = [
        ("budget at ratio 0.5: twice feedparser alone", 2 * feedparser_seconds),
        ("whole pipeline (this run, statements timed)", whole),
        ("  our parse_feed alone, same bytes", parsing),
        ("  extract_facts alone, same items", extracting),
        ("  inside SQLite statements", sql),
        ("    appending events (INSERT INTO events)", inserts),
        ("    durable commits", commits),
        ("    every other statement", sql - inserts - commits),
        (
            "  the rest: fetch, tag, dedup, compare facts, payloads, projection",
            whole - parsing - extracting - sql,
        ),
    ]
    return ["where an item's time goes (us per item)"] + [
        f"  {label:<68} {seconds * per_item:7.0f}" for label, seconds in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--budget", action="store_true", help="also show where an item's time goes")
    args = parser.parse_args()
    ITEMS[0] = args.items
    bodies = [rss(f, args.items) for f in range(args.feeds)]
    total = args.feeds * args.items
    with FeedServer() as server, tempfile.TemporaryDirectory() as tmp:
        paths = [f"/feed{f}" for f in range(args.feeds)]
        for path, body in zip(paths, bodies):
            server.routes[path] = Route(body=body)
        ours = run_ours(server, paths, Path(tmp))
        headline = run_ours(server, paths, Path(tmp), extract=False)
        alone = run_feedparser(bodies)
        other = run_reader(server, paths, Path(tmp))
        if args.budget:
            (Path(tmp) / "budget").mkdir()
            lines = budget(server, paths, bodies, Path(tmp) / "budget", alone)
    rate = total / ours
    print(f"{args.feeds} feeds x {args.items} items = {total} items, served from 127.0.0.1")
    print(f"ours (fetch+parse+tag+extract+record) {rate:10,.0f} items/s")
    print(
        f"ours without extraction (headline)    {total / headline:10,.0f} items/s  ratio to feedparser {total / headline / (total / alone):.2f}"
    )
    print(
        f"feedparser.parse alone                {total / alone:10,.0f} items/s  ratio ours/feedparser {rate / (total / alone):.2f} (target >= 0.5)"
    )
    print(
        f"reader.update_feeds                   {total / other:10,.0f} items/s  ratio ours/reader {rate / (total / other):.2f}"
    )
    if args.budget:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
