"""The API against its OpenAPI document: schemathesis generates requests from it and checks every answer.

Checks: no 5xx, documented status codes, content types and headers, and
bodies that match their schemas. Not checked: that every schema-valid
request is accepted, since a schema cannot say "a month from 1 to 12" or
"an end after its start"; those 400s are tested in test_editors_api.py.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from timeline.web import openapi

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
schema = schemathesis.openapi.from_dict(openapi.document())
changes = schema.include(path_regex=r"/(corrections|retraction)$")


@pytest.fixture
def token(seeded, issue_token_for) -> str:
    return issue_token_for("ann")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@EXAMPLES
def test_every_answer_matches_the_document(case, token, editor_app):
    case.call_and_validate(app=editor_app, headers=bearer(token), checks=CHECKS)


@changes.parametrize()
@EXAMPLES
def test_changes_to_a_real_fact_match_the_document(case, token, editor_app, make_fact):
    """Generated ids are never found: aim half the changes at a fresh fact, at its real version."""
    case.path_parameters = {"fact_id": make_fact().fact_id}
    body = case.body if isinstance(case.body, dict) else {}
    if type(body.get("expected_version")) is int and body["expected_version"] % 2:
        body["expected_version"] = 1
    case.call_and_validate(app=editor_app, headers=bearer(token), checks=CHECKS)


def test_the_document_is_served_and_loads(editor_client):
    response = editor_client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == openapi.document()
    loaded = schemathesis.openapi.from_dict(response.get_json())
    operations = {(op.ok().method.upper(), op.ok().path) for op in loaded.get_all_operations()}
    assert ("POST", "/api/events/{fact_id}/corrections") in operations


def test_every_api_route_is_documented(editor_app):
    """A route added to the API without a word in the document fails here."""
    document = openapi.document()["paths"]
    for rule in editor_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        assert path in document, path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document[path], f"{method} {path}"


def test_every_fact_field_is_documented(editor_client, seeded):
    body = editor_client.get("/api/events?limit=1").get_json()
    fact = openapi.document()["components"]["schemas"]["Fact"]
    assert set(body["events"][0]) == set(fact["properties"]) == set(fact["required"])


def test_an_empty_tag_filter_is_ignored_as_the_document_says(editor_client, seeded):
    """The negative tests sent 'tag=&tag=' (an HTML form's empty fields), which the server ignores and the
    document said it refused (minLength 1): the document now says what the server does."""
    (tag,) = [
        p for p in openapi.document()["paths"]["/api/events"]["get"]["parameters"] if p["name"] == "tag"
    ]
    assert "minLength" not in tag["schema"]["items"] and "ignored" in tag["schema"]["items"]["description"]
    assert (
        editor_client.get("/api/events?tag=&tag=%20").get_json()
        == editor_client.get("/api/events").get_json()
    )
