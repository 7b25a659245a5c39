"""Measure the fact extractor against the gold files, so its precision and recall are known, not assumed.

Usage: python scripts/evaluate_extraction.py [-v] [--baseline dateparser]
       python scripts/evaluate_extraction.py --news [evaluate_news.py's options: --corpus, --spread N, ...]

--news scores whole news corpora end to end instead (tagging, dated facts, happenings, first-page
repeats, titles) through `timeline ingest` from feeds served on 127.0.0.1: scripts/evaluate_news.py.

An extracted fact matches a gold fact when the dates are equal (so at the same
precision: "2024-05" is not "2024-05-01"), its end date, if it gives one, is the
gold's, and at least half of the gold keywords occur in its title or summary.
Matching is one to one: a second fact for the same gold fact (a duplicate on the
timeline) is a false positive, like a fact dated wrongly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "tests" / "data" / "extraction"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
sys.path.insert(0, str(ROOT))

from events.pipeline.extract import ExtractedFact, extract_facts, split_sentences  # noqa: E402

RECALL_TARGET, PRECISION_TARGET = 0.9, 0.95


@dataclass
class Score:
    name: str
    gold: int
    extracted: int
    matched: int
    missed: list[dict] = field(default_factory=list)
    false_positives: list[ExtractedFact] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.gold.json"))


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def article_path(gold: dict) -> Path:
    """Seed articles are read from ../shared/seeds; the project keeps no copy of them."""
    name = gold["article"]
    return SEEDS_DIR / name.removeprefix("seed:") if name.startswith("seed:") else GOLD_DIR / name


def keyword_share(fact: ExtractedFact, keywords: list[str]) -> float:
    text = f"{fact.title} {fact.summary}".lower()
    found = sum(1 for k in keywords if re.search(r"(?<!\w)" + re.escape(k.lower()), text))
    return found / len(keywords) if keywords else 1.0


def match_score(fact: ExtractedFact, gold: dict) -> float | None:
    """How well a fact fits a gold fact, or None when its dates disagree or too few keywords occur."""
    if fact.date != gold["date"]:
        return None
    if fact.end_date is not None and fact.end_date != gold.get("end_date"):
        return None
    share = keyword_share(fact, gold["keywords"])
    return share if share >= 0.5 else None


def score(name: str, facts: list[ExtractedFact], gold_facts: list[dict]) -> Score:
    """One-to-one matching, best pairs first."""
    pairs = sorted(
        (
            (s, i, j)
            for i, f in enumerate(facts)
            for j, g in enumerate(gold_facts)
            if (s := match_score(f, g)) is not None
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    used_facts, used_gold = set(), set()
    for _, i, j in pairs:
        if i not in used_facts and j not in used_gold:
            used_facts.add(i)
            used_gold.add(j)
    return Score(
        name,
        len(gold_facts),
        len(facts),
        len(used_facts),
        missed=[g for j, g in enumerate(gold_facts) if j not in used_gold],
        false_positives=[f for i, f in enumerate(facts) if i not in used_facts],
    )


def extract_with(extractor, gold: dict, text: str) -> list[ExtractedFact]:
    return extractor(gold["title"], text, dt.date.fromisoformat(gold["published"]))


def evaluate(path: Path, extractor=extract_facts) -> Score:
    gold = load_gold(path)
    text = article_path(gold).read_text(encoding="utf-8")
    return score(path.name.removesuffix(".gold.json"), extract_with(extractor, gold, text), gold["facts"])


def total(scores: list[Score]) -> Score:
    return Score(
        "overall",
        sum(s.gold for s in scores),
        sum(s.extracted for s in scores),
        sum(s.matched for s in scores),
    )


def meets_targets(s: Score) -> bool:
    return s.recall >= RECALL_TARGET and s.precision >= PRECISION_TARGET


def dateparser_extractor(title: str, text: str, published: dt.date) -> list[ExtractedFact]:
    """Baseline: dateparser's search_dates on each sentence, one fact per hit, as it would be used alone."""
    from dateparser.search import search_dates

    base = dt.datetime.combine(published, dt.time())
    facts = [ExtractedFact(published.isoformat(), None, "day", title, title, (), 1.0)]
    for sentence in split_sentences(text):
        hits = search_dates(sentence, languages=["en"], settings={"RELATIVE_BASE": base}) or []
        facts += [
            ExtractedFact(when.date().isoformat(), None, "day", sentence, sentence, (), 0.5)
            for _, when in hits
        ]
    return facts


def _row(s: Score) -> str:
    flag = "ok" if meets_targets(s) else "BELOW TARGET"
    return (
        f"{s.name:<36} {s.gold:>4} {s.extracted:>9} {s.matched:>7} "
        f"{s.precision:>9.3f} {s.recall:>6.3f}  {flag}"
    )


def _details(s: Score) -> list[str]:
    lines = [
        f"  missed  {g['date']}{'..' + g['end_date'] if g.get('end_date') else ''}  {g['statement']}"
        for g in s.missed
    ]
    lines += [
        f"  wrong   {f.date}{'..' + f.end_date if f.end_date else ''}  {f.title}" for f in s.false_positives
    ]
    return lines


def report(scores: list[Score], verbose: bool) -> str:
    lines = [f"{'article':<36} {'gold':>4} {'extracted':>9} {'matched':>7} {'precision':>9} {'recall':>6}"]
    for s in scores:
        lines.append(_row(s))
        if verbose:
            lines += _details(s)
    lines.append(_row(total(scores)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--news"]:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import evaluate_news  # scripts/ beside this one: the news corpora's end-to-end scoring

        return evaluate_news.main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--news", action="store_true", help="score the news corpora end to end (first option)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list missed and wrong facts")
    parser.add_argument("--baseline", choices=["dateparser"], help="score dateparser alone instead")
    args = parser.parse_args(argv)
    if args.news:
        parser.error("--news comes first: the options after it are scripts/evaluate_news.py's")
    extractor = dateparser_extractor if args.baseline else extract_facts
    paths = [p for p in gold_files() if article_path(load_gold(p)).exists()]
    skipped = [p.name for p in gold_files() if p not in paths]
    scores = [evaluate(p, extractor) for p in paths]
    print(report(scores, args.verbose))
    if skipped:
        print(f"skipped (article not found, seeds live in {SEEDS_DIR}): {', '.join(skipped)}")
    return 0 if all(meets_targets(s) for s in scores) and not skipped else 1


if __name__ == "__main__":
    sys.exit(main())
