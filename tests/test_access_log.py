"""The service's own log: one line per request, and a trace of every refused token."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from timeline.web.access_log import MAX_TARGET, line


def environ(path: str, query: str = "", method: str = "GET") -> dict:
    return {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": method, "REMOTE_ADDR": "192.0.2.7"}


def test_a_line_says_who_asked_what_the_answer_and_how_long_it_took():
    assert line(environ("/", "q=summit"), "200", 5120, 0.0042) == '192.0.2.7 "GET /?q=summit" 200 5120 4.2ms'


def test_a_request_cannot_forge_or_split_log_lines():
    """PATH_INFO arrives decoded: %0A is a real newline, and a quote could end the field early."""
    text = line(environ('/x\n192.0.2.9 "GET /admin" 200', 'a="b"'), "404", 0, 0.001)
    assert "\n" not in text and text.count('"') == 2
    assert text.startswith(
        '192.0.2.7 "GET /x\\x0a192.0.2.9\\x20\\x22GET\\x20/admin\\x22\\x20200?a=\\x22b\\x22" 404'
    )


def test_a_huge_query_is_cut_to_one_short_line():
    text = line(environ("/", "q=" + "x" * 5000), "400", 10, 0.001)
    assert text == f'192.0.2.7 "GET /?q={"x" * (MAX_TARGET - 4)}..." 400 10 1.0ms'


def wait_for(path, needle: str) -> str:
    deadline = time.monotonic() + 10
    while needle not in (text := path.read_text("utf-8", "replace")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return text


def test_timeline_serve_logs_each_request_and_each_refused_token(live_server):
    live_server.get("/?q=access-log-probe")
    assert '"GET /?q=access-log-probe" 200 ' in wait_for(live_server.output, "access-log-probe")
    request = urllib.request.Request(
        live_server.url + "api/events",
        data=b"{}",
        method="POST",
        headers={"Authorization": "Bearer nope.nope", "Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 401
    text = wait_for(live_server.output, '"POST /api/events" 401')
    assert "API: refused a token that is not valid or was revoked, from 127.0.0.1" in text
    assert '"POST /api/events" 401 ' in text
    assert "nope.nope" not in text  # the token itself is never logged
