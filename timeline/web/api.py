"""The JSON API: the timeline and single facts, read-only here (the editors add writes)."""

from __future__ import annotations

from flask import Blueprint, request

from events.log.errors import UnknownFact
from events.read.as_of import fact_as_of
from events.read.filters import MAX_PAGE_SIZE, BadParameter, as_of_param, parse_query
from events.read.history import fact_history
from events.read.present import fact_dict, history_dict
from timeline.db import get_timeline
from timeline.web.pages import moment_text, read_page
from timeline.web.support import error_response

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    return error_response(400, str(error), parameter=error.parameter)


@bp.get("/events")
def list_events():
    """The same filters as the HTML timeline; `next` continues in the asked order."""
    query = parse_query(request.args, max_limit=MAX_PAGE_SIZE)
    page, _summary, at = read_page(get_timeline(), query, counts=False)
    following = page.earlier if query.order == "desc" else page.later
    body = {
        "events": [fact_dict(item.state) for item in page.facts],
        "next": following.encode() if following else None,
    }
    if at:
        body["as_of"] = {"moment": at.moment, "position": at.position}
    return body


@bp.get("/events/<fact_id>")
def get_event(fact_id: str):
    """The fact and its whole history; with as_of, the fact as it was known then (as its permalink shows it)."""
    moment = as_of_param(request.args)  # the one parameter used here: a timeline's others are ignored
    timeline = get_timeline()
    state = timeline.fact(fact_id)  # UnknownFact -> 404
    position = None
    if moment:
        position = timeline.store.position_as_of(moment)
        state = fact_as_of(timeline.store, fact_id, position)
        if state is None:
            raise UnknownFact(f"fact {fact_id} was not recorded yet at {moment_text(moment)}")
    body = fact_dict(state)
    body["history"] = [history_dict(entry) for entry in fact_history(timeline.store, fact_id)]
    if position is not None:
        body["as_of"] = {"moment": moment, "position": position}
    return body
