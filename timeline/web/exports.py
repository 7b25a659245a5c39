"""Exports people ask for: the facts as CSV for spreadsheets, the polled feeds as OPML for feed readers."""

from __future__ import annotations

import csv
import dataclasses
import io
import xml.etree.ElementTree as ET
from email.utils import format_datetime

from flask import Blueprint, Response, current_app, jsonify, request
from markupsafe import Markup, escape

from events.domain.fact import FactState
from events.log.clock import utc_now
from events.log.store import read_transaction
from events.read.as_of import as_of
from events.read.filters import MAX_PAGE_SIZE, BadParameter, parse_query
from events.read.timeline import LIVE, timeline_page
from timeline.db import get_timeline
from timeline.web.pages import bad_parameter, fact_date

bp = Blueprint("exports", __name__)
bp.register_error_handler(BadParameter, bad_parameter)  # the same 400 page as the timeline's

MAX_CSV_ROWS = 50_000  # one answer held in memory; a larger selection is asked to narrow
CSV_COLUMNS = (
    "id", "date", "end_date", "precision", "title", "summary", "tags", "sources", "origin",
    "recorded_at", "updated_at", "corrected", "retracted", "url",
)  # one line per kind of column, easier to read than one name per line # fmt: skip


class TooMany(BadParameter):
    pass


@bp.get("/events.csv")
def events_csv() -> Response:
    """Every fact the same filters show on the timeline, in the page's order, one row each (RFC 4180)."""
    query = dataclasses.replace(parse_query(request.args), cursor=None, limit=MAX_PAGE_SIZE)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    base = current_app.config[
        "TIMELINE"
    ].base_url  # as Atom's links: the Host header is the client's to choose
    for state in _all_facts(query):
        writer.writerow(_row(state, f"{base}events/{state.fact_id}"))
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="sco-timeline.csv"'
    return response


def _all_facts(query, most: int | None = None) -> list[FactState]:
    """Page after page of the keyset walk, from one snapshot; with `most`, the first that many and no error."""
    timeline = get_timeline()
    facts: list[FactState] = []
    with read_transaction(timeline.conn):
        at = as_of(timeline.store, query.as_of) if query.as_of else None
        while True:
            page = timeline_page(timeline.conn, query, at.sources if at else LIVE)
            facts += [item.state for item in page.facts]
            if most is not None and len(facts) >= most:
                return facts[:most]
            if len(facts) > MAX_CSV_ROWS:
                raise TooMany("to", f"more than {MAX_CSV_ROWS} facts match: narrow them with from and to")
            following = page.earlier if query.order == "desc" else page.later
            if following is None:
                return facts
            query = dataclasses.replace(query, cursor=following)


def _row(state: FactState, url: str) -> list[str]:
    values = [
        state.fact_id, state.date, state.end_date or "", state.precision, state.title, state.summary,
        "; ".join(state.tags), " ".join(s.get("url") or "" for s in state.sources).strip(), state.origin,
        state.first_recorded, state.last_recorded, str(state.corrected).lower(), str(state.retracted).lower(), url,
    ]  # in CSV_COLUMNS order, which one column a line would hide # fmt: skip
    return [_inert(value) for value in values]


def _inert(value: str) -> str:
    """A cell a spreadsheet would run as a formula ("=HYPERLINK(...)", from a feed's title) starts with a quote (OWASP)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/sources.opml")
def sources_opml() -> Response:
    """The polled feeds as OPML 2.0, for a feed reader's import."""
    config = current_app.config["TIMELINE"]
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = "SCO Timeline: the news feeds it polls"
    ET.SubElement(head, "dateCreated").text = format_datetime(utc_now(), usegmt=True)
    ET.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = ET.SubElement(opml, "body")
    for feed in config.feeds:
        ET.SubElement(body, "outline", type="rss", text=feed.name, title=feed.name, xmlUrl=feed.url)
    ET.indent(opml)
    text = ET.tostring(opml, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n", mimetype="text/x-opml")


# ---------------------------------------------------------------- TimelineJS


MAX_SLIDES = 500  # TimelineJS draws every slide at once; past a few hundred a browser crawls


@bp.get("/timeline.json")
def timeline_json():
    """The facts the same filters show, in TimelineJS3's JSON format, for an embedded interactive timeline.

    TimelineJS renders headline and text as HTML: every value is escaped here, and only
    http(s) sources become links. Read-only and public, so any site may fetch it (CORS).
    """
    query = dataclasses.replace(parse_query(request.args), cursor=None, limit=MAX_PAGE_SIZE)
    facts = _all_facts(query, most=MAX_SLIDES + 1)
    base = current_app.config["TIMELINE"].base_url
    about = "Facts about the Shanghai Cooperation Organization from an append-only, sourced log."
    if len(facts) > MAX_SLIDES:
        facts = facts[:MAX_SLIDES]
        about += f" The first {MAX_SLIDES} in this order are shown: narrow them with from and to."
    body = {
        "title": {"text": {"headline": "SCO Timeline", "text": f"<p>{escape(about)}</p>"}},
        "events": [_slide(state, base) for state in facts],
    }
    response = jsonify(body)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _slide(state: FactState, base: str) -> dict:
    links = [
        Markup('<a href="{}" rel="nofollow noopener">{}</a>').format(
            s["url"], s.get("title") or s.get("outlet") or s["url"]
        )
        for s in state.sources
        if (s.get("url") or "").startswith(("http://", "https://"))
    ]
    text = Markup("<p>{}</p>").format(state.summary) if state.summary else Markup("")
    if links:
        text += Markup("<p>Sources: {}</p>").format(Markup(", ").join(links))
    text += Markup('<p><a href="{}">This fact, its sources and its history</a></p>').format(
        f"{base}events/{state.fact_id}"
    )
    slide = {
        "unique_id": state.fact_id,
        "start_date": _date_parts(state.fuzzy_date),
        "display_date": fact_date(state),
        "text": {"headline": str(escape(state.title)), "text": str(text)},
    }
    if state.fuzzy_end is not None:
        slide["end_date"] = _date_parts(state.fuzzy_end)
    return slide


def _date_parts(date) -> dict:
    """TimelineJS dates are as precise as ours: a year alone, a month, or a day."""
    parts = {"year": date.year}
    if date.month is not None:
        parts["month"] = date.month
    if date.day is not None:
        parts["day"] = date.day
    return parts
