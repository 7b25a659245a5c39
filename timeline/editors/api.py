"""The editors' JSON API: record, correct, retract, merge, split and review facts with a bearer token;
an error records nothing."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from events.domain.fact import CORRECTABLE, FACT_RECORDED, FactState, validate_fact
from events.log.errors import ConcurrencyConflict, ValidationError
from events.read.history import fact_history
from events.read.present import fact_dict, history_dict
from events.service import Timeline
from timeline.db import get_timeline
from timeline.editors.auth import actor, csrf, token_required
from timeline.web import openapi
from timeline.web.support import error_response

bp = Blueprint("editors_api", __name__, url_prefix="/api")
csrf.exempt(bp)  # a bearer token is never sent by a browser on its own, so there is no forged request to stop

NEW_FIELDS = frozenset(("date", "end_date", "title", "summary", "tags", "sources"))
MAX_VERSION = 2**53  # JSON numbers beyond this are not exact in every client
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII: keys are compared byte for byte
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@bp.errorhandler(ConcurrencyConflict)
def conflict(error: ConcurrencyConflict):
    message = f"the fact is at version {error.actual}, not {error.expected}: read it again and retry"
    return error_response(409, message, field="expected_version", current_version=error.actual)


@bp.errorhandler(OverflowError)
def out_of_range(_error: OverflowError):
    """A moment like 0001-01-01T00:00+01:00 overflows when the domain moves it to UTC."""
    return error_response(400, "a date or moment is out of range", field="body")


@bp.get("/openapi.json")
def openapi_document():
    """The API described for machines; tests check the implementation against it."""
    return openapi.document()


@bp.post("/events")
@token_required
def record(editor: str):
    """A new fact; with an Idempotency-Key a retry gets the same answer and records nothing more."""
    body, key = json_object(NEW_FIELDS), idempotency_key()
    timeline = get_timeline()
    scoped = f"api:{editor}:{key}" if key else None
    state = timeline.record_fact(body, actor=actor(editor), origin="manual", idempotency_key=scoped)
    if key and not same_fact(timeline, state, body):
        return error_response(
            422, "this Idempotency-Key was used for a different fact", field="Idempotency-Key"
        )
    response = fact_response(timeline, state, 201)
    response.headers["Location"] = url_for("api.get_event", fact_id=state.fact_id)
    return response


def change_key(editor: str) -> str | None:
    """The request's Idempotency-Key, kept apart per editor (two editors' keys never meet)."""
    key = idempotency_key()
    return f"api:{editor}:{key}" if key else None


def replayable(status: int = 200):
    """A change a retry with the same Idempotency-Key gets answered again (answer_again), before any of
    its checks; the view gets the key (scoped to the editor) to record its change under."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(fact_id: str, editor: str):
            key = change_key(editor)
            again = answer_again(get_timeline(), key, fact_id, status)
            return again if again is not None else view(fact_id, editor, key)

        return wrapper

    return decorate


def answer_again(timeline: Timeline, key: str | None, fact_id: str, status: int = 200) -> Response | None:
    """A retry of a change already recorded under this key gets the fact as it is, and nothing more is
    recorded; its expected_version, stale by now, is not checked again. None for a key not used yet.
    A key used for a change to another fact is a mistake (422). A split answers with the fact it made."""
    events = timeline.store.replayed(key) if key else ()
    if not events:
        return None
    if fact_id not in {event.stream_id for event in events}:
        return error_response(
            422, "this Idempotency-Key was used for a change to another fact", field="Idempotency-Key"
        )
    made = [event.stream_id for event in events if event.type == FACT_RECORDED and event.stream_id != fact_id]
    response = fact_response(timeline, timeline.fact(made[0] if made else fact_id), status)
    if made:
        response.headers["Location"] = url_for("api.get_event", fact_id=made[0])
    return response


@bp.post("/events/<fact_id>/corrections")
@token_required
@replayable()
def correct(fact_id: str, editor: str, key: str | None):
    timeline = get_timeline()
    state = timeline.fact(fact_id)  # UnknownFact -> 404
    body = json_object(frozenset(CORRECTABLE) | {"reason", "expected_version"})
    expected, reason = expected_version(body), body.pop("reason", None)
    if not body:
        raise ValidationError(f"name at least one field to change: {', '.join(CORRECTABLE)}", "body")
    check_lists(body)
    check_version(state, expected)
    state = timeline.correct_fact(
        fact_id, body, reason=reason, expected_version=expected, actor=actor(editor), idempotency_key=key
    )
    return fact_response(timeline, state, 200)


@bp.post("/events/<fact_id>/retraction")
@token_required
@replayable()
def retract(fact_id: str, editor: str, key: str | None):
    timeline = get_timeline()
    state = timeline.fact(fact_id)  # UnknownFact -> 404
    body = json_object(frozenset(("reason", "expected_version")))
    expected = expected_version(body)
    check_version(state, expected)
    state = timeline.retract_fact(
        fact_id,
        reason=body.get("reason"),
        expected_version=expected,
        actor=actor(editor),
        idempotency_key=key,
    )
    return fact_response(timeline, state, 200)


@bp.post("/events/<fact_id>/merge")
@token_required
@replayable()
def merge(fact_id: str, editor: str, key: str | None):
    """This fact joins `into`, the fact kept: it becomes a pointer there, and its sources move there."""
    timeline, body, expected = versioned_request(fact_id, ("into", "reason"))
    state = timeline.merge_fact(
        fact_id,
        body.get("into"),
        reason=body.get("reason"),
        expected_version=expected,
        actor=actor(editor),
        idempotency_key=key,
    )
    return fact_response(timeline, state, 200)


@bp.post("/events/<fact_id>/split")
@token_required
@replayable(201)
def split(fact_id: str, editor: str, key: str | None):
    """One source leaves this fact for a new fact of its own: 201 with the new fact."""
    timeline, body, expected = versioned_request(fact_id, ("source_url", *SPLIT_FIELDS, "reason"))
    check_lists(body)
    url, reason = body.pop("source_url", None), body.pop("reason", None)
    state = timeline.split_fact(
        fact_id, url, body, reason=reason, expected_version=expected, actor=actor(editor), idempotency_key=key
    )
    response = fact_response(timeline, state, 201)
    response.headers["Location"] = url_for("api.get_event", fact_id=state.fact_id)
    return response


@bp.post("/events/<fact_id>/review")
@token_required
@replayable()
def review(fact_id: str, editor: str, key: str | None):
    """A machine-made fact an editor let stand: it leaves the review queue, and the machine leaves it be."""
    timeline, _body, expected = versioned_request(fact_id, ())
    state = timeline.review_fact(fact_id, expected_version=expected, actor=actor(editor), idempotency_key=key)
    return fact_response(timeline, state, 200)


SPLIT_FIELDS = ("date", "end_date", "title", "summary", "tags")


def versioned_request(fact_id: str, fields: tuple[str, ...]) -> tuple[Timeline, dict[str, Any], int]:
    """What every change to a fact checks first, in the order corrections do: the fact (404),
    the body (400), then its expected_version against the fact's (409)."""
    timeline = get_timeline()
    state = timeline.fact(fact_id)  # UnknownFact -> 404
    body = json_object(frozenset(fields) | {"expected_version"})
    expected = expected_version(body)
    check_version(state, expected)
    return timeline, body, expected


# ---------------------------------------------------------------- reading the request


def json_object(allowed: frozenset[str]) -> dict[str, Any]:
    """The body as a JSON object with only the allowed fields; ValidationError (400) otherwise."""
    if not request.is_json:
        raise ValidationError("send a JSON object with Content-Type: application/json", "body")
    try:
        data = json.loads(request.get_data(), parse_constant=_refuse_constant)  # 413 past MAX_CONTENT_LENGTH
    except RecursionError:
        raise ValidationError("the JSON body is nested too deeply", "body") from None
    except ValueError as error:
        raise ValidationError(f"the body is not valid JSON: {error}", "body") from None
    if not isinstance(data, dict):
        raise ValidationError("the body must be a JSON object", "body")
    bad = surrogate_path(data)
    if bad:
        raise ValidationError("text must be valid Unicode: lone surrogate escapes are refused", bad)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(f"unknown field {unknown[0]!r}", unknown[0] or "body")  # "" names nothing
    long = openapi.too_long(data, request.url_rule.rule, request.method)
    if long:
        raise ValidationError(f"{long[0]} is too long: at most {long[1]} characters", long[0])
    return data


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def surrogate_path(data: Any) -> str | None:
    """Where a lone surrogate hides (they cannot be stored as UTF-8), or None."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and _SURROGATE.search(value):
            return path or "body"
        if isinstance(value, dict):
            if any(_SURROGATE.search(key) for key in value):
                return path or "body"
            stack.extend((f"{path}.{key}" if path else key, item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None


def expected_version(body: dict[str, Any]) -> int:
    value = body.pop("expected_version", None)
    if value is None:
        raise ValidationError("expected_version is required: the version you read", "expected_version")
    if type(value) is not int or not 1 <= value <= MAX_VERSION:
        raise ValidationError("expected_version must be a positive integer", "expected_version")
    return value


def check_lists(body: dict[str, Any]) -> None:
    """fact_corrected calls list() on tags and sources before validating them: a string would become its letters."""
    for name in ("tags", "sources"):
        if name in body and body[name] is None:
            body[name] = []
        if name in body and not isinstance(body[name], list):
            raise ValidationError(f"{name} must be a list", name)


def idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationError("Idempotency-Key must be 1-200 visible ASCII characters", "Idempotency-Key")
    return key


# ---------------------------------------------------------------- checks and answers


def check_version(state: FactState, expected: int) -> None:
    """Stale or from the future, either way not what is there now.

    The log's unique (stream, version) only catches a stale version; a
    version ahead of the stream would leave a gap, so it is refused here.
    """
    if expected != state.version:
        raise ConcurrencyConflict(state.fact_id, expected, state.version)


def same_fact(timeline: Timeline, state: FactState, body: dict[str, Any]) -> bool:
    """Whether the fact a key first recorded is the one sent now: other content under a reused key is a mistake."""
    recorded = timeline.store.read_stream(state.fact_id)[0].payload
    return all(recorded.get(name) == value for name, value in validate_fact(body).items())


def fact_response(timeline: Timeline, state: FactState, status: int) -> Response:
    """The fact as GET /api/events/<id> shows it: its state and its history with who and why."""
    body = fact_dict(state)
    body["history"] = [history_dict(entry) for entry in fact_history(timeline.store, state.fact_id)]
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
