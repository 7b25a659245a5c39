"""Two `timeline serve` nodes on one PostgreSQL log (issue 20), each with its own SQLite read models.

Real processes on 127.0.0.1 and a throwaway cluster (tests/postgres_cluster.py):
what one node records, the other shows, through its own projections.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request

import pytest

from events.domain.token import issue_token
from events.log.postgres import create_schema, grant_app_role
from events.service import Timeline
from tests.conftest import start_server, stop_server
from tests.postgres_cluster import fresh_database, run_together, start_cluster

VISIBLE_WITHIN = 2.0  # seconds, the issue's figure


@pytest.fixture(scope="module")
def cluster():
    running = start_cluster()
    yield running
    running.stop()


@pytest.fixture
def nodes(cluster, tmp_path):
    """Nodes A and B on a fresh log, and an editor's token issued through A's database."""
    name, url = shared_log(cluster, "nodes")
    servers = []
    for node in ("a", "b"):
        (tmp_path / node).mkdir()
        servers.append(
            start_server(tmp_path / node, tmp_path / node / "read.db", database_settings=f'url = "{url}"')
        )
    timeline = Timeline.open(tmp_path / "issuer.db", log_url=url)
    token = issue_token(timeline.store, "ann")
    timeline.close()
    yield servers, token
    for server in servers:
        stop_server(server)


def shared_log(cluster, label: str) -> tuple[str, str]:
    """A fresh database with the log's tables made by their owner and the app role's grants; its app URL."""
    name = fresh_database(cluster, f"{label}_{time.monotonic_ns()}")
    create_schema(cluster.url(name))
    grant_app_role(cluster.url(name), "timeline_app")
    return name, cluster.app_url(name)


def post_fact(server, token: str, title: str) -> dict:
    body = json.dumps(
        {
            "date": "2024-07-04",
            "title": title,
            "sources": [{"url": f"https://example.org/{title.replace(' ', '-')}"}],
        }
    ).encode()
    request = urllib.request.Request(
        server.url + "api/events",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.loads(response.read())


def titles(server) -> set[str]:
    return {fact["title"] for fact in json.loads(server.get("/api/events?limit=200")[1])["events"]}


def wait_for(predicate, seconds: float) -> float:
    """Seconds until predicate() held; fails after the given seconds."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if predicate():
            return time.monotonic() - began
        time.sleep(0.02)
    raise AssertionError(f"not within {seconds} s")


def test_a_fact_posted_to_one_node_is_on_the_other_s_timeline_and_feed_within_two_seconds(nodes):
    (a, b), token = nodes
    wait_for(lambda: _accepts(a, token), 10)  # the token reached A's read models
    post_fact(a, token, "Ministers meet in Bishkek")
    delay = wait_for(lambda: "Ministers meet in Bishkek" in titles(b), VISIBLE_WITHIN)
    assert b"Ministers meet in Bishkek" in b.get("/feed.atom")[1]
    print(f"visible on the other node after {delay * 1000:.0f} ms")


def test_eight_writers_over_both_nodes_lose_and_duplicate_nothing(nodes):
    (a, b), token = nodes
    wait_for(lambda: _accepts(a, token) and _accepts(b, token), 10)
    posted, errors = [], []

    def writer(number: int) -> None:
        server = (a, b)[number % 2]
        for i in range(5):
            try:
                posted.append(post_fact(server, token, f"Writer {number} fact {i}")["id"])
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))

    run_together(writer, 8)
    assert errors == []
    expected = {f"Writer {n} fact {i}" for n in range(8) for i in range(5)}
    for server in (a, b):
        wait_for(lambda server=server: expected <= titles(server), 5)
        facts = json.loads(server.get("/api/events?limit=200")[1])["events"]
        written = [f["title"] for f in facts if f["title"] in expected]
        assert sorted(written) == sorted(expected)  # each once, on both nodes
    assert len(set(posted)) == 40


def _accepts(server, token: str) -> bool:
    """Whether the node's read models know the token yet (a write with it is not refused as unknown)."""
    request = urllib.request.Request(
        server.url + "api/events",
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as error:
        return error.code != 401
    return True


def test_two_nodes_polling_one_feed_at_once_record_each_item_once(cluster, tmp_path):
    """The lease lives in PostgreSQL, so of two nodes' polls of one feed one runs and the other is busy;
    a poll's items and its FeedPolled go in as one transaction; the other node, its read models behind,
    projects the log before it judges what is new, so polling again appends nothing."""
    from events.log.clock import FixedClock
    from tests.feed_server import FeedServer
    from tests.test_ingest import NOW, ingestor, make_config

    name, url = shared_log(cluster, "ingest")
    with FeedServer() as server:
        server.serve_file("/rss", "ingest/sco_news.rss", etag='"v1"')
        nodes = [Timeline.open(tmp_path / f"{node}.db", FixedClock(NOW), log_url=url) for node in "ab"]
        config = make_config(tmp_path / "a.db", server, {"steppe": "/rss"})
        reports = []
        run_together(
            lambda n: reports.append(
                ingestor(nodes[n], config, FixedClock(NOW), holder=f"node-{n}:1").poll(config.feeds[0])
            ),
            2,
        )
        ran = [r for r in reports if not r.busy]
        assert len(ran) >= 1 and all(not r.errors for r in ran)
        after_first = nodes[0].store.last_position()
        kinds = [e.type for e in nodes[0].store.read()]
        assert kinds.count("FeedPolled") == len(ran)
        assert kinds.count("ArticleIngested") == ran[0].kept  # each item once, whichever node polled
        again = ingestor(nodes[1], config, FixedClock(NOW), holder="node-1:1").poll(config.feeds[0])
        assert not again.busy and again.kept == 0
        assert [e.type for e in nodes[1].store.read(after=after_first)] == ["FeedPolled"]
        counts = nodes[0].store.poll_counts()  # /metrics' polls by feed and outcome, from the shared log
        assert {feed for feed, _ in counts} == {"steppe"} and sum(counts.values()) == len(ran) + 1
        assert counts.get(("steppe", "ok"), 0) >= 1 and set(dict(counts)) <= {
            ("steppe", "ok"),
            ("steppe", "not_modified"),
        }
        for node in nodes:
            node.close()


def test_export_from_one_backend_and_import_into_the_other_give_the_same_log_byte_for_byte(cluster, tmp_path):
    """SQLite -> PostgreSQL -> SQLite: every export is the same bytes, hashes included, and each
    imported copy projects to the same timeline."""
    import io

    from events.admin.backup import export_to, import_from
    from tests.test_timeline_service import build_history, projection_dump

    name, url = shared_log(cluster, "export")
    original = Timeline.open(tmp_path / "original.db")
    build_history(original)
    first = io.StringIO()
    count = export_to(original.store, first)
    shared = Timeline.open(tmp_path / "node.db", log_url=url)
    assert import_from(shared.store, io.StringIO(first.getvalue())) == count
    second = io.StringIO()
    export_to(shared.store, second)
    assert second.getvalue() == first.getvalue()
    back = Timeline.open(tmp_path / "back.db")
    import_from(back.store, io.StringIO(second.getvalue()))
    third = io.StringIO()
    export_to(back.store, third)
    assert third.getvalue() == first.getvalue()
    facts = "SELECT fact_id, title, version, retracted FROM facts ORDER BY fact_id"
    assert shared.conn.execute(facts).fetchall() == original.conn.execute(facts).fetchall()
    assert projection_dump(back.conn) == projection_dump(original.conn)
    with pytest.raises(Exception, match="empty"):  # a second import is refused, and changes nothing
        import_from(shared.store, io.StringIO(first.getvalue()))
    assert shared.store.last_position() == count
    for timeline in (original, shared, back):
        timeline.close()


def test_an_import_into_postgresql_that_fails_midway_leaves_the_log_empty(cluster, tmp_path):
    import io

    from events.admin.backup import export_to, import_from
    from events.log.errors import ImportRefused
    from tests.test_timeline_service import build_history

    name, url = shared_log(cluster, "badimport")
    original = Timeline.open(tmp_path / "original.db")
    build_history(original)
    out = io.StringIO()
    export_to(original.store, out)
    lines = out.getvalue().splitlines(keepends=True)
    record = json.loads(lines[-3])
    record["payload"]["title"] = "Edited after export"
    lines[-3] = json.dumps(record) + "\n"
    shared = Timeline.open(tmp_path / "node.db", log_url=url)
    with pytest.raises(ImportRefused, match="does not follow"):
        import_from(shared.store, io.StringIO("".join(lines)))
    assert shared.store.last_position() == 0 and shared.store.is_empty()
    for timeline in (original, shared):
        timeline.close()


def test_restarting_postgresql_mid_load_answers_503_then_resumes_losing_no_acknowledged_write(
    cluster, tmp_path
):
    """Writes while the log's server is down are refused with a 503 problem (Retry-After), pages keep
    answering from the node's read models, and once it is back writes go on; every fact answered 201
    is in the log, once."""
    name, url = shared_log(cluster, "restart")
    (tmp_path / "a").mkdir()
    node = start_server(tmp_path / "a", tmp_path / "a" / "read.db", database_settings=f'url = "{url}"')
    issuer = Timeline.open(tmp_path / "issuer.db", log_url=url)
    token = issue_token(issuer.store, "ann")
    try:
        wait_for(lambda: _accepts(node, token), 10)
        acknowledged, refused = [], []

        def write(label: str) -> None:
            try:
                acknowledged.append(post_fact(node, token, label)["id"])
            except urllib.error.HTTPError as error:
                assert error.code == 503, error.read()
                assert (
                    error.headers["Retry-After"]
                    and "could not be reached" in json.loads(error.read())["error"]
                )
                refused.append(label)

        for i in range(5):
            write(f"Before the restart {i}")
        cluster.shut_down()
        for i in range(3):
            write(f"While it is down {i}")
        assert node.get("/")[0] == 200  # reads come from the node's own read models
        cluster.start_again()
        began = time.monotonic()
        while len(acknowledged) < 6:  # a client retrying on 503, as Retry-After asks (sooner, here)
            write("After the restart")
            assert time.monotonic() - began < 20, "writes did not resume within 20 s"
        resumed = time.monotonic() - began
        for i in range(4):
            write(f"After the restart {i}")
        assert len(acknowledged) == 10 and all(
            label.startswith("While") or label == "After the restart" for label in refused
        )
        print(f"writes resumed {resumed:.1f} s after the server was back")
        recorded = [
            e.stream_id
            for e in issuer.store.read()
            if e.type == "FactRecorded" and e.payload["origin"] != "seed"
        ]
        assert sorted(recorded) == sorted(acknowledged)
        wait_for(lambda: "After the restart 3" in titles(node), VISIBLE_WITHIN)
    finally:
        issuer.close()
        stop_server(node)


def test_a_node_killed_mid_poll_loses_nothing_and_another_node_takes_over_its_feed(cluster, tmp_path):
    """SIGKILL `timeline ingest` on node A at random moments of its poll; node B then polls the same
    feed: its lease (held by a dead process) is taken over, and every article is in the shared log
    once, with its facts: a poll is one PostgreSQL transaction, so a killed one left nothing."""
    import collections
    import random
    import signal

    from tests.feed_server import FeedServer, Route
    from tests.test_crash import ITEMS, big_feed, start_ingest

    _, url = shared_log(cluster, "killed")
    rng = random.Random(20261206)
    with FeedServer() as server:
        server.routes["/feed"] = Route(body=big_feed(ITEMS))
        configs = {}
        for node in "ab":
            configs[node] = tmp_path / f"{node}.toml"
            configs[node].write_text(
                f'[database]\npath = "{tmp_path / node}.db"\nurl = "{url}"\n'
                f'[[feeds]]\nname = "crash"\nurl = "{server.url("/feed")}"\n',
                encoding="utf-8",
            )
        kills, mid_poll = 0, 0
        while mid_poll < 2 and kills < 8:
            process = start_ingest(configs["a"])
            began = time.monotonic()  # wait for its poll to start (imports take seconds under load)
            while (
                process.poll() is None
                and not _holds_a_lease(url, process.pid)
                and time.monotonic() - began < 30
            ):
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.4))  # then somewhere in the poll: fetch, items, commit
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(30)
            mid_poll += _holds_a_lease(url, process.pid)
        assert mid_poll >= 1, "no kill landed while node A held the feed's lease"
        final = start_ingest(configs["b"])
        assert final.wait(120) == 0, final.stderr.read().decode()
    reader = Timeline.open(tmp_path / "reader.db", log_url=url)
    try:
        events = list(reader.store.read())
        counts = collections.Counter(e.payload["key"] for e in events if e.type == "ArticleIngested")
        assert len(counts) == ITEMS and set(counts.values()) == {1}
        with_facts = {
            e.payload.get("article") for e in events if e.type in ("FactRecorded", "FactSourceAdded")
        }
        assert {e.stream_id for e in events if e.type == "ArticleIngested"} <= with_facts
    finally:
        reader.close()
    print(f"{kills} kills of node A, {mid_poll} while it held the lease; node B recorded the feed once")


def _holds_a_lease(url: str, pid: int) -> bool:
    """Whether a process left a lease behind in the shared log's database (it was killed mid-poll)."""
    import psycopg

    with psycopg.connect(url) as conn:
        holders = [row[0] for row in conn.execute("SELECT holder FROM feed_leases")]
    return any(holder.endswith(f":{pid}") for holder in holders)


def test_verify_finds_an_edit_of_the_shared_log_and_a_disabled_guard(cluster, tmp_path):
    """timeline verify on a node of a PostgreSQL log: the chain, positions, versions and payloads in
    the shared log, its refusing triggers, and the node's read models against a rebuild."""
    import psycopg

    from events.admin.verify import verify
    from events.log.chain import head_text, parse_head
    from tests.test_timeline_service import build_history

    name, url = shared_log(cluster, "verify")
    node = Timeline.open(tmp_path / "node.db", log_url=url)
    try:
        build_history(node)
        assert verify(node.store) == []
        kept = parse_head(head_text(*node.store.head()))
        with psycopg.connect(cluster.url(name), autocommit=True) as owner:  # the owner, set on rewriting
            owner.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
            owner.execute('UPDATE events SET metadata = \'{"actor":"someone else"}\' WHERE position = 5')
            problems = verify(node.store, head=kept)
            assert "trigger events_refuse_update_delete is disabled: the log can be rewritten" in problems
            assert any(p.startswith("position 5: hash does not follow") for p in problems)
            owner.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
    finally:
        node.close()


def test_postgres_setup_makes_the_log_s_tables_and_grants_the_app_role_reading_and_appending(
    cluster, tmp_path
):
    from click.testing import CliRunner

    from timeline.cli import cli

    name = fresh_database(cluster, f"setup_{time.monotonic_ns()}")
    result = CliRunner().invoke(cli, ["postgres-setup", cluster.url(name), "--app-role", "timeline_app"])
    assert result.exit_code == 0, result.output
    assert "timeline_app may read and append" in result.output
    node = Timeline.open(tmp_path / "node.db", log_url=cluster.app_url(name))
    try:
        assert (
            node.record_fact({"date": "2024-07-04", "title": "Set up", "sources": []}, actor="t").version == 1
        )
    finally:
        node.close()
    refused = CliRunner().invoke(cli, ["postgres-setup", cluster.url("no_such_database")])
    assert refused.exit_code == 1 and "could not make the log's tables" in refused.output


def test_metrics_of_a_node_report_the_shared_log_and_keep_answering_while_it_is_down(cluster, tmp_path):
    name, url = shared_log(cluster, "metrics")
    (tmp_path / "a").mkdir()
    node = start_server(tmp_path / "a", tmp_path / "a" / "read.db", database_settings=f'url = "{url}"')
    try:
        status, body = node.get("/metrics")
        text = body.decode()
        size = re.search(r"^timeline_log_bytes (\S+)$", text, re.MULTILINE)
        assert status == 200 and size and float(size.group(1)) > 0
        assert re.search(r"^timeline_log_position [1-9]", text, re.MULTILINE)  # the seeds, in the shared log
        cluster.shut_down()
        try:
            status, body = node.get("/metrics")  # the request counters still come; the log's figures cannot
            assert status == 200 and "timeline_http_requests_total" in body.decode()
        finally:
            cluster.start_again()
    finally:
        stop_server(node)
