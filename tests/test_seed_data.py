"""Checks on the curated seed facts shipped in events/data/seed_facts.json."""

import json
import re
from pathlib import Path

import pytest

from tests.needs import shared_path

DATA_FILE = Path(__file__).parents[1] / "events/data/seed_facts.json"

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COPY_RUN = 10  # a shared run of this many consecutive words counts as copying
MAX_EVIDENCE_WORDS = 8


def load():
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


DOC = load()
FACTS = DOC["facts"]
ARTICLES = DOC["articles"]


def fact(key):
    matches = [f for f in FACTS if f["key"] == key]
    assert len(matches) == 1, f"expected exactly one fact with key {key!r}"
    return matches[0]


def is_real_date(value):
    """True if value is YYYY, YYYY-MM or YYYY-MM-DD and names a real calendar date."""
    if not isinstance(value, str) or not DATE_RE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if year < 1:
        return False
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return False
    if len(parts) == 3:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        if not 1 <= parts[2] <= days[parts[1] - 1]:
            return False
    return True


def words(text):
    return re.findall(r"\w+", text.lower())


def ngrams(tokens, n):
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- structure


def test_format_and_minimum_size():
    assert DOC["format"] == 1
    assert len(FACTS) >= 20


def test_keys_unique_slugs():
    keys = [f["key"] for f in FACTS]
    assert len(keys) == len(set(keys)), "duplicate fact keys"
    for key in keys:
        assert SLUG_RE.match(key), f"bad key {key!r}"


def test_article_records():
    assert ARTICLES, "no articles"
    for art_id, art in ARTICLES.items():
        assert is_real_date(art["published"]) and len(art["published"]) == 10, art_id
        assert art["title"].strip() and len(art["title"]) <= 120, art_id
        assert art["outlet"].strip(), art_id
        assert art["seed_file"] == f"{art_id}.txt", art_id


@pytest.mark.parametrize("f", FACTS, ids=lambda f: f["key"])
def test_fact_shape(f):
    assert is_real_date(f["date"]), f"bad date {f['date']!r}"
    if "end_date" in f:
        end = f["end_date"]
        assert is_real_date(end), f"bad end_date {end!r}"
        # same or coarser precision than the start
        assert len(end) <= len(f["date"]), "end_date finer than date"
        # a real span: ends after it starts
        assert end > f["date"][: len(end)], "end_date not after date"
    assert f["article"] in ARTICLES, f"unknown article {f['article']!r}"
    assert f["title"].strip() and len(f["title"]) <= 120
    assert f["summary"].strip()
    assert 2 <= len(f["tags"]) <= 6
    assert len(set(f["tags"])) == len(f["tags"]), "duplicate tags"
    for tag in f["tags"]:
        assert SLUG_RE.match(tag), f"tag {tag!r} is not a slug"
    evidence = f["evidence"].strip()
    assert evidence and len(evidence.split()) <= MAX_EVIDENCE_WORDS


def test_facts_in_chronological_order():
    dates = [f["date"] for f in FACTS]
    assert dates == sorted(dates)


def test_no_fact_dated_after_its_article():
    for f in FACTS:
        published = ARTICLES[f["article"]]["published"]
        # forward-looking facts may fall shortly after publication, but not years later
        assert f["date"][:4] <= published[:4], f["key"]


# ---------------------------------------------------------------- known dates


def test_samarkand_summit_span():
    f = fact("samarkand-summit-2022")
    assert (f["date"], f["end_date"]) == ("2022-09-15", "2022-09-16")
    assert {"sco", "summit", "samarkand"} <= set(f["tags"])


def test_astana_meeting_day():
    f = fact("putin-xi-meeting-astana-2024")
    assert f["date"] == "2024-07-03" and "end_date" not in f


def test_putin_beijing_visit_month_precision():
    f = fact("putin-visits-beijing-2024-05")
    assert f["date"] == "2024-05"


def test_sco_founding_year_precision():
    f = fact("sco-founded-2001")
    assert f["date"] == "2001"


def test_terror_attacks_month_precision():
    assert fact("moscow-terror-attack-2024-03")["date"] == "2024-03"
    assert fact("dagestan-terror-attack-2024-06")["date"] == "2024-06"


def test_other_resolved_relative_dates():
    assert fact("russia-invades-ukraine-2022")["date"] == "2022-02"
    assert fact("ccp-party-congress-2022")["date"] == "2022-10"
    assert fact("pashinyan-requests-csto-support-2022")["date"] == "2022-09-14"
    assert fact("kyrgyzstan-tajikistan-border-clash-2022-09-14")["date"] == "2022-09-14"
    assert fact("xi-putin-talks-samarkand-2022")["date"] == "2022-09-15"
    assert fact("belarus-joins-sco-2024")["date"] == "2024"
    assert fact("nagorno-karabakh-war-2020")["date"] == "2020"


def test_each_article_has_a_fact_on_its_publication_day():
    for art_id, art in ARTICLES.items():
        assert any(f["article"] == art_id and f["date"] == art["published"] for f in FACTS), art_id


# ---------------------------------------------------------------- against the seed texts


def article_text(art_id):
    path = shared_path("seeds", ARTICLES[art_id]["seed_file"])
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("f", FACTS, ids=lambda f: f["key"])
def test_evidence_occurs_in_article(f):
    text = normalise(article_text(f["article"]))
    assert normalise(f["evidence"]) in text, f"evidence not found: {f['evidence']!r}"


@pytest.mark.parametrize("art_id", sorted(ARTICLES))
def test_no_copied_runs(art_id):
    source = ngrams(words(article_text(art_id)), COPY_RUN)
    own_texts = [ARTICLES[art_id]["title"]]
    for f in FACTS:
        if f["article"] == art_id:
            own_texts += [f["title"], f["summary"]]
    for text in own_texts:
        shared = ngrams(words(text), COPY_RUN) & source
        assert not shared, f"copies a {COPY_RUN}-word run from the article: {text!r}"
