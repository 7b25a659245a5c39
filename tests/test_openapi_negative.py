"""The OpenAPI document is no looser than the server: requests it forbids are refused, by `timeline serve`
on 127.0.0.1 (issue 15).

schemathesis generates requests that break the document (a wrong type, a missing
field, an unknown parameter) and checks that each is refused with a 4xx, that every
status is one the document lists, and that none is a 5xx. Bounded: a fixed number of
examples per operation, derandomized, each request with a timeout.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import negative_data_rejection, status_code_conformance

from events.domain.token import issue_token
from events.service import Timeline
from tests.conftest import start_server, stop_server
from timeline.web import openapi

CHECKS = [not_a_server_error, status_code_conformance, negative_data_rejection]
EXAMPLES = settings(
    max_examples=int(os.environ.get("NEGATIVE_EXAMPLES", 25)),
    deadline=None,
    derandomize=True,
    database=None,  # no examples replayed from an earlier run: the same requests every time
    suppress_health_check=list(HealthCheck),
)
schema = schemathesis.openapi.from_dict(openapi.document())
schema.config.generation.update(modes=[GenerationMode.NEGATIVE])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server of its own: bad tokens from these requests must not reach another test's limiter."""
    tmp = tmp_path_factory.mktemp("negative")
    timeline = Timeline.open(tmp / "t.db")
    try:
        timeline.init()
        token = issue_token(timeline.store, "ann")
    finally:
        timeline.close()
    server = start_server(tmp, tmp / "t.db")
    yield server, token
    stop_server(server)


@schema.parametrize()
@EXAMPLES
def test_requests_the_document_forbids_are_refused(case, served):
    server, token = served
    case.call_and_validate(
        base_url=server.url.rstrip("/"),
        headers={"Authorization": f"Bearer {token}"},
        checks=CHECKS,
        timeout=10,
    )
