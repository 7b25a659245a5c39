"""The news evaluator's errors with their causes: each wrong (fact, report) pair with the sentence that
made it, and each happening several reports tell that became several facts, with why they did not match.

Usage: python scripts/diagnose_news.py [--corpus tests/data/news] [--keep DB]
       [--order fixed|reversed|shuffled] [--seed N] [--polls together|per-feed]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate_news as ev  # noqa: E402

from events.pipeline.happenings import Report, kind_of_happening, same_happening  # noqa: E402


def as_report(fact: dict) -> Report:
    return Report(fact["date"], fact["end_date"], fact["title"], fact["summary"], tuple(fact["tags"]))


def false_positives(facts, pairs, matched, articles) -> list[str]:
    by_id = {f["fact_id"]: f for f in facts}
    lines = []
    for p in pairs:
        if matched[id(p)]:
            continue
        fact = by_id[p.fact_id]
        source = next(s for s in fact["sources"] if s.get("url") == p.article)
        gold = articles[p.article]["facts"]
        lines += [
            f"- {p.date}{'..' + p.end_date if p.end_date else ''} [{len(fact['sources'])} sources] {p.article}",
            f"    fact:     {fact['title'][:160]!r}",
            f"    sentence: {(source.get('evidence') or fact['summary'])[:240]!r}",
            f"    why:      {source.get('why', 'recorded from it')}",
            "    gold:     "
            + "; ".join(
                f"{g['happening']} {g['date']} {g.get('end_date') or ''} {g['keywords']}" for g in gold
            ),
        ]
    return lines


def splits(facts, pairs, happening_of, articles) -> list[str]:
    by_id = {f["fact_id"]: f for f in facts}
    facts_of = defaultdict(set)
    for p in pairs:
        if (h := happening_of.get(id(p))) is not None:
            facts_of[h].add(p.fact_id)
    reported_by = defaultdict(set)
    for link, a in articles.items():
        for g in a["facts"]:
            reported_by[g["happening"]].add(link)
    lines = []
    for h in sorted(h for h, links in reported_by.items() if len(links) >= 2 and len(facts_of[h]) > 1):
        lines.append(f"== {h}: {len(facts_of[h])} facts")
        ids = sorted(facts_of[h], key=lambda f: -len(by_id[f]["sources"]))
        for fid in ids:
            f = by_id[fid]
            kind = kind_of_happening(as_report(f))
            lines.append(
                f"  [{fid[-6:]}] {f['date']}..{f['end_date']} kind={kind} sources={len(f['sources'])}"
                f" tags={f['tags']}\n      {f['title'][:150]!r}"
            )
            if fid != ids[0]:
                lines += _told_here(f, h, pairs, happening_of)
        for a, b in itertools.combinations(ids, 2):
            verdict = same_happening(as_report(by_id[b]), as_report(by_id[a]))
            lines.append(f"  {b[-6:]} vs {a[-6:]}: {verdict.why}")
    return lines


def _told_here(fact: dict, happening: str, pairs, happening_of) -> list[str]:
    """The reports of this happening on a fact other than its main one, with their sentences."""
    lines = []
    for p in pairs:
        if p.fact_id == fact["fact_id"] and happening_of.get(id(p)) == happening:
            source = next(s for s in fact["sources"] if s.get("url") == p.article)
            sentence = (source.get("evidence") or fact["summary"])[:200]
            lines.append(
                f"      <- {p.article}\n         {sentence!r} ({source.get('why', 'recorded from it')})"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ev.CORPUS)
    parser.add_argument("--keep", type=Path, help="copy the ingested database here")
    parser.add_argument("--order", choices=("fixed", "reversed", "shuffled"), default="fixed")
    parser.add_argument("--seed", type=int, default=0, help="with --order shuffled: the shuffle's seed")
    parser.add_argument("--polls", choices=("together", "per-feed"), default="together")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = ev.ingest(args.corpus, Path(folder), ev.Order(args.order, args.seed, args.polls))
        if args.keep:
            shutil.copy(db, args.keep)
        gold = ev.load_gold(args.corpus)
        links = ev.item_links(args.corpus)
        articles = {
            links[(a["feed"], a["guid"])]: a for a in gold["articles"] if (a["feed"], a["guid"]) in links
        }
        _, facts = ev.read_timeline(db)
    pairs = ev.pairs_of(facts, set(articles))
    matched = ev.credit(pairs, articles)
    happening_of = {id(p): m["happening"] for p in pairs if (m := matched[id(p)])}
    print("# false-positive pairs")
    print("\n".join(false_positives(facts, pairs, matched, articles)))
    print("\n# happenings split into several facts")
    print("\n".join(splits(facts, pairs, happening_of, articles)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
