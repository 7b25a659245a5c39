"""A longer fuzz run of feed parsing: mutated fixtures for as long as asked, from a seed, reproducible.

    .venv/bin/python bench/fuzz_feeds.py [--seconds 300] [--seed 1] [--budget 2.0] [--out DIR] [--ingest N]
                                         [--small]

Each input is a fixture from tests/data/feeds or tests/data/ingest with one to
four mutations (the ones tests/test_fuzz_feeds.py uses, and by default larger
ones too: 50,000-deep nesting, 2,000 copies of an element, 1 MB attributes,
documents up to 1.5 MB; --small keeps to the suite's sizes). parse_feed must
return a ParsedFeed or raise FeedRejected within --budget seconds (documents
feedparser itself raised on, which parse_feed turns into FeedRejected, are
counted apart). Anything else, and every input over budget, is written to --out
as NNNNNN-<kind>.xml with a .txt beside it naming the seed fixture and the
mutations, then the run goes on.
It prints the inputs tried, the outcomes, and the time per input (median, p99,
max). With --ingest N, it also polls N mutated feeds through a local HTTP
server into a fresh database and runs events.admin.verify on the log.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_fuzz_feeds import (  # noqa: E402
    DEEP_MAX_SIZE,
    MAX_SIZE,
    SEEDS,
    Overtime,
    check_parse,
    mutate,
    mutated_corpus,
    random_mutation,
)


def main() -> int:
    options = parse_args()
    rng = random.Random(options.seed)
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    outcomes: collections.Counter[str] = collections.Counter()
    times: list[float] = []
    names = sorted(SEEDS)
    deadline = time.monotonic() + options.seconds
    while time.monotonic() < deadline:
        name = rng.choice(names)
        mutations = [random_mutation(rng, deep=not options.small) for _ in range(rng.randint(1, 4))]
        data = mutate(SEEDS[name], mutations, MAX_SIZE if options.small else DEEP_MAX_SIZE)
        kind, seconds = run_one(data)
        times.append(seconds)
        if seconds > options.budget and not kind.startswith((FINDING, "over budget")):
            kind = f"over budget ({kind})"
        outcomes[kind] += 1
        if kind not in ORDINARY:
            keep(out, len(times), kind, name, mutations, data, seconds)
    report(outcomes, times, options)
    if options.ingest:
        ingest(options.ingest, options.seed)
    return 1 if any(kind.startswith(FINDING) for kind in outcomes) else 0


FINDING = "NEW "
ORDINARY = ("parsed", "rejected", "feedparser raised, rejected")


def run_one(data: bytes) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        return check_parse(data)
    except Overtime:
        return "over budget (hard stop)", time.perf_counter() - started
    except AssertionError as error:
        return f"{FINDING}bad result: {str(error)[:80]}", time.perf_counter() - started
    except Exception as error:  # the finding: parse_feed raised something else
        where = traceback.extract_tb(error.__traceback__)[-1]
        return (
            f"{FINDING}{type(error).__name__} in {where.name}: {str(error)[:60]}",
            time.perf_counter() - started,
        )


def keep(out: Path, number: int, kind: str, name: str, mutations, data: bytes, seconds: float) -> None:
    stem = out / f"{number:06d}-{re.sub(r'[^A-Za-z0-9]+', '-', kind.split(':')[0]).strip('-')}"
    stem.with_suffix(".xml").write_bytes(data)
    lines = [f"seed fixture: {name}", f"outcome: {kind}", f"seconds: {seconds:.3f}", f"bytes: {len(data)}"]
    lines += [f"mutation: {m!r}"[:500] for m in mutations]
    stem.with_suffix(".txt").write_text("\n".join(lines) + "\n", "utf-8")


def report(outcomes, times: list[float], options) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    print(f"seed {options.seed}, {options.seconds:g} s: {len(times)} inputs")
    for kind, count in outcomes.most_common():
        print(f"  {count:7d}  {kind}")
    if times:
        print(
            f"  per input: median {statistics.median(times) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
            f"max {max(times):.2f} s"
        )
    kept = sum(count for kind, count in outcomes.items() if kind not in ORDINARY)
    print(f"  {kept} inputs kept in {options.out}" if kept else "  nothing out of the ordinary")


def ingest(count: int, seed: int) -> None:
    """The whole pipeline on mutated feeds: no poll may raise, and the log must verify."""
    import datetime as dt

    from events.admin.verify import verify
    from events.log.clock import FixedClock
    from events.log.store import EventStore, connect
    from events.service import Timeline
    from tests.feed_server import FeedServer, Route
    from timeline.config import config_from_mapping
    from timeline.ingest.fetch import Fetcher, FetchLimits
    from timeline.ingest.poll import Ingestor

    now = dt.datetime(2025, 9, 2, 12, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as folder, FeedServer() as server:
        path = Path(folder) / "t.db"
        timeline = Timeline(EventStore(connect(path), FixedClock(now)))
        corpus = mutated_corpus(count, seed)
        feeds = []
        for number, (_, _, body) in enumerate(corpus):
            server.routes[f"/f{number}"] = Route(body=body, content_type="application/xml")
            feeds.append({"name": f"f{number}", "url": server.url(f"/f{number}")})
        config = config_from_mapping({"database": {"path": str(path)}, "feeds": feeds})
        ingestor = Ingestor(timeline, config, Fetcher(FetchLimits(timeout_seconds=5)), clock=FixedClock(now))
        crashed = kept = 0
        for feed, (name, mutations, _) in zip(config.feeds, corpus):
            try:
                kept += ingestor.poll(feed).kept
            except Exception:
                crashed += 1
                print(f"poll of a mutant of {name} raised:\n{traceback.format_exc(limit=3)}")
        problems = verify(timeline.store)
        timeline.close()
    print(
        f"ingest: {count} mutated feeds polled, {kept} items kept, {crashed} polls raised, "
        f"verify: {problems or 'no problems'}"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=2.0, help="seconds one input may take")
    parser.add_argument("--out", default="var/fuzz-findings")
    parser.add_argument("--ingest", type=int, default=0, metavar="N", help="also poll N mutated feeds")
    parser.add_argument("--small", action="store_true", help="only the suite's mutation sizes")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
