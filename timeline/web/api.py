"""The JSON API: the timeline and single facts, read-only here (the editors add writes)."""

from __future__ import annotations

import functools
import hashlib
import secrets

from flask import Blueprint, current_app, request

from events.log.errors import UnknownFact
from events.log.store import read_transaction
from events.read.as_of import AsOf, as_of, fact_as_of
from events.read.filters import (
    MAX_PAGE_SIZE,
    MAX_QUERY_TEXT,
    MAX_TAG_FILTERS,
    BadParameter,
    TimelineQuery,
    as_of_param,
    parse_query,
)
from events.read.history import fact_history
from events.read.present import fact_dict, history_dict
from events.read.summary import Memo
from events.read.timeline import LIVE, Page, timeline_page
from events.read.whole_words import settle_query
from events.service import Timeline
from timeline.db import get_timeline
from timeline.web.pages import moment_text, projected_position
from timeline.web.support import error_response

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    return error_response(400, str(error), parameter=error.parameter)


# Parameters that take one value: given twice, which one was meant? (the pages read the first)
SINGLE_VALUED = ("q", "from", "to", "order", "show", "as_of", "cursor", "limit")


def given_once(names: tuple[str, ...]) -> None:
    for name in names:
        count = len(request.args.getlist(name))
        if count > 1:
            raise BadParameter(name, f"{name} is given {count} times: give it once")


def within_limits() -> None:
    """The document's limits on the query as sent; the pages read it cleaned (control characters and
    blank tags dropped), which could take a value the document forbids."""
    tags = request.args.getlist("tag")
    if len(tags) > MAX_TAG_FILTERS:
        raise BadParameter("tag", f"at most {MAX_TAG_FILTERS} tags at once")
    if len(request.args.get("q", "")) > MAX_QUERY_TEXT:
        raise BadParameter("q", f"q has at most {MAX_QUERY_TEXT} characters")


API_PAGES_KEPT = 64  # up to 200 facts a page, ~160 kB: at most ~10 MB; a poller asks the first page again


def kept_json(view):
    """Serve a JSON page again until the projection moves, as the HTML pages are (pages.cached_page): a
    client polling /api/events costs a lookup instead of a connection, a query and 50 facts' JSON
    (issue 19: ~2.5 of the ~4 ms of CPU a request took). Its ETag answers a revalidation with 304."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = (projected_position(), request.full_path)
        memo = current_app.extensions.setdefault("timeline_api_pages", Memo(API_PAGES_KEPT))
        body, mimetype = memo.get(key, lambda: _json_once(view, args, kwargs))
        response = current_app.response_class(body, mimetype=mimetype)
        response.set_etag(_etag(key))
        response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)

    return wrapper


def _json_once(view, args, kwargs) -> tuple[bytes, str]:
    """The view's body as Flask writes it (a refused parameter raises: nothing is kept)."""
    response = current_app.make_response(view(*args, **kwargs))
    return response.get_data(), response.mimetype


def _etag(key: tuple) -> str:
    """The key names one body in this process, as it names the kept one; the process's own token keeps
    another process (other code, another node) from matching it. Hashing the key instead of the ~40 kB
    body spares a new page ~0.05 ms."""
    token = current_app.extensions.setdefault("timeline_api_etag_token", secrets.token_hex(8))
    return hashlib.blake2b(repr((token, key)).encode(), digest_size=12).hexdigest()


@bp.get("/events")
@kept_json
def list_events():
    """The same filters as the HTML timeline; `next` continues in the asked order."""
    given_once(SINGLE_VALUED)
    within_limits()
    limit = request.args.get("limit")
    if limit is not None and not (limit.isascii() and limit.isdigit()):
        # the document says an integer: here a blank or spaced one is refused, as the pages' forms never send it
        raise BadParameter("limit", f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}")
    timeline = get_timeline()
    query = settle_query(timeline.conn, parse_query(request.args, max_limit=MAX_PAGE_SIZE))
    page, at = read_onward(timeline, query)
    following = page.earlier if query.order == "desc" else page.later
    body = {
        "events": [fact_dict(item.state) for item in page.facts],
        "next": following.encode() if following else None,
    }
    if at:
        body["as_of"] = {"moment": at.moment, "position": at.position}
    return body


def read_onward(timeline: Timeline, query: TimelineQuery) -> tuple[Page, AsOf | None]:
    """A page now or as of a moment, from one snapshot, with its cursor onward alone (no counts): the
    way back is a neighbour check more for a link the API never gives."""
    with read_transaction(timeline.conn):
        at = as_of(timeline.store, query.as_of) if query.as_of else None
        return timeline_page(timeline.conn, query, at.sources if at else LIVE, onward_only=True), at


@bp.get("/events/<fact_id>")
def get_event(fact_id: str):
    """The fact and its whole history; with as_of, the fact as it was known then (as its permalink shows it)."""
    given_once(("as_of",))
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
