"""Editors fix what the machine got wrong: the review queue, and forms to merge, split and mark facts reviewed."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from events.domain.fact import FactState
from events.log.errors import ConcurrencyConflict, ValidationError
from events.read.review import review_queue
from events.service import split_draft
from timeline.db import get_timeline
from timeline.editors.auth import actor
from timeline.editors.forms import MergeForm, ReviewForm, SplitForm, for_people
from timeline.editors.views import editor_required, refuse_if_retracted, safe_next, sent_version
from timeline.web.support import error_response

bp = Blueprint("review", __name__)
MAX_CURSOR = 18  # digits of a queue cursor worth reading


@bp.after_request
def private(response):
    """Every page here is one editor's, and the forms carry their CSRF token."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- the queue


@bp.get("/review")
@editor_required
def queue(editor: str):
    """Machine-made facts no editor has reviewed that need a look, newest first, 50 a page."""
    before = request.args.get("before", "")
    if before and not (before.isascii() and before.isdigit() and len(before) <= MAX_CURSOR):
        return error_response(400, "before must be a cursor this page gave out", parameter="before")
    page = review_queue(get_timeline().conn, int(before) if before else None)
    return render_template("review.html", page=page, before=before)


@bp.post("/events/<fact_id>/review")
@editor_required
def review(fact_id: str, editor: str):
    """Mark reviewed, then back where the editor was (the queue, or the fact's page)."""
    form = ReviewForm()
    timeline = get_timeline()
    state = timeline.fact(fact_id)  # UnknownFact -> 404
    refuse_if_retracted(state, posted=True)
    back = safe_next(form.next.data) if form.next.data else url_for("web.permalink", fact_id=fact_id)
    if sent_version(form) != state.version:
        return changed_meanwhile(state)
    try:
        timeline.review_fact(fact_id, expected_version=state.version, actor=actor(editor))
    except ConcurrencyConflict:
        return changed_meanwhile(timeline.fact(fact_id))
    except ValidationError as error:  # reviewed already, or not machine-made
        return error_response(400, str(error))
    return redirect(back, 303)


def changed_meanwhile(state: FactState):
    message = (
        f"this fact changed while you were looking (it is at version {state.version} now), so nothing was"
        " saved: look at it again before you mark it reviewed"
    )
    return error_response(409, message)


# ---------------------------------------------------------------- merging


@bp.route("/events/<fact_id>/merge", methods=["GET", "POST"])
@editor_required
def merge(fact_id: str, editor: str):
    """This fact joins another, the one kept: named by its id or its page's address."""
    state = get_timeline().fact(fact_id)  # UnknownFact -> 404
    refuse_if_retracted(state, posted=request.method == "POST")
    form = MergeForm()
    if request.method == "GET":
        form.into.data = request.args.get("into", "")[:200]
        form.expected_version.data = str(state.version)
        return render_template("merge.html", form=form, fact=state)
    if sent_version(form) != state.version:
        return stale_form("merge.html", form, state)
    try:
        merged = get_timeline().merge_fact(
            fact_id,
            form.into_id(),
            reason=form.reason.data,
            expected_version=state.version,
            actor=actor(editor),
        )
    except ValidationError as error:
        show_error(form, error)
        return render_template("merge.html", form=form, fact=state), 400
    except ConcurrencyConflict:
        return stale_form("merge.html", form, get_timeline().fact(fact_id))
    return redirect(url_for("web.permalink", fact_id=merged.merged_into), 303)


def stale_form(template: str, form, current: FactState):
    """Sent from an older version: nothing saved; the form keeps what was typed, now at the current version."""
    refuse_if_retracted(current, posted=True)
    form.expected_version.data = str(current.version)
    form.form_errors.append(
        f"This fact changed while you were editing (it is at version {current.version} now): nothing was saved."
        " Check it, then send the form again."
    )
    return render_template(template, form=form, fact=current), 409


def show_error(form, error: ValidationError) -> None:
    """The domain's error next to the field it names; one no field shows goes above the form."""
    field = form._fields.get(error.field or "")
    message = for_people(str(error).replace("source_url", "the source"))
    if field is None or error.field in ("csrf_token", "expected_version"):
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]


# ---------------------------------------------------------------- splitting


@bp.route("/events/<fact_id>/split", methods=["GET", "POST"])
@editor_required
def split(fact_id: str, editor: str):
    """One source leaves this fact for a new fact of its own, dated and titled from the source's own sentence."""
    state = get_timeline().fact(fact_id)  # UnknownFact -> 404
    refuse_if_retracted(state, posted=request.method == "POST")
    form = SplitForm()
    form.source_url.choices = source_choices(state)
    if request.method == "GET":
        url = request.args.get("source") or next(iter(dict(form.source_url.choices)), "")
        form.prefill(state, url, split_draft(state, url))
        return render_template("split.html", form=form, fact=state)
    if sent_version(form) != state.version:
        return stale_form("split.html", form, state)
    try:
        new = get_timeline().split_fact(
            fact_id,
            form.source_url.data,
            form.fields(),
            reason=form.reason.data,
            expected_version=state.version,
            actor=actor(editor),
        )
    except ValidationError as error:
        show_error(form, error)
        return render_template("split.html", form=form, fact=state), 400
    except ConcurrencyConflict:
        return stale_form("split.html", form, get_timeline().fact(fact_id))
    return redirect(url_for("web.permalink", fact_id=new.fact_id), 303)


def source_choices(state: FactState) -> list[tuple[str, str]]:
    """The sources that can be split off: those with a URL, each named as the page lists it."""
    return [
        (s["url"], f"{s.get('title') or s.get('outlet') or s['url']} ({s['url']})")
        for s in state.sources
        if s.get("url")
    ]
