"""Requests answered on the wire, against `timeline serve` on 127.0.0.1 (issue 15).

Each test sends raw bytes on a socket, as an attacker would; none sends the body it
announces, so an answer proves the server decided on the headers alone.
"""

from __future__ import annotations

from tests.conftest import start_server, stop_server
from tests.test_metrics import samples
from tests.wire import closed_by_server, connect, exchange, read_answer

WAIT = 10.0  # seconds; the old server waited for the body forever


def post(path: str, length: int, *extra: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_body_over_the_limit_is_413_before_it_is_sent(live_server):
    """400 MB announced with a token: the old server read it all (into memory past 512 KB) first."""
    head = post("/api/events", 400_000_000, "Authorization: Bearer x.y", "Content-Type: application/json")
    with connect(live_server.url, WAIT) as sock:
        sock.sendall(head)
        answer = read_answer(sock)
        assert answer.status == 413
        assert answer.json()["field"] == "body" and "1000000" in answer.json()["error"]
        assert closed_by_server(sock)  # the body that follows is never read as a request


def test_a_form_post_over_the_limit_is_413_in_text(live_server):
    answer = exchange(live_server.url, post("/login", 2_000_000, "Content-Type: text/plain"), timeout=WAIT)
    assert answer.status == 413
    assert answer.headers["content-type"].startswith("text/plain")


def test_a_body_at_the_limit_reaches_the_app(live_server):
    """The limit is the size allowed, not one byte less: the app answers (here, a bad token)."""
    body = b'{"title": "' + b"t" * (1_000_000 - 13) + b'"}'
    assert len(body) == 1_000_000
    head = post("/api/events", len(body), "Authorization: Bearer x.y", "Content-Type: application/json")
    answer = exchange(live_server.url, head, body, timeout=WAIT)
    assert answer.status == 401 and "invalid_token" in answer.headers["www-authenticate"]


def test_an_anonymous_write_is_refused_before_its_body_is_read(live_server):
    for path in ("/api/events", "/api/events/f_1/corrections", "/api/events/f_1/merge"):
        with connect(live_server.url, WAIT) as sock:
            sock.sendall(post(path, 900_000, "Content-Type: application/json"))
            answer = read_answer(sock)
            assert answer.status == 401, path
            assert answer.json() == {"error": "send Authorization: Bearer <token>", "field": "Authorization"}
            assert answer.headers["www-authenticate"].startswith("Bearer")
            assert closed_by_server(sock)


def test_a_read_without_a_token_still_reaches_the_app(live_server):
    answer = exchange(
        live_server.url, b"GET /api/events?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert answer.status == 200 and len(answer.json()["events"]) == 1


def test_content_length_with_transfer_encoding_is_400_and_the_connection_closed(live_server):
    """Request smuggling: a proxy framing by Content-Length would pass the chunk to us as a second request."""
    smuggled = b"GET /api/events?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"
    for version, path in (("1.1", "/"), ("1.1", "/api/events"), ("1.0", "/login")):
        head = (
            f"POST {path} HTTP/{version}\r\nHost: x\r\nContent-Length: {len(smuggled) + 5}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        with connect(live_server.url, WAIT) as sock:
            sock.sendall(head + b"0\r\n\r\n" + smuggled)
            answer = read_answer(sock)
            assert answer.status == 400, (version, path)
            assert b"both Content-Length and Transfer-Encoding" in answer.body
            assert closed_by_server(sock)  # the smuggled request is never answered
    get = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    assert exchange(live_server.url, get, timeout=WAIT).status == 400


# Each refused request (raw bytes), its status, the access log line it leaves and its labels.
REFUSED = [
    (
        post("/api/events", 4_000_000, "Authorization: Bearer x.y"),
        413,
        '"POST /api/events" 413 ',
        "/api/events",
    ),
    (post("/login?next=/", 2_000_000), 413, '"POST /login?next=/" 413 ', "/login"),
    (
        post("/api/events/f_1/merge", 10),
        401,
        '"POST /api/events/f_1/merge" 401 ',
        "/api/events/<fact_id>/merge",
    ),
    (post("/", 5, "Transfer-Encoding: chunked"), 400, '"POST /" 400 ', "(refused)"),  # / takes no POST
    (
        b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        501,
        '"POST /login" 501 ',
        "/login",
    ),
    # the request line is unknown: waitress stops at a bad header or at 256 KB of them
    (b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400, '"- " 400 ', "(refused)"),
    (b"POST /api/events HTTP/1.1\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n", 431, '"- " 431 ', "(refused)"),
]


def test_each_refusal_on_the_wire_is_logged_and_counted_as_the_app_s_answers_are(tmp_path):
    """waitress answered these without calling the app, so neither the access log nor /metrics saw the
    requests an attack makes (issue 15)."""
    server = start_server(tmp_path, tmp_path / "t.db")
    try:
        for head, status, _line, _route in REFUSED:
            assert exchange(server.url, head, timeout=WAIT).status == status, head[:40]
        odd = b"BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"  # the app answers; any token is a method
        assert exchange(server.url, odd, timeout=WAIT).status == 405
        seen = samples(server.get("/metrics")[1].decode())
        log = server.output.read_text("utf-8")
    finally:
        stop_server(server)
    for head, status, line, route in REFUSED:
        method = "other" if line.startswith('"- ') else head.split(b" ")[0].decode()
        labels = frozenset({"route": route, "method": method, "status": str(status)}.items())
        assert seen.get(("timeline_http_requests_total", labels)) == 1, (route, status)
        assert f"127.0.0.1 {line}" in log, line
    other = frozenset({"route": "(no route)", "method": "other", "status": "405"}.items())
    assert seen.get(("timeline_http_requests_total", other)) == 1  # not one series per token sent
