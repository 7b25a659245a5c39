"""Compression bombs against a real feed server on 127.0.0.1: stacked gzip, deflate and brotli.

One poll's peak memory is measured in a subprocess (tracemalloc for each poll,
ru_maxrss for them all): it must stay under 100 MB plus max_body_bytes, however
far the body would decode (issue 15: 3.5 KB of `gzip, gzip` took 4.1 GB).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import brotli
import pytest

from events.log.clock import FixedClock
from events.log.store import EventStore, connect
from events.service import Timeline
from tests.feed_server import DATA, FeedServer, Route
from tests.test_ingest import NOW, events_of, make_config
from tests.test_ingest import ingestor as make_ingestor
from timeline.ingest.codings import STEP, BodyRefused, codings, decoded

MB = 1_000_000
CAP = MB  # max_body_bytes of the polls below
BOMB = 400 * MB  # what each bomb decodes to: four times the memory allowed
ALLOWED = 100 * MB + CAP
ZEROS = bytes(MB)


def compressed(data_chunks, wbits: int) -> bytes:
    """zlib, gzip (wbits 31) or raw deflate (wbits -15), made a chunk at a time: never BOMB in memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(packer.compress(chunk) for chunk in data_chunks) + packer.flush()


def brotli_bomb() -> bytes:
    packer = brotli.Compressor(quality=5)
    return b"".join(packer.process(ZEROS) for _ in range(BOMB // MB)) + packer.finish()


def largest_feed() -> bytes:
    """A feed just under CAP, one SCO item of nearly all of it: what a poll may legitimately hold."""
    text = ("SCO ministers met in Astana on 3 July 2024. " * (CAP // 45))[: CAP - 1_000]
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        "<link>http://wire.example/</link><item><title>SCO summit in Astana</title>"
        f"<link>http://wire.example/a</link><description>{text}</description></item></channel></rss>"
    ).encode()


@pytest.fixture(scope="module")
def bombs() -> dict[str, tuple[bytes, str]]:
    """name -> (body, Content-Encoding): each bomb decodes to BOMB bytes of zeros; then two real feeds."""
    inner_gzip = compressed([ZEROS] * (BOMB // MB), 31)
    inner_zlib = compressed([ZEROS] * (BOMB // MB), 15)
    return {
        "gzip-gzip": (gzip.compress(inner_gzip), "gzip, gzip"),
        "deflate-deflate": (zlib.compress(inner_zlib), "deflate, deflate"),
        "raw-deflate-gzip": (compressed([inner_gzip], -15), "gzip, deflate"),
        "gzip": (inner_gzip, "gzip"),
        "br": (brotli_bomb(), "br"),
        "gzip-x3": (gzip.compress(gzip.compress(inner_gzip)), "gzip, gzip, gzip"),
        "largest-feed": (largest_feed(), "identity"),
        "largest-feed-gzip-gzip": (gzip.compress(gzip.compress(largest_feed())), "gzip, gzip"),
    }


PROBE = textwrap.dedent(
    """
    import json, resource, sys, tracemalloc
    from events.log.clock import utc_now
    from events.log.store import EventStore, connect
    from events.service import Timeline
    from timeline.config import config_from_mapping
    from timeline.ingest.fetch import Fetcher, FetchLimits
    from timeline.ingest.poll import Ingestor

    db, base, names, cap = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
    feeds = [{"name": name, "url": f"{base}/{name}"} for name in names]
    config = config_from_mapping({"database": {"path": db}, "feeds": feeds,
                                  "ingest": {"timeout_seconds": 20, "max_body_bytes": cap}})
    timeline = Timeline(EventStore(connect(db), utc_now))
    fetch = Fetcher(FetchLimits(timeout_seconds=20, max_body_bytes=cap))
    ingest = Ingestor(timeline, config, fetch)
    ingest.poll(config.feeds[-1])  # a plain feed first: imports and caches warm, not counted
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    polls = {}
    for feed in config.feeds[:-1]:
        tracemalloc.reset_peak()
        report = ingest.poll(feed)
        peak = tracemalloc.get_traced_memory()[1]
        polls[feed.name] = {"peak": peak, "errors": report.errors, "kept": report.kept}
    tracemalloc.stop()
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    print(json.dumps({"polls": polls, "maxrss_growth": growth}))
    """
)


def test_no_bomb_takes_a_poll_past_100_mb_plus_max_body_bytes(bombs, tmp_path):
    """On the old code gzip-gzip, deflate-deflate and raw-deflate-gzip each took the whole 400 MB at once."""
    with FeedServer() as server:
        for name, (body, coding) in bombs.items():
            server.routes[f"/{name}"] = Route(body=body, headers={"Content-Encoding": coding})
        server.serve_file("/plain", "ingest/sco_news.rss")
        names = ",".join([*bombs, "plain"])
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, str(tmp_path / "t.db"), server.base, names, str(CAP)],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=Path(__file__).parent.parent,
        )
    assert probe.returncode == 0, probe.stderr[-2000:]
    result = json.loads(probe.stdout.splitlines()[-1])
    for name, poll in result["polls"].items():
        print(f"\n{name:18} peak {poll['peak'] / MB:7.1f} MB  {poll['errors']}", end="")
    print(
        f"\nmaxrss growth over all polls {result['maxrss_growth'] / MB:.1f} MB (allowed {ALLOWED / MB:.0f})"
    )
    assert result["maxrss_growth"] < ALLOWED
    assert all(poll["peak"] < ALLOWED for poll in result["polls"].values())
    errors = {name: poll["errors"] for name, poll in result["polls"].items()}
    assert errors == {
        "gzip-gzip": [f"body larger than {CAP} bytes (decoding gzip)"],
        "deflate-deflate": [f"body larger than {CAP} bytes (decoding deflate)"],
        "raw-deflate-gzip": [f"body larger than {CAP} bytes (decoding gzip)"],
        "gzip": [f"body larger than {CAP} bytes (decoding gzip)"],
        "br": ["Content-Encoding br is not supported (we ask for gzip, deflate)"],
        "gzip-x3": ["Content-Encoding gzip, gzip, gzip has more than 2 layers"],
        "largest-feed": [],
        "largest-feed-gzip-gzip": [],
    }


@pytest.mark.parametrize(
    "coding, encode",
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: compressed([data], -15)),  # raw deflate, as some servers send it
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("x-gzip, identity", gzip.compress),
    ],
)
def test_a_compressed_feed_is_read_whole(coding, encode, tmp_path):
    body = (DATA / "ingest/sco_news.rss").read_bytes()
    clock = FixedClock(NOW)
    timeline = Timeline(EventStore(connect(tmp_path / "t.db"), clock))
    with FeedServer() as server:
        server.routes["/rss"] = Route(body=encode(body), headers={"Content-Encoding": coding})
        config = make_config(tmp_path / "t.db", server, {"steppe": "/rss"})
        report = make_ingestor(timeline, config, clock).poll(config.feeds[0])
        assert server.requests[0][1]["Accept-Encoding"] == "gzip, deflate"
    assert report.errors == [] and report.kept == 2
    assert len(events_of(timeline, "ArticleIngested")) == 2
    timeline.close()


def test_no_step_of_decoding_returns_more_than_step_bytes():
    """A single 64 KB network chunk of gzip decodes to 64 MB: it must come out STEP bytes at a time."""
    bomb = gzip.compress(bytes(64 * MB))
    sizes = [len(chunk) for chunk in decoded([bomb], ["gzip"], 64 * MB)]
    assert max(sizes) <= STEP and sum(sizes) == 64 * MB


def test_a_truncated_or_corrupt_body_is_refused_clearly():
    with pytest.raises(BodyRefused, match="body is not valid gzip"):
        b"".join(decoded([b"\x1f\x8b\x08\x00garbage-garbage"], ["gzip"], CAP))
    with pytest.raises(BodyRefused, match="Content-Encoding zstd is not supported"):
        codings("zstd")
    assert codings("Identity") == [] and codings(None) == []
