"""Latency of the web timeline and its JSON at 1k, 100k and 1M facts, and `/` against a trivial route.

    .venv/bin/python bench/bench_web.py [--sizes 1000,100000,1000000] [--requests 300]

Each size gets a database built once and kept in var/bench/ (write events
with store.append in big batches, then projections.rebuild), served by the
same code as `timeline serve` (waitress, 8 threads) in a child process, and
measured over HTTP with keep-alive connections from this process.

    .venv/bin/python bench/bench_web.py --trees BASELINE,OTHER,... [--rounds 6] [--sizes ...]

compares source trees instead (issue 19: no page may get slower): each tree
serves its own copy of the database with its own code, on servers started
afresh for each round (nothing memoised) and asked in lockstep, each request
of a row going to every tree in turn (see lockstep); each page row's p50 and
the server's CPU time per request, the median over rounds, and each tree over
the first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from events.domain.fact import fact_recorded  # noqa: E402
from events.domain.seeds import append_seeds  # noqa: E402
from events.log.clock import FixedClock  # noqa: E402
from events.log.ids import uuid7  # noqa: E402
from events.log.model import NewEvent, StreamAppend  # noqa: E402
from events.log.store import EventStore, connect  # noqa: E402
from events.read import projections  # noqa: E402

UTC = dt.UTC
LOG_START = dt.datetime(2024, 1, 1, tzinfo=UTC)
TRIVIAL = "/_bench/trivial"
TAGS = [
    "sco",
    "russia",
    "china",
    "india",
    "pakistan",
    "iran",
    "kazakhstan",
    "uzbekistan",
    "kyrgyzstan",
    "tajikistan",
    "belarus",
    "summit",
    "security",
    "energy",
    "trade",
    "terrorism",
    "military-exercise",
    "bilateral-meeting",
    "vladimir-putin",
    "xi-jinping",
    "narendra-modi",
    "membership",
    "sanctions",
    "afghanistan",
    "mongolia",
    "turkey",
    "brics",
    "economy",
    "border",
    "diplomacy",
]
WORDS = (
    "leaders ministers meet discuss agree sign cooperation security summit talks trade energy pipeline border "
    "exercise forum declaration council defence foreign minister president prime visit delegation counter "
    "terrorism regional stability investment railway corridor agreement framework bank development currency "
    "settlement joint statement observer partner dialogue expansion member states organization secretariat"
).split()
FACT_FIELDS = ("date", "end_date", "title", "summary", "tags", "sources")
OUTLETS = ["Example Wire", "Daily Example", "Example Times", "Example Post", "Example News Agency"]


# ---------------------------------------------------------------- building a database


def build(path: Path, size: int, rng: random.Random) -> None:
    """size facts (and the seeds), 1% corrected and 0.5% retracted; each append of 5,000 a minute after the last."""
    clock = FixedClock(LOG_START, step=dt.timedelta(minutes=1))
    store = EventStore(connect(path), clock)
    store.conn.execute("PRAGMA synchronous = OFF")  # a throwaway database: no fsync while building
    append_seeds(store)  # as `timeline serve` would on first start
    ids: list[str] = []
    for start in range(0, size, 5_000):
        batch = [_new_fact(rng, i) for i in range(start, min(size, start + 5_000))]
        ids += [stream.stream_id for stream in batch]
        store.append(batch)
    projections.rebuild(store)
    # Edits after the rebuild, through catch_up: rebuild's fresh batches lose a fact
    # whose later event falls in a later batch (reported; events/read/projections.py).
    store.append(_edits(rng, ids))
    projections.catch_up(store)
    store.conn.execute("PRAGMA optimize")
    store.conn.close()


def _new_fact(rng: random.Random, i: int) -> StreamAppend:
    year = min(2025, 2001 + int(rng.betavariate(4, 1.3) * 25))
    shape = rng.random()
    date = f"{year}" if shape < 0.05 else f"{year}-{rng.randint(1, 12):02d}"
    date += f"-{rng.randint(1, 27):02d}" if shape >= 0.15 else ""  # day + 1 of a span stays a real date
    fields = {
        "date": date,
        "end_date": f"{date[:8]}{int(date[8:]) + 1:02d}" if len(date) == 10 and rng.random() < 0.05 else None,
        "title": " ".join(rng.choices(WORDS, k=rng.randint(6, 10))).capitalize(),
        "summary": " ".join(rng.choices(WORDS, k=rng.randint(20, 30))).capitalize() + ".",
        "tags": sorted(
            set(rng.choices(TAGS, weights=[1 / (k + 1) for k in range(len(TAGS))], k=rng.randint(2, 4)))
        ),
        "sources": [
            {
                "url": f"https://example.org/news/{i}",
                "title": None,
                "outlet": rng.choice(OUTLETS),
                "published": None,
            }
        ],
    }
    fact_id = uuid7()
    event = fact_recorded(fact_id, fields, "feed")
    return StreamAppend(fact_id, (NewEvent(event.type, event.payload, {"actor": "feed:bench"}),), 0)


def _edits(rng: random.Random, ids: list[str]) -> list[StreamAppend]:
    """Corrections and retractions as events, without reading states back (payloads only need the shape)."""
    chosen = rng.sample(ids, max(1, len(ids) // 66))
    out = []
    for k, fact_id in enumerate(chosen):
        if k % 3 == 2:
            event = NewEvent("FactRetracted", {"reason": "duplicate"}, {"actor": "editor:bench"})
        else:
            payload = {
                "changes": {"title": f"Corrected title {k}"},
                "previous": {"title": "?"},
                "reason": "typo",
            }
            event = NewEvent("FactCorrected", payload, {"actor": "editor:bench"})
        out.append(StreamAppend(fact_id, (event,), 1))
    return out


def database(size: int, folder: Path) -> Path:
    path = folder / f"web-{size}.db"
    if path.exists() and _complete(path, size):
        return path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    build(path, size, random.Random(size))
    print(f"  built {path} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def _complete(path: Path, size: int) -> bool:
    conn = connect(path)
    try:
        facts = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
        return facts >= size and not projections.needs_catch_up(EventStore(conn))
    finally:
        conn.close()


# ---------------------------------------------------------------- serving


def serve(db_path: str, port: int) -> None:
    """Child process: `timeline serve`'s own code, plus a trivial route added through its on_start hook."""
    from timeline.config import config_from_mapping
    from timeline.server import serve as run

    def add_trivial(app, _config):
        app.add_url_rule(TRIVIAL, "bench_trivial", lambda: "ok")

    config = config_from_mapping(
        {"database": {"path": db_path}, "server": {"base_url": f"http://127.0.0.1:{port}/"}}
    )
    run(config, "127.0.0.1", port, on_start=add_trivial)


def start(db_path: Path, port: int, tree: Path = REPO) -> subprocess.Popen:
    """A server of the tree's own code on db_path (its bench_web.py --serve)."""
    log = db_path.with_suffix(".log").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(tree / "bench" / "bench_web.py"), "--serve", str(db_path), str(port)],
        cwd=tree,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            Client(port).get("/healthz")
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(db_path.with_suffix(".log").read_text("utf-8", "replace"))


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[float, bytes]:
        started = time.perf_counter()
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
        return elapsed, body


# ---------------------------------------------------------------- measuring


def latencies(client: Client, paths: list[str]) -> dict:
    return summary([client.get(p)[0] * 1000 for p in paths])


def summary(times: list[float]) -> dict:
    return {"p50": statistics.median(times), "p95": statistics.quantiles(times, n=20)[18], "n": len(times)}


def page_walk(client: Client, first: str, count: int, api: bool) -> dict:
    """Follow `earlier` cursors from the newest page: each URL is new to the server, so nothing is cached."""
    times, path = [], first
    while len(times) < count and path:
        elapsed, body = client.get(path)
        times.append(elapsed * 1000)
        path = _next_path(body, first, api)
    return summary(times)


def _next_path(body: bytes, first: str, api: bool) -> str | None:
    if api:
        cursor = json.loads(body)["next"]
        return f"{urlsplit(first).path}?cursor={cursor}" if cursor else None
    text = body.decode()
    at = text.find('rel="next"')
    if at < 0:
        return None
    href = text.rfind('href="', 0, at)
    return text[href + 6 : text.index('"', href + 6)].replace("&amp;", "&")


def throughput(port: int | list[int], path: str, seconds: float, workers: int) -> float:
    """Requests per second of path by workers keep-alive clients, spread round-robin over the ports."""
    ports = port if isinstance(port, list) else [port]
    done, stop = [0] * workers, time.monotonic() + seconds

    def work(slot: int) -> None:
        client = Client(ports[slot % len(ports)])
        while time.monotonic() < stop:
            client.get(path)
            done[slot] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def measure(size: int, db_path: Path, port: int, args) -> dict:
    as_of = middle_of_log(db_path)  # half the facts recorded later
    results = {"cold /?as_of=mid-log": first_request_after_start(db_path, port, f"/?as_of={as_of}")}
    process = start(db_path, port)
    try:
        client = Client(port)
        results["cold /"] = client.get("/")[0] * 1000  # nothing cached: counts over every fact, then the page
        for _ in range(20):  # warm-up
            client.get("/")
        results["/"] = latencies(client, ["/"] * args.requests * 3)
        results["/ (new page each)"] = page_walk(client, "/", args.requests, api=False)
        results["/api/events"] = latencies(client, ["/api/events"] * args.requests)
        results["/api/events (new page each)"] = page_walk(client, "/api/events", args.requests, True)
        results["/?tag=russia (new page each)"] = page_walk(client, "/?tag=russia", 50, api=False)
        results["/?q=security (new page each)"] = page_walk(client, "/?q=security", 50, api=False)
        results["/?q=summit (new page each)"] = page_walk(client, "/?q=summit", 50, api=False)
        results["raw FTS5 summit, 50 by rowid"] = raw_search(db_path, "summit", 50)
        results["/feed.atom"] = latencies(client, ["/feed.atom"] * 50)
        results["/feed.atom?q=summit"] = latencies(client, ["/feed.atom?q=summit"] * 20)
        results["/api/events?as_of=mid-log"] = latencies(client, [f"/api/events?as_of={as_of}"] * 5)
        results["/?as_of=mid-log (new page each)"] = page_walk(client, f"/?as_of={as_of}", 20, api=False)
        results.update(after_appends(client, db_path, random.Random(size), APPEND_CYCLES))
        results["rps /"] = throughput(port, "/", args.seconds, args.workers)
        results["rps trivial"] = throughput(port, TRIVIAL, args.seconds, args.workers)
        return results
    finally:
        process.terminate()
        process.wait(timeout=20)


# ---------------------------------------------------------------- trees compared (issue 19: no page slower)


# Each page row the trees are compared on: (first path, requests, whether each follows the last's `next`
# link, whether that link is the API's); requests None: --requests.
COMPARED_ROWS = {
    "/": ("/", None, False, False),
    "/ (new page each)": ("/", None, True, False),
    "/api/events": ("/api/events", None, False, True),
    "/api/events (new page each)": ("/api/events", None, True, True),
    "/?tag=russia (new page each)": ("/?tag=russia", 50, True, False),
    "/?q=security (new page each)": ("/?q=security", 50, True, False),
    "/?q=summit (new page each)": ("/?q=summit", 50, True, False),
    "/feed.atom": ("/feed.atom", 50, False, False),
    "/feed.atom?q=summit": ("/feed.atom?q=summit", 20, False, False),
    "/api/events?as_of=mid-log": ("/api/events?as_of={as_of}", 5, False, True),
    "/?as_of=mid-log (new page each)": ("/?as_of={as_of}", 20, True, False),
}


def lockstep(
    clients: list[Client], pids: list[int], first: str, count: int, walk: bool, api: bool
) -> list[dict]:
    """One row on every tree's server at once: each step asks each server for its next path, the servers
    taking turns in an order rotated every step, so what else runs on the machine falls on all of them
    alike. Each server's p50 and its CPU time per request ("cpu", ms)."""
    paths: list[str | None] = [first] * len(clients)
    times: list[list[float]] = [[] for _ in clients]
    before = [cpu_seconds(pid) for pid in pids]
    for step in range(count):
        for i in [(step + k) % len(clients) for k in range(len(clients))]:
            if paths[i] is not None:
                elapsed, body = clients[i].get(paths[i])
                times[i].append(elapsed * 1000)
                paths[i] = _next_path(body, first, api) if walk else first
    cpu = [(cpu_seconds(pid) - start) * 1000 for pid, start in zip(pids, before)]
    return [summary(t) | {"cpu": c / len(t)} for t, c in zip(times, cpu)]


def cpu_seconds(pid: int) -> float:
    """CPU time of every thread of a process so far, to the nanosecond (Linux's schedstat)."""
    tasks = Path(f"/proc/{pid}/task")
    return sum(int((task / "schedstat").read_text().split()[0]) for task in tasks.iterdir()) / 1e9


_BUILD = "import sys; from pathlib import Path; sys.path[:0] = ['bench']; import bench_web; bench_web.database(int(sys.argv[1]), Path(sys.argv[2]))"


def tree_database(tree: Path, size: int, folder: Path) -> Path:
    """The tree's own database of size facts in folder (built by the tree's own code when missing, so an
    older tree is never handed a newer schema); each tree migrates its copy when its server opens it."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", _BUILD, str(size), str(folder)], cwd=tree, check=True)
    return folder / f"web-{size}.db"


def compare(trees: list[Path], sizes: list[int], rounds: int, args) -> None:
    """Each page row of each tree over HTTP, every tree's server started afresh for each round (nothing
    memoised) and asked in lockstep; the median over rounds of each row's p50 and server CPU per request,
    and each tree over the first (the baseline). Each tree has its own database (folder/<i>/web-<size>.db)."""
    for size in sizes:
        dbs = [tree_database(tree, size, args.folder / str(i)) for i, tree in enumerate(trees)]
        as_of = middle_of_log(dbs[0])
        figures: list[dict[str, dict[str, list[float]]]] = [{"p50": {}, "cpu": {}} for _ in trees]
        for round_ in range(rounds):
            processes = [start(db, args.port + i, tree) for i, (db, tree) in enumerate(zip(dbs, trees))]
            try:
                clients = [Client(args.port + i) for i in range(len(trees))]
                for name, (first, count, walk, api) in COMPARED_ROWS.items():
                    path = first.format(as_of=as_of)
                    pids = [p.pid for p in processes]
                    for i, value in enumerate(
                        lockstep(clients, pids, path, count or args.requests, walk, api)
                    ):
                        for figure in ("p50", "cpu"):
                            figures[i][figure].setdefault(name, []).append(value[figure])
            finally:
                for process in processes:
                    process.terminate()
                    process.wait(timeout=20)
            print(f"  {size:,} facts: round {round_ + 1} of {rounds} done", flush=True)
        for figure, what in (("p50", "p50 ms"), ("cpu", "server CPU ms per request")):
            _compared(size, trees, [f[figure] for f in figures], what)


def _compared(size: int, trees: list[Path], values: list[dict[str, list[float]]], what: str) -> None:
    names = [str(t) for t in trees]
    print(f"\n{size:,} facts, {what}, median of {len(values[0]['/'])} rounds (ratio over {names[0]})")
    print(f"  {'row':34}" + "".join(f" {n[-24:]:>24}" for n in names))
    for row in values[0]:
        medians = [statistics.median(v[row]) for v in values]
        cells = [f"{medians[0]:24.2f}"] + [f"{m:13.2f} ({m / medians[0]:5.3f}x)" for m in medians[1:]]
        print(f"  {row:34}" + " ".join(cells))


def first_request_after_start(db_path: Path, port: int, path: str) -> float:
    """A server of its own: the first request it answers, nothing cached in it yet."""
    process = start(db_path, port)
    try:
        return Client(port).get(path)[0] * 1000
    finally:
        process.terminate()
        process.wait(timeout=20)


def raw_search(db_path: Path, word: str, limit: int) -> dict:
    """The floor for a search page: FTS5 alone, newest rowids first, in this process."""
    conn = connect(db_path)
    sql = "SELECT rowid FROM facts_fts WHERE facts_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
    try:
        times = []
        for _ in range(30):
            started = time.perf_counter()
            conn.execute(sql, (word, limit)).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        return summary(times)
    finally:
        conn.close()


APPEND_CYCLES = 7  # append-then-ask cycles: one first request is too noisy on a shared machine


def after_appends(client: Client, db_path: Path, rng: random.Random, cycles: int) -> dict[str, float]:
    """The median, over cycles, of the first request of each page after one fact is recorded."""
    times: dict[str, list[float]] = {}
    for _ in range(cycles):
        for path in ("/", "/?tag=russia", "/?q=summit"):
            client.get(path)  # counted and cached at this position
        append_one_fact(db_path, rng)
        for path in ("/", "/?tag=russia", "/?q=summit"):
            times.setdefault(f"cold {path} after one append", []).append(client.get(path)[0] * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def append_one_fact(db_path: Path, rng: random.Random) -> None:
    """One fact recorded and projected, as a poll of the scheduler records it (one transaction)."""
    from events.service import Timeline

    timeline = Timeline.open(db_path)
    try:
        stream = _new_fact(rng, 10**9)
        fields = {k: v for k, v in stream.events[0].payload.items() if k in FACT_FIELDS}
        timeline.record_fact(fields, actor="feed:bench", origin="feed")
    finally:
        timeline.close()


def middle_of_log(db_path: Path) -> str:
    """The moment half the log was recorded (read only: another tree's schema stays as it is)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        sql = "SELECT recorded_at FROM events WHERE position = (SELECT max(position) / 2 FROM events)"
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


# Each figure the issue asks about, over its anchor measured in the same run (issue 19).
ANCHORS = {
    "/?as_of=mid-log (new page each)": "/ (new page each)",
    "cold /?as_of=mid-log": "cold /",
    "cold / after one append": "/",
    "/?q=summit (new page each)": "raw FTS5 summit, 50 by rowid",
    "/feed.atom?q=summit": "/feed.atom",
}


def _p50(value) -> float:
    return value["p50"] if isinstance(value, dict) else value


def report(all_results: dict[int, dict]) -> None:
    for size, results in all_results.items():
        print(f"\n{size:,} facts")
        for name, value in results.items():
            if name.startswith("cold"):
                how = (
                    f"(median of {APPEND_CYCLES} first requests)"
                    if "after one append" in name
                    else "(first request)"
                )
                print(f"  {name} {how}  {value:9.1f} ms")
            elif isinstance(value, dict):
                print(
                    f"  {name:44} p50 {value['p50']:8.2f} ms   p95 {value['p95']:8.2f} ms   (n={value['n']})"
                )
        for name, anchor in ANCHORS.items():
            if name in results and anchor in results:
                print(
                    f"  {'ratio ' + name:44} {_p50(results[name]) / _p50(results[anchor]):9.2f}   (over {anchor})"
                )
        ratio = results["rps /"] / results["rps trivial"]
        print(
            f"  {'requests/s /':34} {results['rps /']:9.0f}   trivial {results['rps trivial']:.0f}   ratio {ratio:.2f}"
            f" (target >= 0.3)"
        )
    sizes = sorted(all_results)
    if len(sizes) > 1:
        small, big = all_results[sizes[0]], all_results[sizes[-1]]
        print(f"\nratio {sizes[-1]:,} / {sizes[0]:,} facts (target <= 1.5)")
        for name in ("/", "/ (new page each)", "/api/events", "/api/events (new page each)"):
            print(
                f"  {name:44} p50 {big[name]['p50'] / small[name]['p50']:5.2f}   p95 {big[name]['p95'] / small[name]['p95']:5.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000", help="comma-separated fact counts")
    parser.add_argument("--requests", type=int, default=300, help="requests per latency figure")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each throughput run")
    parser.add_argument("--workers", type=int, default=8, help="concurrent keep-alive clients for throughput")
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--folder", type=Path, default=REPO / "var" / "bench")
    parser.add_argument("--serve", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--trees", help="comma-separated source trees, baseline first: compare their page rows (see compare)"
    )
    parser.add_argument(
        "--rounds", type=int, default=6, help="with --trees: fresh servers per tree, alternating"
    )
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve[0], int(args.serve[1]))
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]), flush=True)
    args.folder.mkdir(parents=True, exist_ok=True)
    if args.trees:
        trees = [Path(t).resolve() for t in args.trees.split(",")]
        return compare(trees, [int(s) for s in args.sizes.split(",")], args.rounds, args)
    results = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        print(f"{size:,} facts: preparing", flush=True)
        results[size] = measure(size, database(size, args.folder), args.port, args)
    report(results)


if __name__ == "__main__":
    main()
