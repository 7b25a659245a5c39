"""The search indexes merged into one segment: by a rebuild, and by the idle projector a step at a time."""

from __future__ import annotations

from events.admin.verify import verify
from events.domain.fact import fact_recorded, validate_fact
from events.log.model import NewEvent, StreamAppend
from events.read import projections
from events.read.index_merge import IndexMerger, merge_step
from events.read.projections import SEARCH_INDEXES
from events.service import Timeline
from timeline.config import config_from_mapping
from timeline.server import Projector


def _record(timeline: Timeline, count: int, start: int = 0) -> None:
    """Each fact in its own transaction, as polls record them: a segment each."""
    for i in range(start, start + count):
        fields = {
            "date": "2024-03-15",
            "title": f"Summit number {i} in Astana",
            "summary": "Leaders meet" if i % 2 else "Ministers talk",
            "tags": ["sco"],
            "sources": [{"url": f"https://example.org/{i}", "outlet": "Example"}],
        }
        timeline.record_fact(fields, actor="test", origin="feed")


def _hits(timeline: Timeline, word: str) -> list[int]:
    sql = "SELECT rowid FROM facts_fts WHERE facts_fts MATCH ? ORDER BY rowid"
    return [row[0] for row in timeline.conn.execute(sql, (word,))]


def _whole(timeline: Timeline) -> bool:
    """Nothing left to merge in any search index (a negative 'merge' is then a no-op)."""
    return not any(merge_step(timeline.conn, table) for table in SEARCH_INDEXES)


def test_a_rebuild_leaves_each_search_index_in_one_segment(timeline: Timeline):
    _record(timeline, 12)
    projections.rebuild(timeline.store)
    assert _whole(timeline)


def test_merging_keeps_every_hit_and_what_verify_compares(timeline: Timeline):
    _record(timeline, 12)
    before = _hits(timeline, "leader"), _hits(timeline, "summit"), _hits(timeline, "astana")
    assert merge_step(timeline.conn, "facts_fts")  # twelve segments: there was work
    merger = IndexMerger()
    assert not merger.run(timeline.conn, seconds=60)  # the first look only notes the checkpoint
    assert merger.run(timeline.conn, seconds=60)
    assert _whole(timeline)
    assert (_hits(timeline, "leader"), _hits(timeline, "summit"), _hits(timeline, "astana")) == before
    assert len(before[1]) == 12
    assert verify(timeline.store) == []


class _Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 1.0  # every look at the clock: a merge step "takes" a second
        return self.now


def test_the_merger_waits_for_a_quiet_look_rests_after_a_merge_and_skips_an_unmoved_checkpoint(
    timeline: Timeline,
):
    _record(timeline, 6)
    clock = _Clock()
    merger = IndexMerger(clock=clock, share=0.5)
    changes = timeline.conn.total_changes
    assert not merger.run(timeline.conn, seconds=1000)  # the log just moved: wait a look
    assert timeline.conn.total_changes == changes
    assert merger.run(timeline.conn, seconds=1000)
    changes = timeline.conn.total_changes
    assert merger.run(timeline.conn, seconds=1000)  # the checkpoint has not moved: nothing written
    assert timeline.conn.total_changes == changes
    _record(timeline, 3, start=6)
    assert not merger.run(timeline.conn, seconds=1000)
    assert not merger.run(timeline.conn, seconds=1000)  # quiet, but resting: twice what the merge took
    clock.now = merger.rest_until
    assert merger.run(timeline.conn, seconds=1000)
    assert _whole(timeline)


def test_a_merge_stops_at_its_time_budget_and_goes_on_at_the_next_look(timeline: Timeline):
    _record(timeline, 12)
    merger = IndexMerger(clock=_Clock())
    merger.run(timeline.conn, seconds=0)  # notes the checkpoint
    assert not merger.run(timeline.conn, seconds=0)  # one step, then the deadline has passed
    assert merger.merged_at is None
    for _ in range(100):
        if merger.run(timeline.conn, seconds=0):
            break
    assert _whole(timeline)


def test_the_idle_projector_merges_and_a_lagging_one_projects_first(db_path, timeline: Timeline):
    _record(timeline, 8)
    fields = validate_fact({"date": "2024-05-05", "title": "Left unprojected", "tags": ["sco"]})
    event = fact_recorded("f-dead", fields, "manual")
    timeline.store.append([StreamAppend("f-dead", (NewEvent(event.type, event.payload),), 0)])
    projector = Projector(config_from_mapping({"database": {"path": str(db_path)}}), echo=lambda _: None)
    projector._look(timeline)  # behind: projects, merges nothing
    assert projector.merger.merged_at is None
    assert not projections.needs_catch_up(timeline.store)
    projector._look(timeline)  # idle: notes the checkpoint
    assert projector.merger.merged_at is None
    projector._look(timeline)  # still idle: merges
    assert projector.merger.merged_at == projections.checkpoint(timeline.conn)
    assert _whole(timeline)
