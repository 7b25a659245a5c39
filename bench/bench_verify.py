"""`timeline verify` against `timeline rebuild` on the same database: time and peak memory, in one run.

    .venv/bin/python bench/bench_verify.py [--sizes 100000,1000000] [--rounds 3] [--baseline /tmp/base]

Each size gets bench_web.py's database (built once, kept in var/bench/). Every
figure is a child process running the command's own function on it (rebuild,
then verify, in turn, --rounds times), reporting its wall time and its peak
resident memory (getrusage ru_maxrss, the whole process: Python, SQLite's cache
and all), and its CPU time (all threads: verify runs SQLite's integrity_check on a
second thread; on a loaded machine wall times stretch, CPU times much less). The goal (issue 19): verify within 1.5x of rebuild, under 500 MB.
--baseline: a checkout of older code, measured the same way on a database it
builds itself (kept in var/bench/baseline/), for the before figures.
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
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from events.log.store import EventStore, connect
from events.read import projections
from events.admin.verify import verify

store = EventStore(connect(sys.argv[3]))
began, cpu = time.perf_counter(), time.process_time()
if sys.argv[2] == "rebuild":
    projections.rebuild(store)
    problems = []
else:
    problems = verify(store)
seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "problems": problems[:3]}))
"""

BUILD = r"""
import random, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1] + "/bench")
from bench_web import database
print(database(int(sys.argv[2]), Path(sys.argv[3])))
"""


def child(code: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd="/")
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return out.stdout.strip().splitlines()[-1]


def measure(tree: Path, folder: Path, size: int, rounds: int) -> dict[str, dict[str, float]]:
    folder.mkdir(parents=True, exist_ok=True)
    path = child(BUILD, str(tree), str(size), str(folder))
    runs: dict[str, list[dict]] = {"rebuild": [], "verify": []}
    for _ in range(rounds):
        for command in runs:
            result = json.loads(child(CHILD, str(tree), command, path))
            if result["problems"]:
                raise SystemExit(f"verify found problems on a sound database: {result['problems']}")
            runs[command].append(result)
    return {
        command: {
            "seconds": statistics.median(r["seconds"] for r in results),
            "cpu": statistics.median(r["cpu"] for r in results),
            "peak_mb": max(r["peak_mb"] for r in results),
        }
        for command, results in runs.items()
    }


def report(label: str, size: int, figures: dict[str, dict[str, float]]) -> None:
    rebuild, verify = figures["rebuild"], figures["verify"]
    print(
        f"{label:<10} {size:>9,} facts  rebuild {rebuild['seconds']:6.1f} s (cpu {rebuild['cpu']:6.1f} s)"
        f" {rebuild['peak_mb']:5.0f} MB   verify {verify['seconds']:6.1f} s (cpu {verify['cpu']:6.1f} s)"
        f" {verify['peak_mb']:5.0f} MB   -> verify/rebuild {verify['seconds'] / rebuild['seconds']:.2f}x"
        f" (cpu {verify['cpu'] / rebuild['cpu']:.2f}x)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--folder", type=Path, default=REPO / "var" / "bench")
    args = parser.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]), flush=True)
    for size in [int(s) for s in args.sizes.split(",")]:
        report("this tree", size, measure(REPO, args.folder, size, args.rounds))
        if args.baseline:
            report(
                "baseline",
                size,
                measure(args.baseline.resolve(), args.folder / "baseline", size, args.rounds),
            )


if __name__ == "__main__":
    main()
