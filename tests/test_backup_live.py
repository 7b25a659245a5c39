"""Export while another process writes: the export is one consistent snapshot, and imports cleanly."""

from __future__ import annotations

import io
import json
import multiprocessing
import time

from events.admin.backup import export_to, import_from
from events.admin.verify import verify
from events.service import Timeline


def _writer(path: str, stop, started) -> None:
    timeline = Timeline.open(path)
    i = 0
    while not stop.is_set():
        fact = timeline.record_fact(
            {"date": f"20{10 + i % 15}", "title": f"Live fact {i}", "tags": ["sco"]}, actor="writer"
        )
        if i % 3 == 0:
            timeline.correct_fact(
                fact.fact_id,
                {"title": f"Live fact {i} (fixed)"},
                reason="typo",
                expected_version=1,
                actor="writer",
            )
        i += 1
        started.set()
    timeline.close()


def test_export_during_writes_is_consistent_and_imports(tmp_path):
    path = tmp_path / "live.db"
    Timeline.open(path).init()
    ctx = multiprocessing.get_context("spawn")
    stop, started = ctx.Event(), ctx.Event()
    writer = ctx.Process(target=_writer, args=(str(path), stop, started))
    writer.start()
    try:
        assert started.wait(60)
        exports = []
        for _ in range(3):
            reader = Timeline.open(path)
            out = io.StringIO()
            export_to(reader.store, out)
            reader.close()
            exports.append(out.getvalue())
            time.sleep(0.2)
    finally:
        stop.set()
        writer.join(60)
    sizes = []
    for number, text in enumerate(exports):
        records = [json.loads(line) for line in text.splitlines()]
        assert [r["position"] for r in records] == list(range(1, len(records) + 1))
        sizes.append(len(records))
        copy = Timeline.open(tmp_path / f"copy{number}.db")
        import_from(copy.store, io.StringIO(text))
        copy.catch_up()
        assert verify(copy.store) == []
        again = io.StringIO()
        export_to(copy.store, again)
        assert again.getvalue() == text
        copy.close()
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0], "the writer went on during the exports"
