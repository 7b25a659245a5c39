"""The `timeline` command: one-line errors on stderr, never a traceback."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

import click

from events.admin.backup import export_to, import_from
from events.log.errors import TimelineError
from events.read import projections
from events.service import Timeline
from timeline.config import ENV_VAR, Config, ConfigError, load_config
from timeline.db import open_timeline


def _fail_cleanly(command):
    """Turn known errors into `Error: <one line>` and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (TimelineError, ConfigError, OSError) as error:
            raise click.ClickException(
                str(error).splitlines()[0] if str(error) else type(error).__name__
            ) from None
        except sqlite3.Error as error:  # not a database, damaged, unreadable, read-only...
            raise click.ClickException(f"database error: {error}") from None
        except UnicodeDecodeError as error:  # an input file that is not UTF-8
            raise click.ClickException(
                f"not UTF-8 text: byte {error.object[error.start]:#04x} at offset {error.start}"
            ) from None

    return wrapper


class _UsageInOneLine(click.ClickException):
    exit_code = 2  # Click's own status for usage errors


class _OneLineUsageErrors(click.Group):
    """Usage errors (a missing option, an unknown command) in one line too, with where to look.

    Click prints them as usage, a hint and the error over four lines; scripts
    and people reading a cron mail get one `Error: ...` line like every other error.
    """

    def make_context(self, *args, **kwargs):
        with _in_one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _in_one_line():
            return super().invoke(ctx)


# Click 8.2+ shows a group's help for no arguments by raising this UsageError; 8.1 has no such class.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


@contextlib.contextmanager
def _in_one_line():
    try:
        yield
    except _NO_ARGS_IS_HELP:
        raise  # `timeline` alone shows the help
    except click.UsageError as error:
        where = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
        raise _UsageInOneLine(error.format_message().rstrip(".") + where) from None


@click.group(cls=_OneLineUsageErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    envvar="TIMELINE_CONFIG",
    help="Config file (default: config.toml beside the code, or $TIMELINE_CONFIG).",
)
@click.pass_context
def cli(ctx: click.Context, config_file: str | None) -> None:
    """SCO Timeline: an event-sourced, auditable timeline of the Shanghai Cooperation Organization."""
    ctx.obj = {"config_file": config_file}


def _config(ctx: click.Context) -> Config:
    if "config" not in ctx.obj:
        try:
            ctx.obj["config"] = load_config(ctx.obj["config_file"])
        except ConfigError as error:
            raise click.ClickException(str(error)) from None
    return ctx.obj["config"]


def _open(ctx: click.Context, *, existing: bool = False) -> Timeline:
    """The configured database; existing=True for commands that only read or redo what is there.

    Those refuse a missing file: a mistyped [database] path made `verify` say
    "ok: 0 events" and `export` write an empty backup with exit 0, creating
    the file on the way (found in review).
    """
    path = _config(ctx).database_path
    if existing and not Path(path).exists():
        raise click.ClickException(
            f"no database at {path}: check [database] path, or run 'timeline init' first"
        )
    timeline = open_timeline(_config(ctx))
    ctx.call_on_close(timeline.close)
    return timeline


@cli.command()
@click.pass_context
@_fail_cleanly
def init(ctx: click.Context) -> None:
    """Create the database if missing and append the seed facts (twice adds nothing)."""
    timeline = _open(ctx)
    added = timeline.init()
    click.echo(f"database: {_config(ctx).database_path}")
    click.echo(f"seed facts added: {added}; log position: {timeline.store.last_position()}")


@cli.command("postgres-setup")
@click.argument("owner_url")
@click.option(
    "--app-role", help="The role [database] url connects as: granted INSERT and SELECT on the log only."
)
@_fail_cleanly
def postgres_setup(owner_url: str, app_role: str | None) -> None:
    """Make the shared log's tables in PostgreSQL as their owner (OWNER_URL), once, and grant the app role."""
    from events.log.postgres import create_schema, grant_app_role

    create_schema(owner_url)
    if app_role:
        grant_app_role(owner_url, app_role)
    granted = f"; {app_role} may read and append, nothing else" if app_role else ""
    click.echo(f"the log's tables are ready{granted}")


@cli.command()
@click.pass_context
@_fail_cleanly
def rebuild(ctx: click.Context) -> None:
    """Drop every projection and rebuild it from the log."""
    timeline = _open(ctx, existing=True)
    total = timeline.store.last_position()
    with click.progressbar(length=total, label="rebuilding", file=sys.stderr) as bar:
        position = projections.rebuild(timeline.store, progress=bar.update)
    click.echo(f"rebuilt projections up to position {position}")


@cli.command("export")
@click.argument("file", default="-", type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
@_fail_cleanly
def export_command(ctx: click.Context, file: str) -> None:
    """Write the whole log as JSON Lines in position order (FILE, or - for stdout)."""
    timeline = _open(ctx, existing=True)
    if file == "-":
        count = export_to(timeline.store, sys.stdout)
    else:
        count = _export_to_file(timeline, Path(file), Path(_config(ctx).database_path))
    click.echo(f"exported {count} events", err=True)


def _export_to_file(timeline: Timeline, target: Path, database: Path) -> int:
    """Write a new file next to the target, then rename it over: a failed export keeps the old backup.

    Opening the target for writing first truncated it, so `timeline export
    var/timeline.db` (a typo for a backup) emptied the database itself before
    reading it: the whole log was gone (found in review). The database and its
    WAL files are refused.
    """
    resolved, db = target.resolve(), database.resolve()
    if resolved in {db, *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}:
        raise click.ClickException(f"{target} is the database itself: export to another file")
    with tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        newline="\n",
        dir=resolved.parent,
        prefix=f".{resolved.name}.",
        suffix=".partial",
        delete=False,
    ) as out:
        try:
            count = export_to(timeline.store, out)
            out.flush()
            os.fsync(out.fileno())
        except BaseException:
            out.close()
            os.unlink(out.name)
            raise
    os.replace(out.name, resolved)
    return count


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
@_fail_cleanly
def import_command(ctx: click.Context, file: str) -> None:
    """Load an export into an empty database and rebuild the projections."""
    timeline = _open(ctx)
    if file == "-":
        count = import_from(timeline.store, sys.stdin)
    else:
        with open(file, encoding="utf-8") as lines:
            count = import_from(timeline.store, lines)  # projected too, in the same transaction
    click.echo(f"imported {count} events")


@cli.command()
@click.option("--date", required=True, help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--end-date", help="End of a span, same formats.")
@click.option("--title", required=True)
@click.option("--summary", default="")
@click.option("--tag", "tags", multiple=True, help="Repeatable.")
@click.option("--source", "sources", multiple=True, help="Source URL (http or https); repeatable.")
@click.pass_context
@_fail_cleanly
def add(ctx, date, end_date, title, summary, tags, sources) -> None:
    """Record a manual fact and print its id."""
    fields = {
        "date": date,
        "end_date": end_date,
        "title": title,
        "summary": summary,
        "tags": list(tags),
        "sources": [{"url": url} for url in sources],
    }
    fact = _open(ctx).record_fact(fields, actor="cli", origin="manual")
    click.echo(fact.fact_id)


@cli.command()
@click.option("--feed", "feed_names", multiple=True, help="Poll only this feed (by name); repeatable.")
@click.option(
    "--file",
    "feed_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Ingest this saved feed file (RSS or Atom) instead of polling, exactly as a poll of it would.",
)
@click.option("--name", help="With --file: the feed's name (default: the file's name without .xml).")
@click.pass_context
@_fail_cleanly
def ingest(ctx: click.Context, feed_names: tuple[str, ...], feed_file: Path | None, name: str | None) -> None:
    """Poll the configured feeds now and exit (for cron and tests), or ingest a saved feed file."""
    from timeline.ingest.poll import Ingestor

    if feed_file is None and name is not None:
        raise click.UsageError("--name goes with --file")
    if feed_file is not None and feed_names:
        raise click.UsageError("--file and --feed cannot be combined")
    config = _config(ctx)
    feeds, fetch = _ingest_sources(ctx, config, feed_names, feed_file, name)
    ingestor = Ingestor(_open(ctx), config, fetch)
    failed = 0
    for feed in feeds:
        report = ingestor.poll(feed)
        click.echo(report.line())
        failed += bool(report.errors) and not (report.kept or report.updated or report.not_modified)
    if failed and failed == len(feeds):
        click.echo(f"Error: every feed polled failed ({failed}); see the lines above", err=True)
        ctx.exit(2)


def _ingest_sources(ctx: click.Context, config: Config, names: tuple[str, ...], path: Path | None, name):
    """The feeds to poll and the fetch function: the network, or the saved file."""
    if path is not None:
        from timeline.ingest.saved import file_fetcher, saved_feed

        return [saved_feed(path, name)], file_fetcher(path, config.max_body_bytes)
    from timeline.ingest.fetch import Fetcher
    from timeline.ingest.scheduler import fetch_limits

    feeds = _chosen_feeds(config, names)
    fetcher = Fetcher(fetch_limits(config))
    ctx.call_on_close(fetcher.close)
    return feeds, fetcher


def _import_opml(config: Config, opml_file: Path | None, target: Path | None) -> None:
    from timeline.ingest.opml import OpmlError, feeds_in_opml, new_feeds, write_config_with

    if opml_file is None or target is None:
        raise click.UsageError("--import-opml FILE and --write-config NEW.toml go together")
    try:
        found = feeds_in_opml(opml_file)
    except OpmlError as error:
        raise click.ClickException(str(error)) from None
    added = new_feeds(config, found)
    write_config_with(config, added, target)
    for feed in added:
        click.echo(f"added {feed.name}  {feed.url}")
    click.echo(
        f"{len(added)} feed(s) added, {len(found) - len(added)} already configured; wrote {target}:"
        f" use it with --config {target} or {ENV_VAR}={target}"
    )
    click.echo(f"its database: {load_config(target).database_path}")


def _chosen_feeds(config: Config, names: tuple[str, ...]):
    known = {feed.name: feed for feed in config.feeds}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise click.ClickException(f"unknown feed {unknown[0]!r}; configured: {', '.join(known) or 'none'}")
    return [known[name] for name in names] if names else list(config.feeds)


@cli.command()
@click.option(
    "--import-opml",
    "opml_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add the feeds of a feed reader's OPML export (needs --write-config).",
)
@click.option(
    "--write-config",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --import-opml: the new config file to write (the current one plus the new feeds); never overwritten.",
)
@click.pass_context
@_fail_cleanly
def feeds(ctx: click.Context, opml_file: Path | None, target: Path | None) -> None:
    """List every configured feed with its health, or write a config with the feeds of an OPML file added."""
    from events.read.source_feeds import all_feed_status, last_poll

    config = _config(ctx)
    if opml_file is not None or target is not None:
        return _import_opml(config, opml_file, target)
    conn = _open(ctx, existing=True).conn
    status = all_feed_status(conn)
    for feed in config.feeds:
        s = status.get(feed.name)
        click.echo(f"{feed.name}  {feed.url}  every {config.feed_interval(feed)} min")
        if s is None:
            click.echo("    never polled")
            continue
        health = "ok" if s.error_streak == 0 else f"failing ({s.error_streak} in a row)"
        last = last_poll(conn, feed.name)
        click.echo(
            f"    {health}; last poll {s.last_poll or '-'}; last success {s.last_success or '-'};"
            f" next poll {s.next_poll or '-'}; {_last_poll_text(last, s.error_streak)};"
            f" articles recorded {s.items_kept}"
        )
        if s.last_error:
            click.echo(f"    last error: {s.last_error}")
        if last and last.problems:  # entries dropped, a malformed document partly read...
            click.echo(f"    last poll's problems: {'; '.join(last.problems)}")
        if s.moved_to and s.url == feed.url:  # a URL changed in config.toml since is polled afresh
            click.echo(f"    moved permanently to {s.moved_to} (update config.toml)")


@cli.command()
@click.pass_context
@_fail_cleanly
def retag(ctx: click.Context) -> None:
    """Replay every stored article through the current tagging rules; record what changed."""
    from timeline.ingest.retag import retag_articles

    changed = retag_articles(_open(ctx, existing=True), _config(ctx))
    click.echo(f"articles whose relevance changed: {changed}")


@cli.command()
@click.option("--host", help="Interface to listen on (default: server.host in the config).")
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port (default: server.port; 0 picks a free one)."
)
@click.pass_context
@_fail_cleanly
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Create and seed the database if missing, serve the timeline (waitress) and poll the feeds."""
    from timeline.ingest.scheduler import start_with_server
    from timeline.server import serve as run_server

    run_server(_config(ctx), host, port, echo=click.echo, on_start=start_with_server)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--published", required=True, help="Publication date of the article, YYYY-MM-DD.")
@click.option("--title", default=None, help="Headline (default: the first line of the file).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of facts.")
@_fail_cleanly
def extract(file: str, published: str, title: str | None, as_json: bool) -> None:
    """Print the dated facts an article's text states (for editors and evaluation)."""
    import datetime as dt

    from events.pipeline.extract import extract_facts, facts_as_json, format_facts

    try:
        day = dt.date.fromisoformat(published)
    except ValueError:
        raise click.BadParameter(
            f"{published!r} is not a date: use YYYY-MM-DD", param_hint="--published"
        ) from None
    text = click.open_file(file, encoding="utf-8").read()
    headline = (
        title if title is not None else next((line.strip() for line in text.splitlines() if line.strip()), "")
    )
    facts = extract_facts(headline, text, day)
    if as_json:
        click.echo(json.dumps(facts_as_json(facts), ensure_ascii=False, indent=2))
    else:
        click.echo(format_facts(facts))


@cli.command()
@click.pass_context
@_fail_cleanly
def reextract(ctx: click.Context) -> None:
    """Re-run extraction over stored articles; record new facts and withdraw ones no longer found."""
    from timeline.ingest.reextract import reextract_articles

    click.echo(reextract_articles(_open(ctx, existing=True)).line())


def _head_option(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, bytes] | None:
    from events.log.chain import parse_head

    try:
        return None if value is None else parse_head(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command()
@click.option(
    "--head",
    metavar="POSITION:HASH",
    callback=_head_option,
    help="A head printed earlier by `timeline head`: the log must still reach it, unchanged.",
)
@click.pass_context
@_fail_cleanly
def verify(ctx: click.Context, head: tuple[int, bytes] | None) -> None:
    """Check the log (guard triggers, hash chain, no gaps, consecutive versions, valid payloads) and projections against a rebuild."""
    from events.admin.verify import verify as verify_log

    timeline = _open(ctx, existing=True)
    problems = verify_log(timeline.store, head=head)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    reached = f", reaching the head kept at {head[0]}" if head else ""
    click.echo(
        f"ok: {timeline.store.last_position()} events, hash chain whole{reached}, projections equal to a rebuild"
    )


@cli.command()
@click.pass_context
@_fail_cleanly
def head(ctx: click.Context) -> None:
    """Print the log's last position and its hash (POSITION:HASH): keep it elsewhere, check with verify --head."""
    from events.log.chain import head_text

    timeline = _open(ctx, existing=True)
    click.echo(head_text(*timeline.store.head()))


@cli.group()
def token() -> None:
    """Editor tokens: create, list, revoke (issuing and revoking are events in the log)."""


@token.command("create")
@click.argument("name")
@click.pass_context
@_fail_cleanly
def token_create(ctx: click.Context, name: str) -> None:
    """Print a new token for editor NAME, once; only its scrypt hash is stored."""
    from events.domain.token import issue_token

    timeline = _open(ctx)
    secret = issue_token(timeline.store, name)
    timeline.catch_up()
    click.echo(secret)
    click.echo(f"token for {name!r} created; it is shown only now", err=True)


@token.command("list")
@click.pass_context
@_fail_cleanly
def token_list(ctx: click.Context) -> None:
    """Every token name with when it was issued and revoked."""
    from events.domain.token import list_tokens

    for info in list_tokens(_open(ctx, existing=True).conn):
        state = "active" if info.active else f"revoked {info.revoked_at}"
        click.echo(f"{info.name}  issued {info.issued_at}  {state}")


@token.command("revoke")
@click.argument("name")
@click.pass_context
@_fail_cleanly
def token_revoke(ctx: click.Context, name: str) -> None:
    """Revoke editor NAME's active token."""
    from events.domain.token import revoke_token

    timeline = _open(ctx, existing=True)
    revoke_token(timeline.store, name)
    timeline.catch_up()
    click.echo(f"token {name!r} revoked")


def _last_poll_text(last, error_streak: int) -> str:
    if last is None:
        return "last poll found -"
    if error_streak:
        return "last poll failed"
    if last.not_modified:
        return "last poll found nothing new (not modified)"
    return f"last poll found {last.new} new, {last.kept} kept"


def main() -> None:
    cli(prog_name="timeline")


if __name__ == "__main__":
    main()
