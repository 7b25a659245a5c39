"""`timeline rebuild` on copies of existing databases: events/s, CPU, where the time goes, against a baseline tree.

    .venv/bin/python bench/bench_rebuild.py --databases /tmp/rb100k.db,/tmp/rb1m.db [--baseline /work/main]
        [--rounds 1] [--stages] [--no-sizes] [--folder /tmp/bench_rebuild]

Each database is copied (it is never changed) and each copy rebuilt by a child
process of each tree in turn, `projections.rebuild` on the tree's own code
(migrations included: the copy is opened by the tree's `connect`). Reports wall
and CPU seconds, events/s, and the baseline over this tree. --stages also
prints the time of each SQL statement of the rebuild (summed by its first 70
characters), wall and CPU of the rebuild's own thread (the search index's thread
and other processes left out), and what is left: Python, reading the log, the commit. Then the
pages in use after the rebuild (VACUUM INTO), per table and index (dbstat),
unless --no-sizes. The rebuild may use a second core (events/read/search_beside.py):
with another process busy on the machine, wall time says less than CPU time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import collections, contextlib, json, sys, time
sys.path.insert(0, sys.argv[1])
from events.log.store import EventStore, connect
from events.read import projections

store = EventStore(connect(sys.argv[2]))
tally, cpu_tally = collections.Counter(), collections.Counter()


class Timed:
    '''The rebuild's connection, timing each statement.'''

    def __init__(self, conn):
        self._conn = conn

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def _timed(self, run, sql, *args):
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return run(sql, *args)
        finally:
            key = " ".join(sql.split())[:70]
            tally[key] += time.perf_counter() - began
            cpu_tally[key] += time.thread_time() - cpu

    def execute(self, sql, *args):
        return self._timed(self._conn.execute, sql, *args)

    def executemany(self, sql, *args):
        return self._timed(self._conn.executemany, sql, *args)


if sys.argv[3] == "stages":
    plain = projections.write_transaction

    @contextlib.contextmanager
    def timed_transaction(conn):
        with plain(conn) as c:
            yield Timed(c)

    projections.write_transaction = timed_transaction
events = store.last_position()
began, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
projections.rebuild(store)
seconds, cpu, own = time.perf_counter() - began, time.process_time() - cpu, time.thread_time() - own
store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
stages = [(sql, spent, cpu_tally[sql]) for sql, spent in tally.most_common(20)]
print(json.dumps({"events": events, "seconds": seconds, "cpu": cpu, "own": own, "stages": stages}))
"""

SIZES = """
import json, os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("VACUUM INTO ?", (sys.argv[2],))
sizes = sqlite3.connect(sys.argv[2]).execute(
    "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12").fetchall()
print(json.dumps({"file": os.path.getsize(sys.argv[1]), "in_use": os.path.getsize(sys.argv[2]), "largest": sizes}))
os.remove(sys.argv[2])
"""


def rebuild(tree: Path, database: Path, folder: Path, stages: bool) -> dict:
    copy = folder / f"{tree.name}-{database.name}"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(database, copy)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(copy), "stages" if stages else "plain"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["copy"] = copy
    return result


def report(label: str, result: dict, stages: bool) -> None:
    events, seconds, cpu = result["events"], result["seconds"], result["cpu"]
    print(
        f"  {label:<10} {events:>10,} events  {seconds:6.1f} s ({events / seconds:8,.0f} events/s)"
        f"  cpu {cpu:6.1f} s ({events / cpu:8,.0f} events/s)",
        flush=True,
    )
    if stages:
        print(f"      wall s   cpu s  (cpu: the rebuild's own thread; {result['own']:.1f} s of it in all)")
        for sql, spent, own in result["stages"]:
            print(f"      {spent:6.2f}  {own:6.2f}  {sql}")
        rest, own_rest = (
            seconds - sum(s[1] for s in result["stages"]),
            result["own"] - sum(s[2] for s in result["stages"]),
        )
        print(
            f"      {rest:6.2f}  {own_rest:6.2f}  the rest (Python, the log's read, waiting for the thread, commit)"
        )


def sizes(result: dict, folder: Path) -> None:
    vacuumed = folder / "vacuumed.db"
    vacuumed.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", SIZES, str(result["copy"]), str(vacuumed)], capture_output=True, text=True
    )
    figures = json.loads(out.stdout)
    largest = ", ".join(f"{name} {size / 1e6:.1f}" for name, size in figures["largest"])
    print(f"      file {figures['file'] / 1e6:.1f} MB, in use {figures['in_use'] / 1e6:.1f} MB: {largest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", required=True)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--no-sizes", action="store_true")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench_rebuild"))
    args = parser.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]), flush=True)
    args.folder.mkdir(parents=True, exist_ok=True)
    trees = [("this tree", REPO)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    for database in [Path(d) for d in args.databases.split(",")]:
        print(database, flush=True)
        walls: dict[str, list[float]] = {label: [] for label, _ in trees}
        for _ in range(args.rounds):
            for label, tree in trees:  # in turns, so the machine's load falls on both
                result = rebuild(tree, database, args.folder, args.stages)
                walls[label].append(result["seconds"])
                report(label, result, args.stages)
                if not args.no_sizes:
                    sizes(result, args.folder)
                result["copy"].unlink()
        if args.baseline:
            ratio = statistics.median(walls["baseline"]) / statistics.median(walls["this tree"])
            print(f"  this tree is {ratio:.2f}x the baseline's rate (median wall time)", flush=True)


if __name__ == "__main__":
    main()
