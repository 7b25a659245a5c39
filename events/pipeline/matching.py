"""Dated facts from an article, the fact already recorded that a new one repeats, and what re-extraction changes."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from events.domain.article import publisher_day
from events.domain.dates import precision_of, sort_key_of
from events.domain.fact import (
    FACT_CORRECTED,
    FACT_RECORDED,
    FACT_SOURCE_ADDED,
    MAX_SUMMARY,
    MAX_TAGS,
    MAX_TITLE,
    MAX_URL,
    PLANNED,
    FactState,
    clean_source,
    clean_text,
    evolve_stream,
    fact_corrected,
    fact_merged,
    fact_recorded,
    fact_retracted,
    fact_source_added,
    validate_fact,
)
from events.log.clock import from_utc_text
from events.log.ids import uuid7
from events.log.model import NewEvent, StreamAppend
from events.log.store import EventStore, loads_json
from events.pipeline.calendar import Gathering
from events.pipeline.dates_ru_zh import in_russian_or_chinese
from events.pipeline.extract import ExtractedFact, extract_facts, keywords, same_fact
from events.pipeline.gazetteer import kind_of, places_in, tags_for
from events.pipeline.happenings import (
    LIST_ENTRY,
    Report,
    a_dated_clause,
    as_an_entry_of_its_list,
    carried_together,
    countries,
    days_of,
    entities,
    in_the_headline_s_happening,
    kind_named_first,
    kind_of_happening,
    kinds_conflict,
    kinds_in,
    kinds_named,
    looked_for_among_all,
    named_apart,
    names_a_kind,
    names_a_meeting,
    not_the_sco_s_summit,
    refined_dates,
    same_happening,
    the_calendar_s_year,
    the_gathering,
    with_context,
)
from events.pipeline.relative_dates import tense_markers
from events.pipeline.titles import leans_on_pronoun

REEXTRACTED = "re-extraction with the current rules no longer finds this fact"
FEED_CHANGED = "its article's feed changed the text, which no longer states this fact"
# retag's reason reads "its only article (KEY) no longer matches the SCO tagging rules"
RETAGGED = "no longer matches the SCO tagging rules"

# Only what same_fact compares: a fact cited by hundreds of articles has a sources
# list of ~100 KB, which decoding for every date of every poll made the costliest step.
_CANDIDATES = (
    "SELECT fact_id, version, date, end_date, title, summary, tags FROM facts"
    " WHERE retracted = 0 AND sort_key = ? AND date = ? LIMIT 5000"  # by the facts_timeline index
)
# Live facts naming one person, place or country within a range of days: other reports of a happening.
# fact_tags is keyed (tag, retracted, sort_key, n), so this reads one short range of the index.
_NAMING_AROUND = (
    "SELECT f.fact_id, f.version, f.date, f.end_date, f.title, f.summary, f.tags,"
    " json_array_length(f.sources) FROM fact_tags t"
    " JOIN facts f ON f.n = t.n WHERE t.tag = ? AND t.retracted = 0 AND t.sort_key BETWEEN ? AND ?"
    " ORDER BY t.sort_key DESC LIMIT 200"
)
# Live facts within a range of days, whoever they name: for a report naming no one (by facts_timeline).
_ANY_AROUND = (
    "SELECT fact_id, version, date, end_date, title, summary, tags, json_array_length(sources) FROM facts"
    " WHERE retracted = 0 AND sort_key BETWEEN ? AND ? ORDER BY sort_key DESC LIMIT 200"
)
# A span starts at most this long before a day it holds (a summit, a congress, an exercise).
_LONGEST_SPAN = dt.timedelta(days=7)
_SAME_WORDS = "the same date and nearly the same words"
# Only a date written out (a day with its month and year, 0.9 and above) moves a fact's dates: a weekday
# or a day without its year, resolved against the publication day, may be a week or a year out.
SURE_OF_THE_DAYS = 0.9
# The facts an article recorded or backs. No index names the article, but its facts were all
# appended after its first event: the scan starts there, so a recent article reads a short tail.
_ARTICLE_FACTS = (
    "SELECT stream_id FROM events WHERE position > (SELECT MIN(position) FROM events WHERE stream_id = ?)"
    " AND type IN (?, ?) AND json_extract(payload, '$.article') = ? ORDER BY position"
)


def retracted_by_the_machine(state: FactState) -> bool:
    """Retracted by ingest, reextract or retag, whose own rules may bring the fact back; never an editor's."""
    reason = state.retraction_reason or ""
    return state.retracted and (reason in (REEXTRACTED, FEED_CHANGED) or reason.endswith(RETAGGED))


@dataclass(frozen=True)
class Existing:
    fact_id: str
    version: int
    why: str = _SAME_WORDS  # why a new report is this fact: shown on the fact's page
    dates: tuple[str, str | None] | None = None  # the fact's dates as the finder read them
    recorded: Report | None = None  # the fact as the finder read it: its title, for a better one
    also: tuple[Existing, ...] = ()  # other live facts the report tells the happening of: one happening twice


class FactFinder:
    """Wraps the pure extractor with the one lookup it cannot do alone: facts already in the timeline.

    Within a poll, each date's live facts are read once and kept, with the
    facts this poll recorded added as they come (they are not projected yet).
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.by_date: dict[str, list[tuple[ExtractedFact, Existing]]] = {}
        self.naming: dict[tuple[str, str, str], list[tuple[ExtractedFact, Existing, int]]] = {}
        self.pending: list[tuple[ExtractedFact, Existing]] = []  # facts this poll recorded, newest last
        self.withdrawn: set[str] = set()
        self.unsure: list[tuple[str, tuple[ExtractedFact, Existing], bool]] | None = (
            None  # (date, entry, added)
        )

    def facts(self, title: str, text: str, published: dt.date) -> list[ExtractedFact]:
        return extract_facts(title, text, published)

    def remember(self, found: ExtractedFact, fact_id: str) -> None:
        entry = (found, Existing(fact_id, 1))
        self._on(found.date).append(entry)
        self.pending.append(entry)  # not projected until the poll ends: the ranges read miss it
        if self.unsure is not None:
            self.unsure.append((found.date, entry, True))

    def withdraw(self, state: FactState) -> None:
        """A fact retracted in this poll is no candidate any more, though the projection still holds it."""
        entries = self._on(state.date)
        self.withdrawn.add(state.fact_id)
        for entry in [e for e in entries if e[1].fact_id == state.fact_id]:
            entries.remove(entry)
            if self.unsure is not None:
                self.unsure.append((state.date, entry, False))

    @contextlib.contextmanager
    def tentatively(self) -> Iterator[None]:
        """Facts remembered or withdrawn inside are restored if the block fails (its append never happened).

        Without this, a later item of the poll could add a source to a fact that
        was never recorded, and the whole poll would fail on projecting it.
        """
        self.unsure = []
        try:
            yield
        except BaseException:
            for date, entry, added in reversed(self.unsure):
                if added:
                    self.by_date[date].remove(entry)
                    self.pending.remove(entry)
                else:
                    self.by_date[date].append(entry)
                    self.withdrawn.discard(entry[1].fact_id)
            raise
        finally:
            self.unsure = None

    def state_of(self, fact_id: str) -> FactState:
        """A fact as its events fold now: exact inside a poll whose events are not projected yet."""
        return evolve_stream(None, EventStore(self.conn).read_stream(fact_id))

    def machine_made_state(self, fact_id: str) -> FactState | None:
        """The fact as it folds now, if only the machine has made and changed it: its own corrections
        (better days, a better title: events naming the article they came from) leave it the machine's;
        an editor's correction, review, merge or split does not."""
        events = EventStore(self.conn).read_stream(fact_id)
        state = evolve_stream(None, events)
        edited = any(e.type == FACT_CORRECTED and "article" not in e.metadata for e in events)
        return None if edited or not refinable(state, corrected_ok=True) else state

    def forget_pending(self) -> None:
        """Called at the end of a poll: the projection now holds what was remembered."""
        self.by_date.clear()
        self.naming.clear()
        self.pending.clear()
        self.withdrawn.clear()

    def same_fact_as(
        self, found: ExtractedFact, context: tuple[str, ...] = (), headline: Report | None = None
    ) -> Existing | None:
        """A live fact that is the found one: the same statement on its date, else the same happening
        (events/pipeline/happenings.py) on days that agree, naming someone or somewhere in common.

        context: the tags of the article's headline, for a sentence that names no one and nowhere;
        headline: the article's headline at its publication day, for one that names no kind of happening.
        Of several facts of one happening, the one with the most reports wins: a headline dated by
        the day it ran would otherwise gather the reports of the day before. So it does over the fact
        in the report's own words, when that is the lesser one: a minister's arrival in Goa on Thursday
        made a fact whose words the next report of the two-day meeting shares, but the meeting's fact is
        the one its other reports tell.
        """
        new = with_context(as_report(found), context)
        worded = next(
            (
                replace(existing, dates=(candidate.date, candidate.end_date), recorded=as_report(candidate))
                for candidate, existing in self._on(found.date)
                if same_fact(candidate, found) and not kinds_conflict(new, as_report(candidate))
            ),
            None,
        )
        best, best_reports, worded_reports, told = None, 0, None, {}
        listed = as_an_entry_of_its_list(new, headline)
        new = in_the_headline_s_happening(new, headline)
        # Then facts naming someone or somewhere in common; then, for a report that names no one
        # (a list's '31 August - 1 September: Tianjin'), those on its very date.
        same_date = ((candidate, existing, 0.5) for candidate, existing in self._on(found.date))
        for candidate, existing, reports in itertools.chain(self._naming_around(listed or new), same_date):
            if worded is not None and existing.fact_id == worded.fact_id:
                worded_reports = reports if worded_reports is None else max(reports, worded_reports)
            verdict = same_happening(listed, as_report(candidate)) if listed else None
            if verdict is None or not verdict.same:
                verdict = same_happening(new, as_report(candidate))
            if verdict.same:
                dates = (candidate.date, candidate.end_date)
                told[existing.fact_id] = Existing(
                    existing.fact_id, existing.version, verdict.why, dates, as_report(candidate)
                )
            if verdict.same and reports > best_reports:
                best, best_reports = told[existing.fact_id], reports
        chosen = worded if worded and (worded_reports is None or best_reports <= worded_reports) else best
        also = tuple(e for fact_id, e in told.items() if chosen and fact_id != chosen.fact_id)
        return replace(chosen, also=also) if also else chosen

    def _naming_around(self, found: Report) -> Iterator[tuple[ExtractedFact, Existing, int]]:
        """Facts sharing a person, place or country with the found one, on days its date may name,
        with how many reports each has (one for a fact this poll recorded)."""
        seen = set(self.withdrawn)
        tags = {t for t in found.tags if t != "sco" and kind_of(t) in _WHO_AND_WHERE}
        named = countries(found)
        gathering = the_gathering(found)  # a gathering of the SCO's calendar: its facts, whoever they name
        ranges = _days_around(found), *_vaguer(found), *_announced_days_of(gathering)
        among_all = looked_for_among_all(found) or gathering is not None
        kind = kind_of_happening(found) if among_all else None
        for candidate, existing in reversed(self.pending):  # newest first: a fact's refined dates win
            key = sort_key_of(candidate.date)
            if any(low <= key <= high for low, high in ranges) and (
                tags & set(candidate.tags)
                or named & countries(as_report(candidate))
                or among_all
                and (
                    kind_of_happening(as_report(candidate)) == kind  # as _ANY_AROUND below
                    or gathering is not None
                    and the_gathering(as_report(candidate)) == gathering
                )
            ):
                if existing.fact_id not in seen:
                    seen.add(existing.fact_id)
                    yield candidate, existing, 1
        # and facts naming only a place in a country it names: "Islamabad" for "Pakistan" or "Shehbaz Sharif"
        # (only countries it names outright: Xi names China, but China's five cities cost a lookup each)
        near = {place for country in tags if kind_of(country) == "country" for place in places_in(country)}
        # and for a founding, a summit or the charter's signing, one at a time, a signing told to the month, or
        # a gathering of the SCO's calendar, those of its days naming no one ("the organization, founded in 2001", "its charter was signed in 2002")
        anyone = ("",) if among_all else ()
        for tag, (low, high) in itertools.product([*sorted(tags | near), *anyone], ranges):
            key = (tag, low, high)
            if key not in self.naming:
                rows = self.conn.execute(_NAMING_AROUND if tag else _ANY_AROUND, key if tag else (low, high))
                self.naming[key] = [(*_candidate(row[:-1]), row[-1]) for row in rows]
            for entry in self.naming[key]:
                if entry[1].fact_id not in seen:
                    seen.add(entry[1].fact_id)
                    yield entry

    def _on(self, date: str) -> list[tuple[ExtractedFact, Existing]]:
        if date not in self.by_date:
            rows = self.conn.execute(_CANDIDATES, (sort_key_of(date), date))
            self.by_date[date] = [_candidate(row) for row in rows]
        return self.by_date[date]


_WHO_AND_WHERE = frozenset({"person", "place", "country", "organisation"})


def _vaguer(found: Report) -> tuple[tuple[str, str], ...]:
    """The sort keys of facts known only to the month or the year of a day: "Qingdao hosted the summit
    in 2018" is a candidate for "2018, 9-10 June: Qingdao" (its key, 2018-00-00, is outside the days')."""
    if len(found.date) < 7:
        return ()
    year, month = found.date[:4], found.date[:7]
    keys = (sort_key_of(year),) if len(found.date) == 7 else (sort_key_of(month), sort_key_of(year))
    return tuple((key, key) for key in keys)


def _announced_days_of(gathering: Gathering | None) -> tuple[tuple[str, str], ...]:
    """For an exercise of the calendar, the month before its days too: it fits the days a report announced
    before they were moved (calendar._days_fit), and the fact of that report is its fact."""
    if gathering is None or gathering.kind != "exercise":
        return ()
    return (((gathering.first - _A_MONTH).isoformat(), (gathering.last + dt.timedelta(days=1)).isoformat()),)


_A_MONTH = dt.timedelta(days=31)


def _days_around(found: Report) -> tuple[str, str]:
    """The sort keys a fact of the same happening may have: inside a month or year; near a day."""
    if len(found.date) < 10:
        return sort_key_of(found.date), found.date + ("-12-31" if len(found.date) == 4 else "-31")
    first, last = days_of(found.date, found.end_date)
    return (first - _LONGEST_SPAN).isoformat(), (last + dt.timedelta(days=1)).isoformat()


def as_report(fact: ExtractedFact) -> Report:
    return Report(fact.date, fact.end_date, fact.title, fact.summary, fact.tags)


# Far enough to move every relative date (weekday, month, year) and the publication day itself.
_ANOTHER_DAY = dt.timedelta(days=400)


def without_a_publication_date(
    extract: Callable[[str, str, dt.date], list[ExtractedFact]], title: str, text: str, fetched: dt.date
) -> list[ExtractedFact]:
    """The facts of an item its feed gave no date: only those whose dates the text states outright.

    Its headline's fact would be dated by the fetch time, and "on Wednesday" or
    "last month" resolved against it: dates no source gave (found by a product
    review). A fact the extractor finds the same whatever the publication day
    depends on no publication day: read the text at the fetch day and 400 days
    before, and keep what both readings find.
    """
    found = extract(title, text, fetched)
    elsewhere = {(f.date, f.end_date, f.title) for f in extract(title, text, fetched - _ANOTHER_DAY)}
    return [f for f in found if (f.date, f.end_date, f.title) in elsewhere]


def facts_stated(
    extract: Callable[[str, str, dt.date], list[ExtractedFact]], payload: dict
) -> list[ExtractedFact]:
    """The facts an article (an ArticleIngested or ArticleUpdated payload) states, read the one way
    ingest, reextract and retag read it: counted from its publisher's day, or, for an item its feed
    gave no date, only the dates its text states outright."""
    title, text = payload["title"], payload.get("text", "")
    if payload.get("date_from_feed", True):
        return extract(title, text, dt.date.fromisoformat(publisher_day(payload)))
    return without_a_publication_date(extract, title, text, from_utc_text(payload["published"]).date())


def as_extracted(state: FactState) -> ExtractedFact:
    """A recorded fact in the extractor's terms, so same_fact can compare it with a new one."""
    return _recorded_as_extracted(state.date, state.end_date, state.title, state.summary, state.tags)


def _candidate(row: tuple) -> tuple[ExtractedFact, Existing]:
    """as_extracted from a _CANDIDATES row, with the fact it names."""
    fact_id, version, date, end_date, title, summary, tags = row
    return _recorded_as_extracted(date, end_date, title, summary, tuple(loads_json(tags))), Existing(
        fact_id, version
    )


def _recorded_as_extracted(
    date: str, end_date: str | None, title: str, summary: str, tags: tuple[str, ...]
) -> ExtractedFact:
    return ExtractedFact(
        date=date,
        end_date=end_date,
        precision=precision_of(date).value,
        title=title,
        summary=summary,
        tags=tags,
        confidence=1.0,
    )


def article_source(payload: dict) -> dict:
    """The source entry an ArticleIngested payload gives the facts found in it, cleaned once per article.

    An item the feed gave no date is stored at its fetch time (date_from_feed false):
    its source claims no publication date rather than show the fetch time as one.
    """
    url = payload.get("url")
    published = payload["published"] if payload.get("date_from_feed", True) else None
    raw = {
        "url": url if url and len(url) <= MAX_URL else None,
        "title": fit(payload["title"], 500),
        "outlet": fit(payload.get("outlet") or "", 200) or None,
        "published": published,
    }
    return clean_source(raw, "source", require_url=False)


def fit(text: str, limit: int) -> str:
    """Feed text longer than a fact allows is shortened, never a reason to lose the article."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def recorded_fact(
    found: ExtractedFact, source: dict, article: str, actor: str, reported_on: dt.date | None = None
) -> StreamAppend:
    """A new fact stream for an extracted fact, citing and linking its article; planned when the
    article ran before the fact's first day (reported_on: its publisher's day, when known)."""
    fields = validate_fact(
        {
            "date": found.date,
            "end_date": found.end_date,
            "title": fit(found.title, MAX_TITLE),
            "summary": fit(found.summary, MAX_SUMMARY),
            "tags": list(found.tags)[:MAX_TAGS],
            "sources": [source],
        },
        require_source_url=False,
    )
    event = fact_recorded(uuid7(), fields, "feed", article=article)
    payload = event.payload
    if reported_on is not None and days_of(found.date, found.end_date)[0] > reported_on:
        payload = dict(payload, status=PLANNED)
    meta = {"actor": actor, "article": article, "confidence": found.confidence}
    return StreamAppend(payload["fact_id"], (NewEvent(event.type, payload, meta),), 0)


def source_added(existing: Existing, source: dict, article: str, actor: str) -> StreamAppend:
    """Another article reporting a fact already recorded becomes one more source of it (source: article_source)."""
    event = fact_source_added(source, article=article)
    return StreamAppend(
        existing.fact_id, (NewEvent(event.type, event.payload, {"actor": actor, "article": article}),)
    )


def headline_dated_by_its_happening(
    found: Sequence[ExtractedFact], context: tuple[str, ...]
) -> list[ExtractedFact]:
    """The headline's fact (extract_facts puts it first, at the publication day) gives way to a statement
    of the article that tells the same happening with its own date.

    "Belarus joins the SCO" published the day after, "Minister to attend talks next week":
    dated by the day they ran, they made a second fact of the happening, a day or a week off.
    """
    if len(found) < 2:
        return list(found)
    if _a_reference_page(found):
        return list(found[1:])
    headline = as_report(found[0])
    if _its_end_dated(found) or _a_recap_s_lede(found):
        return list(found[1:])
    kind = kind_of_happening(headline)
    if _a_statement_of_its_days(found, kind):
        return list(found[1:])
    if kind is None:
        told = _told_by_a_statement_near_its_day(found, headline, context) or _retold_by_its_lede(found)
        return list(found[1:]) if told else list(found)
    for fact in found[1:]:
        told = with_context(as_report(fact), context)
        if kind_of_happening(told) == kind and not kinds_conflict(told, headline):
            if entities(told) & entities(headline) or not entities(headline):
                return list(found[1:])
        if _tells_the_headline_s_happening_near_its_day(fact, told, headline, kind):
            return list(found[1:])
    return list(found)


# A recap runs the day after, a preview the days before: a statement this near the headline's day that tells
# its kind of happening tells its happening.
_NEAR_ITS_DAY = dt.timedelta(days=7)


# A headline or a clause telling that a happening is over: "SCO meeting ends with communique", "the meeting
# that concluded on Wednesday".
_ENDED = re.compile(
    r"\b(?:ends|ended|concludes|concluded|closes|closed|wraps up|wrapped up|winds up|wound up)\b",
    re.IGNORECASE,
)


def _its_end_dated(found: Sequence[ExtractedFact]) -> bool:
    """A headline telling that a happening ended, over a statement dating its end in the days before
    ("SCO meeting ends with communique" run on Thursday over "the meeting that concluded on Wednesday"):
    the happening ended on the statement's day, not on the day the report ran. Not an end told at another
    place ("A summit in Astana ended on June 14" under "... as the Minsk summit closes")."""
    if not _ENDED.search(found[0].title):
        return False
    day, here = days_of(found[0].date, None)[0], _places_of(tags_for(found[0].title))
    return any(
        len(fact.date) == 10
        and _ENDED.search(fact.title)
        and day - _NEAR_ITS_DAY <= days_of(fact.date, fact.end_date)[1] < day
        and (not here or not _places_of(fact.tags) or bool(here & _places_of(fact.tags)))  # not one elsewhere
        for fact in found[1:]
    )


def _a_statement_of_its_days(found: Sequence[ExtractedFact], kind: str | None) -> bool:
    """A headline dated by days it names ("SCO leaders to meet by video on November 10") over a statement of
    those very days of its kind, or of any kind when the headline names none: the same news."""
    head = found[0]
    return head.dated_as_a_statement and any(
        (fact.date, fact.end_date) == (head.date, head.end_date)
        and kind in (None, kind_of_happening(as_report(fact)))
        for fact in found[1:]
    )


def _told_by_a_statement_near_its_day(
    found: Sequence[ExtractedFact], headline: Report, context: tuple[str, ...]
) -> bool:
    """A headline naming no kind ("Sharif, Modi break ice in Ufa as SCO door opens") over a statement of
    the days around it naming two of the same people or places ("Sharif and Modi met in Ufa on Friday"):
    the headline is that statement's news, dated by it, not the day the recap ran."""
    named = {tag for tag in headline.tags if kind_of(tag) in ("person", "place", "country")}
    if len(named) < 2:
        return False
    for fact in found[1:]:
        if (
            _near_the_headline_s_day(fact, headline)
            and len(named & set(with_context(as_report(fact), context).tags)) >= 2
        ):
            return True
    return False


def _a_recap_s_lede(found: Sequence[ExtractedFact]) -> bool:
    """A headline with no day of its own over a lede dated the day or two before it ran ("Lavrov meets new SCO
    chief" over "Lavrov received the Secretary-General in Moscow on Thursday", run on Friday; "В Ташкенте
    отметили годовщину РАТС" over "Накануне в Ташкенте ..."): a recap, whose headline is its lede's news. Not a
    lede telling a journey under a headline telling none, a happening at another place than the headline's, or
    two leaders' meeting under a headline naming another kind (a summit's eve, not its news)."""
    head, lede = found[0], found[1]
    if head.dated_as_a_statement or lede.summary != head.summary or len(lede.date) != 10:
        return False
    if _a_trip(lede) and not _a_trip(head) or _elsewhere(lede, _places_of(tags_for(head.title))):
        return False  # "Sharif flew home on Friday"; "A forum in Bishkek ..." under "Forum in Astana ..."
    kind = kind_of_happening(_titled(as_report(head)))
    if kind not in (None, "bilateral") and kind_of_happening(as_report(lede)) == "bilateral":
        return False  # "Belarus joins SCO as tenth member" over "Lukashenko met Xi in Astana on Wednesday"
    day, last = days_of(head.date, None)[0], days_of(lede.date, lede.end_date)[1]
    return dt.timedelta(days=1) <= day - last <= _A_RECAP_S_DELAY


_A_RECAP_S_DELAY = dt.timedelta(days=2)


def _retold_by_its_lede(found: Sequence[ExtractedFact]) -> bool:
    """A headline naming no kind whose words its lede's dated statement mostly says again ("Varanasi named first
    SCO tourism and cultural capital" over "Varanasi has been nominated the first tourism and cultural capital
    of the SCO ..., after member states endorsed the choice at the Samarkand summit on Friday"): the lede's
    day is the headline's news, not the day the report ran."""
    head, lede = found[0], found[1]
    if lede.summary != head.summary or (lede.date, lede.end_date) == (head.date, head.end_date):
        return False  # (a lede of the headline's own day leaves the headline its fact)
    if not _near_the_headline_s_day(lede, as_report(head)):
        return False
    words = keywords(head.title)
    return len(words) >= _HEADLINE_WORDS and len(words & keywords(lede.summary)) >= _RETOLD * len(words)


_HEADLINE_WORDS = 4
_RETOLD = 0.6


def _near_the_headline_s_day(fact: ExtractedFact, headline: Report) -> bool:
    """A statement known to the day, within _NEAR_ITS_DAY of the headline's day."""
    first, last = days_of(fact.date, fact.end_date)
    day = days_of(headline.date, None)[0]
    return len(fact.date) == 10 and first - day <= _NEAR_ITS_DAY and day - last <= _NEAR_ITS_DAY


def _tells_the_headline_s_happening_near_its_day(
    fact: ExtractedFact, told: Report, headline: Report, kind: str
) -> bool:
    """A statement near the headline's day whose sentence names the headline's kind, among others, at a
    place or with someone the headline names ("Leaders sign the declaration as the summit closes" over
    "The summit held in Bishkek on June 13-14 ended with the signing of the declaration"); or, naming no
    one and nowhere itself, whose own kind is the headline's ("昨日，外长理事会会议在我市举行")."""
    if not _near_the_headline_s_day(fact, headline):
        return False
    if not entities(told):
        return kind_of_happening(told) == kind
    return kind in kinds_in(fact.summary) and bool(entities(told) & entities(headline))


def _headline_a_happening(found: Sequence[ExtractedFact], context: tuple[str, ...], payload: dict) -> bool:
    """Whether the headline's fact (first of found) is a happening of its publication day: not when a
    statement dates the same happening (headline_dated_by_its_happening), and never for commentary."""
    if _commentary(payload.get("url") or "", payload["title"]) or _a_journey_alone(found[0]):
        return False
    if _only_a_name(found[0].title):
        return False
    return headline_dated_by_its_happening(found, context)[:1] == list(found[:1])


def _only_a_name(title: str) -> bool:
    """A page named after the body alone ("Shanghai Cooperation Organisation", "Shanghai Cooperation
    Organisation (SCO)", "SCO: members and partners", "上海合作组织"): a profile, not news. Only the name,
    perhaps with a few words after a colon or dash that name no kind of happening; a headline's verb
    cannot be relied on to be recognised ("SCO member states plan a development bank" is news)."""
    name = _A_PARENTHESIS.sub("", title).strip(" .")
    found = _THE_BODY_S_NAME.match(name)
    if found is None:
        return False
    rest = name[found.end() :].strip()
    if not rest:
        return True
    return rest[0] in ":—–-|" and len(rest[1:].split()) <= _A_FEW_WORDS and not names_a_kind(rest)


_THE_BODY_S_NAME = re.compile(
    r"(?:the\s+)?(?:shanghai cooperation organi[sz]ation|sco|шанхайская организация сотрудничества|шос"
    r"|上海合作组织|上海合作組織|上合组织|上合組織)(?![\w-])",
    re.IGNORECASE,
)
_A_PARENTHESIS = re.compile(r"\s*[(（][^)）]*[)）]")
_A_FEW_WORDS = 4


# Sections and labels of opinion, analysis, explainers and reference pages: their headline is a view of
# the news or a profile ("What Islamabad's SCO moment achieved"), never a happening of the day it ran.
_COMMENTARY_SECTION = re.compile(
    r"/(?:opinions?|comments?|commentary|editorials?|columns?|columnists?|blogs?|analysis|views?|"
    r"explainers?|explained|reference|wiki|encyclop(?:a)?edia|glossary|backgrounders?|primers?|topics?|factbox|"
    r"fact-?sheets?|profiles?"
    # the same sections in pinyin and Russian transliteration: /pinglun/, /shiping/, /guandian/, /mnenie/
    r"|pinglun|shiping|sheping|guandian|shuping|mnenie|mneniya|kommentarii|kolonka|analitika)(?:/|$)",
    re.IGNORECASE,
)
_COMMENTARY_LABEL = re.compile(
    r"^(?:opinion|analysis|comment|commentary|editorial|explained|explainer|factbox|fact sheet|view|column"
    r"|profile|backgrounder|primer|timeline|q&a|faq"
    # a newsletter's digest of the days before: "Morning briefing: what came out of Tianjin"
    r"|(?:morning |evening |daily |weekly |news )?(?:briefing|digest|newsletter|round-?up|wrap))\s*[:|]"
    # "时评：二十年再出发", "社評：", "Мнение:", "Комментарий |"
    r"|(?:时评|時評|评论|評論|社评|社評|观点|觀點|述评|述評|短评|短評|мнение|комментарий|колонка|аналитика)\s*[:：|｜]",
    re.IGNORECASE,
)


def _commentary(url: str, title: str) -> bool:
    path = urlsplit(url).path if url else ""
    return bool(_COMMENTARY_SECTION.search(path) or _COMMENTARY_LABEL.match(title))


# A page whose every dated statement is this far from its day tells history, not news.
_NEWS_WINDOW = dt.timedelta(days=31)


def _a_reference_page(found: Sequence[ExtractedFact]) -> bool:
    """A profile, an encyclopedia entry, a history explainer: a headline naming no happening over dated
    statements all far from the page's day. Its headline is no happening of the day it was crawled."""
    day = days_of(found[0].date, None)[0]
    if len(found) < 3 or kind_of_happening(_titled(as_report(found[0]))):
        return False
    return not any(
        _within(days_of(f.date, f.end_date), day - _NEWS_WINDOW, day + _NEWS_WINDOW) for f in found[1:]
    )


def _within(days: tuple[dt.date, dt.date], low: dt.date, high: dt.date) -> bool:
    """The days of a fact known to the day or the month (not the year: "in 2025" says nothing of news)."""
    first, last = days
    return (last - first).days < 31 and low <= last and first <= high


def joined(
    finder: FactFinder,
    existing: Existing,
    found: ExtractedFact,
    source: dict,
    article: str,
    actor: str,
    context: tuple[str, ...],
    reported_on: dt.date | None = None,
    said: str | None = None,
) -> StreamAppend:
    """A report joins the fact of its happening: a source with its own sentence (said, else
    _what_it_says) and the reason, and, when it knows the days better than the machine-made fact
    (refined_dates), the fact's new dates.
    A report that ran on or after the fact's first day confirms a planned fact took place."""
    evidence = fit(said or _what_it_says(found), 1_000)
    noted = with_notes(source, evidence, existing.why)
    meta = {"actor": actor, "article": article}
    added = fact_source_added(noted, article=article)
    payload = added.payload
    first_day = days_of(*(existing.dates or (found.date, found.end_date)))[0]
    if reported_on is not None and first_day <= reported_on:
        payload = dict(payload, confirms=True)
    events = [NewEvent(added.type, payload, meta)]
    new = with_context(as_report(found), context)
    dates = _better_dates(finder, existing, found, new)
    if dates:
        state = finder.state_of(existing.fact_id)
        reason = fit(f"a later report gives the days: {evidence}", 1_000)
        corrected = fact_corrected(state, {"date": dates[0], "end_date": dates[1]}, reason)
        events.append(NewEvent(corrected.type, corrected.payload, meta))
        # the fact keeps its own words: remembered as the report that dated it, a list's "2023, 4 July: New
        # Delhi" hid the accession it joined from the next report of that accession in the poll
        told = existing.recorded or new
        refined = _recorded_as_extracted(dates[0], dates[1], told.title, told.summary, told.tags)
        finder.remember(refined, existing.fact_id)
    elif title := _better_title(existing, found, new, bool(payload.get("confirms"))):
        state = finder.machine_made_state(existing.fact_id)
        if state is not None and state.title == existing.recorded.title:
            reason = fit(f"a later report tells it better: {evidence}", 1_000)
            corrected = fact_corrected(state, {"title": fit(title, MAX_TITLE)}, reason)
            events.append(NewEvent(corrected.type, corrected.payload, meta))
    return StreamAppend(existing.fact_id, tuple(events))


def _what_it_says(found: ExtractedFact) -> str:
    """The words of a report that state the fact: the clause it was titled from, when that is a clause of
    its sentence as written ("..., the headline was the group's growth: Belarus was admitted on Thursday"
    tells the accession in its last clause, the summit in its first); else its whole sentence, whose lead
    may date it ("At the summit in Astana on Thursday, leaders also signed ...")."""
    return found.title if a_dated_clause(as_report(found)) else found.summary or found.title


def _the_headline_says(headline: ExtractedFact) -> str:
    """What an article whose headline is a happening says of it: its headline, then its lede. The lede
    alone may tell another happening of the day ("Live: Modi and Putin hold talks" over "Welcome to our
    coverage of the summit's second day")."""
    if headline.summary in ("", headline.title):
        return headline.title
    return f"{headline.title.rstrip('.')}. {headline.summary}"


def _better_title(existing: Existing, found: ExtractedFact, new: Report, confirms: bool) -> str | None:
    """A report's title that should replace a machine-made fact's, when it reads better (title_score):
    in the site's language, saying the happening took place rather than that it will, naming its kind.
    Never by a report vaguer than the fact ("Belarus joined in 2024" for the fact of 4 July)."""
    old = existing.recorded
    if old is None or found.title == old.title or len(found.date) < len(old.date):
        return None
    # a fact whose title names no kind takes the one its report names
    kind = kind_of_happening(old) or kind_of_happening(new)
    told = _titled(new)  # new is the found report: its title, its tags with the headline's context
    if kind is None or kind_of_happening(told) != kind:  # the title itself names the fact's happening
        return None
    if not confirms and _future(old.title) != _future(found.title):
        return None
    if title_score(found.title, kind, told) > title_score(old.title, kind, _titled(old)):
        return found.title
    return None


def _titled(report: Report) -> Report:
    return Report(report.date, report.end_date, report.title, report.title, report.tags)


def title_score(title: str, kind: str, report: Report) -> int:
    """How well a title tells a happening of this kind to the site's readers: English over Russian or
    Chinese, done over to be done, the kind named over a detail of it, a statement over an attribution."""
    return (
        2 * (not _foreign(title))
        + 2 * (not _future(title))
        + 2 * (not leans_on_pronoun(title))  # "Its founding declaration ...": no title alone
        + (kind_of_happening(report) == kind)
        + (_ATTRIBUTION.search(title) is None)
        + (len(_YEARS.findall(title)) < 2)  # "India and Pakistan joined in 2017, Iran in 2023 ...": a list
        + _leads_with(title, kind)  # "Iran became a member ..." over "India chaired ..., when Iran joined"
    )


def _leads_with(title: str, kind: str) -> bool:
    """The happening is the title's news: it names this kind before any other ("Iran became a member at
    a summit", not "India hosted the summit, when Iran joined"); a meeting of two has no other to lead."""
    return kind == "bilateral" or kind_named_first(title) in (kind, None)


_YEARS = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


# "The defence ministry said on Tuesday: ..." (titles.py keeps who said it), a live blog's or an
# explainer's label ("SCO Summit 2025 LIVE: ..."): weaker titles than the news itself.
_ATTRIBUTION = re.compile(
    r"^[^:]{0,80}\b(?:said|says|announced|confirmed)\b[^:]*:|^[^:]{0,60}\b(?:LIVE|[Ll]ive updates|BREAKING|Explained)\b"
    r"|^(?:\w+\s+){1,4}(?:also\s+)?(?:note|notes|noted|say|says|said|recall|recalled)\s+that\b"
)


def _in_the_calendar_s_year(fact: ExtractedFact) -> ExtractedFact:
    """The fact a year on or back when its year was only read from the day it ran and the SCO's calendar
    places its happening a year away (happenings.the_calendar_s_year)."""
    moved = the_calendar_s_year(as_report(fact))
    return replace(fact, date=moved[0], end_date=moved[1]) if moved else fact


def _followed(fact: ExtractedFact, headline: Report | None, home: frozenset[str]) -> bool:
    """A statement of the article that the timeline records: about the SCO, and telling a happening
    rather than the last time before one or the announcing of one."""
    if (
        fact.last_before
        or fact.another_s
        or fact.said_of_a_plan
        or _announced(fact)
        or _a_chair_held(fact)
        or _FILE_PHOTO.match(fact.summary)
    ):
        return False
    if _a_trip(fact) or _a_meeting_not_held(fact.summary) or _a_scene_of_another_day(fact, headline):
        return False
    if _nowadays(fact, headline):
        return False
    if _the_headline_s_body_met(fact, headline):
        return True  # in a place of its own: the body's earlier session elsewhere
    if (
        "sco" not in fact.tags
        and kind_of_happening(as_report(fact)) in _NOT_ITS_OWN
        and _elsewhere(fact, home)
    ):
        return False  # a detail of its headline's happening, or two leaders' talks, somewhere else
    return _about_the_sco(fact, headline)


# "He did not hold a formal bilateral meeting with Pakistani officials but exchanged pleasantries with the prime
# minister at the dinner on Tuesday": the news is a meeting that did not take place.
_NOT_HELD = re.compile(
    r"\b(?:(?:did|does|do|will|would)\s+not|didn['’]t|doesn['’]t|don['’]t|won['’]t|wouldn['’]t)\s+"
    r"(?:meet|hold\s+(?:\w+\s+){0,3}(?:talks|meeting))\b"
    r"|\b(?:held|had|holds|has)\s+no\s+(?:\w+\s+){0,2}(?:meeting|talks)\b",
    re.IGNORECASE,
)


def _a_meeting_not_held(sentence: str) -> bool:
    """A sentence telling that a meeting did not take place, and besides it no happening of a kind: its day
    is a handshake's or a dinner's ("but shook hands at the dinner on Tuesday")."""
    not_held = _NOT_HELD.search(sentence)
    return bool(not_held) and not _names_a_kind_besides(sentence, not_held)


def _names_a_kind_besides(text: str, told: re.Match[str]) -> bool:
    """Whether the words around a match name a kind of happening: the sentence's news is another."""
    return names_a_kind(text[: told.start()] + " " + text[told.end() :])


# "Bilawal arrived in Goa on Thursday to attend the meeting", "The Prime Minister returns to New Delhi tonight
# after the summit", "Araghchi will travel to China": a statement whose news is someone's journey dates the
# traveller, not the happening travelled to (its article dates that one in a statement of its own).
_A_TRIP = re.compile(
    r"^(?:[\w.'’-]+\s+){0,8}?(?:(?:is|was|were|are)\s+(?:scheduled|expected|due|set)\s+to\s+|will\s+|to\s+"
    r"|(?:is|was|were|are)\s+(?=\w+ing\b))?"  # "the presidents ... are arriving in Moscow tonight"
    r"(?:arriv(?:e|es|ed|ing)|land(?:s|ed|ing)|travel(?:s|led|ed|ling|ing)?|fl(?:y|ies|ew|ying)|return(?:s|ed|ing)?"
    r"|depart(?:s|ed|ing)?|tour(?:s|ed)?|head(?:s|ed|ing)?\s+(?:to|for|home)|go(?:es)?\s+on\s+to(?=\s+(?-i:[A-Z]))|(?:expected|due|be)\s+back\s+(?:in|to|home)\b|left\s+for|leav(?:es?|ing)\s+for|visit(?:s|ed)?|reach(?:es|ed)\s+(?!(?:an?|the|its|their|consensus|agreement|agreements|deal|accord|understanding|common)\b)"
    # Russian: flew in, arrived, flew out, set off for ("В среду министр прилетел в Ташкент")
    r"|прилет(?:ел|ела|ели|ит|ят)|прибы(?:л|ла|ли|вает|вают|вет|вут)|вылет(?:ел|ела|ели|ит)|отправи(?:лся|лась|лись|тся))\b",
    re.IGNORECASE,
)
# "习近平14日抵达撒马尔罕，出席…峰会", "李强此前于14日抵达伊斯兰堡": arrived (flew in, set off, returned) in
# the sentence's first clause; the same journey, not the summit it is for, unless a day of that follows.
_A_TRIP_ZH = re.compile(
    r"^[^，。；：]{0,24}?(?:抵达|抵達|飞抵|飛抵|到达|到達|启程|啟程|动身|動身|返回|离开|離開)(?![后後])"
)  # "莫迪13日抵達後先後與習近平、普丁會談": after arriving, the talks are the news
_A_DAY_ZH = re.compile(r"[0-9０-９一二三四五六七八九十]+日|[今明昨]天|[今明昨]日")
# "Tokayev greets Xi at Astana airport, July 2": a welcome on arrival is the guest's journey.
_AT_THE_AIRPORT = re.compile(
    r"\b(?:greet|welcom|receiv|met|meets|meet)\w*\s+(?:[\w.'’-]+\s+){0,6}?at\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}airport\b"
    r"|(?:在|于|於)[^，。]{0,10}(?:机场|機場)[^，。]{0,6}(?:迎接|欢迎|歡迎)|(?:в|во)\s+аэропорту\s+[^.]{0,40}встрет",
    re.IGNORECASE,
)
# "During his visit to Tianjin, Modi met Xi on Sunday": a visit that frames the news is no trip told.
_A_VISIT_FRAMING = re.compile(
    r"\b(?:during|on|in the course of|after|before|ahead of)\s+(?:\S+\s+){0,3}$", re.IGNORECASE
)
# What the journey is for, up to the clause's end: "to attend the meeting of the Council on July 15" dates
# the meeting; and "he last travelled there in 2018, when Qingdao hosted the summit" dates the summit.
_PURPOSE = re.compile(r"\b(?:to attend|to take part in|to join|for)\b([^,;.]*)", re.IGNORECASE)
_WHEN = re.compile(r",?\s+when\b([^;.]*)", re.IGNORECASE)
_DATE_WORD = re.compile(
    r"\b(?:(?:19|20)\d\d|january|february|march|april|may|june|july|august|september|october|november"
    r"|december|(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|tonight|yesterday)\b",
    re.IGNORECASE,
)


def _a_trip(fact: ExtractedFact) -> bool:
    """A statement dating someone's journey, not the happening it names for the journey's end."""
    told = _uncut(fact.title, fact.summary)
    if (airport := _AT_THE_AIRPORT.search(told)) and not _names_a_kind_besides(told, airport):
        return True  # not "Putin, greeted at the airport by Tokayev, signed the SCO agreement on 4 July"
    trip = _A_TRIP.match(told)
    if trip is None:
        zh = _A_TRIP_ZH.match(told)
        return bool(zh and _A_DAY_ZH.search(zh.group()) and not _A_DAY_ZH.search(told, zh.end()))
    if trip.group().lower().rstrip().endswith(("visit", "visits", "visited")) and _A_VISIT_FRAMING.search(
        told, 0, trip.end() - len(trip.group().split()[-1])
    ):
        return False
    rest = told[trip.end() :]
    when = _WHEN.search(rest)
    if when and names_a_kind(when.group(1)):
        return False
    purpose = _PURPOSE.search(rest)
    return not (purpose and _DATE_WORD.search(purpose.group(1)))


def _a_journey_alone(headline: ExtractedFact) -> bool:
    """A headline telling someone's journey and no happening ("Araghchi to tour Asia"); "Leaders arrive in
    Astana for the summit" names the summit it is the news of."""
    return _a_trip(headline) and not names_a_kind(headline.title)


def _uncut(title: str, sentence: str) -> str:
    """A title cut short ("... to attend the meeting of the…") with the rest of its sentence."""
    if not title.endswith("…"):
        return title
    tail = title[:-1].rstrip()[-30:]
    at = sentence.find(tail)
    return title[:-1].rstrip() + sentence[at + len(tail) :] if at >= 0 else title


def _a_scene_of_another_day(fact: ExtractedFact, headline: Report | None) -> bool:
    """ "Photo: Visitors at the SCO Pearl International Expo Center in Qingdao, June 15, 2023", under a preview
    of 2025: when a picture was taken long before, of no happening its caption names (a picture of the week's
    news, "PM Sharif with President Tokayev in Astana on Wednesday", is of its happening)."""
    if headline is None or _A_PHOTO_S_CAPTION.match(fact.summary) is None or names_a_kind(fact.summary):
        return False
    if kind_of_happening(as_report(fact)) is not None:  # "Xi and Putin during talks in Beijing, May 8, 2024"
        return False
    first, last = days_of(fact.date, fact.end_date)
    day = days_of(headline.date, None)[0]
    return last < day - _A_MONTH or day + _A_MONTH < first


_A_PHOTO_S_CAPTION = re.compile(
    r"\s*[(\[]?(?:(?:photo|picture|image|pictured)\b|фото\b|图为|圖為|图片|圖片)\s*(?:caption\s*)?[:|：]?",
    re.IGNORECASE,
)
# "FILE PHOTO: Modi and Xi before their meeting in Kazan on October 23, 2024": a picture from the archive
# illustrates the story; what it shows is no report of the day it ran, nor the story's news.
_FILE_PHOTO = re.compile(
    r"\s*[(\[]?(?:file|archive|archival)\s+(?:photo|picture|image|footage)\b|\s*[（(]?(?:资料|資料)(?:照片|图片|圖片|图|圖)"
    r"|\s*[(\[]?(?:архивное|архивные)\s+фото",
    re.IGNORECASE,
)
# "Kazakhstan, which holds the rotating presidency this year", "chairs the SCO this year", "今年中国担任上合组织轮值主席国": who holds the
# chair is a state over the year, not a happening; taking it over or handing it on is one.
_CHAIR_HELD = re.compile(
    r"\b(?:holds?|holding|held|is holding)\s+(?:the\s+)?(?:bloc's\s+|group's\s+|sco(?:'s)?\s+|organi[sz]ation's\s+)?"
    r"(?:rotating\s+|current\s+)?(?:sco\s+)?"
    r"(?:chair(?:manship)?|presidency)\b|(?:担任|擔任)[^，。；]{0,10}(?:轮值主席|輪值主席)"
    # "Uzbekistan, which chairs the SCO this year", "China, which chairs the group this year"
    r"|\bchairs\s+(?:the\s+)?(?:sco|bloc|group(?:ing)?|organi[sz]ation|shanghai\s+cooperation\s+organi[sz]ation)\b"
    r"|\bthe\s+(?:rotating\s+|current\s+)?(?:chair|presidency)\s+(?:this|for\s+the)\s+year\b"  # "The chair this year, Kyrgyzstan,"
    r"|председательству(?:ет|ют|ющ\w*)\b",
    re.IGNORECASE,
)


def _a_chair_held(fact: ExtractedFact) -> bool:
    """A year that only says who holds the chair through it ("China holds the chair this year and will
    host the summit in Tianjin" tells the summit too)."""
    if len(fact.date) != 4 or _CHAIR_HELD.search(fact.title) is None:
        return False
    return not names_a_kind(_CHAIR_HELD.sub(" ", fact.title))


# "Today the SCO has ten members", "如今上合组织有十个成员国": the present, not a happening of the day it ran.
_NOW = re.compile(
    r"\b(?:today|nowadays|now|currently)\b|сегодня|сейчас|ныне|如今|目前|现在|現在|今天", re.IGNORECASE
)


def _nowadays(fact: ExtractedFact, headline: Report | None) -> bool:
    """A statement dated by its publication day's 'today' that tells no kind of happening, its headline
    none either: a state of things (how many members, who leads), not news of that day."""
    if (
        headline is None
        or (fact.date, fact.end_date) != (headline.date, None)
        or not _NOW.search(fact.summary)
    ):
        return False
    return kind_of_happening(in_the_headline_s_happening(as_report(fact), headline)) is None


# Statements that are the SCO's only where its happening is: two leaders' talks in another city ("Putin
# will hold talks with Xi in Beijing on Tuesday", after the summit in Tianjin) are their own diplomacy.
_NOT_ITS_OWN = frozenset({None, "bilateral"})


def _places_of(tags: Sequence[str]) -> frozenset[str]:
    return frozenset(tag for tag in tags if kind_of(tag) == "place")


def _elsewhere(fact: ExtractedFact, home: frozenset[str]) -> bool:
    """A statement naming places, none of them where the article's happening is (its headline's places,
    else its first statement's): "a military parade in Beijing on Wednesday" in a report from the Tianjin
    summit is another story, though it falls within the days of the headline's happening."""
    places = _places_of(fact.tags)
    listed = LIST_ENTRY.match(fact.summary)  # "2019, 13-14 June: Bishkek" under "List of SCO summits"
    if places and home and not places & home and _AN_ALLUSION.search(fact.summary):
        places = _places_of(tags_for(_AN_ALLUSION.sub(" ", fact.summary)))
    return bool(places and home and not places & home and not listed)


# A place named for what happened there once, not for where this happened: "Modi met Xi yesterday and the two
# agreed to keep up the momentum of Wuhan", "in the Shanghai spirit", "沿着武汉共识".
_AN_ALLUSION = re.compile(
    r"\b(?:spirit|momentum|legacy|consensus|lessons?|memory|example|model)\s+of\s+(?:the\s+)?[A-Z][\w'’-]+"
    r"|\b[A-Z][\w'’-]+\s+(?:spirit|consensus|model)\b|\bдух\w*\s+[А-ЯЁ][\w-]+"
    r"|[\u4e00-\u9fff]{2,4}(?:精神|共识|共識)"
)


def _announced(fact: ExtractedFact) -> bool:
    """ "The ministry said on Tuesday: the minister will travel to the summit" dates the announcing of a
    plan: the plan's own happening is what the timeline follows, and the report is cited on it."""
    said = _STATEMENT.match(fact.title)
    return said is not None and _future(said["said"])


_STATEMENT = re.compile(r"^[^:]{0,80}\b(?:said|says|announced|confirmed)\b[^:]*:\s*(?P<said>.+)$")


def _future(title: str) -> bool:
    return any(tense == "future" for _, tense in tense_markers(title))


def _foreign(title: str) -> bool:
    """Written in Cyrillic or Chinese: the site reads in English."""
    return in_russian_or_chinese(title)


def with_notes(source: dict, evidence: str, why: str) -> dict:
    """clean_source(dict(source, evidence=..., why=...)) for a source article_source already cleaned:
    only the notes are new (cleaning the whole source again for each report cost ~30 us, measured)."""
    noted = dict(source)
    for note, text, limit in (("evidence", evidence, 1_000), ("why", why, 300)):
        if cleaned := clean_text(text, f"source.{note}", limit=limit):
            noted[note] = cleaned
    return noted


def _better_dates(finder: FactFinder, existing: Existing, found: ExtractedFact, new: Report) -> tuple | None:
    """refined_dates against the fact as the finder read it, then, only if it would move, as it folds now
    (a fact cited by hundreds of reports has a long stream: reading it for every report was the costliest step)."""
    if found.confidence < SURE_OF_THE_DAYS or existing.dates is None:
        return None
    if not refined_dates(new, Report(*existing.dates, "", "", ())):
        return None
    state = finder.machine_made_state(existing.fact_id)
    return state is not None and refined_dates(new, as_report(as_extracted(state))) or None


def refinable(state: FactState, corrected_ok: bool = False) -> bool:
    """Only the machine's own facts take the machine's better dates: never one an editor corrected,
    reviewed, merged or split, nor one merged into another (corrected_ok: its corrections were the
    machine's own, as FactFinder.machine_made_state checks)."""
    return (
        state.origin == "feed"
        and (corrected_ok or not state.corrected)
        and not state.retracted
        and not state.reviewed
        and state.merged_into is None
    )


@dataclass
class Restated:
    """What extracting an article's text again changes about its facts: the appends, and their counts."""

    appends: list[StreamAppend] = field(default_factory=list)
    recorded: int = 0  # facts the article now states: new ones, or a source added to one recorded before
    retracted: int = 0  # facts only this article made that its text no longer states


def restate_facts(
    finder: FactFinder,
    found: Sequence[ExtractedFact],
    payload: dict,
    article: str,
    states: Sequence[FactState],
    actor: str,
    reason: str = REEXTRACTED,
) -> Restated:
    """The one rule for an article's facts, whether new (no states), updated by its feed, or re-extracted.

    A found fact none of the article's facts states is recorded, or cited on the
    fact another article recorded; a fact the machine made from this article alone
    that the text no longer states is retracted. Facts an editor corrected, or that
    other articles back too, are never touched; nor is a fact an editor retracted
    recorded again (only the machine's own retractions may be undone).
    """
    changes, source = Restated(), article_source(payload)
    context = tags_for(payload["title"])
    dated = payload.get("date_from_feed", True)  # an item stored at its fetch time reports on no known day
    reported_on = dt.date.fromisoformat(publisher_day(payload)) if dated else None
    title = payload["title"]
    headline = Report(reported_on.isoformat(), None, title, title, context) if reported_on else None
    home = _places_of(context) or _places_of(found[1].tags if len(found) > 1 else ())
    told = sorted(
        (
            _in_the_calendar_s_year(_named_by_the_headline(f, headline))
            for f in found[1:]
            if _followed(f, headline, home)
        ),
        key=_most_complete_first,
    )
    lead = found[:1] if found and _headline_a_happening(found, context, payload) else []
    found = lead + told
    # a list's entry as it is recorded (with its list's name), which a restated article must find again
    as_recorded = [_with_its_list_s_name(fact, context, headline) for fact in found]
    own_alone = {state.fact_id for state in states if machine_made_alone(state)}
    cited = {state.fact_id for state in states}  # an article cites a fact once
    cited |= {state.merged_into for state in states if state.merged_into}  # its source moved there
    settled = [s for s in states if not retracted_by_the_machine(s)]
    for fact, recorded in zip(found, as_recorded, strict=True):
        if any(same_fact(as_extracted(state), recorded) for state in settled):
            continue
        existing = finder.same_fact_as(fact, context, headline)
        if existing and existing.fact_id in own_alone:  # this article's own fact, which its new text may drop
            existing = None
        if existing and existing.fact_id in cited and _cited_for(existing, states, source, fact):
            continue  # this very statement already backs it (a re-extraction of unchanged text)
        if existing and existing.fact_id in cited and _vaguer_than(existing, fact):
            existing = None  # its article now gives the day of a fact it backs: a fact of its own
        if existing and split_off(finder.conn, existing.fact_id, source.get("url")):
            continue  # an editor split this report off that fact, into a fact of its own
        if existing is None:
            changes.appends.append(recorded_fact(recorded, source, article, actor, reported_on))
            finder.remember(recorded, changes.appends[-1].stream_id)
            cited.add(changes.appends[-1].stream_id)  # a later fact of this article may be the same one
        elif existing.fact_id not in cited:
            cited.add(existing.fact_id)
            said = _the_headline_says(fact) if lead and fact is lead[0] else None
            join = joined(finder, existing, fact, source, article, actor, context, reported_on, said)
            changes.appends.append(join)
            changes.appends += one_happening_once(finder, existing, (article, actor), cited)
            changes.appends += merged_after_refining(
                finder, existing, join, (article, actor), cited, (context, headline)
            )
        else:
            continue
        changes.recorded += 1
    told_by = {id(fact): _what_it_says(fact) for fact in told} | {id(f): _the_headline_says(f) for f in lead}
    changes.appends += _told_too(finder, found, told_by, cited, source, (article, actor), context, headline)
    for state in states:
        if machine_made_alone(state) and not any(
            same_fact(as_extracted(state), fact) for fact in as_recorded
        ):
            changes.appends.append(_retracted(state, article, actor, reason))
            finder.withdraw(state)
            changes.retracted += 1
    return changes


def _with_its_list_s_name(
    fact: ExtractedFact, context: tuple[str, ...], headline: Report | None
) -> ExtractedFact:
    """A list's entry naming no kind ("2021, 25 November — by videoconference, chaired by Kazakhstan") is
    recorded with the name of its list ("Council of Heads of Government (Shanghai Cooperation Organisation)")
    in its summary: a reader sees what it is an entry of, and a later report of the meeting finds its kind."""
    if as_an_entry_of_its_list(with_context(as_report(fact), context), headline) is None:
        return fact
    assert headline is not None
    return replace(fact, summary=f"{fact.summary} ({headline.title})")


def one_happening_once(
    finder: FactFinder, existing: Existing, by: tuple[str, str], cited: set[str]
) -> list[StreamAppend]:
    """When the fact a report joins and another live machine-made fact are one happening (same_happening,
    either way) and the report tells both (existing.also), the other is merged into it by the merge event
    editors use (its sources moved, a redirect, an Atom update), with the reason on both facts' histories.

    Feeds arrive in any order: a fact recorded from a vague report ("in June 2019") and one from a list's
    entry ("2019, 13-14 June: Bishkek") are one happening that a later report, or better words, shows. The
    fact kept is the one the report joins: the one most reports tell. Never a fact an editor corrected,
    reviewed, merged or split (FactFinder.machine_made_state: a split marks both facts reviewed).
    by: the article and the actor."""
    merges: list[StreamAppend] = []
    kept = None
    told_too = tuple(other for other in existing.also if _one_happening(existing, other))
    for other in (*told_too, *_told_on_its_days(finder, existing)):  # the latter judged so already
        if other.fact_id in finder.withdrawn or other.fact_id in cited:
            continue
        kept = kept or finder.machine_made_state(existing.fact_id)
        gone = finder.machine_made_state(other.fact_id)
        if kept is None:
            break
        if gone is None:
            continue
        reason = fit(f"the machine merged one happening told twice: {other.why}", 1_000)
        to_kept, to_gone = fact_merged(kept, _with_its_words(gone, other.why), reason, by_machine=True)
        meta = {"actor": by[1], "article": by[0], "reason": reason}
        merges.append(StreamAppend(kept.fact_id, (replace(to_kept, metadata=meta),)))
        merges.append(StreamAppend(gone.fact_id, (replace(to_gone, metadata=meta),), gone.version))
        finder.withdraw(gone)
        kept = replace(kept, sources=kept.sources + tuple(to_kept.payload["sources"]))
    return merges


def _told_on_its_days(finder: FactFinder, existing: Existing) -> tuple[Existing, ...]:
    """Live facts of the joined fact's day, month or year that are its happening (_why_one): feeds in
    another order record "Iran joined at a virtual summit" and "the virtual summit India chaired" of that
    one day as an accession and a summit, or a preview's "in October" beside the meeting's two days, and
    no report's words then match the one to the other. Looked at each time a report joins the fact."""
    if existing.recorded is None:
        return ()
    told = {existing.fact_id, *(e.fact_id for e in existing.also)}
    date = existing.recorded.date
    found = {}
    for vaguer in dict.fromkeys((date, date[:7], date[:4])):
        for candidate, other in finder._on(vaguer):
            why = None if other.fact_id in told else _why_one(existing.recorded, as_report(candidate))
            if why is not None:
                found[other.fact_id] = replace(other, why=why, recorded=as_report(candidate))
    return tuple(found.values())


def merged_after_refining(
    finder: FactFinder,
    existing: Existing,
    join: StreamAppend,
    by: tuple[str, str],
    cited: set[str],
    looked_up: tuple[tuple[str, ...], Report | None],
) -> list[StreamAppend]:
    """A join that gave the fact better days or a better title may make it tell the happening of another
    live fact, recorded before from a report the old words did not match: look again, as the fact now
    reads, and merge that one into it (one_happening_once). looked_up: the context and headline."""
    changes = [e.payload["changes"] for e in join.events if e.type == FACT_CORRECTED]
    if not changes or existing.recorded is None:
        return []
    old = existing.recorded
    now = {"date": old.date, "end_date": old.end_date, "title": old.title} | changes[-1]
    told = _recorded_as_extracted(now["date"], now["end_date"], now["title"], old.summary, old.tags)
    found = finder.same_fact_as(told, *looked_up)
    if found is None:
        return []
    others = (found, *found.also) if found.fact_id != existing.fact_id else found.also
    refreshed = replace(
        existing, recorded=as_report(told), also=tuple(e for e in others if e.fact_id != existing.fact_id)
    )
    return one_happening_once(finder, refreshed, by, cited)


def _with_its_words(state: FactState, why: str) -> FactState:
    """The fact about to be merged, each source noted with the sentence it was told in: the report that
    recorded it has no evidence of its own (the fact's summary was its sentence), which the kept fact's
    words no longer show."""
    noted = tuple(
        source if source.get("evidence") else with_notes(source, state.summary or state.title, why)
        for source in state.sources
    )
    return replace(state, sources=noted)


def _one_happening(one: Existing, other: Existing) -> bool:
    """Two recorded facts are one happening by the judgement the matcher makes of a report and a fact."""
    if one.recorded is None or other.recorded is None:
        return False
    return _why_one(one.recorded, other.recorded) is not None


def _why_one(one: Report, other: Report) -> str | None:
    """Why two recorded facts are one happening (same_happening either way, or kinds one happening
    carries together: carried_together), or None."""
    verdict = same_happening(one, other)
    if not verdict.same:
        verdict = same_happening(other, one)
    if verdict.same:
        return verdict.why
    return _CARRIED_TOGETHER if carried_together(one, other) else None


_CARRIED_TOGETHER = "a member admitted at a summit of that one day: the summit's news, told as either"


# The happenings a sentence may tell besides the one it is matched as, each by a word that names only it:
# "The summit closed on Monday with the adoption of a declaration" tells the summit and the declaration,
# "Belarus joined on 4 July, at the summit in Astana" the accession and the summit.
_TOLD_TOO = {"summit": "summit", "agreement": "declaration", "accession": "accession"}


def _told_too(
    finder: FactFinder,
    found: Sequence[ExtractedFact],
    told_by: dict[int, str],
    cited: set[str],
    source: dict,
    by: tuple[str, str],
    context: tuple[str, ...],
    headline: Report | None,
) -> list[StreamAppend]:
    """The article becomes a source, with the same sentence, of each other happening its sentences tell
    on their date, when the timeline has it already. After the article's own facts, so that a happening
    it dates in a sentence of its own keeps that sentence; and never a new fact or new days: told in
    passing, a summit's day is no better date for it ("Belarus joined on Thursday at the summit").
    told_by: each found fact's evidence (by id); by: the article and the actor."""
    appends, (article, actor) = [], by
    for fact in found:
        for kind_told in _kinds_told_too(fact, context):
            existing = finder.same_fact_as(kind_told, context, headline)
            if (
                existing is None
                or existing.fact_id in cited
                or split_off(finder.conn, existing.fact_id, source.get("url"))
            ):
                continue
            cited.add(existing.fact_id)
            noted = with_notes(source, fit(told_by[id(fact)], 1_000), f"told too: {existing.why}")
            added = fact_source_added(noted, article=article)
            event = NewEvent(added.type, added.payload, {"actor": actor, "article": article})
            appends.append(StreamAppend(existing.fact_id, (event,)))
    return appends


def _kinds_told_too(fact: ExtractedFact, context: tuple[str, ...]) -> list[ExtractedFact]:
    """The other kinds of happening (_TOLD_TOO) the words that date a fact name, each as a report of that
    kind alone, on the fact's date with its names. Not the summit of two leaders meeting on its sidelines,
    nor that of a country joining at it ("India and Pakistan became members at the Astana summit on
    9 June 2017"), unless a clause of its own tells it ("..., when leaders approved it at their summit")."""
    report = with_context(as_report(fact), context)
    kind = kind_of_happening(report)
    if kind is None or kind == "bilateral":  # two leaders meet on a summit's sidelines, ahead of it
        return []
    named = kinds_named(report)
    return [
        replace(fact, title=word, summary=word, tags=report.tags, confidence=0.0)
        for other, word in _TOLD_TOO.items()
        if other != kind
        and other in named
        and (kind != "accession" or named_apart(fact.summary, kind, other))
    ]


def _most_complete_first(fact: ExtractedFact) -> int:
    """An article that tells a happening twice ("met on Wednesday", "the October 15-16 meeting") is cited
    by the telling that dates it most completely, as an editor would cite it: its days, then a day, a
    month, a year. Told first, it makes the fact, and the vaguer telling joins it."""
    return 0 if fact.end_date and len(fact.date) == 10 else {10: 1, 7: 2}.get(len(fact.date), 3)


# An indexed lookup of one small column (usually '[]'): cheap enough for every report joining a fact.
_SPLIT_OFF = "SELECT split_off FROM facts WHERE fact_id = ?"


def _about_the_sco(fact: ExtractedFact, headline: Report | None) -> bool:
    """A statement the timeline follows: it names the SCO, or a kind of happening the SCO has (its own
    or its headline's near its day). 'Traffic returned to normal on Thursday', 'Li inaugurated the new
    airport on Monday' are dated, but no part of this story."""
    report = as_report(fact)
    if not_the_sco_s_summit(report):
        return False  # "the two leaders last met at the informal summit in Wuhan on April 27-28"
    if "sco" in fact.tags or kind_of_happening(in_the_headline_s_happening(report, headline)) is not None:
        return True
    # a clause dated by its sentence ("..., after the process was launched in Dushanbe in 2021") is
    # matched by its own words, but followed for its whole sentence's ("signed ... at the summit") when
    # it names where or who ("completing an accession process launched two years ago" names neither)
    whole = Report(fact.date, fact.end_date, fact.summary, fact.summary, fact.tags)
    named = {tag for tag in tags_for(fact.title) if kind_of(tag) in _WHO_AND_WHERE}
    if fact.title != fact.summary and named and kind_of_happening(whole) is not None:
        return True
    # "For two days, on October 15 and 16, Islamabad looked like a city that hosts the world" under
    # "Islamabad's SCO moment": days at the place an SCO headline names are the SCO's there
    if _days_at_the_headline_s_place(fact, headline) or _the_headline_s_meeting(fact, headline):
        return True
    # "2019, 13-14 June: Bishkek, Kyrgyzstan" under "List of SCO summits": an entry of the headline's list;
    # "2019, 1 January – X takes office" under "Secretary-General of the SCO" tells the post the headline names
    if headline is None or not LIST_ENTRY.match(fact.summary):
        return False
    if kind_of_happening(headline) is not None:
        return True
    if _A_POST_OF_ITS_OWN.search(fact.summary):  # "takes office as ambassador to Belgium"
        return False
    under = f"{fact.summary.rstrip(' .')} as {headline.title}"
    return (
        "sco" in headline.tags
        and kind_of_happening(Report(fact.date, fact.end_date, under, under, fact.tags)) is not None
    )


def _the_headline_s_body_met(fact: ExtractedFact, headline: Report | None) -> bool:
    """ "In April 2023 they met in New Delhi" under "What SCO defence ministers do": a pronoun that meets, in
    an article whose headline names the SCO's meeting of a body, is that body (an explainer's past sessions)."""
    return (
        headline is not None
        and "sco" in headline.tags
        and _A_PRONOUN_MET.search(fact.summary) is not None
        and not any(kind_of(tag) == "person" for tag in fact.tags)  # "Modi and Xi held talks. They met ..."
        and kind_of_happening(headline) in _BODIES_THAT_MEET
    )


def _named_by_the_headline(fact: ExtractedFact, headline: Report | None) -> ExtractedFact:
    """ "In April 2023 they met in New Delhi" titled "In April 2023 SCO defence ministers met in New Delhi", from
    its headline: the title says who, and the matcher reads the body's kind of happening in it."""
    if not _the_headline_s_body_met(fact, headline):
        return fact
    body = _A_BODY.search(headline.title)
    said = _A_PRONOUN_MET.search(fact.title)
    if body is None or said is None:
        return fact
    who = body.group().removeprefix("The ").removeprefix("the ")
    title = f"{fact.title[: said.start()]}{who}{fact.title[said.start() + len(said['who']) :]}"
    return replace(fact, title=title[:1].upper() + title[1:])


_A_POST_OF_ITS_OWN = re.compile(r"\b(?:office|post|term)\s+(?:as|of)\b", re.IGNORECASE)


# The body a headline names: "SCO defence ministers", "The SCO's prime ministers' council".
_A_BODY = re.compile(
    r"(?:the\s+)?(?:SCO['’]s\s+|SCO\s+|Shanghai Cooperation Organi[sz]ation['’]s\s+)(?:[\w-]+\s+){0,2}?"
    r"(?:ministers['’]?(?:\s+council)?|council|leaders|heads of (?:state|government))",
    re.IGNORECASE,
)
_A_PRONOUN_MET = re.compile(
    r"\b(?P<who>they|it)\s+(?:last\s+|first\s+|also\s+)?(?:met|meets|meet|gathered|convened)\b", re.IGNORECASE
)
_BODIES_THAT_MEET = frozenset({"ministers", "summit"})


def _the_headline_s_meeting(fact: ExtractedFact, headline: Report | None) -> bool:
    """The days of a meeting told under an SCO headline, around its day ("The October 15-16 meeting opened
    with a dinner" under "Regional premiers gather in Islamabad for SCO council"): the SCO's meeting."""
    if headline is None or fact.end_date is None or "sco" not in headline.tags:
        return False
    if not names_a_meeting(fact.title) or not _DAYS_OF_A_MEETING.search(fact.title):
        return False
    first, last = days_of(fact.date, fact.end_date)
    day = days_of(headline.date, None)[0]
    near = first - _NEAR_ITS_DAY <= day <= last + _NEAR_ITS_DAY
    return near and (last - first).days < _A_MEETING_S_DAYS


# A meeting lasts a few days, and its days are said with it: "the October 15-16 meeting", "talks on 15 and 16
# October". "Ministers said last week that talks continue" dates the saying, a week, not the talks.
_A_MEETING_S_DAYS = 5
_DAYS_OF_A_MEETING = re.compile(
    r"\d\s+(?:meeting|session|conference|talks|gathering)\b"
    r"|\b(?:meeting|session|conference|talks|gathering)\s+(?:on|from|of)\s+(?:\w+\s+)?\d",
    re.IGNORECASE,
)


def _days_at_the_headline_s_place(fact: ExtractedFact, headline: Report | None) -> bool:
    """A span of days (a meeting's, a summit's) at a place the headline names along with the SCO."""
    if headline is None or fact.end_date is None or "sco" not in headline.tags:
        return False
    return bool(_places_of(fact.tags) & _places_of(headline.tags))


def _cited_for(existing: Existing, states: Sequence[FactState], source: dict, fact: ExtractedFact) -> bool:
    """Whether the article already backs the fact with this statement as its evidence (joined() keeps it)."""
    said = {fit(_what_it_says(fact), 1_000), fit(_the_headline_says(fact), 1_000)}
    state = next((s for s in states if s.fact_id == existing.fact_id), None)
    return state is not None and any(
        cited.get("url") == source.get("url") and cited.get("evidence") in said for cited in state.sources
    )


def _vaguer_than(existing: Existing, fact: ExtractedFact) -> bool:
    return existing.dates is not None and len(existing.dates[0]) < len(fact.date)


def split_off(conn: sqlite3.Connection, fact_id: str, url: str | None) -> bool:
    """Whether an editor split the source with this URL off the fact (FactSplit): the machine never
    attaches it there again. Read from the projection, which an editor's split brings up to date."""
    row = conn.execute(_SPLIT_OFF, (fact_id,)).fetchone() if url else None
    return row is not None and row[0] != "[]" and url in loads_json(row[0])


def machine_made_alone(state: FactState) -> bool:
    """Only live facts the machine made alone may be withdrawn by the machine (ingest, reextract, retag):
    never one an editor corrected, reviewed, merged or split, nor one merged into another."""
    return refinable(state) and len(state.sources) == 1


def _retracted(state: FactState, article: str, actor: str, reason: str) -> StreamAppend:
    event = fact_retracted(state, reason)
    meta = {"actor": actor, "article": article}
    return StreamAppend(state.fact_id, (NewEvent(event.type, event.payload, meta),), state.version)


def article_fact_states(store: EventStore, article: str) -> list[FactState]:
    """The facts an article recorded or backs, each folded from its own events: exact inside a poll
    whose events are not projected yet, and whatever the projections' checkpoint."""
    rows = store.conn.execute(_ARTICLE_FACTS, (article, FACT_RECORDED, FACT_SOURCE_ADDED, article))
    return [
        evolve_stream(None, store.read_stream(fact_id)) for fact_id in dict.fromkeys(row[0] for row in rows)
    ]
