"""Score the whole pipeline on the news corpus: tagging, dated facts and happenings, through `timeline ingest`.

Usage: python scripts/evaluate_news.py [-v] [--corpus tests/data/news] [--json]
           [--order fixed|reversed|shuffled] [--seed N] [--polls together|per-feed] [--spread N]

The corpus's feeds are served from 127.0.0.1 and ingested by the real command
into a fresh database; the timeline it builds is then read back and compared
with the corpus's gold (tests/data/news/README.md says its format):
- tagging: an article is kept when it became an article of the log;
- dated facts: a (fact, article) pair, one per source of a live fact, is right
  when the article's gold states a fact at that date (and end date) whose
  keywords occur in the fact's title, summary or the source's evidence;
- happenings: every pair that is right names a happening; a happening reported by
  several articles should be one fact carrying all of them, and no fact should
  carry two happenings;
- the first page: the 50 facts a reader sees first (newest first), and how many
  repeat a happening already shown above them;
- titles: the live facts' titles that a person would call broken.

Real feeds arrive in any order, one poll per feed: --order and --seed choose the order the feeds
are polled in, --polls per-feed runs one `timeline ingest --feed NAME` per feed (as the scheduler
polls them) instead of one run over all, and --spread N scores the fixed and reversed orders and N
shuffled ones and prints each figure's min / median / max.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "news"
FIRST_PAGE = 50
# What makes a title broken to a reader: a byline, credit, caption or dateline left in; a clause
# fragment or a sentence that leans on a pronoun; a title that starts in lower case.
BROKEN_TITLE = re.compile(
    r"^(?:by\s|photo\b|file photo|reporting by|editing by|beginning\b|starting\b|it\s|its\s|they\s|he\s"
    r"|she\s|this\s(?!year)|these\s|that\s|which\s|who\s|and\s|but\s|also\s|their\s|his\s|her\s"
    r"|becoming\b|completing\b|speaking\b|in\s[A-Z]\w+\s(?:on|in)\s[A-Z]?\w+\s\d+(?:-\d+)?$)"
    r"|\((?:reuters|ap|afp|xinhua|tass|ani|pti|ians)\)|\b(?:photo|credit|caption|file)\s*:|\bgetty images\b"
    r"|\breporting by\b|\bediting by\b",
    re.IGNORECASE,
)
DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,}(?:,\s*\w+\.?\s*\d{1,2})?\s*(?:\([^)]*\))?\s*[-—–]")


def broken_title(title: str) -> bool:
    return bool(BROKEN_TITLE.search(title) or DATELINE.search(title) or title[:1].islower())


@dataclass
class Pair:
    fact_id: str
    article: str  # the article's link
    date: str
    end_date: str | None
    text: str


@dataclass
class Report:
    articles: int = 0
    tagging: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)
    happenings: dict = field(default_factory=dict)
    first_page: dict = field(default_factory=dict)
    titles: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)


def load_gold(corpus: Path) -> dict:
    return json.loads((corpus / "gold.json").read_text(encoding="utf-8"))


def item_links(corpus: Path) -> dict[tuple[str, str], str]:
    """(feed file, guid) -> the item's link, read with feedparser as ingest reads it."""
    import feedparser

    links = {}
    for path in sorted((corpus / "feeds").glob("*.xml")):
        for entry in feedparser.parse(path.read_bytes()).entries:
            links[(path.name, entry.get("id") or entry.get("link"))] = entry.get("link")
    return links


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@dataclass(frozen=True)
class Order:
    """The order the corpus's feeds are polled in, and whether in one run or one run per feed."""

    order: str = "fixed"  # fixed (by file name), reversed or shuffled
    seed: int = 0
    polls: str = "together"  # together: one `timeline ingest`; per-feed: one per feed

    def feeds(self, corpus: Path) -> list[Path]:
        paths = sorted((corpus / "feeds").glob("*.xml"))
        if self.order == "reversed":
            return paths[::-1]
        if self.order == "shuffled":
            random.Random(self.seed).shuffle(paths)
        return paths

    def label(self) -> str:
        return f"{self.order}{f' seed {self.seed}' if self.order == 'shuffled' else ''}, {self.polls}"


def ingest(corpus: Path, folder: Path, order: Order = Order()) -> Path:
    """A config naming every corpus feed in the order's order, then `timeline ingest` as a user would
    run it: once over all feeds, or once per feed as the scheduler polls them."""
    db = folder / "news.db"
    paths = order.feeds(corpus)
    with served(corpus / "feeds") as base:
        feeds = "".join(f'[[feeds]]\nname = "{path.stem}"\nurl = "{base}{path.name}"\n\n' for path in paths)
        config = folder / "config.toml"
        config.write_text(
            f'[database]\npath = "{db}"\n\n[ingest]\njitter_seconds = 0\n\n{feeds}', encoding="utf-8"
        )
        command = [sys.executable, "-m", "timeline.cli", "--config", str(config), "ingest"]
        runs = [[]] if order.polls == "together" else [["--feed", path.stem] for path in paths]
        for selector in runs:
            _run(command + selector)
    return db


def _run(command: list[str]) -> None:
    """One `timeline ingest`, tried twice: on a machine shared with benchmarks, a poll of one feed can time
    out fetching from 127.0.0.1, and a run of one feed fails when its one feed does."""
    for attempt in (1, 2):
        done = subprocess.run(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600
        )
        if done.returncode == 0:
            return
        print(
            f"{' '.join(command[-2:])} failed (attempt {attempt}): {done.stderr.strip()[-300:]}",
            file=sys.stderr,
        )
    raise subprocess.CalledProcessError(done.returncode, command, stderr=done.stderr)


def read_timeline(db: Path) -> tuple[set[str], list[dict]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        kept = {row["url"] for row in conn.execute("SELECT url FROM articles") if row["url"]}
        facts = [dict(row) for row in conn.execute("SELECT * FROM facts WHERE retracted = 0")]
    finally:
        conn.close()
    for fact in facts:
        fact["sources"] = json.loads(fact["sources"])
        fact["tags"] = json.loads(fact["tags"])
    return kept, facts


def pairs_of(facts: list[dict], corpus_links: set[str]) -> list[Pair]:
    out = []
    for fact in facts:
        for source in fact["sources"]:
            if source.get("url") in corpus_links:
                text = " ".join(filter(None, (fact["title"], fact["summary"], source.get("evidence"))))
                out.append(Pair(fact["fact_id"], source["url"], fact["date"], fact["end_date"], text))
    return out


def keyword_share(text: str, keywords: list[str]) -> float:
    lowered = text.lower()
    return sum(1 for k in keywords if k.lower() in lowered) / len(keywords) if keywords else 1.0


def dates_fit(pair: Pair, gold: dict) -> bool:
    """The fact's dates are the gold's, or name days inside it: a report saying "in July 2023" is
    right on the fact of 4 July 2023 it joined. A span and a day inside it agree too."""
    if gold["date"] == pair.date and (not pair.end_date or pair.end_date == gold.get("end_date")):
        return True
    first, last = _days(pair.date, pair.end_date)
    gold_first, gold_last = _days(gold["date"], gold.get("end_date"))
    if gold_first <= first and last <= gold_last or first <= gold_first and gold_last <= last:
        return True
    # "the summit at the end of August" is right on the summit of 31 August - 1 September: a month or a
    # year the article gives holds the first day of the fact it joined
    return len(gold["date"]) < 10 and not gold.get("end_date") and gold_first <= first <= gold_last


def _days(date: str, end: str | None) -> tuple[str, str]:
    def bounds(text: str) -> tuple[str, str]:
        return (
            (text + "-01-01"[len(text) - 4 :], text + "-12-31"[len(text) - 4 :])
            if len(text) < 10
            else (text, text)
        )

    return bounds(date)[0], bounds(end or date)[1]


def best_golds(pair: Pair, gold_facts: list[dict]) -> list[dict]:
    """The article's gold facts this pair may state, best first: dates that fit and the best keyword
    share (at least half), or the one fitting date when the pair has a keyword of it."""
    fitting = [g for g in gold_facts if dates_fit(pair, g)]
    shares = [(keyword_share(pair.text, g.get("keywords", [])), g) for g in fitting]
    best_share = max((share for share, _ in shares), default=0.0)
    if best_share >= 0.5:
        return [g for share, g in shares if share == best_share]
    if len(fitting) == 1 and best_share > 0:
        return fitting  # one fitting date, a keyword of it: a fact titled from another report of it
    return []


def credit(pairs: list[Pair], articles: dict[str, dict]) -> dict[int, dict | None]:
    """Each pair's gold fact. A sentence can tell two happenings equally well ("leaders met in Astana
    in July, when Belarus joined"), and then the gold's order is no reason to pick one: the pair goes to
    the happening the fact's other reports are credited with, else to the gold whose dates are exactly
    the fact's, else to the first in the gold's order."""
    tied = {id(p): best_golds(p, articles[p.article]["facts"]) for p in pairs}
    votes = defaultdict(Counter)  # fact -> happening -> reports credited with it without a tie
    for p in pairs:
        if len(tied[id(p)]) == 1:
            votes[p.fact_id][tied[id(p)][0]["happening"]] += 1
    return {id(p): _settled(p, tied[id(p)], votes[p.fact_id]) for p in pairs}


def _settled(pair: Pair, golds: list[dict], votes: Counter) -> dict | None:
    if len(golds) <= 1:
        return golds[0] if golds else None

    def rank(index_gold: tuple[int, dict]) -> tuple:
        index, gold = index_gold
        exact = (gold["date"], gold.get("end_date")) == (pair.date, pair.end_date)
        return (-votes[gold["happening"]], not exact, index)

    return min(enumerate(golds), key=rank)[1]


def score(corpus: Path, db: Path) -> Report:
    gold = load_gold(corpus)
    links = item_links(corpus)
    articles = {links[(a["feed"], a["guid"])]: a for a in gold["articles"] if (a["feed"], a["guid"]) in links}
    kept, facts = read_timeline(db)
    report = Report(articles=len(articles))
    report.tagging = _tagging(articles, kept)
    pairs = pairs_of(facts, set(articles))
    matched = credit(pairs, articles)
    report.facts = _facts(articles, kept, pairs, matched)
    happening_of = {id(p): m["happening"] for p in pairs if (m := matched[id(p)])}
    report.happenings = _happenings(articles, pairs, happening_of)
    report.first_page = _first_page(facts, pairs, happening_of)
    report.titles = _titles(facts)
    return report


def _tagging(articles: dict[str, dict], kept: set[str]) -> dict:
    relevant = {link for link, a in articles.items() if a["about_sco"]}
    found = kept & set(articles)
    true = len(found & relevant)
    by_language = defaultdict(lambda: [0, 0])
    for link in relevant:
        by_language[articles[link]["language"]][0] += link in found
        by_language[articles[link]["language"]][1] += 1
    return {
        "precision": true / len(found) if found else 1.0,
        "recall": true / len(relevant) if relevant else 1.0,
        "false_positives": sorted(articles[link]["guid"] for link in found - relevant),
        "missed": sorted(articles[link]["guid"] for link in relevant - found),
        "recall_by_language": {lang: f"{a}/{b}" for lang, (a, b) in sorted(by_language.items())},
    }


def _facts(articles, kept, pairs, matched) -> dict:
    gold_pairs = {(link, g["happening"]) for link, a in articles.items() if link in kept for g in a["facts"]}
    all_gold = {(link, g["happening"]) for link, a in articles.items() if a["about_sco"] for g in a["facts"]}
    found = {(p.article, m["happening"]) for p in pairs if (m := matched[id(p)])}
    right = sum(1 for p in pairs if matched[id(p)])
    wrong_year = [
        (p.date, p.article)
        for p in pairs
        if not matched[id(p)]
        and any(
            g["date"][:4] != p.date[:4] and g["date"][4:] == p.date[4:] for g in articles[p.article]["facts"]
        )
    ]
    return {
        "pairs": len(pairs),
        "precision": right / len(pairs) if pairs else 1.0,
        "recall": len(found & all_gold) / len(all_gold) if all_gold else 1.0,
        "recall_of_kept_articles": len(found & gold_pairs) / len(gold_pairs) if gold_pairs else 1.0,
        "wrong_year": len(wrong_year),
        "false_positives": [f"{p.date} {p.text[:90]!r} ({p.article})" for p in pairs if not matched[id(p)]],
        "missed": sorted(f"{h} in {link}" for link, h in all_gold - found),
    }


def _happenings(articles, pairs, happening_of) -> dict:
    reported_by = defaultdict(set)
    for link, a in articles.items():
        for g in a["facts"]:
            reported_by[g["happening"]].add(link)
    facts_of = defaultdict(set)
    happenings_in = defaultdict(set)
    for p in pairs:
        if (h := happening_of.get(id(p))) is not None:
            facts_of[h].add(p.fact_id)
            happenings_in[p.fact_id].add(h)
    multi = [h for h, links in reported_by.items() if len(links) >= 2]
    one_fact = [h for h in multi if len(facts_of[h]) == 1]
    reports_of = defaultdict(lambda: defaultdict(set))  # happening -> fact -> articles
    for p in pairs:
        if (h := happening_of.get(id(p))) is not None:
            reports_of[h][p.fact_id].add(p.article)
    on_main = sum(max((len(a) for a in reports_of[h].values()), default=0) for h in multi)
    on_any = sum(len(set().union(*reports_of[h].values())) if reports_of[h] else 0 for h in multi)
    merged = {f: sorted(hs) for f, hs in happenings_in.items() if len(hs) > 1}
    merged_reports = [
        [
            f"{happening_of.get(id(p))}: {p.date} ...{p.text[-140:]!r} ({p.article})"
            for p in pairs
            if p.fact_id == f
        ]
        for f in merged
    ]
    return {
        "reported_by_several": len(multi),
        "one_fact": len(one_fact),
        "share_one_fact": len(one_fact) / len(multi) if multi else 1.0,
        "facts_per_happening": {h: len(facts_of[h]) for h in sorted(multi)},
        "facts_for_them": sum(len(facts_of[h]) for h in multi),
        "reports_on_the_main_fact": on_main / on_any if on_any else 1.0,
        "facts_merging_distinct_happenings": len(merged),
        "merged": list(merged.values()),
        "merged_reports": merged_reports,
    }


def _first_page(facts, pairs, happening_of) -> dict:
    happenings_of_fact = defaultdict(set)
    for p in pairs:
        if (h := happening_of.get(id(p))) is not None:
            happenings_of_fact[p.fact_id].add(h)
    page = sorted(facts, key=lambda f: (f["sort_key"], f["n"]), reverse=True)[:FIRST_PAGE]
    shown, repeats = set(), []
    for fact in page:
        mine = happenings_of_fact.get(fact["fact_id"], set())
        if mine & shown:
            repeats.append(f"{fact['date']} {fact['title'][:80]}")
        shown |= mine
    return {"facts": len(page), "repeating_a_happening_above": len(repeats), "repeats": repeats}


def _titles(facts) -> dict:
    broken = [
        f"{f['date']} {f['title'][:100]}" for f in facts if f["origin"] == "feed" and broken_title(f["title"])
    ]
    return {
        "feed_facts": sum(1 for f in facts if f["origin"] == "feed"),
        "broken": len(broken),
        "examples": broken,
    }


def evaluate(corpus: Path = CORPUS, order: Order = Order()) -> Report:
    with tempfile.TemporaryDirectory() as folder:
        return score(corpus, ingest(corpus, Path(folder), order))


def figures(report: Report) -> dict[str, float]:
    """The headline figures of one run, for comparing runs in different orders."""
    f, h, p = report.facts, report.happenings, report.first_page
    return {
        "precision": f["precision"],
        "recall": f["recall"],
        "wrong year": f["wrong_year"],
        "one fact": h["one_fact"],
        "merges": h["facts_merging_distinct_happenings"],
        "first-page repeats": p["repeating_a_happening_above"],
        "broken titles": report.titles["broken"],
    }


def spread(corpus: Path, seeds: int, polls: str) -> list[str]:
    """Each figure's min / median / max over the fixed and reversed orders and `seeds` shuffled ones."""
    orders = [Order("fixed", polls=polls), Order("reversed", polls=polls)]
    orders += [Order("shuffled", seed, polls) for seed in range(1, seeds + 1)]
    runs = []
    lines = []
    for order in orders:
        runs.append(figures(evaluate(corpus, order)))
        lines.append(f"{order.label()}: " + ", ".join(f"{k} {_shown(v)}" for k, v in runs[-1].items()))
    for key in runs[0]:
        values = [run[key] for run in runs]
        lines.append(
            f"{key}: min {_shown(min(values))}, median {_shown(statistics.median(values))},"
            f" max {_shown(max(values))}"
        )
    return lines


def _shown(value: float) -> str:
    return f"{value:.3f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"


def summary_lines(report: Report) -> list[str]:
    t, f, h, p, ti = report.tagging, report.facts, report.happenings, report.first_page, report.titles
    return [
        f"articles: {report.articles}",
        f"tagging: precision {t['precision']:.3f}, recall {t['recall']:.3f} (by language {t['recall_by_language']})",
        f"dated facts: precision {f['precision']:.3f}, recall {f['recall']:.3f} over {f['pairs']} (fact, report) pairs;"
        f" wrong year {f['wrong_year']}",
        f"happenings reported by several articles: {h['one_fact']} of {h['reported_by_several']} are one fact"
        f" ({h['share_one_fact']:.0%}), {h['facts_for_them']} facts for them, {h['reports_on_the_main_fact']:.0%} of their"
        f" reports on each one's main fact; facts merging distinct happenings: {h['facts_merging_distinct_happenings']}",
        f"first page: {p['repeating_a_happening_above']} of {p['facts']} facts repeat a happening shown above",
        f"titles: {ti['broken']} broken of {ti['feed_facts']} machine-made",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list every miss, false positive and repeat"
    )
    parser.add_argument("--json", action="store_true", help="the whole report as JSON")
    parser.add_argument("--order", choices=("fixed", "reversed", "shuffled"), default="fixed")
    parser.add_argument("--seed", type=int, default=0, help="with --order shuffled: the shuffle's seed")
    parser.add_argument("--polls", choices=("together", "per-feed"), default="together")
    parser.add_argument(
        "--spread", type=int, metavar="N", help="score fixed, reversed and N shuffled orders: min/median/max"
    )
    args = parser.parse_args(argv)
    if args.spread is not None:
        print("\n".join(spread(args.corpus, args.spread, args.polls)))
        return 0
    report = evaluate(args.corpus, Order(args.order, args.seed, args.polls))
    if args.json:
        print(json.dumps(report.__dict__, indent=2, ensure_ascii=False))
        return 0
    print("\n".join(summary_lines(report)))
    if args.verbose:
        for name in ("tagging", "facts", "happenings", "first_page", "titles"):
            print(f"\n== {name}")
            print(json.dumps(getattr(report, name), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
