"""Re-running rules over stored articles: retag and reextract record differences, never rewrite."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

import timeline.ingest.reextract as reextract_module
from events.log.clock import FixedClock
from events.log.store import EventStore, connect
from events.pipeline.extract import ExtractedFact
from events.service import Timeline
from tests.feed_server import FeedServer
from tests.needs import shared_path
from timeline.cli import cli
from timeline.config import config_from_mapping
from timeline.ingest.fetch import Fetcher, FetchLimits
from timeline.ingest.poll import Ingestor
from timeline.ingest.reextract import reextract_articles
from timeline.ingest.retag import retag_articles

NOW = dt.datetime(2024, 5, 23, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ingested(tmp_path):
    """A timeline holding the two SCO articles of the fixture feed."""
    with FeedServer() as server:
        server.serve_file("/rss", "ingest/sco_news.rss")
        config = config_from_mapping(
            {
                "database": {"path": str(tmp_path / "t.db")},
                "feeds": [{"name": "steppe", "url": server.url("/rss")}],
            }
        )
        timeline = Timeline(EventStore(connect(config.database_path), FixedClock(NOW)))
        Ingestor(timeline, config, Fetcher(FetchLimits()), clock=FixedClock(NOW)).poll(config.feeds[0])
        yield timeline, config
        timeline.close()


def live_feed_facts(timeline):
    return timeline.conn.execute(
        "SELECT COUNT(*) FROM facts WHERE origin = 'feed' AND retracted = 0"
    ).fetchone()[0]


def test_reextract_with_unchanged_rules_records_nothing(ingested):
    timeline, _ = ingested
    position = timeline.store.last_position()
    report = reextract_articles(timeline)
    assert (report.articles, report.recorded, report.retracted) == (2, 0, 0)
    assert timeline.store.last_position() == position


def test_reextract_records_what_improved_rules_find_and_withdraws_what_they_drop(ingested, monkeypatch):
    timeline, _ = ingested
    before = live_feed_facts(timeline)
    original = reextract_module.extract_facts

    def improved(title, text, published):
        facts = original(title, text, published)
        if "Astana on Tuesday" not in text:
            return facts
        extra = ExtractedFact(
            date="2024-06",
            end_date=None,
            precision="month",
            title="Envoys draft the agenda in June",
            summary="Envoys drafted the agenda in June.",
            tags=("sco",),
            confidence=0.8,
        )
        kept = [f for f in facts if f.date not in ("2024-05-21", "2024-05-23")]
        assert len(kept) == len(facts) - 2
        return kept + [
            extra
        ]  # drops the Tuesday meeting (and the headline telling it), adds a fact it did not find before

    monkeypatch.setattr(reextract_module, "extract_facts", improved)
    report = reextract_articles(timeline)
    assert (report.recorded, report.retracted) == (1, 1)
    assert live_feed_facts(timeline) == before
    retraction = [e for e in timeline.store.read() if e.type == "FactRetracted"][0]
    assert retraction.metadata["actor"] == "reextract" and "re-extraction" in retraction.payload["reason"]
    assert reextract_articles(timeline).recorded == 0  # a second run finds nothing new


def test_retag_records_relevance_changes_and_withdraws_facts(ingested):
    timeline, config = ingested
    assert retag_articles(timeline, config) == 0
    first = live_feed_facts(timeline)
    strict = config_from_mapping(
        {
            "database": {"path": str(config.database_path)},
            "tagging": {"terms": [], "acronyms": [], "category_terms": []},
        }
    )
    before = timeline.store.last_position()
    assert retag_articles(timeline, strict) == 2
    changes = [e for e in timeline.store.read(after=before) if e.type == "ArticleRelevanceChanged"]
    assert len(changes) == 2 and all(not e.payload["keep"] for e in changes)
    assert live_feed_facts(timeline) == 0
    assert retag_articles(timeline, strict) == 0  # nothing changes twice
    before_rules = live_feed_facts(timeline)
    assert retag_articles(timeline, config) == 2  # back to the defaults: relevant again
    # ...and what retag withdrew is stated anew (new facts; the withdrawn ones keep their history). A rule
    # edit undone left every fact of those articles retracted for good (found in review).
    assert before_rules == 0 and live_feed_facts(timeline) == first > 0
    assert retag_articles(timeline, config) == 0 and reextract_articles(timeline).recorded == 0
    from events.admin.verify import verify

    assert verify(timeline.store) == []


def test_retag_never_withdraws_a_fact_an_editor_corrected(ingested):
    timeline, config = ingested
    [(fact_id,)] = timeline.conn.execute("SELECT fact_id FROM facts WHERE date = '2024-07-03'").fetchall()
    timeline.correct_fact(
        fact_id,
        {"title": "SCO summit in Astana opens"},
        reason="clearer",
        expected_version=None,
        actor="editor:ana",
    )
    strict = config_from_mapping(
        {
            "database": {"path": str(config.database_path)},
            "tagging": {"terms": [], "acronyms": [], "category_terms": []},
        }
    )
    assert retag_articles(timeline, strict) == 2
    assert not timeline.fact(
        fact_id
    ).retracted  # an editor checked it: a rule edit is not a reason to drop it


def test_cli_extract_prints_facts_as_json(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "SCO ministers meet\nThe SCO foreign ministers met in Astana on Tuesday. "
        "The summit will open on 3 July.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["extract", str(article), "--published", "2024-05-23", "--json"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert set(facts[0]) == {"date", "end_date", "precision", "title", "summary", "tags", "confidence"}
    assert [f["date"] for f in facts] == ["2024-05-23", "2024-05-21", "2024-07-03"]
    bad = CliRunner().invoke(cli, ["extract", str(article), "--published", "May 2024"])
    assert bad.exit_code != 0 and "--published" in bad.output


def test_cli_extract_on_a_seed_article():
    seed = shared_path("seeds", "002_a0f667396526f727.txt")
    result = CliRunner().invoke(cli, ["extract", str(seed), "--published", "2024-07-03"])
    assert result.exit_code == 0
    assert "3 July 2024" in result.output and "May 2024" in result.output and "2001" in result.output


def test_reextract_cites_a_fact_another_article_recorded_rather_than_repeat_it(ingested, monkeypatch):
    """Improved rules find in the ministers' article the summit date the other article recorded: that fact
    gains a source, as ingest would have done (restate_facts), not a duplicate beside it."""
    from events.admin.verify import verify

    timeline, _ = ingested
    summit = timeline.conn.execute("SELECT fact_id, title FROM facts WHERE date = '2024-07-03'").fetchall()
    assert len(summit) == 1
    original = reextract_module.extract_facts

    def improved(title, text, published):
        facts = original(title, text, published)
        if "Astana on Tuesday" not in text:
            return facts
        return facts + [
            ExtractedFact(
                date="2024-07-03",
                end_date=None,
                precision="day",
                title=summit[0][1],
                summary="",
                tags=("sco",),
                confidence=0.8,
            )
        ]

    monkeypatch.setattr(reextract_module, "extract_facts", improved)
    position = timeline.store.last_position()
    report = reextract_articles(timeline)
    assert (report.recorded, report.retracted) == (1, 0)
    [added] = list(timeline.store.read(after=position))
    assert (added.type, added.stream_id, added.metadata["actor"]) == (
        "FactSourceAdded",
        summit[0][0],
        "reextract",
    )
    assert len(timeline.fact(summit[0][0]).sources) == 2
    assert reextract_articles(timeline).recorded == 0
    assert verify(timeline.store) == []


def test_reextract_does_not_bring_back_a_fact_an_editor_retracted(ingested):
    timeline, _ = ingested
    [(fact_id,)] = timeline.conn.execute("SELECT fact_id FROM facts WHERE date = '2024-07-03'").fetchall()
    timeline.retract_fact(fact_id, reason="the date was moved", expected_version=None, actor="editor:ana")
    position = timeline.store.last_position()
    assert (reextract_articles(timeline).recorded, timeline.store.last_position()) == (0, position)


def test_reextract_keeps_a_fact_an_earlier_article_of_the_run_began_to_back(ingested, monkeypatch):
    """Improved rules make the ministers' article (read first) state the summit date and the summit's own
    article stop stating it: the summit fact now has two sources, so it is not the second article's alone
    to withdraw. (A stale read of the fact, not caught up inside the run, would retract it.)"""
    from events.admin.verify import verify

    timeline, _ = ingested
    [(summit_id, title)] = timeline.conn.execute(
        "SELECT fact_id, title FROM facts WHERE date = '2024-07-03'"
    ).fetchall()
    original = reextract_module.extract_facts

    def improved(title_, text, published):
        facts = [
            f
            for f in original(title_, text, published)
            if "Astana on Tuesday" in text or f.date != "2024-07-03"
        ]
        if "Astana on Tuesday" not in text:
            return facts
        return facts + [
            ExtractedFact(
                date="2024-07-03",
                end_date=None,
                precision="day",
                title=title,
                summary="",
                tags=("sco",),
                confidence=0.8,
            )
        ]

    monkeypatch.setattr(reextract_module, "extract_facts", improved)
    reextract_articles(timeline)
    live = timeline.conn.execute(
        "SELECT fact_id, sources FROM facts WHERE date = '2024-07-03' AND retracted = 0"
    ).fetchall()
    assert len(live) == 1, live  # the summit is still on the timeline, backed by the article that states it
    assert verify(timeline.store) == []
