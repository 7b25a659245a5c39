"""The `timeline` command: one-line errors on stderr, never a traceback."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from events import projections
from events.backup import export_to, import_from
from events.errors import TimelineError
from events.service import Timeline
from timeline.config import Config, ConfigError, load_config


def _fail_cleanly(command):
    """Turn known errors into `Error: <one line>` and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (TimelineError, ConfigError, OSError) as error:
            raise click.ClickException(str(error).splitlines()[0] if str(error) else type(error).__name__) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", type=click.Path(dir_okay=False), envvar="TIMELINE_CONFIG",
              help="Config file (default: config.toml beside the code, or $TIMELINE_CONFIG).")  # fmt: skip
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


def _open(ctx: click.Context) -> Timeline:
    timeline = Timeline.open(_config(ctx).database_path)
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


@cli.command()
@click.pass_context
@_fail_cleanly
def rebuild(ctx: click.Context) -> None:
    """Drop every projection and rebuild it from the log."""
    timeline = _open(ctx)
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
    timeline = _open(ctx)
    if file == "-":
        count = export_to(timeline.store, sys.stdout)
    else:
        with open(file, "w", encoding="utf-8", newline="\n") as out:
            count = export_to(timeline.store, out)
    click.echo(f"exported {count} events", err=True)


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
            count = import_from(timeline.store, lines)
    projections.rebuild(timeline.store)
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
    fields = {"date": date, "end_date": end_date, "title": title, "summary": summary, "tags": list(tags),
              "sources": [{"url": url} for url in sources]}  # fmt: skip
    fact = _open(ctx).record_fact(fields, actor="cli", origin="manual")
    click.echo(fact.fact_id)


def main() -> None:
    cli(prog_name="timeline")


if __name__ == "__main__":
    main()
