"""Append rate of this tree against another checkout of the project (the code before a change), in one run.

    git archive a67b72c | tar -x -C /tmp/base      # the code before the hash chain
    .venv/bin/python bench/bench_append_ratio.py --baseline /tmp/base [--facts 20000] [--singles 1000] [--rounds 7]

Each round runs both trees, in turn, in child processes with the same Python (each
tree on its own sys.path), each appending the same kind of facts into a fresh file
with synchronous=FULL: batches of 1,000, then single appends (one durable
transaction each). Prints the median rate of each and their ratio; the order of
the two alternates from round to round, so a neighbour's load falls on both alike.
Batched appends are also counted per CPU second of the child (process_time), which
a loaded machine disturbs much less than the wall clock; and by the best round of
each tree, since a neighbour on the other hyperthread or in the shared cache only
ever adds CPU time (on 2 shared vCPUs the median per CPU second of two runs in a row
differed by 30%, the best round by a few per cent).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from events.domain.fact import fact_recorded
from events.log.ids import uuid7
from events.log.model import NewEvent, StreamAppend
from events.log.store import EventStore, connect

facts, singles = int(sys.argv[2]), int(sys.argv[3])

def event(i):
    fields = {"date": f"{2001 + i % 24}-{1 + i % 12:02d}-{1 + i % 28:02d}", "end_date": None,
              "title": f"SCO fact number {i}: leaders meet in Astana", "summary": "A benchmark fact " * 4,
              "tags": ["sco", "summit", ["china", "russia", "india"][i % 3]],
              "sources": [{"url": f"https://example.org/{i}", "title": None, "outlet": "Example", "published": None}]}
    e = fact_recorded(f"fact-{i}", fields, "feed")
    return NewEvent(e.type, e.payload, {"actor": "bench"})

events = [event(i) for i in range(facts + singles)]
ids = [uuid7() for _ in events]
with tempfile.TemporaryDirectory() as tmp:
    store = EventStore(connect(Path(tmp) / "b.db"))
    began, cpu = time.perf_counter(), time.process_time()
    for s in range(0, facts, 1000):
        store.append([StreamAppend(i, (e,), 0) for i, e in zip(ids[s:s + 1000], events[s:s + 1000])])
    batched = facts / (time.perf_counter() - began)
    batched_cpu = facts / (time.process_time() - cpu)
    began = time.perf_counter()
    for i, e in zip(ids[facts:], events[facts:]):
        store.append_to(i, [e], expected_version=0)
    single = singles / (time.perf_counter() - began)
    store.conn.close()
print(json.dumps({"batched": batched, "batched, per CPU second": batched_cpu, "single": single}))
"""


def measure(tree: Path, facts: int, singles: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(facts), str(singles)],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout of the code to compare with")
    parser.add_argument("--facts", type=int, default=20_000)
    parser.add_argument("--singles", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    trees = {"this tree": REPO, "baseline": args.baseline.resolve()}
    kinds = ("batched", "batched, per CPU second", "single")
    rates: dict[str, dict[str, list[float]]] = {name: {kind: [] for kind in kinds} for name in trees}
    for round_ in range(args.rounds):
        for name in list(trees)[:: 1 if round_ % 2 == 0 else -1]:
            for kind, rate in measure(trees[name], args.facts, args.singles).items():
                rates[name][kind].append(rate)
    print(
        f"{args.facts} facts in batches of 1,000, {args.singles} single appends, {args.rounds} rounds, medians"
    )
    for kind in kinds:
        ours, base = (statistics.median(rates[name][kind]) for name in trees)
        print(f"{kind:<24} this tree {ours:>9,.0f}/s  baseline {base:>9,.0f}/s  -> ratio {ours / base:.3f}x")
    kind = "batched, per CPU second"
    ours, base = (max(rates[name][kind]) for name in trees)
    print(
        f"{'  the best round':<24} this tree {ours:>9,.0f}/s  baseline {base:>9,.0f}/s  -> ratio {ours / base:.3f}x"
    )


if __name__ == "__main__":
    main()
