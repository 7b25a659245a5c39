"""The editors' web forms: sign in and out, post a fact, correct it, retract it; they work without JavaScript."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from wtforms import FieldList, FormField

from events.domain.fact import CORRECTABLE, MAX_SOURCES, FactState
from events.log.errors import (
    ConcurrencyConflict,
    FactMergedAway,
    FactRetracted,
    LogUnavailable,
    StorageFull,
    ValidationError,
)
from events.read.as_of import fact_as_of
from events.read.history import HistoryEntry, fact_history
from timeline.db import get_timeline
from timeline.editors.auth import actor, client_address, current_editor, limiter, sign_in, sign_out
from timeline.editors.forms import (
    CorrectionForm,
    FactForm,
    Merge,
    RetractionForm,
    SignInForm,
    SignOutForm,
    changed_between,
    comparable,
    field_errors,
    for_people,
    merge,
    state_fields,
)
from timeline.web.pages import is_cached_page, render_fresh_when

bp = Blueprint("editors", __name__)


# ---------------------------------------------------------------- around every page


@bp.app_context_processor
def editor_in_templates() -> dict:
    return {"editor": current_editor()}


MAX_NEXT = 2_000  # characters of path and query worth coming back to after signing in


@bp.app_template_global()
def field_problems(form) -> list[tuple[str, str]]:
    """(field id, message) for every field with an error, in page order: the summary at the top of a
    form links to each, so a screen reader or keyboard user hears them all and can reach each field."""
    found: list[tuple[str, str]] = []

    def walk(fields) -> None:
        for f in fields:
            if isinstance(f, FieldList):
                for entry in f.entries:
                    walk(entry.form if isinstance(entry, FormField) else [entry])
            elif isinstance(f, FormField):
                walk(f.form)
            elif f.errors and isinstance(f.errors, (list, tuple)):
                message, label = " ".join(f.errors), f.label.text
                named = not label or label.lower() in message.lower()  # "Title is required" names its field
                found.append((f.id, message if named else f"{label}: {message}"))

    walk(form)
    return found


@bp.app_template_global()
def sign_in_url() -> str:
    """Sign in, then come back to this reader's page: the timeline, a fact or the feeds
    (the cache keys those by their full path)."""
    back = request.full_path.rstrip("?")
    if is_cached_page() and len(back) <= MAX_NEXT:
        return url_for("editors.login", next=back)
    return url_for("editors.login")  # a huge path is not echoed into the page (BUG-6)


@bp.record_once
def fresh_pages_for_editors(state) -> None:
    """The timeline's cached pages are one copy for every reader; an editor's carries their
    controls, so it is rendered for that editor alone and never stored by the cache."""
    render_fresh_when(state.app, current_editor)


@bp.after_app_request
def private_when_signed_in(response):
    cached = is_cached_page()
    if cached:
        response.vary.add("Cookie")
    if request.blueprint == bp.name or (cached and current_editor()):
        response.headers["Cache-Control"] = (
            "private, no-store"  # an editor's page, or a form with its CSRF token
        )
    return response


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    """Nothing is recorded; what the editor typed is shown back, so an expired session loses no draft."""
    message = "This form has expired or did not come from this site. Go back, reload the page and try again"
    return render_template("error.html", status=400, message=message, typed=typed_back()), 400


@bp.errorhandler(StorageFull)
def storage_full(error: StorageFull):
    """507 as a page for people, with what the editor typed, to send again once there is room."""
    return render_template("error.html", status=507, message=str(error), typed=typed_back()), 507


@bp.errorhandler(LogUnavailable)
def log_unavailable(error: LogUnavailable):
    """503 as a page for people, with what the editor typed, to send again once the log is back."""
    page = render_template("error.html", status=503, message=str(error), typed=typed_back())
    return page, 503, {"Retry-After": "5"}


_NOT_TYPED = {"csrf_token", "expected_version", "token"}  # a sign-in token is never echoed


def typed_back() -> list[tuple[str, str]]:
    """The fields of the refused form that hold text, as (name, value), for copying into a fresh form.

    Only for a form sent from this site (Origin, else Referer): another site's
    page could otherwise post text for this site to show as the reader's own.
    """
    if not _from_this_site():
        return []
    return [
        (_label(name), value)
        for name, value in request.form.items(multi=True)
        if name not in _NOT_TYPED and value.strip()
    ][:200]


def _from_this_site() -> bool:
    here = request.host_url.rstrip("/")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == here
    return (request.headers.get("Referer") or "").startswith(here + "/")


def _label(name: str) -> str:
    """ "sources-1-url" -> "Source 2 url", "end_date" -> "End date": as the form's labels say them."""
    row = _SOURCE_ROW.fullmatch(name)
    if row:
        return f"Source {int(row[1]) + 1} {row[2]}"
    return name.replace("_", " ").capitalize()[:80]


_SOURCE_ROW = re.compile(r"sources-(\d+)-(\w+)")


def editor_required(view):
    """Forms need a signed-in editor; anyone else is sent to sign in, and comes back after."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        editor = current_editor()
        if editor is None:
            return redirect(url_for("editors.login", next=request.full_path.rstrip("?")), 303)
        return view(*args, editor=editor, **kwargs)

    return wrapper


# ---------------------------------------------------------------- signing in and out


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm(next=request.args.get("next", ""))
    if request.method == "GET":
        return render_template("login.html", form=form)
    wait = limiter().retry_after(client_address())
    if wait:
        form.token.errors = [f"Too many failed sign-ins from your address: try again in {wait} seconds."]
        return render_template("login.html", form=form), 429, {"Retry-After": str(wait)}
    if not sign_in((form.token.data or "").strip()):
        form.token.errors = ["That token is not valid, or it was revoked."]
        return render_template("login.html", form=form), 401
    return redirect(safe_next(form.next.data), 303)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never a link that sends a freshly signed-in editor elsewhere."""
    target = target or ""
    try:
        parts = urlsplit(target)
    except ValueError:  # 'http://[::1': not a path of ours either
        return url_for("web.index")
    unsafe = parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 33 for c in target)
    if unsafe or not target.startswith("/") or target.startswith("//"):
        return url_for("web.index")
    return target


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = SignOutForm()
    if request.method == "GET":
        return render_template("logout.html", form=form)
    sign_out()
    return redirect(url_for("web.index"), 303)


# ---------------------------------------------------------------- a new fact


@bp.route("/events/new", methods=["GET", "POST"])
@editor_required
def new_fact(editor: str):
    form = FactForm()
    if request.method == "GET":
        form.form_key.data = secrets.token_urlsafe(16)
        return render_template("fact_form.html", form=form, fact=None)
    fields = form.fields()
    if show_errors(form, too_many_rows() + field_errors(fields, require_source_url=True)):
        return render_template("fact_form.html", form=form, fact=None), 400
    key = form_key(editor, form.form_key.data, fields)
    try:
        state = get_timeline().record_fact(fields, actor=actor(editor), origin="manual", idempotency_key=key)
    except ValidationError as error:
        form.show_error(error.field, str(error))
        return render_template("fact_form.html", form=form, fact=None), 400
    return redirect(url_for("web.permalink", fact_id=state.fact_id), 303)


def form_key(editor: str, key: str | None, fields: dict) -> str | None:
    """The same form sent twice with the same content is one fact; changed content is another."""
    if not key or len(key) > 64:
        return None
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8", "replace")).hexdigest()[:32]
    return f"web:{editor}:{key}:{digest}"


def too_many_rows() -> list[tuple[str, str]]:
    """More source rows than a fact may have are refused, not cut to MAX_SOURCES unseen (nothing typed is lost)."""
    if FactForm.posted_source_rows(request.form) > MAX_SOURCES:
        return [("sources", f"sources: at most {MAX_SOURCES} sources")]
    return []


def show_errors(form: FactForm, errors: list[tuple[str, str]]) -> bool:
    for field, message in errors:
        form.show_error(field, message)
    return bool(errors)


# ---------------------------------------------------------------- correcting


@bp.route("/events/<fact_id>/correct", methods=["GET", "POST"])
@editor_required
def correct(fact_id: str, editor: str):
    state = get_timeline().fact(fact_id)  # UnknownFact -> 404
    refuse_if_retracted(state, posted=request.method == "POST")
    form = CorrectionForm()
    if request.method == "GET":
        form.prefill(state)
        return render_template("correct.html", form=form, fact=state)
    sent = sent_version(form)
    if sent != state.version:
        return merged_page(form, state, sent)
    fields = form.fields()
    errors = too_many_rows() + field_errors(fields, require_source_url=False)
    changes = {} if errors else changed_fields(state, fields)
    if not errors and not changes:
        errors = [("", "Nothing changed: edit a field, or go back to the fact.")]
    if show_errors(form, errors):
        return render_template("correct.html", form=form, fact=state), 400
    return record_correction(form, state, changes, editor)


def record_correction(form: CorrectionForm, state: FactState, changes: dict, editor: str):
    try:
        get_timeline().correct_fact(
            state.fact_id,
            changes,
            reason=form.reason.data,
            expected_version=state.version,
            actor=actor(editor),
        )
    except ValidationError as error:
        form.show_error(error.field, str(error))
        return render_template("correct.html", form=form, fact=state), 400
    except (ConcurrencyConflict, FactRetracted):  # someone saved between our check and our append
        current = get_timeline().fact(state.fact_id)
        refuse_if_retracted(current, posted=True)
        return merged_page(form, current, state.version, base=state)
    return redirect(url_for("web.permalink", fact_id=state.fact_id) + "#history", 303)


def changed_fields(state: FactState, fields: dict) -> dict:
    """Only what differs from the fact as it is, so the history shows exactly what the editor changed."""
    typed, now = comparable(fields), comparable(state_fields(state))
    return {name: fields[name] for name in CORRECTABLE if typed[name] != now[name]}


def merged_page(form: CorrectionForm, current: FactState, sent: int | None, base: FactState | None = None):
    """The form was filled in from an older version: show the current one with this editor's own changes on top.

    Sent again as it stands, it records what this editor changed and keeps what
    the others changed meanwhile; a field both changed shows theirs beside it.
    """
    history = fact_history(get_timeline().store, current.fact_id)
    if base is None and sent is not None and sent < current.version:
        base = version_of(history, current.fact_id, sent)
    outcome = merge(form.fields(), base, current)
    form.fill(current, [name for name in CORRECTABLE if name not in outcome.mine])
    form.expected_version.data = str(current.version)
    show_errors(
        form, too_many_rows() + field_errors(form.fields(), require_source_url=False)
    )  # all in one round
    conflict = conflict_notice(sent, current, history, base, outcome)
    return render_template("correct.html", form=form, fact=current, conflict=conflict), 409


def version_of(history: list[HistoryEntry], fact_id: str, version: int) -> FactState | None:
    """The fact as it stood at one version of its stream."""
    position = next((entry.position for entry in history if entry.version == version), None)
    return None if position is None else fact_as_of(get_timeline().store, fact_id, position)


FIELD_NAMES = {
    "date": "date",
    "end_date": "end date",
    "title": "title",
    "summary": "summary",
    "tags": "tags",
    "sources": "sources",
}


def conflict_notice(
    sent: int | None, current: FactState, history: list[HistoryEntry], base: FactState | None, outcome: Merge
) -> dict:
    """What the conflict banner and the flagged fields say."""
    by = changed_by(history, base.version) if base is not None else {}
    return {
        "sent": None if sent is None else str(sent),
        "current": current.version,
        "known_base": base is not None,
        "theirs": [(FIELD_NAMES[name], by.get(name, [])) for name in outcome.theirs],
        "kept": [FIELD_NAMES[name] for name in outcome.pending if name not in outcome.clashes],
        "clashes": {
            name: {"name": FIELD_NAMES[name], "by": by.get(name, []), "now": shown(current, name)}
            for name in outcome.clashes
        },
        "nothing_left": not outcome.pending,
    }


def changed_by(history: list[HistoryEntry], since: int) -> dict[str, list[str]]:
    """Who changed each field after version `since`, from the fact's history."""
    by: dict[str, list[str]] = {}
    for entry in history:
        if entry.version <= since:
            continue
        names = [change.field for change in entry.changes] or (
            ["sources"] if entry.kind == "source-added" else []
        )
        for name in names:
            actors = by.setdefault(name, [])
            if entry.actor not in actors:
                actors.append(entry.actor)
    return by


def shown(state: FactState, name: str) -> list[str]:
    """A field's value as lines of text to read beside the field."""
    if name == "sources":
        return [
            " – ".join(filter(None, (s.get("url"), s.get("title"), s.get("outlet"), s.get("published"))))
            for s in state.sources
        ] or ["(none)"]
    value = ", ".join(state.tags) if name == "tags" else getattr(state, name)
    return [value or "(empty)"]


# ---------------------------------------------------------------- retracting


@bp.route("/events/<fact_id>/retract", methods=["GET", "POST"])
@editor_required
def retract(fact_id: str, editor: str):
    state = get_timeline().fact(fact_id)  # UnknownFact -> 404
    refuse_if_retracted(state, posted=request.method == "POST")
    form = RetractionForm()
    if request.method == "GET":
        form.expected_version.data = str(state.version)
        return render_template("retract.html", form=form, fact=state)
    sent = sent_version(form)
    if sent != state.version:
        return stale_retraction(form, state, sent)
    try:
        get_timeline().retract_fact(
            state.fact_id, reason=form.reason.data, expected_version=state.version, actor=actor(editor)
        )
    except ValidationError as error:
        form.reason.errors = [for_people(str(error))]
        return render_template("retract.html", form=form, fact=state), 400
    except (ConcurrencyConflict, FactRetracted):
        current = get_timeline().fact(state.fact_id)
        refuse_if_retracted(current, posted=True)
        return stale_retraction(form, current, state.version)
    return redirect(url_for("web.permalink", fact_id=state.fact_id), 303)


def stale_retraction(form: RetractionForm, current: FactState, sent: int | None):
    """The fact changed since the form was shown: say what changed and by whom; sending again retracts it as it is."""
    history = fact_history(get_timeline().store, current.fact_id)
    base = version_of(history, current.fact_id, sent) if sent is not None and sent < current.version else None
    changed = Merge(mine=(), theirs=changed_between(base, current), clashes=(), pending=())
    form.expected_version.data = str(current.version)
    conflict = conflict_notice(sent, current, history, base, changed)
    return render_template("retract.html", form=form, fact=current, conflict=conflict), 409


# ---------------------------------------------------------------- versions


def refuse_if_retracted(state: FactState, *, posted: bool = False) -> None:
    """A retracted fact is not changed again; a form sent to one is told who retracted it and that nothing was saved.
    Nor is one merged into another: its page points there."""
    if state.merged_into is not None:
        raise FactMergedAway(f"this fact was merged into fact {state.merged_into}: change that one instead")
    if not state.retracted:
        return
    if not posted:
        raise FactRetracted(
            f"this fact was retracted ({state.retraction_reason}): it can no longer be changed"
        )
    history = fact_history(get_timeline().store, state.fact_id)
    by = next((entry.actor for entry in reversed(history) if entry.kind == "retracted"), "another editor")
    raise FactRetracted(
        f"this fact was retracted by {by} ({state.retraction_reason}) before your form arrived, "
        "so nothing was saved: a retracted fact can no longer be changed"
    )


def sent_version(form) -> int | None:
    """The version the form was filled in from; None when it lost it or sent something that is not one."""
    sent = (form.expected_version.data or "").strip()
    if sent.isascii() and sent.isdigit() and len(sent) <= 18:  # not '１', nor 5,000 digits for int()
        return int(sent)
    return None
