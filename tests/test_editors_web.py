"""The editors' web forms through Flask's test client: sign in and out, post, correct, retract, and what goes wrong."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from events.domain.token import revoke_token
from tests.conftest import app_config
from timeline import create_app
from timeline.editors.auth import stored_secret_key

NEW_FACT = {
    "date": "2024-07-04",
    "end_date": "",
    "title": "SCO youth forum opens",
    "summary": "Delegates gather.",
    "tags": "youth, Forum",
    "sources-0-url": "https://example.org/forum",
    "sources-0-outlet": "Example",
}


@pytest.fixture
def token(seeded, issue_token_for) -> str:
    return issue_token_for("ann")


def html(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.get_data(as_text=True))


def form_values(response, form_index: int = -1) -> dict[str, str]:
    """What the page's form would send as it stands: inputs and textareas with their values."""
    form = html(response).xpath("//main//form")[form_index]
    values = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")}
    # a browser drops the newline that may follow <textarea>; lxml keeps it
    values.update(
        {t.get("name"): t.text_content().removeprefix("\n") for t in form.xpath(".//textarea[@name]")}
    )
    return values


def field_error(response, field_id: str) -> str:
    page = html(response)
    [field] = page.xpath(f"//*[@id='{field_id}']")
    assert field.get("aria-invalid") == "true"
    return page.xpath(f"//*[@id='{field_id}-error']")[0].text_content().strip()


def sign_in(client, token: str, next_path: str = ""):
    page = client.get("/login" + (f"?next={next_path}" if next_path else ""))
    return client.post("/login", data=form_values(page) | {"token": token})


@pytest.fixture
def signed_in(editor_client, token):
    assert sign_in(editor_client, token).status_code == 303
    return editor_client


@pytest.fixture
def new_fact(signed_in) -> str:
    """A fact posted through the form; returns its id."""
    page = signed_in.get("/events/new")
    response = signed_in.post("/events/new", data=form_values(page) | NEW_FACT)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def log_position(timeline) -> int:
    return timeline.store.last_position()


# ---------------------------------------------------------------- signing in


def test_readers_see_sign_in_and_no_editing(editor_client, token, seeded):
    fact_id = seeded.conn.execute("SELECT fact_id FROM facts LIMIT 1").fetchone()[0]
    page = editor_client.get(f"/events/{fact_id}")
    assert html(page).xpath("//nav//a[text()='Sign in']")
    assert html(page).xpath("//nav//a[text()='Sign in']/@href")[0] == f"/login?next=/events/{fact_id}"
    text = page.get_data(as_text=True)
    assert "/correct" not in text and "/retract" not in text and "New fact" not in text


@pytest.mark.parametrize("path", ["/events/new", "/events/x/correct", "/events/x/retract"])
def test_forms_send_readers_to_sign_in(editor_client, path):
    for response in (editor_client.get(path), editor_client.post(path, data={})):
        assert response.status_code in (303, 400)  # POST without a CSRF token stops earlier
    response = editor_client.get(path)
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == [path]


def test_sign_in_sets_a_safe_session_cookie_and_returns(editor_client, token):
    response = sign_in(editor_client, token, "/events/new")
    assert response.status_code == 303 and response.headers["Location"] == "/events/new"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert token.split(".")[1] not in cookie  # the secret is checked, never kept
    page = editor_client.get("/")
    assert "Signed in as" in page.get_data(as_text=True) and html(page).xpath("//nav//strong[text()='ann']")
    assert html(page).xpath("//nav//a[text()='New fact']")


def test_the_cookie_is_secure_over_https(tmp_path, token, db_path):
    app = create_app(
        {
            "database": {"path": str(db_path)},
            "server": {"base_url": "https://timeline.example/", "secret_key": "s" * 40},
        }
    )
    response = sign_in(app.test_client(), token)
    assert "Secure" in response.headers["Set-Cookie"]
    http_app = create_app({"database": {"path": str(db_path)}, "server": {"secret_key": "s" * 40}})
    client = http_app.test_client()
    page = client.get("/login", base_url="https://localhost/")
    response = client.post(
        "/login",
        data=form_values(page) | {"token": token},
        base_url="https://localhost/",
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code == 303 and "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:x",
        "/\t/evil.example",
        "events",
    ],
)
def test_sign_in_never_sends_elsewhere(editor_client, token, target):
    response = sign_in(editor_client, token, target.replace("\t", "%09"))
    assert response.headers["Location"] == "/"


def test_a_bad_token_is_refused_and_guessing_is_slowed(editor_client, editor_app, token):
    now = [50.0]
    editor_app.extensions["timeline_sign_in_limiter"].clock = lambda: now[0]
    for _ in range(5):
        response = sign_in(editor_client, "0123456789abcdef.not-the-secret")
        assert response.status_code == 401
        assert "That token is not valid" in field_error(response, "token")
    limited = sign_in(editor_client, token)  # the right token waits too
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
    assert "try again in 60 seconds" in field_error(limited, "token")
    assert "Signed in as" not in editor_client.get("/").get_data(as_text=True)
    now[0] += 61
    assert sign_in(editor_client, token).status_code == 303


def test_sign_in_needs_the_csrf_token(editor_client, token):
    response = editor_client.post("/login", data={"token": token})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert "Signed in as" not in editor_client.get("/").get_data(as_text=True)


def test_sign_out(signed_in):
    page = signed_in.get("/logout")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    response = signed_in.post("/logout", data=form_values(page))
    assert response.status_code == 303
    assert "Sign in" in signed_in.get("/").get_data(as_text=True)
    assert signed_in.get("/events/new").status_code == 303


def test_the_header_signs_out_with_a_form(signed_in):
    page = signed_in.get("/")
    [form] = html(page).xpath("//nav//form[@action='/logout']")
    data = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    assert signed_in.post("/logout", data=data).status_code == 303
    assert "Signed in as" not in signed_in.get("/").get_data(as_text=True)


def test_a_revoked_token_ends_its_session(signed_in, timeline, new_fact):
    assert signed_in.get("/events/new").status_code == 200
    revoke_token(timeline.store, "ann")
    timeline.catch_up()
    assert signed_in.get("/events/new").status_code == 303
    page = signed_in.get(f"/events/{new_fact}").get_data(as_text=True)
    assert "Signed in as" not in page and "/correct" not in page


def test_a_new_token_for_the_same_name_does_not_revive_an_old_session(signed_in, timeline, issue_token_for):
    revoke_token(timeline.store, "ann")
    timeline.catch_up()
    issue_token_for("ann")
    assert signed_in.get("/events/new").status_code == 303


# ---------------------------------------------------------------- the session secret


def test_a_secret_key_is_made_once_beside_the_database(db_path, token):
    first = create_app(app_config(db_path))
    path = db_path.parent / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = create_app(app_config(db_path))  # a restart
    assert first.secret_key == second.secret_key == path.read_text().strip() and len(first.secret_key) >= 32
    client = first.test_client()
    assert sign_in(client, token).status_code == 303
    other = second.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get("/events/new").status_code == 200  # the session survives the restart


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: stored_secret_key(tmp_path / "var"), range(16)))
    assert len(keys) == 1 and [p.name for p in (tmp_path / "var").iterdir()] == ["secret_key"]


def test_a_configured_secret_key_wins(db_path):
    app = create_app({"database": {"path": str(db_path)}, "server": {"secret_key": "configured-" * 4}})
    assert app.secret_key == "configured-" * 4
    assert not (db_path.parent / "secret_key").exists()


# ---------------------------------------------------------------- a new fact


def test_post_a_fact_through_the_form(signed_in, new_fact, timeline):
    page = signed_in.get(f"/events/{new_fact}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "SCO youth forum opens" in text and 'by <span class="actor">editor ann</span>' in text
    state = timeline.fact(new_fact)
    assert (state.date, state.tags, state.origin) == ("2024-07-04", ("youth", "forum"), "manual")
    assert state.sources == (
        {"url": "https://example.org/forum", "outlet": "Example", "title": None, "published": None},
    )
    assert timeline.store.read_stream(new_fact)[0].metadata["actor"] == "editor:ann"
    assert "SCO youth forum opens" in signed_in.get("/").get_data(as_text=True)


def test_the_new_fact_form(signed_in):
    page = signed_in.get("/events/new")
    assert page.headers["Cache-Control"] == "private, no-store"
    doc = html(page)
    assert doc.xpath("//label[@for='date']")
    assert "2024, 2024-07, 2024-07-03 or 3 July 2024" in doc.xpath("//*[@id='date-hint']")[0].text
    assert len(doc.xpath("//input[contains(@name, '-url')]")) == 3
    assert not doc.xpath("//*[@style]") and not doc.xpath("//script")  # the CSP allows neither


def test_failed_validation_keeps_what_was_typed_and_shows_every_message(signed_in, timeline):
    position = log_position(timeline)
    page = signed_in.get("/events/new")
    typed = NEW_FACT | {
        "date": "2024-13-01",
        "title": "",
        "sources-1-url": "ftp://example.org/x",
        "sources-1-title": "An FTP site",
        "summary": "<b>kept</b>",
    }
    response = signed_in.post("/events/new", data=form_values(page) | typed)
    assert response.status_code == 400
    assert "month 13" in field_error(response, "date")
    assert "Title is required" in field_error(response, "title")
    assert (
        field_error(response, "sources-1-url") == "Source 2 URL must be an absolute http(s) URL"
    )  # as the form says it
    values = form_values(response)
    assert values["date"] == "2024-13-01" and values["summary"] == "<b>kept</b>"
    assert values["sources-1-url"] == "ftp://example.org/x" and values["sources-1-title"] == "An FTP site"
    assert "<b>kept</b>" not in response.get_data(as_text=True)  # escaped, not markup
    assert html(response).xpath("//title")[0].text.startswith("Check the form")
    assert log_position(timeline) == position


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("2024", "2024"),
        ("2024-07", "2024-07"),
        ("2024-07-03", "2024-07-03"),
        ("3 July 2024", "2024-07-03"),
        ("July 2024", "2024-07"),
        (" July 3, 2024 ", "2024-07-03"),
    ],
)
def test_the_date_field_takes_iso_dates_and_dates_in_words(signed_in, timeline, typed, recorded):
    page = signed_in.get("/events/new")
    assert (
        "3 July 2024" in html(page).xpath("//*[@id='date-hint']")[0].text_content()
    )  # the example, under it
    response = signed_in.post("/events/new", data=form_values(page) | NEW_FACT | {"date": typed})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert timeline.fact(response.headers["Location"].rsplit("/", 1)[1]).date == recorded


def test_a_date_in_words_that_is_no_date_is_named_next_to_its_field_and_kept(signed_in, timeline):
    position = log_position(timeline)
    page = signed_in.get("/events/new")
    response = signed_in.post("/events/new", data=form_values(page) | NEW_FACT | {"date": "next Tuesday"})
    assert response.status_code == 400
    message = field_error(response, "date")
    assert "'next Tuesday' is not a date" in message and "3 July 2024" in message
    values = form_values(response)
    assert values["date"] == "next Tuesday" and values["title"] == NEW_FACT["title"]
    assert values["summary"] == NEW_FACT["summary"] and values["sources-0-url"] == NEW_FACT["sources-0-url"]
    assert log_position(timeline) == position


def test_a_form_with_problems_lists_them_at_the_top_linking_to_each_field(signed_in, timeline):
    """Errors sat only next to their fields: a screen reader heard nothing and focus stayed at the top
    of the page (product review). The summary is announced (role=alert) and links to every field."""
    page = signed_in.get("/events/new")
    typed = NEW_FACT | {"date": "2024-13-01", "title": "", "sources-1-url": "ftp://example.org/x"}
    summary = html(signed_in.post("/events/new", data=form_values(page) | typed)).xpath("//*[@role='alert']")[
        0
    ]
    assert "There are 3 problems: nothing was saved." in summary.text_content()
    links = {a.get("href"): a.text_content() for a in summary.xpath(".//a")}
    assert list(links) == ["#date", "#title", "#sources-1-url"]
    assert links["#date"].startswith("Date: ") and "month 13" in links["#date"]
    assert links["#title"] == "Title is required"
    assert links["#sources-1-url"] == "Source 2 URL must be an absolute http(s) URL"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"end_date": "2024-07-01"}, "end_date", "before"),
        ({"title": "x" * 201}, "title", "too long"),
        ({"tags": "a, " * 31}, "tags", "at most 30"),
        ({"sources-0-url": ""}, "sources-0-url", "required"),
        ({"sources-0-published": "whenever"}, "sources-0-published", "not a date"),
        ({"sources-0-published": "0001-01-01T00:00:00+01:00"}, "sources-0-published", "out of range"),
        ({"date": ""}, "date", "required"),
    ],
)
def test_each_problem_shows_next_to_its_field(signed_in, timeline, changes, field, message):
    position = log_position(timeline)
    page = signed_in.get("/events/new")
    response = signed_in.post("/events/new", data=form_values(page) | NEW_FACT | changes)
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert log_position(timeline) == position


def test_a_form_without_its_csrf_token_records_nothing(signed_in, timeline):
    position = log_position(timeline)
    page = signed_in.get("/events/new")
    data = form_values(page) | NEW_FACT
    for bad in ({k: v for k, v in data.items() if k != "csrf_token"}, data | {"csrf_token": "forged"}):
        response = signed_in.post("/events/new", data=bad)
        assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
    assert log_position(timeline) == position


def test_an_expired_form_shows_back_what_was_typed(signed_in, timeline):
    """The session expired (or the token is stale): nothing is recorded, and the draft is shown back,
    escaped, to copy into a fresh form; it was lost before (product review)."""
    position = log_position(timeline)
    data = (
        form_values(signed_in.get("/events/new"))
        | NEW_FACT
        | {"csrf_token": "expired", "summary": "Line one.\n<b>Line two</b>"}
    )
    response = signed_in.post("/events/new", data=data, headers={"Origin": "http://localhost"})
    assert response.status_code == 400 and log_position(timeline) == position
    typed = {
        dt.text_content(): dt.getnext().text_content()
        for dt in html(response).xpath("//dl[@class='typed-back']/dt")
    }
    assert typed["Title"] == NEW_FACT["title"] and typed["Summary"] == "Line one.\n<b>Line two</b>"
    assert typed["Source 1 url"] == "https://example.org/forum" and "Csrf token" not in typed
    assert "<b>Line two</b>" not in response.get_data(as_text=True)  # shown as text
    for elsewhere in (
        {"Origin": "https://elsewhere.example"},
        {"Referer": "https://elsewhere.example/x"},
        {},
    ):
        # another site's page posting here: its text is not shown as the reader's own (review)
        refused = signed_in.post("/events/new", data=data, headers=elsewhere)
        assert refused.status_code == 400 and "What you typed" not in refused.get_data(as_text=True)
    same_site = signed_in.post("/events/new", data=data, headers={"Referer": "http://localhost/events/new"})
    assert "What you typed" in same_site.get_data(as_text=True)


def test_a_refused_sign_in_never_shows_the_token_back(editor_client, token):
    response = editor_client.post("/login", data={"token": token, "csrf_token": "expired"})
    assert response.status_code == 400 and token not in response.get_data(as_text=True)


@pytest.mark.parametrize("missing", ["date", "end_date", "tags", "title", "summary"])
def test_a_post_missing_a_field_is_a_400_not_a_500(signed_in, new_fact, timeline, missing):
    """A hand-made post without some fields (browsers send them all): the form says what is wrong."""
    position = log_position(timeline)
    data = {k: v for k, v in (form_values(signed_in.get("/events/new")) | NEW_FACT).items() if k != missing}
    response = signed_in.post("/events/new", data=data)
    if missing in ("date", "title"):  # required: named next to its field
        assert response.status_code == 400 and field_error(response, missing)
        assert log_position(timeline) == position
    else:  # optional: recorded without it
        assert response.status_code == 303
    page = form_values(signed_in.get(f"/events/{new_fact}/correct"))
    only_reason = {
        "csrf_token": page["csrf_token"],
        "reason": "typo",
        "expected_version": page["expected_version"],
    }
    assert signed_in.post(f"/events/{new_fact}/correct", data=only_reason).status_code == 400


def test_a_csrf_token_from_another_session_is_refused(signed_in, editor_app, token, timeline):
    other = editor_app.test_client()
    sign_in(other, token)
    foreign = form_values(other.get("/events/new"))["csrf_token"]
    position = log_position(timeline)
    data = form_values(signed_in.get("/events/new")) | NEW_FACT | {"csrf_token": foreign}
    assert signed_in.post("/events/new", data=data).status_code == 400
    assert log_position(timeline) == position


def test_sending_the_same_form_twice_records_one_fact(signed_in, timeline):
    data = form_values(signed_in.get("/events/new")) | NEW_FACT
    first, second = signed_in.post("/events/new", data=data), signed_in.post("/events/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    changed = signed_in.post(
        "/events/new", data=data | {"title": "Another fact"}
    )  # back, edit, send: a new fact
    assert changed.headers["Location"] != first.headers["Location"]


def test_hostile_text_through_the_form_is_escaped(signed_in, timeline):
    hostile = "<img src=x onerror=alert(1)> \u202e&amp;"
    data = form_values(signed_in.get("/events/new")) | NEW_FACT | {"title": hostile, "summary": hostile}
    response = signed_in.post("/events/new", data=data)
    fact_id = response.headers["Location"].rsplit("/", 1)[1]
    assert timeline.fact(fact_id).title == "<img src=x onerror=alert(1)> &amp;"
    page = signed_in.get(f"/events/{fact_id}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; &amp;amp;" in page


# ---------------------------------------------------------------- correcting


def test_the_correct_form_is_prefilled_with_the_current_version(signed_in, new_fact):
    permalink = signed_in.get(f"/events/{new_fact}")
    [link] = html(permalink).xpath("//a[text()='Correct']/@href")
    values = form_values(signed_in.get(link))
    assert values["title"] == "SCO youth forum opens" and values["date"] == "2024-07-04"
    assert values["tags"] == "youth, forum" and values["summary"] == "Delegates gather."
    assert values["sources-0-url"] == "https://example.org/forum" and values["sources-0-outlet"] == "Example"
    assert values["sources-1-url"] == "" and values["expected_version"] == "1"


def test_a_correction_through_the_form_shows_in_the_history(signed_in, new_fact, timeline):
    data = form_values(signed_in.get(f"/events/{new_fact}/correct"))
    data |= {
        "title": "SCO youth forum opens in Almaty",
        "sources-1-url": "https://example.org/more",
        "reason": "the city was missing",
    }
    response = signed_in.post(f"/events/{new_fact}/correct", data=data)
    assert response.status_code == 303 and response.headers["Location"] == f"/events/{new_fact}#history"
    state = timeline.fact(new_fact)
    assert state.version == 2 and state.title == "SCO youth forum opens in Almaty" and len(state.sources) == 2
    [event] = timeline.store.read_stream(new_fact)[1:]
    assert set(event.payload["changes"]) == {"title", "sources"}  # only what changed
    assert event.metadata == {"actor": "editor:ann", "reason": "the city was missing"}  # who, and why
    history = (
        html(signed_in.get(f"/events/{new_fact}")).xpath("//ol[@class='history-list']/li")[-1].text_content()
    )
    assert "Corrected" in history and "editor ann" in history and "Reason: the city was missing" in history


def test_a_stale_correction_says_so_and_keeps_what_was_typed(signed_in, new_fact, timeline):
    data = form_values(signed_in.get(f"/events/{new_fact}/correct"))
    timeline.correct_fact(
        new_fact,
        {"summary": "Someone else's words."},
        reason="meanwhile",
        expected_version=1,
        actor="editor:bob",
    )
    position = log_position(timeline)
    response = signed_in.post(f"/events/{new_fact}/correct", data=data | {"title": "Mine", "reason": "mine"})
    assert response.status_code == 409
    banner = html(response).xpath("//*[@role='alert']")[0].text_content()
    assert (
        "changed while you were editing" in banner and "version 1" in banner and "now at version 2" in banner
    )
    values = form_values(response)
    assert values["title"] == "Mine" and values["expected_version"] == "2"
    assert log_position(timeline) == position
    again = signed_in.post(f"/events/{new_fact}/correct", data=values)  # sent again knowingly
    assert again.status_code == 303 and timeline.fact(new_fact).title == "Mine"


@pytest.mark.parametrize("version", ["", "abc", "-1", "99"])
def test_a_missing_or_forged_version_is_treated_as_stale(signed_in, new_fact, timeline, version):
    data = form_values(signed_in.get(f"/events/{new_fact}/correct")) | {"title": "X", "reason": "r"}
    response = signed_in.post(f"/events/{new_fact}/correct", data=data | {"expected_version": version})
    assert response.status_code == 409 and timeline.fact(new_fact).version == 1


def test_a_correction_needs_a_reason_and_a_change(signed_in, new_fact, timeline):
    data = form_values(signed_in.get(f"/events/{new_fact}/correct"))
    response = signed_in.post(f"/events/{new_fact}/correct", data=data | {"reason": "nothing really"})
    assert response.status_code == 400
    assert "Nothing changed" in html(response).xpath("//*[@class='form-problems']")[0].text_content()
    response = signed_in.post(f"/events/{new_fact}/correct", data=data | {"title": "New", "reason": " "})
    assert response.status_code == 400 and "Reason is required" in field_error(response, "reason")
    response = signed_in.post(
        f"/events/{new_fact}/correct", data=data | {"date": "2024-02-30", "reason": "r"}
    )
    assert response.status_code == 400 and "does not exist" in field_error(response, "date")
    assert timeline.fact(new_fact).version == 1


def test_a_seed_fact_without_source_urls_can_be_corrected(signed_in, seeded):
    rows = seeded.conn.execute("SELECT fact_id FROM facts WHERE origin = 'seed'").fetchall()
    fact_id = next(
        r[0] for r in rows if seeded.fact(r[0]).sources and not seeded.fact(r[0]).sources[0]["url"]
    )
    data = form_values(signed_in.get(f"/events/{fact_id}/correct"))
    assert data["sources-0-url"] == "" and data["sources-0-outlet"]
    response = signed_in.post(
        f"/events/{fact_id}/correct", data=data | {"summary": "Reworded.", "reason": "clarity"}
    )
    assert response.status_code == 303
    assert list(seeded.store.read_stream(fact_id)[-1].payload["changes"]) == ["summary"]


def test_unknown_facts_are_404(signed_in):
    assert signed_in.get("/events/no-such-fact/correct").status_code == 404
    assert signed_in.get("/events/no-such-fact/retract").status_code == 404


# ---------------------------------------------------------------- retracting


def test_retract_through_the_form(signed_in, new_fact, timeline):
    permalink = signed_in.get(f"/events/{new_fact}")
    [link] = html(permalink).xpath("//a[text()='Retract']/@href")
    data = form_values(signed_in.get(link))
    assert data["expected_version"] == "1"
    response = signed_in.post(link, data=data | {"reason": "it did not happen"})
    assert response.status_code == 303
    page = signed_in.get(f"/events/{new_fact}")
    text = page.get_data(as_text=True)
    assert "This fact was retracted" in text and "it did not happen" in text
    assert not html(page).xpath("//a[text()='Correct']") and not html(page).xpath("//a[text()='Retract']")
    assert "SCO youth forum opens" not in signed_in.get("/").get_data(as_text=True)
    assert signed_in.get(f"/events/{new_fact}/correct").status_code == 409
    assert signed_in.get(link).status_code == 409


def test_a_retraction_needs_a_reason_and_the_current_version(signed_in, new_fact, timeline):
    data = form_values(signed_in.get(f"/events/{new_fact}/retract"))
    response = signed_in.post(f"/events/{new_fact}/retract", data=data | {"reason": ""})
    assert response.status_code == 400 and "Reason is required" in field_error(response, "reason")
    timeline.correct_fact(new_fact, {"title": "Changed"}, reason="r", expected_version=1, actor="editor:bob")
    response = signed_in.post(f"/events/{new_fact}/retract", data=data | {"reason": "wrong"})
    assert response.status_code == 409 and "changed while you were editing" in response.get_data(as_text=True)
    assert not timeline.fact(new_fact).retracted


# ---------------------------------------------------------------- cached pages are not shared with editors


def test_an_editors_page_never_reaches_the_shared_cache(editor_app, token, seeded):
    fact_id = seeded.conn.execute("SELECT fact_id FROM facts LIMIT 1").fetchone()[0]
    reader, editor = editor_app.test_client(), editor_app.test_client()
    first = reader.get(f"/events/{fact_id}")
    assert "Cookie" in first.headers["Vary"] and first.headers.get("ETag")
    sign_in(editor, token)
    mine = editor.get(f"/events/{fact_id}")
    assert html(mine).xpath("//a[text()='Correct']") and mine.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in mine.headers
    for path in (f"/events/{fact_id}", "/"):
        text = reader.get(path).get_data(as_text=True)
        assert "Signed in as" not in text and "/correct" not in text and "csrf_token" not in text
    assert reader.get(f"/events/{fact_id}").get_data() == first.get_data()


def test_the_feeds_page_is_kept_from_shared_caches_for_editors_and_signs_in_back_to_itself(editor_app, token):
    """Every cached page, not only the timeline and facts: /feeds carried an editor's name and
    CSRF token without Cache-Control: private, and its sign-in link went back to the timeline."""
    reader, editor = editor_app.test_client(), editor_app.test_client()
    first = reader.get("/feeds")
    assert "Cookie" in first.headers["Vary"] and first.headers.get("ETag")
    assert html(first).xpath("//nav//a[text()='Sign in']/@href")[0] == "/login?next=/feeds"
    assert sign_in(editor, token, "/feeds").headers["Location"] == "/feeds"
    mine = editor.get("/feeds")
    assert "Signed in as" in mine.get_data(as_text=True)
    assert mine.headers["Cache-Control"] == "private, no-store" and "Cookie" in mine.headers["Vary"]
    assert reader.get("/feeds").get_data() == first.get_data()


# ---------------------------------------------------------------- what a request hunt found (all were 500s or losses)


@pytest.mark.parametrize("url", ["http://[::1", "http://[x]/"])
def test_a_source_url_with_a_broken_bracketed_host_is_a_400(signed_in, new_fact, timeline, url):
    position = log_position(timeline)
    data = form_values(signed_in.get("/events/new")) | NEW_FACT | {"sources-0-url": url}
    response = signed_in.post("/events/new", data=data)
    assert response.status_code == 400 and "not a valid URL" in field_error(response, "sources-0-url")
    page = form_values(signed_in.get(f"/events/{new_fact}/correct"))
    response = signed_in.post(
        f"/events/{new_fact}/correct", data=page | {"sources-1-url": url, "reason": "r"}
    )
    assert response.status_code == 400 and log_position(timeline) == position


@pytest.mark.parametrize("count", [48, 49, 50])
def test_a_fact_with_many_sources_can_still_be_corrected(signed_in, timeline, count):
    sources = [{"url": f"https://example.org/{i}"} for i in range(count)]
    fact = timeline.record_fact({"date": "2024", "title": "Much cited", "sources": sources}, actor="t")
    assert signed_in.get(f"/events/{fact.fact_id}/correct").status_code == 200


def test_more_source_rows_than_a_fact_may_have_are_refused_not_cut(signed_in, timeline):
    """wtforms keeps 50 rows of a list and drops the rest unseen: the fact was recorded with 50 of 60."""
    position = log_position(timeline)
    rows = {f"sources-{i}-url": f"https://example.org/{i}" for i in range(60)}
    response = signed_in.post("/events/new", data=form_values(signed_in.get("/events/new")) | NEW_FACT | rows)
    assert response.status_code == 400 and "at most 50 sources" in response.get_data(as_text=True)
    assert log_position(timeline) == position


@pytest.mark.parametrize("sent", ["9" * 5000, "１"])
def test_an_odd_expected_version_is_stale_not_a_crash(signed_in, new_fact, timeline, sent):
    data = form_values(signed_in.get(f"/events/{new_fact}/correct")) | {
        "title": "Changed",
        "reason": "r",
        "expected_version": sent,
    }
    assert signed_in.post(f"/events/{new_fact}/correct", data=data).status_code == 409
    retract = form_values(signed_in.get(f"/events/{new_fact}/retract")) | {
        "reason": "r",
        "expected_version": sent,
    }
    assert signed_in.post(f"/events/{new_fact}/retract", data=retract).status_code == 409
    assert timeline.fact(new_fact).version == 1


def test_a_next_address_that_is_not_a_url_goes_home_after_signing_in(editor_client, token):
    response = sign_in(editor_client, token, next_path="http://[::1")
    assert response.status_code == 303 and response.headers["Location"] == "/"


# ---------------------------------------------------------------- two editors at once (a lost update, found in review)


@pytest.fixture
def bob(editor_app, issue_token_for):
    """A second editor in a browser of his own."""
    client = editor_app.test_client()
    assert sign_in(client, issue_token_for("bob")).status_code == 303
    return client


def correct_through_form(client, fact_id: str, **typed):
    return client.post(
        f"/events/{fact_id}/correct", data=form_values(client.get(f"/events/{fact_id}/correct")) | typed
    )


def last_changes(timeline, fact_id: str) -> dict:
    return timeline.store.read_stream(fact_id)[-1].payload["changes"]


def test_a_stale_form_sent_again_keeps_the_other_editors_correction(signed_in, bob, new_fact, timeline):
    """The reviewer's case: A changes the summary, B the date from an older form, B sends again as told."""
    tab_b = form_values(signed_in.get(f"/events/{new_fact}/correct"))
    assert (
        correct_through_form(
            bob, new_fact, summary="Delegates gather.\r\nThen they talk.", reason="more"
        ).status_code
        == 303
    )
    position = log_position(timeline)
    response = signed_in.post(
        f"/events/{new_fact}/correct", data=tab_b | {"date": "2024-07-05", "reason": "wrong day"}
    )
    assert response.status_code == 409 and log_position(timeline) == position
    values = form_values(response)
    again = signed_in.post(f"/events/{new_fact}/correct", data=values)  # as the page tells B to
    assert again.status_code == 303
    state = timeline.fact(new_fact)
    assert (state.date, state.summary, state.version) == (
        "2024-07-05",
        "Delegates gather.\nThen they talk.",
        3,
    )
    assert last_changes(timeline, new_fact) == {"date": "2024-07-05"}  # only what B meant
    assert (
        values["date"] == "2024-07-05"
        and values["reason"] == "wrong day"
        and values["expected_version"] == "2"
    )
    assert (
        values["summary"] == "Delegates gather.\nThen they talk."
    )  # the other editor's (HTML reads CRLF as LF)
    assert values["title"] == "SCO youth forum opens" and values["tags"] == "youth, forum"
    banner = html(response).xpath("//*[@role='alert']")[0].text_content()
    assert "now at version 2" in banner and "the summary, by editor:bob" in banner
    assert "your changes to the date" in banner


def test_a_field_both_editors_changed_is_flagged_and_the_resend_decides(signed_in, bob, new_fact, timeline):
    tab_b = form_values(signed_in.get(f"/events/{new_fact}/correct"))
    assert (
        correct_through_form(bob, new_fact, title="Bob's title", tags="youth", reason="b").status_code == 303
    )
    response = signed_in.post(
        f"/events/{new_fact}/correct", data=tab_b | {"title": "Ann's title", "reason": "a"}
    )
    assert response.status_code == 409
    values = form_values(response)
    assert (
        values["title"] == "Ann's title" and values["tags"] == "youth"
    )  # hers where she typed, his elsewhere
    page = html(response)
    [clash] = page.xpath("//*[@id='title-clash']")
    assert "Bob's title" in clash.text_content() and "editor:bob" in clash.text_content()
    assert "title-clash" in page.xpath("//*[@id='title']/@aria-describedby")[0]
    assert not page.xpath("//*[@id='tags-clash']") and not page.xpath("//*[@id='summary-clash']")
    invalid = signed_in.post(
        f"/events/{new_fact}/correct", data=tab_b | {"date": "2024-02-30", "reason": "a"}
    )
    assert invalid.status_code == 409 and "does not exist" in field_error(invalid, "date")  # told at once
    assert signed_in.post(f"/events/{new_fact}/correct", data=values).status_code == 303
    state = timeline.fact(new_fact)
    assert (state.title, state.tags) == ("Ann's title", ("youth",))
    event = timeline.store.read_stream(new_fact)[-1]
    assert (event.payload["changes"], event.payload["previous"]) == (
        {"title": "Ann's title"},
        {"title": "Bob's title"},
    )


@pytest.mark.parametrize("typed", [{}, {"summary": "Delegates gather in Astana."}])
def test_a_stale_form_with_nothing_of_its_own_left_records_nothing(signed_in, bob, new_fact, timeline, typed):
    """Nothing typed, or only what the other editor already saved: nothing to record, now or on sending again."""
    tab_b = form_values(signed_in.get(f"/events/{new_fact}/correct"))
    assert (
        correct_through_form(bob, new_fact, summary="Delegates gather in Astana.", reason="b").status_code
        == 303
    )
    position = log_position(timeline)
    response = signed_in.post(f"/events/{new_fact}/correct", data=tab_b | typed | {"reason": "a"})
    assert response.status_code == 409 and "Nothing changed" in response.get_data(as_text=True)
    assert form_values(response)["summary"] == "Delegates gather in Astana."
    again = signed_in.post(f"/events/{new_fact}/correct", data=form_values(response))
    assert again.status_code == 400 and "Nothing changed" in again.get_data(as_text=True)
    assert (
        log_position(timeline) == position
        and timeline.fact(new_fact).summary == "Delegates gather in Astana."
    )


def test_an_untouched_multiline_summary_is_not_a_change(signed_in, timeline):
    """A browser sends a textarea with CRLF line endings: a summary stored with LF is not changed by that."""
    fact = timeline.record_fact({"date": "2024", "title": "Two lines", "summary": "One.\nTwo."}, actor="api")
    as_a_browser_sends = form_values(signed_in.get(f"/events/{fact.fact_id}/correct")) | {
        "summary": "One.\r\nTwo."
    }
    timeline.correct_fact(
        fact.fact_id, {"summary": "One.\nTwo.\nThree."}, reason="b", expected_version=1, actor="editor:bob"
    )
    response = signed_in.post(
        f"/events/{fact.fact_id}/correct", data=as_a_browser_sends | {"tags": "x", "reason": "a"}
    )
    assert response.status_code == 409 and form_values(response)["summary"] == "One.\nTwo.\nThree."
    assert signed_in.post(f"/events/{fact.fact_id}/correct", data=form_values(response)).status_code == 303
    assert last_changes(timeline, fact.fact_id) == {"tags": ["x"]}
    current = form_values(signed_in.get(f"/events/{fact.fact_id}/correct"))
    data = current | {"summary": current["summary"].replace("\n", "\r\n"), "title": "Two lines, then three"}
    assert signed_in.post(f"/events/{fact.fact_id}/correct", data=data | {"reason": "c"}).status_code == 303
    assert last_changes(timeline, fact.fact_id) == {"title": "Two lines, then three"}


def test_a_correction_that_loses_the_race_to_append_is_merged_too(signed_in, new_fact, timeline, monkeypatch):
    """Another editor saves between the form's version check and its append: the log refuses ours, nothing is lost."""
    from events.service import Timeline

    original = Timeline.correct_fact

    def after_bob(self, fact_id, changes, **kwargs):
        monkeypatch.setattr(Timeline, "correct_fact", original)
        timeline.correct_fact(
            fact_id, {"summary": "Bob's words."}, reason="b", expected_version=1, actor="editor:bob"
        )
        return original(self, fact_id, changes, **kwargs)

    monkeypatch.setattr(Timeline, "correct_fact", after_bob)
    response = correct_through_form(signed_in, new_fact, date="2024-07-05", reason="a")
    assert response.status_code == 409 and timeline.fact(new_fact).version == 2
    values = form_values(response)
    assert (values["date"], values["summary"], values["expected_version"]) == (
        "2024-07-05",
        "Bob's words.",
        "2",
    )
    assert signed_in.post(f"/events/{new_fact}/correct", data=values).status_code == 303
    assert timeline.fact(new_fact).summary == "Bob's words." and last_changes(timeline, new_fact) == {
        "date": "2024-07-05"
    }


@pytest.mark.parametrize("action", ["correct", "retract"])
def test_a_form_sent_after_the_fact_was_retracted_says_by_whom_and_records_nothing(
    signed_in, new_fact, timeline, action
):
    data = form_values(signed_in.get(f"/events/{new_fact}/{action}")) | {"title": "Mine", "reason": "mine"}
    timeline.retract_fact(new_fact, reason="a duplicate", expected_version=1, actor="editor:bob")
    position = log_position(timeline)
    response = signed_in.post(f"/events/{new_fact}/{action}", data=data)
    assert response.status_code == 409 and log_position(timeline) == position
    problem = html(response).xpath("//*[@class='problem']")[0].text_content()
    assert (
        "retracted by editor:bob" in problem and "a duplicate" in problem and "nothing was saved" in problem
    )


def test_a_stale_retraction_says_what_changed_and_by_whom(signed_in, new_fact, timeline):
    data = form_values(signed_in.get(f"/events/{new_fact}/retract")) | {"reason": "wrong"}
    timeline.correct_fact(new_fact, {"title": "Changed"}, reason="r", expected_version=1, actor="editor:bob")
    response = signed_in.post(f"/events/{new_fact}/retract", data=data)
    assert response.status_code == 409 and not timeline.fact(new_fact).retracted
    banner = html(response).xpath("//*[@role='alert']")[0].text_content()
    assert "title" in banner and "editor:bob" in banner
    assert form_values(response)["reason"] == "wrong"
    assert signed_in.post(f"/events/{new_fact}/retract", data=form_values(response)).status_code == 303


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(editor_app, token):
    """Issue 15: logout only cleared the browser's cookie; a copy of it still signed its holder in."""
    browser, thief = editor_app.test_client(), editor_app.test_client()
    assert sign_in(browser, token).status_code == 303
    cookie = browser.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain or "localhost")
    assert thief.get("/events/new").status_code == 200  # the copy works while the session lasts
    page = browser.get("/logout")
    assert browser.post("/logout", data=form_values(page)).status_code == 303
    assert thief.get("/events/new").status_code == 303  # and not after its editor signed out
    assert sign_in(browser, token).status_code == 303 and browser.get("/events/new").status_code == 200
