"""The editors' forms: fields, what people typed, and the domain's own checks shown next to each field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)

from events.domain.dates import iso_from_words
from events.domain.fact import (
    CORRECTABLE,
    MAX_SOURCES,
    MAX_SUMMARY,
    MAX_TITLE,
    FactState,
    clean_date,
    clean_source,
    clean_sources,
    clean_tags,
    clean_text,
    validate_fact,
)
from events.log.errors import ValidationError

DATE_HINT = "For example 2024, 2024-07, 2024-07-03 or 3 July 2024: as precise as the sources are"
END_DATE_HINT = "Optional, for a span of days, months or years; for example 5 July 2024"
FORM_DATES = "write it like 2024, 2024-07, 2024-07-03 or 3 July 2024"
BLANK_SOURCE_ROWS = 2  # rows for new sources under the existing ones; without JavaScript rows cannot be added
_SOURCE_ROW = re.compile(r"sources-(\d+)-")
SOURCE_KEYS = ("url", "title", "outlet", "published")


class SourceForm(Form):
    """One source row; a row left blank is ignored."""

    url = StringField("URL", description="http or https")
    title = StringField("Article title")
    outlet = StringField("Outlet")
    published = StringField("Published", description="YYYY-MM-DD")


class FactForm(FlaskForm):
    date = StringField("Date", description=DATE_HINT)
    end_date = StringField("End date", description=END_DATE_HINT)
    title = StringField("Title", description=f"at most {MAX_TITLE} characters")
    summary = TextAreaField("Summary", description="optional, plain text")
    tags = StringField("Tags", description="separated by commas, e.g. summit, india")
    sources = FieldList(FormField(SourceForm), min_entries=1 + BLANK_SOURCE_ROWS, max_entries=MAX_SOURCES)
    form_key = HiddenField()  # one per form shown: a second click on Save records nothing more

    def fields(self) -> dict[str, Any]:
        """What was typed, shaped like the API's JSON body.

        A field missing from the post (a hand-made request; browsers send them
        all) reads as empty, so validation names it instead of a 500.
        """
        return {
            "date": typed_date(self.date.data),
            "end_date": typed_date(self.end_date.data) or None,
            "title": self.title.data or "",
            "summary": self.summary.data or "",
            "tags": [t for t in (part.strip() for part in (self.tags.data or "").split(",")) if t],
            "sources": [row for _, row in self.source_rows()],
        }

    def source_rows(self) -> list[tuple[int, dict[str, str | None]]]:
        """(row index, source) of every row with something typed in it."""
        rows = []
        for index, entry in enumerate(self.sources.entries):
            row = {key: (entry.form[key].data or "").strip() or None for key in SOURCE_KEYS}
            if any(row.values()):
                rows.append((index, row))
        return rows

    @staticmethod
    def posted_source_rows(formdata: Mapping[str, Any]) -> int:
        """How many source rows were posted: wtforms keeps MAX_SOURCES of them and drops the rest unseen."""
        return len({match.group(1) for match in map(_SOURCE_ROW.match, formdata) if match})

    def show_error(self, field: str | None, message: str) -> None:
        """Put a domain error (field "title", "sources[1].url", ...) next to the field it names, in people's words."""
        target = self._field_for(field or "")
        errors = list(target.errors) if target is not None else self.form_errors
        errors.append(for_people(message))
        if target is not None:
            target.errors = errors

    def _field_for(self, name: str):
        if name.startswith("sources[") and "]" in name:
            position, _, rest = name[len("sources[") :].partition("]")
            rows = self.source_rows()
            if position.isdigit() and int(position) < len(rows):
                form = self.sources.entries[rows[int(position)][0]].form
                return form._fields.get(rest.lstrip(".")) or form.url
            return self.sources
        return None if name == "csrf_token" else self._fields.get(name)


class CorrectionForm(FactForm):
    reason = TextAreaField(
        "Why is this a correction?", description="kept in the log and shown in the history"
    )
    expected_version = HiddenField()

    def prefill(self, state: FactState) -> None:
        self.fill(state, CORRECTABLE)
        self.expected_version.data = str(state.version)

    def fill(self, state: FactState, names: Iterable[str]) -> None:
        """Show these fields as the fact has them; the others keep what was typed."""
        shown = {
            "date": state.date,
            "end_date": state.end_date or "",
            "title": state.title,
            "summary": state.summary,
            "tags": ", ".join(state.tags),
        }
        for name in names:
            if name == "sources":
                self._fill_sources(state.sources)
            else:
                self[name].data = shown[name]

    def _fill_sources(self, sources: tuple[dict, ...]) -> None:
        while len(self.sources.entries):
            self.sources.pop_entry()
        self.sources.last_index = (
            -1
        )  # rows posted as sources-0, sources-7 leave a gap pop_entry does not close
        blank = max(
            0, min(BLANK_SOURCE_ROWS, MAX_SOURCES - len(sources))
        )  # a FieldList holds MAX_SOURCES rows
        for source in list(sources) + [{}] * blank:
            self.sources.append_entry({key: source.get(key) or "" for key in SOURCE_KEYS})


class RetractionForm(FlaskForm):
    reason = TextAreaField(
        "Why is this fact retracted?", description="kept in the log and shown on the fact's page"
    )
    expected_version = HiddenField()


class MergeForm(FlaskForm):
    into = StringField(
        "Merge into", description="the id or the address of the fact that stays, e.g. /events/0190…"
    )
    reason = TextAreaField(
        "Why are these one happening?", description="kept in the log and shown in both facts' histories"
    )
    expected_version = HiddenField()

    def into_id(self) -> str:
        """A fact's id, typed alone or as its page's address (/events/ID, with or without the site)."""
        text = (self.into.data or "").strip()
        path = urlsplit(text).path if "/" in text else text
        return path.rstrip("/").rsplit("/", 1)[-1] if "/events/" in path else text


class SplitForm(FlaskForm):
    source_url = SelectField("Source to split off", choices=[], validate_choice=False)
    date = StringField("Date", description=DATE_HINT)
    end_date = StringField("End date", description=END_DATE_HINT)
    title = StringField("Title", description=f"at most {MAX_TITLE} characters")
    summary = TextAreaField("Summary", description="optional, plain text")
    tags = StringField("Tags", description="separated by commas, e.g. summit, india")
    reason = TextAreaField(
        "Why is this report another happening?",
        description="kept in the log and shown in both facts' histories",
    )
    expected_version = HiddenField()

    def fields(self) -> dict[str, Any]:
        """The new fact's fields as typed, shaped like the API's JSON body."""
        return {
            "date": typed_date(self.date.data),
            "end_date": typed_date(self.end_date.data) or None,
            "title": self.title.data or "",
            "summary": self.summary.data or "",
            "tags": [t for t in (part.strip() for part in (self.tags.data or "").split(",")) if t],
        }

    def prefill(self, state: FactState, url: str, draft: Mapping[str, Any]) -> None:
        self.source_url.data = url
        self.date.data, self.end_date.data = draft["date"], draft["end_date"] or ""
        self.title.data, self.summary.data = draft["title"], draft["summary"]
        self.tags.data = ", ".join(state.tags)
        self.expected_version.data = str(state.version)


class ReviewForm(FlaskForm):
    expected_version = HiddenField()
    next = HiddenField()


class SignInForm(FlaskForm):
    token = PasswordField("Token", description="as it was given to you: two parts joined by a dot")
    next = HiddenField()


class SignOutForm(FlaskForm):
    pass


_SOURCE_PART = re.compile(r"sources\[(\d+)\](?:\.(url|title|outlet|published))?")
_SOURCE_LABELS = {"url": "URL", "title": "title", "outlet": "outlet", "published": "published date", None: ""}


def typed_date(text: str | None) -> str:
    """A date as the form takes it: ISO as the API does, or in words ("3 July 2024", "July 2024")."""
    return iso_from_words((text or "").strip())


def for_people(message: str) -> str:
    """The domain's messages name fields as the API spells them ("sources[0].url must be..."):
    a form says "Source 1 URL must be...", as its labels do."""
    text = _SOURCE_PART.sub(lambda m: f"source {int(m[1]) + 1} {_SOURCE_LABELS[m[2]]}".rstrip(), message)
    text = text.replace("end_date", "end date").replace("use YYYY, YYYY-MM or YYYY-MM-DD", FORM_DATES)
    return text[:1].upper() + text[1:]


def field_errors(fields: Mapping[str, Any], *, require_source_url: bool) -> list[tuple[str, str]]:
    """Every problem at once, field by field, with the domain's own rules; then the whole fact as the log checks it."""
    checks = [
        ("date", lambda: clean_date(fields["date"], "date") if fields["date"] else _missing("date")),
        ("end_date", lambda: fields["end_date"] and clean_date(fields["end_date"], "end_date")),
        ("title", lambda: clean_text(fields["title"], "title", limit=MAX_TITLE, required=True)),
        ("summary", lambda: clean_text(fields["summary"], "summary", limit=MAX_SUMMARY)),
        ("tags", lambda: clean_tags(fields["tags"])),
    ]
    checks += [
        (f"sources[{i}]", _source_check(source, i, require_source_url))
        for i, source in enumerate(fields["sources"])
    ]
    errors = []
    for name, check in checks:
        try:
            check()
        except ValidationError as error:
            errors.append((error.field or name, str(error)))
        except OverflowError:  # a moment like 0001-01-01T00:00+01:00 leaves the calendar when moved to UTC
            errors.append((f"{name}.published" if name.startswith("sources") else name, "out of range"))
    if not errors:
        try:
            validate_fact(fields, require_source_url=require_source_url)  # the span, and the list limits
        except ValidationError as error:
            errors.append((error.field or "date", str(error)))
    return errors


def _missing(field: str) -> None:
    raise ValidationError(f"{field} is required", field)


def _source_check(source: dict, index: int, require_url: bool):
    return lambda: clean_source(source, f"sources[{index}]", require_url=require_url)


# ---------------------------------------------------------------- two editors at once


@dataclass(frozen=True)
class Merge:
    """A form filled in from one version, sent when the fact is at a later one: whose change is whose.

    Field names in CORRECTABLE order. Without the version the form started from
    (lost, forged), nothing is known of the others' changes: every field that
    differs from the fact as it is now is a clash the editor must look at.
    """

    mine: tuple[str, ...]  # typed differently from the version the form started from
    theirs: tuple[str, ...]  # changed by others since that version
    clashes: tuple[str, ...]  # mine, also changed by others, to something else: the editor decides
    pending: tuple[str, ...]  # mine and not what the fact already says: what sending again records


def merge(typed: Mapping[str, Any], base: FactState | None, current: FactState) -> Merge:
    """Three-way: the form as typed, the version it was filled in from, and the fact as it is now."""
    now, mine_values = comparable(state_fields(current)), comparable(typed)
    start = comparable(state_fields(base)) if base is not None else now
    mine = tuple(name for name in CORRECTABLE if mine_values[name] != start[name])
    theirs = changed_between(base, current)
    pending = tuple(name for name in mine if mine_values[name] != now[name])
    clashes = tuple(name for name in pending if name in theirs) if base is not None else pending
    return Merge(mine, theirs, clashes, pending)


def changed_between(base: FactState | None, current: FactState) -> tuple[str, ...]:
    """The fields that differ between two versions of a fact (none known without the older one)."""
    if base is None:
        return ()
    before, now = comparable(state_fields(base)), comparable(state_fields(current))
    return tuple(name for name in CORRECTABLE if before[name] != now[name])


def state_fields(state: FactState) -> dict[str, Any]:
    """A fact's correctable fields shaped like FactForm.fields(), what the form would send untouched."""
    return {
        "date": state.date,
        "end_date": state.end_date,
        "title": state.title,
        "summary": state.summary,
        "tags": list(state.tags),
        "sources": [dict(source) for source in state.sources],
    }


def comparable(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Each field as validation would record it, so that a field nobody touched never reads as changed.

    A textarea comes back with CRLF line endings, whatever the fact holds; a value
    that does not validate is compared as typed (someone typed it: it is a change).
    """
    return {name: _comparable(name, fields.get(name)) for name in CORRECTABLE}


_NORMALISE = {
    "date": lambda value: clean_date(value, "date").iso() if value else None,
    "end_date": lambda value: clean_date(value, "end_date").iso() if value else None,
    "title": lambda value: clean_text(value, "title", limit=MAX_TITLE),
    "summary": lambda value: clean_text(value, "summary", limit=MAX_SUMMARY),
    "tags": lambda value: clean_tags(list(value or ())),
    "sources": lambda value: clean_sources(list(value or ()), require_url=False),
}


def _comparable(name: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")
    try:
        return _NORMALISE[name](value)
    except (ValidationError, OverflowError):
        return ("as typed", repr(value))
