"""The read side of the JSON API: the same filters as the HTML timeline, cursors, history and errors."""

from __future__ import annotations

import datetime as dt

import pytest

UTC = dt.UTC
FIELDS = {
    "id",
    "date",
    "end_date",
    "precision",
    "title",
    "summary",
    "tags",
    "sources",
    "origin",
    "version",
    "recorded_at",
    "updated_at",
    "retracted",
}
SAMARKAND = "SCO leaders' summit held in Samarkand, Uzbekistan"


def get(client, url: str, status: int = 200, **params) -> dict:
    response = client.get(url, query_string=params or None)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def fact_id(timeline, title: str) -> str:
    return timeline.conn.execute("SELECT fact_id FROM facts WHERE title = ?", (title,)).fetchone()[0]


def test_events_have_the_documented_fields(seeded_client):
    body = get(seeded_client, "/api/events")
    assert len(body["events"]) == 29 and body["next"] is None
    event = next(e for e in body["events"] if e["title"] == SAMARKAND)
    assert FIELDS <= set(event)
    assert (event["date"], event["end_date"], event["precision"]) == ("2022-09-15", "2022-09-16", "day")
    assert event["origin"] == "seed" and event["version"] == 1 and event["retracted"] is False
    assert event["sources"][0]["url"] is None and event["sources"][0]["outlet"]
    assert event["recorded_at"].endswith("Z") and event["updated_at"] == event["recorded_at"]


def test_events_newest_first_or_oldest_first(seeded_client):
    newest = [e["date"] for e in get(seeded_client, "/api/events")["events"]]
    oldest = [e["date"] for e in get(seeded_client, "/api/events", order="asc")["events"]]
    assert oldest[0] == "2001" and newest[0] == "2024-07-03" and newest[-1] == "2001"


def test_filters_are_the_same_as_the_html_timeline(seeded_client):
    tagged = get(seeded_client, "/api/events?tag=russia&tag=china")["events"]
    assert tagged and all({"russia", "china"} <= set(e["tags"]) for e in tagged)
    found = get(seeded_client, "/api/events", q="samarkand summit")["events"]
    assert SAMARKAND in [e["title"] for e in found]
    dated = get(seeded_client, "/api/events", **{"from": "2024-03", "to": "2024-05"})["events"]
    assert [e["date"] for e in dated] == [
        "2024-05",
        "2024-03",
        "2024",
    ]  # the year 2024 may have been in March


@pytest.fixture
def many(client, timeline):
    for i in range(130):
        timeline.record_fact(
            {"date": f"{2000 + i // 12}-{i % 12 + 1:02d}", "title": f"F{i:03d}"}, actor="t", origin="manual"
        )
    return client


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_next_walks_every_event_once_in_the_asked_order(many, order):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"order": order, "limit": "40"} | ({"cursor": cursor} if cursor else {})
        body = get(many, "/api/events", **params)
        seen += [e["title"] for e in body["events"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    expected = sorted(seen, reverse=order == "desc")
    assert seen == expected and len(set(seen)) == 130 and pages == 4


def test_default_page_is_50(many):
    body = get(many, "/api/events")
    assert len(body["events"]) == 50 and body["next"]


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"from": "2024-99"}, "from"),
        ({"to": "soon"}, "to"),
        ({"order": "up"}, "order"),
        ({"cursor": "x"}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"as_of": "last tuesday"}, "as_of"),
        ({"show": "all"}, "show"),
        ({"tag": "--"}, "tag"),
    ],
)
def test_bad_parameters_are_json_400s_naming_the_parameter(seeded_client, params, parameter):
    body = get(seeded_client, "/api/events", status=400, **params)
    assert body["parameter"] == parameter and body["error"]


@pytest.mark.parametrize("q", ["sco AND", '"unbalanced', "-sco", "NEAR(", "OR OR", "title:"])
def test_search_syntax_never_breaks(seeded_client, q):
    get(seeded_client, "/api/events", q=q)


def test_one_event_with_its_history(seeded, seeded_client, clock):
    fid = fact_id(seeded, SAMARKAND)
    seeded.correct_fact(
        fid,
        {"title": "Samarkand summit", "tags": ["sco"]},
        reason="tidy",
        expected_version=1,
        actor="editor:ana",
    )
    seeded.retract_fact(fid, reason="duplicate", expected_version=2, actor="editor:ben")
    body = get(seeded_client, f"/api/events/{fid}")
    assert FIELDS <= set(body) and body["retracted"] is True and body["version"] == 3
    recorded, corrected, retracted = body["history"]
    assert (recorded["type"], recorded["actor"], recorded["version"]) == ("recorded", "seed", 1)
    assert corrected["changes"]["title"] == {"old": SAMARKAND, "new": "Samarkand summit"}
    assert corrected["changes"]["tags"]["new"] == ["sco"] and corrected["reason"] == "tidy"
    assert (retracted["type"], retracted["reason"], retracted["actor"]) == (
        "retracted",
        "duplicate",
        "editor:ben",
    )
    assert body["updated_at"] > body["recorded_at"]


def test_unknown_event_is_a_json_404(seeded_client):
    body = get(seeded_client, "/api/events/nope", status=404)
    assert "nope" in body["error"]


def test_retracted_events_only_on_request(seeded, seeded_client):
    fid = fact_id(seeded, SAMARKAND)
    seeded.retract_fact(fid, reason="x", expected_version=None, actor="t")
    assert fid not in [e["id"] for e in get(seeded_client, "/api/events")["events"]]
    shown = get(seeded_client, "/api/events", show="retracted")["events"]
    assert [e["retracted"] for e in shown if e["id"] == fid] == [True] and len(shown) == 29


def test_as_of_in_the_api(seeded, seeded_client, clock):
    clock.now = dt.datetime(2024, 3, 1, tzinfo=UTC)
    seeded.correct_fact(
        fact_id(seeded, SAMARKAND), {"title": "Later title"}, reason="r", expected_version=None, actor="t"
    )
    body = get(seeded_client, "/api/events", as_of="2024-02-01T00:00:00Z", q="samarkand")
    assert SAMARKAND in [e["title"] for e in body["events"]] and body["as_of"]["position"] == 29
    assert "Later title" in [e["title"] for e in get(seeded_client, "/api/events", q="later")["events"]]


def test_a_single_fact_as_of_a_moment_is_the_fact_as_it_was_known(seeded, seeded_client, clock):
    """as_of was silently ignored on /api/events/<id> while the permalink honoured it (product review)."""
    fid = fact_id(seeded, SAMARKAND)
    clock.now = dt.datetime(2024, 3, 1, tzinfo=UTC)
    seeded.correct_fact(fid, {"title": "Later title"}, reason="r", expected_version=None, actor="t")
    then = get(seeded_client, f"/api/events/{fid}", as_of="2024-02-01T00:00:00Z")
    assert then["title"] == SAMARKAND and then["version"] == 1 and then["as_of"]["position"] == 29
    assert [h["version"] for h in then["history"]] == [1, 2]  # the whole history, as the permalink lists it
    now = get(seeded_client, f"/api/events/{fid}")
    assert now["title"] == "Later title" and "as_of" not in now
    early = get(seeded_client, f"/api/events/{fid}", 404, as_of="2000-01-01T00:00:00Z")
    assert "was not recorded yet" in early["error"]
    assert get(seeded_client, f"/api/events/{fid}", 400, as_of="last tuesday")["parameter"] == "as_of"
    assert (
        get(seeded_client, f"/api/events/{fid}", cursor="abc", **{"from": "2024-13"})["title"]
        == "Later title"
    )  # unused


def test_api_responses_carry_security_headers(seeded_client):
    headers = seeded_client.get("/api/events").headers
    assert (
        headers["X-Content-Type-Options"] == "nosniff"
        and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    )


# ---------------------------------------------------------------- date ranges keep every fact whose days overlap them


def dates_of(client, **params) -> list[tuple[str, str | None]]:
    return [(e["date"], e["end_date"]) for e in get(client, "/api/events", limit="200", **params)["events"]]


def test_from_a_day_keeps_the_month_that_contains_it(seeded_client):
    """from=2024-07-01 and from=2024-07 are the same first day; to=2024-07-01 may hold July too."""
    by_day, by_month = (
        dates_of(seeded_client, **{"from": "2024-07-01"}),
        dates_of(seeded_client, **{"from": "2024-07"}),
    )
    assert by_day == by_month and by_day.count(("2024-07", None)) == 6
    assert ("2024", None) in by_day  # the year 2024 contains 1 July too
    assert dates_of(seeded_client, to="2024-07-01").count(("2024-07", None)) == 6


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2024-01-01"},
        {"from": "2024-01", "to": "2024-12"},
        {"from": "2024"},
        {"from": "2024-12-31", "to": "2024-12-31"},
    ],
)
def test_a_range_inside_a_year_keeps_the_facts_dated_only_by_that_year(seeded_client, params):
    assert ("2024", None) in dates_of(seeded_client, **params)


@pytest.mark.parametrize("params", [{"from": "2022-09-16", "to": "2022-09-16"}, {"from": "2022-09-16"}])
def test_the_second_day_of_a_two_day_summit_keeps_it(seeded_client, params):
    found = dates_of(seeded_client, **params)
    assert found.count(("2022-09-15", "2022-09-16")) == 6
    assert ("2022-09-15", None) not in found and ("2022-09-14", None) not in found


def test_a_day_range_holds_its_spans_and_the_year_around_it(seeded_client):
    assert (
        sorted(dates_of(seeded_client, **{"from": "2022-09-16", "to": "2022-09-16"}))
        == [("2022", None)] + [("2022-09-15", "2022-09-16")] * 6
    )


def test_a_month_inside_a_span_of_months_keeps_it(seeded, seeded_client):
    seeded.record_fact(
        {"date": "2024-05", "end_date": "2024-07", "title": "Chairmanship talks"}, actor="t", origin="manual"
    )
    titles = [
        e["title"]
        for e in get(seeded_client, "/api/events", **{"from": "2024-06", "to": "2024-06"})["events"]
    ]
    assert "Chairmanship talks" in titles


def test_the_timeline_page_counts_what_it_lists(seeded_client):
    """The heading's "N facts", the chart and the rows all see the summit on its second day."""
    body = seeded_client.get("/?from=2022-09-16&to=2022-09-16").get_data(as_text=True)
    assert "Timeline: 7 facts, from 16 September 2022, to 16 September 2022" in body
    assert body.count("<article") == 7 and "Samarkand" in body
    assert (
        "September 2022: 6 in all" in body and "1 known only to the year" in body
    )  # the chart: 6 + the year 2022


def test_paging_a_date_range_of_spans_and_fuzzy_dates_shows_each_fact_once(client, timeline):
    """Spans and fuzzy facts starting before `from` merge into the pages in (date, n) order, both ways."""
    for i in range(40):
        day = f"2024-03-{i % 28 + 1:02d}"
        timeline.record_fact({"date": day, "title": f"D{i:02d}"}, actor="t", origin="manual")
        timeline.record_fact({"date": "2024-03", "title": f"M{i:02d}"}, actor="t", origin="manual")
        timeline.record_fact({"date": "2024", "title": f"Y{i:02d}"}, actor="t", origin="manual")
        timeline.record_fact(
            {"date": f"2024-02-{i % 28 + 1:02d}", "end_date": "2024-03-10", "title": f"S{i:02d}"},
            actor="t",
            origin="manual",
        )
        timeline.record_fact({"date": "2024-02-01", "title": f"Out{i:02d}"}, actor="t", origin="manual")
    for order in ("desc", "asc"):
        seen, cursor = [], None
        while True:
            params = {"from": "2024-03-10", "to": "2024-03-20", "order": order, "limit": "9"}
            params |= {"cursor": cursor} if cursor else {}
            body = get(client, "/api/events", **params)
            seen += [(e["date"], e["title"]) for e in body["events"]]
            cursor = body["next"]
            if cursor is None:
                break
        titles = [t for _, t in seen]
        assert len(titles) == len(set(titles)) == 40 * 3 + sum(10 <= i % 28 + 1 <= 20 for i in range(40))
        assert not [t for t in titles if t.startswith("Out")]
        keys = [d for d, _ in seen]
        assert keys == sorted(
            keys, key=lambda d: d + "-00-00"[len(d) - 4 :] if len(d) < 10 else d, reverse=order == "desc"
        )


def test_json_responses_read_as_the_standard_encoder_writes_them(tmp_path):
    """Issue 19: orjson writes the API's JSON; the bytes' meaning, key order and dates are Flask's own,
    and what orjson refuses (an integer past 64 bits) falls back to the standard encoder."""
    import datetime as dt
    import json

    from flask.json.provider import DefaultJSONProvider

    from timeline import create_app

    app = create_app({"database": {"path": str(tmp_path / "t.db")}})
    standard = DefaultJSONProvider(app)
    standard.ensure_ascii = False
    body = {"b": [1, 2.5, None, "Шанхай 上合"], "a": dt.datetime(2025, 9, 1, 12, 0), "c": True, "huge": 2**70}
    with app.app_context():
        assert app.json.dumps(body) == standard.dumps(body)
        small = {k: v for k, v in body.items() if k != "huge"}
        assert json.loads(app.json.dumps(small)) == json.loads(standard.dumps(small))
        assert (
            app.json.dumps(small)
            == '{"a":"Mon, 01 Sep 2025 12:00:00 GMT","b":[1,2.5,null,"Шанхай 上合"],"c":true}'
        )


def test_a_response_is_written_by_orjson_as_flask_writes_it(tmp_path, monkeypatch):
    """Flask's response() asks dumps for compact separators, orjson's own output: until issue 19's eighth
    session that request sent every response to the standard encoder, so orjson wrote none of them."""
    from flask.json.provider import DefaultJSONProvider

    from timeline import create_app

    app = create_app({"database": {"path": str(tmp_path / "t.db")}})
    body = {"b": [1, 2.5, None, "Шанхай 上合"], "a": dt.datetime(2025, 9, 1, 12, 0), "c": True}
    with app.app_context():
        expected = DefaultJSONProvider(app)
        expected.ensure_ascii = False
        standard = expected.response(body).get_data()
        monkeypatch.setattr(DefaultJSONProvider, "dumps", lambda *a, **k: pytest.fail("standard encoder"))
        assert app.json.response(body).get_data() == standard


def test_a_json_page_is_kept_until_the_projection_moves(seeded, seeded_client, monkeypatch):
    """Issue 19: /api/events asked again is its kept bytes, with an ETag a client revalidates for a 304;
    a retraction shows at once, as the log has moved."""
    from timeline.web import api

    reads = []
    real = api.read_onward
    monkeypatch.setattr(api, "read_onward", lambda *a, **k: reads.append(a) or real(*a, **k))
    first = seeded_client.get("/api/events?tag=russia")
    again = seeded_client.get("/api/events?tag=russia")
    assert again.data == first.data and again.mimetype == "application/json" and len(reads) == 1
    assert first.headers["ETag"] == again.headers["ETag"] and again.headers["Cache-Control"] == "no-cache"
    revalidated = seeded_client.get(
        "/api/events?tag=russia", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert revalidated.status_code == 304 and len(reads) == 1
    fid = fact_id(seeded, SAMARKAND)
    assert fid in [e["id"] for e in again.get_json()["events"]]
    seeded.retract_fact(fid, reason="x", expected_version=None, actor="t")
    after = seeded_client.get("/api/events?tag=russia", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and fid not in [e["id"] for e in after.get_json()["events"]]
    assert len(reads) == 2


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_a_cursor_against_the_order_still_leads_onward(many, timeline, order):
    """The API's page checks its neighbour only onward (issue 19): a cursor pointing the other way (as the
    HTML pages' `later` link does in the newest-first order) still gets a `next` that walks on, and the
    page is the one the pages show."""
    from events.read.filters import Cursor, TimelineQuery
    from events.read.timeline import timeline_page

    middle = timeline_page(timeline.conn, TimelineQuery(order=order, limit=40)).facts[-1]
    back = Cursor(middle.sort_key, middle.n, older=order == "asc")  # against the asked order
    both = timeline_page(timeline.conn, TimelineQuery(order=order, cursor=back, limit=20))
    onward = timeline_page(timeline.conn, TimelineQuery(order=order, cursor=back, limit=20), onward_only=True)
    ahead = "earlier" if order == "desc" else "later"
    assert onward.facts == both.facts and getattr(onward, ahead) == getattr(both, ahead) is not None
    body = get(many, "/api/events", order=order, limit="20", cursor=back.encode())
    assert [e["id"] for e in body["events"]] == [item.state.fact_id for item in both.facts]
    assert body["next"] == getattr(both, ahead).encode()
