"""Exports: /events.csv with the page's filters, /sources.opml, and `timeline feeds --import-opml`."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from timeline import create_app
from timeline.cli import cli


def csv_rows(client, query: str = "") -> list[dict]:
    response = client.get("/events.csv" + query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


def all_api_ids(client, query: str) -> list[str]:
    ids, cursor = [], None
    while True:
        body = client.get(
            f"/api/events?{query}&limit=100" + (f"&cursor={cursor}" if cursor else "")
        ).get_json()
        ids += [e["id"] for e in body["events"]]
        cursor = body["next"]
        if not cursor:
            return ids


@pytest.mark.parametrize(
    "query", ["", "tag=russia", "tag=russia&tag=china", "q=summit", "from=2022&to=2023", "order=asc"]
)
def test_the_csv_holds_every_fact_the_same_filters_show_in_the_same_order(seeded_client, query):
    rows = csv_rows(seeded_client, "?" + query)
    assert rows and [r["id"] for r in rows] == all_api_ids(seeded_client, query)
    api = {e["id"]: e for e in seeded_client.get(f"/api/events?{query}&limit=100").get_json()["events"]}
    for row in rows:
        fact = api.get(row["id"])
        if fact:
            assert (row["date"], row["title"], row["tags"]) == (
                fact["date"],
                fact["title"],
                "; ".join(fact["tags"]),
            )
            assert row["url"] == f"http://testserver/events/{row['id']}"


def test_the_csv_walks_past_one_page(timeline, make_fact, client):
    for i in range(230):
        make_fact(f"2020-01-{i % 28 + 1:02d}", f"Fact {i}")
    timeline.catch_up()
    assert len(csv_rows(client)) == 230


def test_a_csv_cell_never_runs_as_a_formula(timeline, make_fact, client):
    make_fact("2024-01-01", '=HYPERLINK("https://evil.example","click")', summary="+1+1")
    timeline.catch_up()
    [row] = csv_rows(client)
    assert row["title"] == '\'=HYPERLINK("https://evil.example","click")' and row["summary"] == "'+1+1"


def test_a_bad_filter_on_the_csv_is_named(seeded_client):
    response = seeded_client.get("/events.csv?from=soon")
    assert response.status_code == 400 and "from" in response.get_data(as_text=True)


# ---------------------------------------------------------------- OPML


FEEDS = [
    {"name": "Agency & Co", "url": "https://agency.example/rss?a=1&b=2"},
    {"name": "Журнал", "url": "http://j.example/feed"},
]


def test_sources_opml_lists_the_polled_feeds(db_path):
    client = create_app({"database": {"path": str(db_path)}, "feeds": FEEDS}).test_client()
    response = client.get("/sources.opml")
    assert response.status_code == 200 and response.mimetype == "text/x-opml"
    root = ET.fromstring(response.data)
    assert root.tag == "opml" and root.get("version") == "2.0" and root.findtext("head/title")
    outlines = [(o.get("text"), o.get("xmlUrl"), o.get("type")) for o in root.iter("outline")]
    assert outlines == [(f["name"], f["url"], "rss") for f in FEEDS]


def write_config(path, feeds) -> None:
    tables = "".join(f'\n[[feeds]]\nname = "{f["name"]}"\nurl = "{f["url"]}"\n' for f in feeds)
    path.write_text(f'# my comment\n[database]\npath = "t.db"\n{tables}', "utf-8")


def test_an_opml_export_round_trips_into_a_new_config(tmp_path, db_path):
    opml = tmp_path / "reader.opml"
    opml.write_bytes(
        create_app({"database": {"path": str(db_path)}, "feeds": FEEDS})
        .test_client()
        .get("/sources.opml")
        .data
    )
    mine = tmp_path / "mine.toml"
    write_config(mine, FEEDS[:1])
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(mine),
            "feeds",
            "--import-opml",
            str(opml),
            "--write-config",
            str(tmp_path / "new.toml"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 feed(s) added, 1 already configured" in result.output
    from timeline.config import load_config

    new = load_config(tmp_path / "new.toml")
    assert [(f.name, f.url) for f in new.feeds] == [(f["name"], f["url"]) for f in FEEDS]
    assert new.database_path == load_config(mine).database_path
    assert (tmp_path / "new.toml").read_text("utf-8").startswith("# my comment")


def test_import_opml_never_overwrites_and_reads_nested_outlines(tmp_path):
    opml = tmp_path / "reader.opml"
    opml.write_text(
        '<opml version="1.0"><body><outline text="Folder"><outline text="Inner" xmlUrl="https://inner.example/rss"/>'
        '<outline text="FTP" xmlUrl="ftp://x.example/y"/></outline><outline text="Inner" xmlUrl="https://other.example/rss"/></body></opml>',
        "utf-8",
    )
    mine = tmp_path / "mine.toml"
    write_config(mine, [])
    target = tmp_path / "new.toml"
    target.write_text("kept", "utf-8")
    args = ["--config", str(mine), "feeds", "--import-opml", str(opml), "--write-config", str(target)]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 1 and "exists" in refused.output and target.read_text("utf-8") == "kept"
    target.unlink()
    assert CliRunner().invoke(cli, args).exit_code == 0
    from timeline.config import load_config

    assert [(f.name, f.url) for f in load_config(target).feeds] == [
        ("Inner", "https://inner.example/rss"),
        ("Inner (2)", "https://other.example/rss"),
    ]


@pytest.mark.parametrize(("body", "message"), [("not xml", "not XML"), ("<rss/>", "not OPML")])
def test_a_file_that_is_no_opml_is_one_line_and_writes_nothing(tmp_path, body, message):
    opml = tmp_path / "x.opml"
    opml.write_text(body, "utf-8")
    mine = tmp_path / "mine.toml"
    write_config(mine, [])
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(mine),
            "feeds",
            "--import-opml",
            str(opml),
            "--write-config",
            str(tmp_path / "n.toml"),
        ],
    )
    assert result.exit_code == 1 and message in result.output and not (tmp_path / "n.toml").exists()


# ---------------------------------------------------------------- TimelineJS


def test_timeline_json_is_timelinejs_format_with_the_pages_filters(seeded_client):
    response = seeded_client.get("/timeline.json?tag=russia")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert body["title"]["text"]["headline"] == "SCO Timeline"
    ids = [e["unique_id"] for e in body["events"]]
    assert ids == all_api_ids(seeded_client, "tag=russia")
    for slide in body["events"]:
        assert set(slide["start_date"]) <= {"year", "month", "day"} and isinstance(
            slide["start_date"]["year"], int
        )
        assert slide["text"]["headline"] and f"/events/{slide['unique_id']}" in slide["text"]["text"]


def test_timeline_json_keeps_each_dates_precision_and_escapes_every_text(timeline, make_fact, client):
    make_fact(
        "2024",
        "<img src=x onerror=alert(1)>",
        summary="a & b",
        sources=[{"url": "https://x.example/?a=1&b=2", "title": "<b>bold</b>"}],
    )
    make_fact("2022-09-15", "Summit", end_date="2022-09-16")
    timeline.catch_up()
    year, span = client.get("/timeline.json").get_json()["events"]
    assert year["start_date"] == {"year": 2024} and year["display_date"] == "2024"
    assert year["text"]["headline"] == "&lt;img src=x onerror=alert(1)&gt;"
    text = year["text"]["text"]
    assert (
        "a &amp; b" in text
        and "&lt;b&gt;bold&lt;/b&gt;" in text
        and 'href="https://x.example/?a=1&amp;b=2"' in text
    )
    assert span["start_date"] == {"year": 2022, "month": 9, "day": 15}
    assert (
        span["end_date"] == {"year": 2022, "month": 9, "day": 16}
        and span["display_date"] == "15-16 September 2022"
    )
