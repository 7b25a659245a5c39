"""The JSON API described as OpenAPI 3.0, built in code so its limits are the domain's own constants."""

from __future__ import annotations

import functools
import re
from typing import Any

from events.domain.fact import CORRECTABLE, MAX_SOURCES, MAX_SUMMARY, MAX_TAG, MAX_TAGS, MAX_TITLE, MAX_URL
from events.read.filters import MAX_PAGE_SIZE, MAX_QUERY_TEXT, MAX_TAG_FILTERS

FUZZY_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


def _query_pattern(body: str) -> str:
    """A query value as the server reads it: stripped of surrounding whitespace, and empty meaning absent
    (an HTML form sends its empty fields), so the document forbids nothing the server takes (issue 15)."""
    return rf"^[ \t\n\r\f\v]*({body})?[ \t\n\r\f\v]*$"


MAX_REASON = 1_000
# No maxLength: a tag is measured once made a slug (the XSS corpus's long tags make short slugs).
TAG = {
    "type": "string",
    "minLength": 1,
    "description": f"made a slug (lowercase, hyphens) of at most {MAX_TAG} characters",
}


# A tag to filter by: an empty one is ignored (an HTML form sends its empty fields), so the document
# forbids nothing the server takes (the negative tests sent "tag=" and were answered 200).
TAG_FILTER = {key: value for key, value in TAG.items() if key != "minLength"} | {
    "description": f"{TAG['description']}; an empty value is ignored"
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(limit: int, **more: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit, **more}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response = _json(_ref("Error"), description)
    if headers:
        response["headers"] = headers
    return response


# ---------------------------------------------------------------- schemas


def _source_schemas() -> dict[str, Any]:
    source = {
        "url": _text(MAX_URL, format="uri", pattern="^https?://", description="absolute http(s) URL"),
        "title": _text(500),
        "outlet": _text(200),
        "published": {"type": "string", "description": "YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 moment"},
    }
    return {
        "SourceInput": {
            "type": "object",
            "additionalProperties": False,
            "required": ["url"],
            "properties": source,
        },
        "Source": {
            "type": "object",
            "properties": {name: _nullable({"type": "string"}) for name in source},
        },
    }


def _fact_input_schemas() -> dict[str, Any]:
    fields = {
        "date": {"type": "string", "pattern": FUZZY_DATE, "description": "YYYY, YYYY-MM or YYYY-MM-DD"},
        "end_date": _nullable({"type": "string", "pattern": FUZZY_DATE, "description": "not before date"}),
        "title": _text(MAX_TITLE, minLength=1),
        "summary": _text(MAX_SUMMARY),
        "tags": {"type": "array", "maxItems": MAX_TAGS, "items": TAG},
        "sources": {"type": "array", "maxItems": MAX_SOURCES, "items": _ref("SourceInput")},
    }
    version = {"type": "integer", "minimum": 1, "description": "the version you read; 409 if it moved on"}
    reason = _text(MAX_REASON, minLength=1, description="why, kept in the log and shown in the history")
    return {
        "NewFact": {
            "type": "object",
            "additionalProperties": False,
            "required": ["date", "title"],
            "properties": fields,
        },
        "Correction": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 3,
            "required": ["reason", "expected_version"],
            "properties": {
                **{k: fields[k] for k in CORRECTABLE},
                "reason": reason,
                "expected_version": version,
            },
        },
        "Retraction": {
            "type": "object",
            "additionalProperties": False,
            "required": ["reason", "expected_version"],
            "properties": {"reason": reason, "expected_version": version},
        },
        **_fix_schemas(fields, reason, version),
    }


def _fix_schemas(fields: dict[str, Any], reason: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """The editors' fixes of what the machine got wrong: merge, split, review."""
    url = _text(
        MAX_URL, format="uri", pattern="^https?://", description="the URL of one of the fact's sources"
    )
    return {
        "Merge": {
            "type": "object",
            "additionalProperties": False,
            "required": ["into", "reason", "expected_version"],
            "properties": {
                "into": {"type": "string", "minLength": 1, "description": "the id of the fact kept"},
                "reason": reason,
                "expected_version": version,
            },
        },
        "Split": {
            "type": "object",
            "additionalProperties": False,
            "required": ["source_url", "date", "title", "reason", "expected_version"],
            "properties": {
                "source_url": url,
                **{name: fields[name] for name in ("date", "end_date", "title")},
                "summary": {**fields["summary"], "description": "default: the source's own sentence"},
                "tags": {**fields["tags"], "description": "default: the fact's tags"},
                "reason": reason,
                "expected_version": version,
            },
        },
        "Review": {
            "type": "object",
            "additionalProperties": False,
            "required": ["expected_version"],
            "properties": {"expected_version": version},
        },
    }


def _fact_schemas() -> dict[str, Any]:
    """The API's fact, history and error shapes. Long because it is one literal: the schemas read best whole."""
    string, moment = {"type": "string"}, {"type": "string", "description": "UTC, ISO 8601"}
    fact = {
        "type": "object",
        "required": [
            "id",
            "date",
            "end_date",
            "precision",
            "title",
            "title_lang",
            "summary",
            "tags",
            "sources",
            "origin",
            "version",
            "recorded_at",
            "updated_at",
            "corrected",
            "retracted",
            "retraction_reason",
            "merged_into",
            "reviewed",
            "planned",
        ],
        "properties": {
            "id": string,
            "date": string,
            "end_date": _nullable(string),
            "precision": {"type": "string", "enum": ["year", "month", "day"]},
            "title": string,
            "title_lang": {
                "type": "string",
                "enum": ["en", "ru", "zh-Hans", "zh-Hant", "zh"],
                "description": "the title's language (BCP 47): titles stay in the language of the report they come from",
            },
            "summary": string,
            "tags": {"type": "array", "items": string},
            "sources": {"type": "array", "items": _ref("Source")},
            "origin": {"type": "string", "enum": ["seed", "feed", "manual"]},
            "version": {"type": "integer", "minimum": 1},
            "recorded_at": moment,
            "updated_at": moment,
            "corrected": {"type": "boolean"},
            "retracted": {"type": "boolean"},
            "retraction_reason": _nullable(string),
            "merged_into": _nullable({"type": "string", "description": "the fact this one was merged into"}),
            "reviewed": {"type": "boolean", "description": "an editor reviewed, merged or split it"},
            "planned": {
                "type": "boolean",
                "description": "reported before it took place; no report published since its first day says it did",
            },
        },
    }
    history = {
        "type": "object",
        "required": ["position", "version", "type", "recorded_at", "actor"],
        "properties": {
            "position": {"type": "integer"},
            "version": {"type": "integer"},
            "type": {
                "type": "string",
                "enum": [
                    "recorded",
                    "corrected",
                    "retracted",
                    "source-added",
                    "merged",
                    "merged-into",
                    "split",
                    "reviewed",
                ],
            },
            "recorded_at": moment,
            "actor": {"type": "string", "description": "who: editor:NAME, feed:NAME, seed, ..."},
            "reason": string,
            "changes": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"old": {"nullable": True}, "new": {"nullable": True}},
                },
            },
            "source": _ref("Source"),
            "related_fact": {
                "type": "string",
                "description": "the fact merged in, merged into, split off into, or split from",
            },
        },
    }
    with_history = {
        "allOf": [
            _ref("Fact"),
            {
                "type": "object",
                "required": ["history"],
                "properties": {
                    "history": {"type": "array", "items": _ref("HistoryEntry")},
                    "as_of": {
                        "type": "object",
                        "description": "with as_of: the moment the fact is shown as known at",
                        "properties": {"moment": {"type": "string"}, "position": {"type": "integer"}},
                    },
                },
            },
        ]
    }
    return {"Fact": fact, "HistoryEntry": history, "FactWithHistory": with_history}


def _other_schemas() -> dict[str, Any]:
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {"type": "string"},
                "field": {"type": "string", "description": "the request field at fault"},
                "parameter": {"type": "string", "description": "the query parameter at fault"},
                "current_version": {"type": "integer", "description": "on 409: the fact's version now"},
            },
        },
        "Page": {
            "type": "object",
            "required": ["events", "next"],
            "properties": {
                "events": {"type": "array", "items": _ref("Fact")},
                "next": _nullable({"type": "string", "description": "cursor of the following page"}),
                "as_of": {
                    "type": "object",
                    "properties": {"moment": {"type": "string"}, "position": {"type": "integer"}},
                },
            },
        },
    }


# ---------------------------------------------------------------- operations


def _list_parameters() -> list[dict[str, Any]]:
    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    date = {"type": "string", "pattern": _query_pattern(FUZZY_DATE[1:-1])}
    return [
        query(
            "tag",
            {"type": "array", "maxItems": MAX_TAG_FILTERS, "items": TAG_FILTER},
            "facts with every tag",
        ),
        query("q", _text(MAX_QUERY_TEXT), "full-text search"),
        query(
            "from",
            date,
            "facts whose days (a fuzzy date covers several; a span to its end date) reach this date",
        ),
        query("to", date, "facts whose first possible day is on or before the end of this date"),
        query(
            "order",
            {"type": "string", "pattern": _query_pattern("desc|asc")},
            "newest (desc, default) or oldest first",
        ),
        query("show", {"type": "string", "pattern": _query_pattern("retracted")}, "include retracted facts"),
        query("as_of", {"type": "string"}, "the timeline as known at this UTC moment (ISO 8601)"),
        query("cursor", {"type": "string"}, "the `next` of a previous page"),
        query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}, "facts per page"),
    ]


def _read_paths() -> dict[str, Any]:
    fact_id = {"name": "fact_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "/api/events": {
            "get": {
                "operationId": "listEvents",
                "summary": "The timeline, filtered and paged",
                "security": [],
                "parameters": _list_parameters(),
                "responses": {
                    "200": _json(_ref("Page"), "a page of facts"),
                    "400": _error("a bad parameter"),
                },
            }
        },
        "/api/events/{fact_id}": {
            "get": {
                "operationId": "getEvent",
                "summary": "One fact and its whole history",
                "security": [],
                "parameters": [
                    fact_id,
                    {
                        "name": "as_of",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "the fact as known at this UTC moment (ISO 8601)",
                    },
                ],
                "responses": {
                    "200": _json(_ref("FactWithHistory"), "the fact"),
                    "400": _error("a bad parameter"),
                    "404": _error("no such fact, or not recorded yet at as_of"),
                },
            }
        },
    }


def _write_responses(success: str, status: str) -> dict[str, Any]:
    retry = {"description": "seconds to wait", "schema": {"type": "integer"}}
    challenge = {"description": "Bearer", "schema": {"type": "string"}}
    return {
        status: _json(_ref("FactWithHistory"), success),
        "400": _error("malformed JSON, or a missing, unknown or bad field (named in `field`)"),
        "401": _error("no token, or a bad or revoked one", **{"WWW-Authenticate": challenge}),
        "404": _error("no such fact"),
        "409": _error("a stale expected_version (see current_version), or a retracted or merged-away fact"),
        "413": _error(
            "the body is larger than `[server] max_request_bytes` (1 MB by default), refused before it is read"
        ),
        "422": _error("the Idempotency-Key was used for a different fact, or for a change to another fact"),
        "429": _error("too many bad tokens from this address", **{"Retry-After": retry}),
        "503": _error(
            "the shared log's server (PostgreSQL, with [database] url) cannot be reached: nothing was recorded;"
            " retry after the given seconds",
            **{"Retry-After": retry},
        ),
        "507": _error("the disk holding the database is full: nothing was recorded; retry later"),
    }


def _write_paths() -> dict[str, Any]:
    fact_id = {"name": "fact_id", "in": "path", "required": True, "schema": {"type": "string"}}
    key = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,200}$"},
        "description": "a retry with the same key gets the same answer and records nothing more",
    }
    created = _write_responses("the fact recorded", "201")
    created["201"]["headers"] = {"Location": {"description": "the fact's URL", "schema": {"type": "string"}}}
    for code in ("404", "409"):
        del created[code]

    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}

    return {
        "/api/events": {
            "post": {
                "operationId": "recordEvent",
                "summary": "Record a new fact",
                "parameters": [key],
                "requestBody": body("NewFact"),
                "responses": created,
            }
        },
        "/api/events/{fact_id}/corrections": {
            "post": {
                "operationId": "correctEvent",
                "summary": "Correct some fields of a fact",
                "parameters": [fact_id, key],
                "requestBody": body("Correction"),
                "responses": _write_responses("the corrected fact", "200"),
            }
        },
        "/api/events/{fact_id}/retraction": {
            "post": {
                "operationId": "retractEvent",
                "summary": "Retract a fact (it stays in the log)",
                "parameters": [fact_id, key],
                "requestBody": body("Retraction"),
                "responses": _write_responses("the retracted fact", "200"),
            }
        },
        **_fix_paths(fact_id, key, body),
    }


def _fix_paths(fact_id: dict[str, Any], key: dict[str, Any], body: Any) -> dict[str, Any]:
    split = _write_responses("the new fact, holding the source split off", "201")
    split["201"]["headers"] = {
        "Location": {"description": "the new fact's URL", "schema": {"type": "string"}}
    }
    return {
        "/api/events/{fact_id}/merge": {
            "post": {
                "operationId": "mergeEvent",
                "summary": "Merge a fact into another (both histories say so; it then points there)",
                "parameters": [fact_id, key],
                "requestBody": body("Merge"),
                "responses": _write_responses("the fact merged away, with merged_into", "200"),
            }
        },
        "/api/events/{fact_id}/split": {
            "post": {
                "operationId": "splitEvent",
                "summary": "Split one source off a fact into a new fact of its own",
                "parameters": [fact_id, key],
                "requestBody": body("Split"),
                "responses": split,
            }
        },
        "/api/events/{fact_id}/review": {
            "post": {
                "operationId": "reviewEvent",
                "summary": "Mark a machine-made fact reviewed: it leaves the review queue",
                "parameters": [fact_id, key],
                "requestBody": body("Review"),
                "responses": _write_responses("the reviewed fact", "200"),
            }
        },
    }


def document() -> dict[str, Any]:
    """The whole OpenAPI document served at /api/openapi.json."""
    paths = _read_paths()
    for path, operations in _write_paths().items():
        paths.setdefault(path, {}).update(operations)
    schemas = {**_source_schemas(), **_fact_input_schemas(), **_fact_schemas(), **_other_schemas()}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "SCO Timeline",
            "version": "1",
            "description": "Reading is public; every write needs an editor's token "
            "(`timeline token create NAME`). Every change is a new event signed by its editor.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


# ---------------------------------------------------------------- the document as a check


@functools.cache
def _document() -> dict[str, Any]:
    return document()


@functools.cache
def _body_schema(rule: str, method: str) -> dict[str, Any] | None:
    """The request body's schema of the operation a Flask rule (/api/events/<fact_id>/merge) serves."""
    operation = (
        _document()["paths"].get(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule), {}).get(method.lower())
    )
    if not operation or "requestBody" not in operation:
        return None
    return operation["requestBody"]["content"]["application/json"]["schema"]


def too_long(body: Any, rule: str, method: str) -> tuple[str, int] | None:
    """(field, its maxLength) of the first text longer than the document allows, as sent.

    The domain measures text once cleaned (control characters dropped, spaces trimmed),
    so a value the document forbids could pass: the document is the contract (issue 15).
    """
    schema = _body_schema(rule, method)
    stack: list[tuple[str, Any, dict[str, Any] | None]] = [("body", body, schema)]
    schemas = _document()["components"]["schemas"]
    while stack:
        path, value, schema = stack.pop()
        if schema and "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        if not schema:
            continue
        if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
            return path, schema["maxLength"]
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            stack.extend((_name(path, key), item, properties.get(key)) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item, schema.get("items")) for i, item in enumerate(value))
    return None


def _name(path: str, key: str) -> str:
    return key if path == "body" else f"{path}.{key}"
