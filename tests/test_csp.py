"""Every page carries a Content-Security-Policy without 'unsafe-inline', and no page needs one: no inline script or style."""

from __future__ import annotations

import lxml.html
import pytest

from tests.test_editors_web import sign_in
from timeline.web.support import CSP

PUBLIC = [
    "/",
    "/?tag=russia&q=summit",
    "/events/{fact}",
    "/events/{fact}?as_of=2030-01-01T00:00:00Z",
    "/feeds",
    "/login",
    "/no/such/page",
    "/?from=soon",
    "/events/missing",
    "/feed.atom",
    "/api/events",
    "/static/style.css",
    "/healthz",
]
EDITORS = [
    "/events/new",
    "/events/{fact}/correct",
    "/events/{fact}/retract",
    "/events/{fact}/merge",
    "/review",
]


def policy_of(response) -> str:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp == CSP, csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "default-src 'none'" in csp
    return csp


def inline_code(html: str) -> list[str]:
    """Inline scripts, style elements, style attributes and event handler attributes: what the CSP would refuse."""
    doc = lxml.html.fromstring(html)
    found = [f"<{e.tag}>" for e in doc.iter("script", "style") if e.tag == "style" or not e.get("src")]
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        found += [
            f"{element.tag}@{name}" for name in element.attrib if name == "style" or name.startswith("on")
        ]
        found += [
            f"{element.tag}@{name}"
            for name, value in element.attrib.items()
            if value.strip().lower().startswith("javascript:")
        ]
    return found


@pytest.fixture
def fact(seeded) -> str:
    return seeded.conn.execute("SELECT fact_id FROM facts ORDER BY n LIMIT 1").fetchone()[0]


@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_response_carries_the_policy_and_pages_need_no_inline_code(client, fact, path):
    response = client.get(path.format(fact=fact))
    policy_of(response)
    if response.mimetype == "text/html":
        assert inline_code(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("path", EDITORS)
def test_editors_pages_too(editor_client, fact, issue_token_for, path):
    assert sign_in(editor_client, issue_token_for("ann")).status_code == 303
    response = editor_client.get(path.format(fact=fact))
    assert response.status_code == 200
    policy_of(response)
    assert inline_code(response.get_data(as_text=True)) == []


def test_even_a_query_string_refused_before_flask_carries_it(client):
    response = client.get("/", environ_overrides={"QUERY_STRING": "q=\xff"})
    assert response.status_code == 400
    policy_of(response)


def test_the_detector_sees_inline_code():
    html = "<p style='x' onclick='y'><a href='javascript:z'>a</a></p><script>1</script><style>p{}</style>"
    assert sorted(inline_code(html)) == ["<script>", "<style>", "a@href", "p@onclick", "p@style"]
